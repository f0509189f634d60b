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

/// Lambda's own timeout is the database, not the client's network.
#[test]
fn lambda_task_timeout_is_not_a_curl_timeout() {
    for text in [
        "2026-11-24T12:00:03.012Z 8f3c… Task timed out after 3.00 seconds",
        "REPORT RequestId: 8f3c Duration: 3003.52 ms Billed Duration: 3000 ms Memory Size: 128 MB Max Memory Used: 61 MB Status: timeout",
        "task timed out after 29.03 seconds",
    ] {
        assert_eq!(ids(text), ["lambda-task-timed-out"], "{text}");
        assert_eq!(checks_for(text)[0], "lambda-vpc-to-rds");
    }
}

#[test]
fn mysql_driver_errors() {
    for text in [
        "pymysql.err.OperationalError: (2003, \"Can't connect to MySQL server on 'orders.c0abc.eu-west-1.rds.amazonaws.com' (timed out)\")",
        "ERROR 2003 (HY000): Can\u{2019}t connect to MySQL server on 'db' (110)",
        "Error: connect ETIMEDOUT 10.1.20.14:3306",
        "Error: connect ECONNREFUSED 10.1.20.14:3306",
        "(2013, 'Lost connection to MySQL server during query')",
    ] {
        assert_eq!(ids(text), ["mysql-cannot-connect"], "{text}");
        assert_eq!(checks_for(text), ["lambda-vpc-to-rds"]);
    }
}

#[test]
fn postgres_driver_errors() {
    for text in [
        "psycopg2.OperationalError: could not connect to server: Connection timed out\n\tIs the server running on host \"orders.c0abc.rds.amazonaws.com\" (10.1.20.14) and accepting TCP/IP connections on port 5432?",
        "psycopg.OperationalError: connection is bad: connection to server at \"10.1.20.14\", port 5432 failed: timeout expired",
        "Error: connect ECONNREFUSED 10.1.20.14:5432",
        "org.postgresql.util.PSQLException: The connection attempt failed.",
    ] {
        assert_eq!(ids(text), ["postgres-cannot-connect"], "{text}");
        assert_eq!(checks_for(text), ["lambda-vpc-to-rds"]);
    }
}

#[test]
fn usage_plan_throttle_and_quota() {
    for text in [
        r#"{"message":"Too Many Requests"}"#,
        r#"{ "message" : "Limit Exceeded" }"#,
        "< HTTP/2 429\n< x-amzn-errortype: TooManyRequestsException",
        "HTTP/1.1 429 Too Many Requests",
    ] {
        assert_eq!(ids(text), ["usage-plan-throttled"], "{text}");
        assert_eq!(checks_for(text), ["api-key-usage-plan"]);
    }
}

#[test]
fn public_api_forbidden_through_private_dns() {
    for text in [
        "calling our public API from the VPC returns {\"message\":\"Forbidden\"}",
        "403 from a public API since we added the execute-api endpoint",
        "Forbidden when the Lambda calls a REGIONAL API of another team",
        "Forbidden from an edge-optimized API inside the VPC",
    ] {
        assert_eq!(
            ids(text),
            ["public-api-forbidden-through-private-dns"],
            "{text}"
        );
        assert_eq!(checks_for(text)[0], "dns-resolution");
    }
}

#[test]
fn ssm_agent_log_lines() {
    for text in [
        "2026-11-24 12:00:00 ERROR [HealthCheck] error when calling AWS APIs. error details - RequestError: send request failed\ncaused by: Post \"https://ssm.eu-west-1.amazonaws.com/\": dial tcp 52.95.113.9:443: i/o timeout",
        "ERROR [MessageGatewayService] Failed to get controlchannel token, error: CreateControlChannel failed with error: createControlChannel request failed: dial tcp: lookup ssmmessages.eu-west-1.amazonaws.com: i/o timeout",
        "ERROR [MessagingDeliveryService] error when calling AWS APIs. error details - RequestError: send request failed caused by: Post https://ec2messages.eu-west-1.amazonaws.com/: dial tcp 52.95.112.1:443: i/o timeout",
        "post https://ssmmessages.us-east-1.amazonaws.com/v1/control-channel: dial tcp 10.0.1.77:443: connect: connection timed out",
    ] {
        assert_eq!(ids(text), ["ssm-agent-cannot-reach-endpoints"], "{text}");
        assert_eq!(checks_for(text)[0], "ssm-endpoints");
    }
}

/// Through a private custom domain name, the same curl errors point at the domain's
/// checks too: its hosted zone, its certificate, its policy, association and mapping.
#[test]
fn custom_domain_errors_name_the_domain_checks() {
    let resolve = "curl: (6) Could not resolve host: orders.internal.example.com";
    assert_eq!(ids(resolve), ["could-not-resolve-host"]);
    assert!(checks_for(resolve).contains(&"domain-dns"));
    for tls in [
        "curl: (60) SSL: no alternative certificate subject name matches target host name 'orders.internal.example.com'",
        "curl: (51) SSL: certificate subject name (*.example.org) does not match target host name 'orders.internal.example.com'",
    ] {
        assert_eq!(ids(tls), ["tls-name-mismatch"], "{tls}");
        assert!(checks_for(tls).contains(&"domain-private"), "{tls}");
    }
    let forbidden = r#"{"message":"Forbidden"}"#;
    for check in [
        "domain-policy-allows-endpoint",
        "domain-access-association",
        "domain-base-path",
    ] {
        assert!(checks_for(forbidden).contains(&check), "{check}");
    }
}
