//! Table-driven tests of the resource-policy evaluator: each condition operator (and
//! its IfExists / ForAnyValue / ForAllValues forms), wildcards, explicit deny,
//! NotAction / NotResource / NotPrincipal, the execute-api shorthand, policies as API
//! Gateway and IAM encode them, and the cases it must refuse to guess.

use privpath_checks::policy::decode_document;
use privpath_checks::policy_eval::{
    evaluate, glob, grants, Grant, KeyValue, Principal, Request, ResourceSpec, Verdict,
};
use serde_json::{json, Value};

const API_ARN: &str = "arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5";
const VPCE: &str = "vpce-0e9a0000000000001";
const VPC: &str = "vpc-0b0b0000000000002";

/// The client's request through the endpoint: anonymous, POST /items on prod.
fn request() -> Request {
    let present = |v: &str| KeyValue::Present(vec![v.to_string()]);
    Request {
        principal: Principal::Anonymous,
        action: "execute-api:Invoke".into(),
        resource: ResourceSpec::Arn {
            arn: format!("{API_ARN}/prod/POST/items"),
            shorthand_base: Some(API_ARN.into()),
        },
        keys: vec![
            ("aws:sourcevpce".into(), present(VPCE)),
            ("aws:sourcevpc".into(), present(VPC)),
            ("aws:vpcsourceip".into(), present("10.0.1.10")),
            ("aws:sourceip".into(), KeyValue::Absent),
            ("aws:securetransport".into(), present("true")),
            (
                "test:tags".into(),
                KeyValue::Present(vec!["blue".into(), "green".into()]),
            ),
        ],
    }
}

/// One Allow statement for everything with `condition`.
fn allow_if(condition: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
        "Resource": "execute-api:/*", "Condition": condition}]})
}

#[derive(Debug, PartialEq)]
enum Want {
    Allow,
    Deny,
    Implicit,
    Unknown,
}

fn verdict_of(doc: &Value, req: &Request) -> Want {
    match evaluate(doc, req).verdict {
        Verdict::Allowed { .. } => Want::Allow,
        Verdict::ExplicitDeny { .. } => Want::Deny,
        Verdict::ImplicitDeny => Want::Implicit,
        Verdict::Unknown { .. } => Want::Unknown,
    }
}

