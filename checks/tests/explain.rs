//! `privpath explain`'s knowledge: the error texts engineers paste map to the checks
//! that explain them.

use privpath_checks::explain::{diagnose, SYMPTOMS};
use privpath_checks::find_check;

fn ids(text: &str) -> Vec<&'static str> {
    diagnose(text).iter().map(|s| s.id).collect()
}

fn checks_for(text: &str) -> Vec<&'static str> {
    diagnose(text)
        .iter()
        .flat_map(|s| s.checks.iter().copied())
        .collect()
}

#[test]
fn every_named_check_exists_and_every_symptom_names_one() {
    for s in SYMPTOMS {
        assert!(!s.checks.is_empty(), "{} names no check", s.id);
        for id in s.checks {
            assert!(
                find_check(id).is_some(),
                "{} names unknown check {id}",
                s.id
            );
        }
    }
}

#[test]
fn deploy_without_resource_policy() {
    let text = "An error occurred (BadRequestException) when calling the CreateDeployment \
                operation: Private REST API doesn't have a resource policy attached to it";
    assert_eq!(ids(text), ["no-resource-policy"]);
    assert_eq!(checks_for(text)[0], "api-resource-policy");
    // Typographic apostrophe, as pasted from a console or a chat.
    assert_eq!(
        ids("Private REST API doesn\u{2019}t have a resource policy attached to it"),
        ["no-resource-policy"]
    );
}

#[test]
fn forbidden_body() {
    assert_eq!(ids(r#"{"message":"Forbidden"}"#), ["forbidden"]);
    assert_eq!(ids(r#"{ "message" : "Forbidden" }"#), ["forbidden"]);
    let checks = checks_for(r#"{"message":"Forbidden"}"#);
    assert_eq!(checks[0], "api-policy-allows-endpoint");
    assert!(checks.contains(&"dns-resolution"));
    assert!(checks.contains(&"api-key-usage-plan"));
}

#[test]
fn anonymous_denied_hides_the_generic_forbidden() {
    let text = r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:eu-west-1:111122223333:a1b2c3/prod/POST/orders with an explicit deny"}"#;
    assert_eq!(ids(text), ["anonymous-not-authorized"]);
}

#[test]
fn lambda_invoke_permission() {
    let text =
        "Execution failed due to configuration error: Invalid permissions on Lambda function";
    assert_eq!(ids(text), ["lambda-permission"]);
    assert_eq!(checks_for(text), ["lambda-invoke-permission"]);
}

#[test]
fn session_manager_target_not_connected() {
    let text = "An error occurred (TargetNotConnected) when calling the StartSession operation: \
                i-0abc123 is not connected.";
    assert_eq!(ids(text), ["target-not-connected"]);
    assert_eq!(
        checks_for(text),
        ["ssm-agent-version", "ssm-instance-role", "ssm-endpoints"]
    );
}

#[test]
fn curl_timeout() {
    for text in [
        "curl: (28) Failed to connect to vpce-0a1b-xyz.execute-api.eu-west-1.vpce.amazonaws.com port 443 after 130002 ms: Connection timed out",
        "curl: (28) Connection timed out after 10001 milliseconds",
        "curl: (28) Operation timed out after 30000 milliseconds with 0 bytes received",
    ] {
        assert_eq!(ids(text), ["connect-timeout"], "{text}");
    }
    let checks = checks_for("Connection timed out");
    assert_eq!(checks[0], "sg-client-egress");
    assert!(checks.contains(&"nacl-path") && checks.contains(&"peering-active"));
}

#[test]
fn could_not_resolve_host() {
    let text = "curl: (6) Could not resolve host: a1b2c3.execute-api.eu-west-1.amazonaws.com";
    assert_eq!(ids(text), ["could-not-resolve-host"]);
    assert_eq!(checks_for(text)[0], "dns-resolution");
}

#[test]
fn api_gateway_timeout_is_not_a_network_timeout() {
    assert_eq!(
        ids(r#"{"message": "Endpoint request timed out"}"#),
        ["endpoint-request-timeout"]
    );
}

#[test]
fn unrelated_text_matches_nothing() {
    assert!(ids("everything is fine").is_empty());
    assert!(ids("").is_empty());
}
