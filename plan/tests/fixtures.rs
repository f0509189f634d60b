//! Every plan under `fixtures/plan/` (written by fixtures/plan/generate.py), overlaid on
//! its base snapshot (or checked by itself), produces exactly the statuses
//! `fixtures/plan/expected.json` lists: the named checks have the named status, every
//! other check — the plan-only ones included — passes.

use privpath_checks::plan_checks::PLAN_REGISTRY;
use privpath_checks::{
    evaluate, Finding, ResolvedPath, Selection, Snapshot, SnapshotIndex, Status, Target, REGISTRY,
};
use privpath_plan::{overlay, Options, Overlaid, Plan};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn expectations() -> BTreeMap<String, Value> {
    let text = std::fs::read_to_string(fixtures_dir().join("plan/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn load(rel: &str) -> Overlaid {
    let expected = expectations();
    let base = expected[rel]["base"].as_str().map(|b| {
        let bytes = std::fs::read(fixtures_dir().join(b)).unwrap();
        Snapshot::from_slice(&bytes).unwrap()
    });
    let bytes = std::fs::read(fixtures_dir().join(rel)).unwrap();
    let mut plan = Plan::parse(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    overlay(&mut plan, base, &Options::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn findings_of(o: &Overlaid, target: &Target) -> Vec<Finding> {
    let index = SnapshotIndex::build(&o.snapshot);
    let mut path = ResolvedPath::resolve(&index, target).unwrap_or_else(|e| panic!("{e}"));
    path.plan = Some(&o.context);
    evaluate(&path, &Selection::default())
}

fn findings(rel: &str) -> Vec<Finding> {
    findings_of(&load(rel), &Target::default())
}

fn parse_status(s: &str) -> Status {
    *Status::ALL.iter().find(|x| x.as_str() == s).unwrap()
}

#[test]
fn every_plan_fixture_produces_exactly_its_expected_statuses() {
    let expected = expectations();
    assert!(expected.len() >= 10, "{} plan fixtures", expected.len());
    let mut wrong = Vec::new();
    for (rel, e) in &expected {
        let got = findings(rel);
        let all = REGISTRY.len() + PLAN_REGISTRY.len();
        assert_eq!(
            got.len(),
            all,
            "{rel}: every check, the plan-only ones too, reports once"
        );
        for f in &got {
            let want = e["statuses"]
                .get(f.check)
                .and_then(Value::as_str)
                .map_or(Status::Pass, parse_status);
            if f.status != want {
                wrong.push(format!(
                    "{rel}: {} is {}, expected {want}: {}",
                    f.check, f.status, f.message
                ));
            }
            if matches!(f.status, Status::Fail | Status::Warn) {
                assert!(
                    f.remediation.is_some(),
                    "{rel}: {} {} without a fix",
                    f.check,
                    f.status
                );
            }
        }
        for check in e["statuses"].as_object().unwrap().keys() {
            assert!(
                got.iter().any(|f| f.check == check),
                "{rel}: expected.json names unknown check {check}"
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_plan_fixture_file_has_an_expectation() {
    let expected = expectations();
    for entry in std::fs::read_dir(fixtures_dir().join("plan")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".json") && name != "expected.json" {
            assert!(
                expected.contains_key(&format!("plan/{name}")),
                "plan/{name} is not in expected.json"
            );
        }
    }
}

/// Each plan-only check has a fixture that fails it (the redeployment check warns: the
/// path still works, with the old methods).
#[test]
fn every_plan_check_has_a_fixture_that_breaks_it() {
    let expected = expectations();
    for check in PLAN_REGISTRY {
        let worst = if check.meta.id == "plan-redeployment-trigger" {
            "warn"
        } else {
            "fail"
        };
        assert!(
            expected
                .values()
                .any(|e| e["statuses"].get(check.meta.id).and_then(Value::as_str) == Some(worst)),
            "no plan fixture makes {} {worst}",
            check.meta.id
        );
    }
}

/// The plan that builds the seed from nothing gives the applied seed's verdicts, except
/// what only the apply can tell — listed here, each naming what it waits for.
#[test]
fn the_healthy_plan_alone_gives_the_seeds_verdicts() {
    let bytes = std::fs::read(fixtures_dir().join("seed/healthy.json")).unwrap();
    let seed = Snapshot::from_slice(&bytes).unwrap();
    let index = SnapshotIndex::build(&seed);
    let path = ResolvedPath::resolve(&index, &Target::default()).unwrap();
    let seed_findings = evaluate(&path, &Selection::default());
    let planned = findings("plan/healthy.json");
    let unknown_until_apply: &[(&str, &str)] = &[
        (
            "ssm-agent-version",
            "aws_instance.client: its SSM Agent version and ping status",
        ),
        (
            "lambda-invoke-permission",
            "aws_lambda_permission.apigateway.source_arn",
        ),
    ];
    for s in &seed_findings {
        let p = planned.iter().find(|f| f.check == s.check).unwrap();
        match unknown_until_apply.iter().find(|(c, _)| *c == s.check) {
            Some((_, what)) => {
                assert_eq!(p.status, Status::Unknown, "{}: {}", p.check, p.message);
                assert!(
                    p.message.contains(what),
                    "{}: {what:?} not in {}",
                    p.check,
                    p.message
                );
                assert!(
                    p.message.contains("known only after the apply"),
                    "{}",
                    p.message
                );
            }
            None => assert_eq!(
                p.status, s.status,
                "{}: {} vs the seed's {}",
                p.check, p.message, s.message
            ),
        }
    }
    for f in planned.iter().filter(|f| f.check.starts_with("plan-")) {
        assert_eq!(f.status, Status::Pass, "{}: {}", f.check, f.message);
    }
}

/// Findings name planned resources by address: placeholders carry it, real ids are
/// listed with it.
#[test]
fn findings_name_terraform_addresses() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("plan/deployment-before-policy.json", "plan-deployment-after-policy", &[
            "aws_api_gateway_deployment.orders is created and does not depend on aws_api_gateway_rest_api_policy.orders",
            "Private REST API doesn't have a resource policy attached to it",
            "depends_on = [aws_api_gateway_rest_api_policy.orders]",
        ]),
        ("plan/peering-auto-accept-cross-account.json", "plan-peering-accepter", &[
            "aws_vpc_peering_connection.client_to_service sets auto_accept = true, but its peer is account 111122223333",
            "aws_vpc_peering_connection_accepter.service",
        ]),
        ("plan/seed-ssm-endpoint-replaced-create-before-destroy.json", "plan-endpoint-dns-replacement", &[
            "aws_vpc_endpoint.ssm (com.amazonaws.us-east-1.ssm) is replaced create-before-destroy",
            "vpce-055a0000000000001 still holds the name",
            "create_before_destroy",
        ]),
        ("plan/seed-integration-without-redeployment.json", "plan-redeployment-trigger", &[
            "aws_api_gateway_integration.post_items (updated in place)",
            "aws_api_gateway_deployment.orders (d3pl0y)",
            "it has no triggers",
            "triggers = { redeployment = sha1(jsonencode([aws_api_gateway_integration.post_items])) }",
        ]),
        ("plan/seed-delete-client-route.json", "route-client-to-endpoint", &[
            "rtb-0a00000000000001a",
            "in the plan: aws_route.client_to_service (rtb-0a00000000000001a, destroyed)",
        ]),
        ("plan/modules-count.json", "sg-endpoint-ingress", &[
            "module.client[0].aws_instance.client.private_ip is known only after the apply",
        ]),
        ("plan/healthy.json", "api-policy-allows-endpoint", &["vpce-(aws_vpc_endpoint.execute_api)"]),
    ];
    for (rel, check, needles) in cases {
        let f = findings(rel)
            .into_iter()
            .find(|f| f.check == *check)
            .unwrap();
        let text = format!(
            "{}\n{}",
            f.message,
            f.remediation.clone().unwrap_or_default()
        );
        for needle in *needles {
            assert!(
                text.contains(needle),
                "{rel} {check}: {needle:?} not in\n{text}"
            );
        }
    }
    let route = findings("plan/seed-delete-client-route.json")
        .into_iter()
        .find(|f| f.check == "route-client-to-endpoint")
        .unwrap();
    assert!(
        route
            .addresses
            .contains(&"aws_route.client_to_service".to_string()),
        "{route:?}"
    );
}

/// The plan's secrets — a Lambda environment, a database password, instance user data,
/// an API key's value — never reach the snapshot nor a finding.
#[test]
fn secrets_in_the_plan_stay_there() {
    for rel in [
        "plan/healthy.json",
        "plan/modules-count.json",
        "plan/peering-auto-accept-cross-account.json",
    ] {
        let raw = std::fs::read_to_string(fixtures_dir().join(rel)).unwrap();
        assert!(raw.contains("s3cr3t-lambda-env-value") && raw.contains("hunter2-db-password"));
        let o = load(rel);
        let text = o.snapshot.to_json_pretty();
        let found = format!("{:?}", findings_of(&o, &Target::default()));
        for secret in [
            "s3cr3t-lambda-env-value",
            "hunter2-db-password",
            "c3VwZXItc2VjcmV0LWJvb3RzdHJhcA==",
        ] {
            assert!(!text.contains(secret), "{rel}: {secret} in the snapshot");
            assert!(!found.contains(secret), "{rel}: {secret} in a finding");
        }
    }
}

/// A target may name a Terraform address as well as an id.
#[test]
fn a_target_may_name_an_address() {
    let o = load("plan/healthy.json");
    let api = o
        .context
        .id_of("aws_api_gateway_rest_api.orders")
        .unwrap()
        .to_string();
    let instance = o.context.id_of("aws_instance.client").unwrap().to_string();
    assert_eq!(api, "(aws_api_gateway_rest_api.orders)");
    assert_eq!(instance, "i-(aws_instance.client)");
    let target = Target {
        api_id: Some(api),
        instance_id: Some(instance),
        ..Target::default()
    };
    assert_eq!(
        findings_of(&o, &target).len(),
        REGISTRY.len() + PLAN_REGISTRY.len()
    );
}