#[test]
fn condition_operators() {
    use Want::*;
    let cases: Vec<(&str, Value, Want)> = vec![
        (
            "StringEquals match",
            json!({"StringEquals": {"aws:SourceVpce": VPCE}}),
            Allow,
        ),
        (
            "StringEquals other value",
            json!({"StringEquals": {"aws:SourceVpce": "vpce-other"}}),
            Implicit,
        ),
        (
            "StringEquals any of a list",
            json!({"StringEquals": {"aws:SourceVpce": ["vpce-other", VPCE]}}),
            Allow,
        ),
        (
            "keys are case-insensitive",
            json!({"StringEquals": {"AWS:SOURCEVPCE": VPCE}}),
            Allow,
        ),
        (
            "values are case-sensitive",
            json!({"StringEquals": {"aws:SourceVpce": VPCE.to_uppercase()}}),
            Implicit,
        ),
        (
            "StringEqualsIgnoreCase",
            json!({"StringEqualsIgnoreCase": {"aws:SourceVpce": VPCE.to_uppercase()}}),
            Allow,
        ),
        (
            "StringNotEquals other value",
            json!({"StringNotEquals": {"aws:SourceVpc": "vpc-other"}}),
            Allow,
        ),
        (
            "StringNotEquals same value",
            json!({"StringNotEquals": {"aws:SourceVpc": VPC}}),
            Implicit,
        ),
        (
            "StringNotEqualsIgnoreCase",
            json!({"StringNotEqualsIgnoreCase": {"aws:SourceVpc": VPC.to_uppercase()}}),
            Implicit,
        ),
        (
            "StringLike with *",
            json!({"StringLike": {"aws:SourceVpce": "vpce-0e9a*"}}),
            Allow,
        ),
        (
            "StringLike with ?",
            json!({"StringLike": {"aws:SourceVpc": "vpc-0b0b000000000000?"}}),
            Allow,
        ),
        (
            "StringLike no match",
            json!({"StringLike": {"aws:SourceVpce": "vpce-1*"}}),
            Implicit,
        ),
        (
            "StringNotLike",
            json!({"StringNotLike": {"aws:SourceVpce": "vpce-1*"}}),
            Allow,
        ),
        (
            "StringNotLike matching",
            json!({"StringNotLike": {"aws:SourceVpce": "vpce-0*"}}),
            Implicit,
        ),
        (
            "IpAddress in range",
            json!({"IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"}}),
            Allow,
        ),
        (
            "IpAddress bare address",
            json!({"IpAddress": {"aws:VpcSourceIp": "10.0.1.10"}}),
            Allow,
        ),
        (
            "IpAddress out of range",
            json!({"IpAddress": {"aws:VpcSourceIp": "10.9.0.0/16"}}),
            Implicit,
        ),
        (
            "NotIpAddress out of range",
            json!({"NotIpAddress": {"aws:VpcSourceIp": "10.9.0.0/16"}}),
            Allow,
        ),
        (
            "NotIpAddress in range",
            json!({"NotIpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}),
            Implicit,
        ),
        (
            "IpAddress on aws:SourceIp, absent through an endpoint",
            json!({"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            Implicit,
        ),
        (
            "NotIpAddress on an absent key is true",
            json!({"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}),
            Allow,
        ),
        (
            "Bool true",
            json!({"Bool": {"aws:SecureTransport": "true"}}),
            Allow,
        ),
        (
            "Bool as JSON boolean",
            json!({"Bool": {"aws:SecureTransport": true}}),
            Allow,
        ),
        (
            "Bool false",
            json!({"Bool": {"aws:SecureTransport": "false"}}),
            Implicit,
        ),
        (
            "Null false on a present key",
            json!({"Null": {"aws:SourceVpce": "false"}}),
            Allow,
        ),
        (
            "Null true on a present key",
            json!({"Null": {"aws:SourceVpce": "true"}}),
            Implicit,
        ),
        (
            "Null true on an absent key",
            json!({"Null": {"aws:SourceIp": "true"}}),
            Allow,
        ),
        (
            "IfExists on an absent key",
            json!({"IpAddressIfExists": {"aws:SourceIp": "192.0.2.0/24"}}),
            Allow,
        ),
        (
            "IfExists on a present key still compares",
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-other"}}),
            Implicit,
        ),
        (
            "ForAnyValue one matches",
            json!({"ForAnyValue:StringEquals": {"test:tags": ["green", "red"]}}),
            Allow,
        ),
        (
            "ForAnyValue none matches",
            json!({"ForAnyValue:StringEquals": {"test:tags": ["red"]}}),
            Implicit,
        ),
        (
            "ForAnyValue on an absent key",
            json!({"ForAnyValue:StringEquals": {"aws:SourceIp": ["x"]}}),
            Implicit,
        ),
        (
            "ForAllValues all match",
            json!({"ForAllValues:StringLike": {"test:tags": ["blue", "gr*"]}}),
            Allow,
        ),
        (
            "ForAllValues one does not",
            json!({"ForAllValues:StringEquals": {"test:tags": ["blue"]}}),
            Implicit,
        ),
        (
            "ForAllValues on an absent key",
            json!({"ForAllValues:StringEquals": {"aws:SourceIp": ["x"]}}),
            Allow,
        ),
        (
            "two keys are ANDed",
            json!({"StringEquals": {"aws:SourceVpce": VPCE, "aws:SourceVpc": "vpc-other"}}),
            Implicit,
        ),
        (
            "two operators are ANDed",
            json!({"StringEquals": {"aws:SourceVpce": VPCE}, "IpAddress": {"aws:VpcSourceIp": "10.0.1.0/24"}}),
            Allow,
        ),
        (
            "unknown operator",
            json!({"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}),
            Unknown,
        ),
        (
            "unknown key",
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-123"}}),
            Unknown,
        ),
        (
            "policy variable",
            json!({"StringEquals": {"aws:SourceVpce": "${aws:username}"}}),
            Unknown,
        ),
        (
            "a false condition decides even beside an unknown one",
            json!({"StringEquals": {"aws:SourceVpce": "vpce-other", "aws:PrincipalOrgID": "o-1"}}),
            Implicit,
        ),
    ];
    let req = request();
    let mut wrong = Vec::new();
    for (name, condition, want) in cases {
        let got = verdict_of(&allow_if(condition), &req);
        if got != want {
            wrong.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn actions_resources_principals_and_effects() {
    use Want::*;
    let st = |extra: Value| {
        let mut s = json!({"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"});
        for (k, v) in extra.as_object().unwrap() {
            if v.is_null() {
                s.as_object_mut().unwrap().remove(k);
            } else {
                s[k] = v.clone();
            }
        }
        json!({"Statement": [s]})
    };
    let cases: Vec<(&str, Value, Want)> = vec![
        ("the seed's statement", st(json!({})), Allow),
        (
            "Action wildcard",
            st(json!({"Action": "execute-api:*"})),
            Allow,
        ),
        ("Action *", st(json!({"Action": "*"})), Allow),
        (
            "Action is case-insensitive",
            st(json!({"Action": "EXECUTE-API:invoke"})),
            Allow,
        ),
        (
            "Action for another service",
            st(json!({"Action": "lambda:InvokeFunction"})),
            Implicit,
        ),
        (
            "NotAction excluding another action",
            st(json!({"Action": null, "NotAction": "execute-api:ManageConnections"})),
            Allow,
        ),
        (
            "NotAction excluding Invoke",
            st(json!({"Action": null, "NotAction": "execute-api:Inv*"})),
            Implicit,
        ),
        (
            "full ARN resource",
            st(json!({"Resource": format!("{API_ARN}/*")})),
            Allow,
        ),
        (
            "ARN with wildcards in stage and method",
            st(json!({"Resource": format!("{API_ARN}/*/POST/items")})),
            Allow,
        ),
        (
            "shorthand for the exact method",
            st(json!({"Resource": "execute-api:/prod/POST/items"})),
            Allow,
        ),
        (
            "shorthand for another stage",
            st(json!({"Resource": "execute-api:/dev/*"})),
            Implicit,
        ),
        (
            "another API",
            st(json!({"Resource": "arn:aws:execute-api:us-east-1:111122223333:zzzzzzzzzz/*"})),
            Implicit,
        ),
        (
            "another account",
            st(json!({"Resource": "arn:aws:execute-api:us-east-1:444455556666:a1b2c3d4e5/*"})),
            Implicit,
        ),
        (
            "NotResource excluding another path",
            st(json!({"Resource": null, "NotResource": "execute-api:/prod/DELETE/*"})),
            Allow,
        ),
        (
            "NotResource excluding this path",
            st(json!({"Resource": null, "NotResource": "execute-api:/prod/POST/*"})),
            Implicit,
        ),
        (
            "Principal AWS *",
            st(json!({"Principal": {"AWS": "*"}})),
            Allow,
        ),
        (
            "Principal naming an account does not match anonymous",
            st(json!({"Principal": {"AWS": "arn:aws:iam::111122223333:root"}})),
            Implicit,
        ),
        (
            "NotPrincipal naming an account matches anonymous",
            st(
                json!({"Principal": null, "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}}),
            ),
            Allow,
        ),
        ("Effect Deny alone", st(json!({"Effect": "Deny"})), Deny),
        ("no Principal", st(json!({"Principal": null})), Unknown),
    ];
    let req = request();
    let mut wrong = Vec::new();
    for (name, doc, want) in cases {
        let got = verdict_of(&doc, &req);
        if got != want {
            wrong.push(format!("{name}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn explicit_deny_wins_and_the_verdict_names_the_statement() {
    let doc = json!({"Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Sid": "DenyOthers", "Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-other"}}}
    ]});
    assert_eq!(
        evaluate(&doc, &request()).verdict,
        Verdict::ExplicitDeny {
            by: "statement \"DenyOthers\"".into()
        }
    );
    // The documented pattern: deny all but this endpoint — lets it through.
    let doc = json!({"Statement": [
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": VPCE}}}
    ]});
    assert_eq!(
        evaluate(&doc, &request()).verdict,
        Verdict::Allowed {
            by: "statement \"AllowAll\"".into()
        }
    );
    // A Deny privpath cannot evaluate makes an Allow uncertain.
    let doc = json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*",
         "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}
    ]});
    assert!(matches!(
        evaluate(&doc, &request()).verdict,
        Verdict::Unknown { .. }
    ));
}

#[test]
fn implicit_deny_explains_each_allow() {
    let doc = allow_if(json!({"StringEquals": {"aws:SourceVpc": "vpc-0a11ce00000000001"}}));
    let eval = evaluate(&doc, &request());
    assert_eq!(eval.verdict, Verdict::ImplicitDeny);
    let misses = eval.allow_misses().join("\n");
    assert!(misses.contains("statement 1"), "{misses}");
    assert!(
        misses.contains("vpc-0a11ce00000000001") && misses.contains(VPC),
        "{misses}"
    );
}

#[test]
fn policies_as_aws_encodes_them() {
    let doc = allow_if(json!({"StringEquals": {"aws:SourceVpce": VPCE}}));
    let text = doc.to_string();
    let escaped = text.replace('"', "\\\"");
    let url = text
        .replace('{', "%7B")
        .replace('}', "%7D")
        .replace('"', "%22")
        .replace(':', "%3A")
        .replace('/', "%2F")
        .replace('$', "%24");
    for raw in [json!(text), json!(escaped), json!(url), doc.clone()] {
        let decoded = decode_document(&raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(verdict_of(&decoded, &request()), Want::Allow, "{raw}");
    }
}

#[test]
fn a_service_principal_for_lambda_permissions() {
    let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
        "Action": "lambda:InvokeFunction", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:w",
        "Condition": {"ArnLike": {"AWS:SourceArn": format!("{API_ARN}/*/POST/items")}}}]});
    let req = |source: &str, principal: &str| Request {
        principal: Principal::Service(principal.into()),
        action: "lambda:InvokeFunction".into(),
        resource: ResourceSpec::Arn {
            arn: "arn:aws:lambda:us-east-1:111122223333:function:w".into(),
            shorthand_base: None,
        },
        keys: vec![(
            "aws:sourcearn".into(),
            KeyValue::Present(vec![source.into()]),
        )],
    };
    assert_eq!(
        verdict_of(
            &doc,
            &req(
                &format!("{API_ARN}/prod/POST/items"),
                "apigateway.amazonaws.com"
            )
        ),
        Want::Allow
    );
    assert_eq!(
        verdict_of(
            &doc,
            &req(
                &format!("{API_ARN}/prod/GET/items"),
                "apigateway.amazonaws.com"
            )
        ),
        Want::Implicit
    );
    assert_eq!(
        verdict_of(
            &doc,
            &req(
                &format!("{API_ARN}/prod/POST/items"),
                "events.amazonaws.com"
            )
        ),
        Want::Implicit
    );
}

#[test]
fn grants_across_a_roles_policies() {
    let core = json!({"Statement": [{"Effect": "Allow", "Action": ["ssm:UpdateInstanceInformation", "ssmmessages:*"], "Resource": "*"}]});
    let scoped = json!({"Statement": [{"Effect": "Allow", "Action": "ssm:UpdateInstanceInformation", "Resource": "arn:aws:ec2:*:*:instance/i-1"}]});
    let conditional = json!({"Statement": [{"Effect": "Allow", "Action": "ssm:*", "Resource": "*", "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}}]});
    let deny =
        json!({"Statement": [{"Effect": "Deny", "Action": "ssmmessages:*", "Resource": "*"}]});
    let p = |name: &str, doc: &Value| (name.to_string(), doc.clone());
    assert_eq!(
        grants(&[p("core", &core)], "ssmmessages:OpenDataChannel"),
        Grant::Granted("core".into())
    );
    assert_eq!(
        grants(&[p("scoped", &scoped)], "ssm:UpdateInstanceInformation"),
        Grant::NotGranted
    );
    assert!(matches!(
        grants(&[p("c", &conditional)], "ssm:UpdateInstanceInformation"),
        Grant::Unknown(..)
    ));
    assert_eq!(
        grants(
            &[p("core", &core), p("deny", &deny)],
            "ssmmessages:OpenDataChannel"
        ),
        Grant::Denied("deny".into())
    );
    assert_eq!(
        grants(&[], "ssm:UpdateInstanceInformation"),
        Grant::NotGranted
    );
}

#[test]
fn glob_matches_like_iam() {
    let cases = [
        ("*", "anything", true),
        ("", "", true),
        ("a*c", "abbbc", true),
        ("a*c", "abbb", false),
        ("a?c", "abc", true),
        ("a?c", "ac", false),
        ("*/POST/*", "api/prod/POST/items", true),
        ("vpce-*", "vpc-1", false),
        ("**", "", true),
    ];
    for (pattern, text, want) in cases {
        assert_eq!(glob(pattern, text), want, "{pattern} vs {text}");
    }
}
