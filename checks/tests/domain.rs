//! Which domain, mapping and API a target with a custom domain name resolves to, and how
//! the domain's policy is evaluated, on the domain seed (`fixtures/domain/healthy.json`).

use privpath_checks::{evaluate, ResolveError, ResolvedPath, Selection, Snapshot, Status, Target};
use std::path::Path;

fn snapshot(rel: &str) -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures")
        .join(rel);
    Snapshot::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn status(s: &Snapshot, target: &Target, check: &str) -> (Status, String) {
    let ix = privpath_checks::SnapshotIndex::build(s);
    let path = ResolvedPath::resolve(&ix, target).unwrap();
    let selection = Selection {
        only: vec![check.to_string()],
        skip: vec![],
    };
    let f = evaluate(&path, &selection).pop().unwrap();
    (f.status, f.message)
}

#[test]
fn the_mapping_gives_the_api_and_stage_and_the_url_the_base_path() {
    let s = snapshot("domain/healthy.json");
    let target = Target {
        domain_name: Some("Orders.Internal.Example.com.".into()),
        base_path: Some("/orders/".into()),
        ..Target::default()
    };
    let ix = privpath_checks::SnapshotIndex::build(&s);
    let path = ResolvedPath::resolve(&ix, &target).unwrap();
    assert_eq!(path.api.id, "a1b2c3d4e5");
    assert_eq!(path.method.stage_name(), Some("prod"));
    let d = path.domain.as_ref().unwrap();
    assert_eq!(d.name, "orders.internal.example.com");
    assert_eq!(d.url_base_path(), "orders");
}

#[test]
fn an_unmapped_base_path_fails_domain_base_path_only() {
    let s = snapshot("domain/healthy.json");
    let target = Target {
        base_path: Some("billing".into()),
        ..Target::default()
    };
    let (st, msg) = status(&s, &target, "domain-base-path");
    assert_eq!(st, Status::Fail, "{msg}");
    assert!(msg.contains("no mapping for base path /billing"), "{msg}");
    assert!(msg.contains("/orders → a1b2c3d4e5/prod"), "{msg}");
    assert_eq!(status(&s, &target, "domain-dns").0, Status::Pass);
}

#[test]
fn a_domain_the_snapshot_lacks_fails_domain_private_and_skips_the_rest() {
    let s = snapshot("domain/healthy.json");
    let target = Target {
        domain_name: Some("billing.internal.example.com".into()),
        ..Target::default()
    };
    let (st, msg) = status(&s, &target, "domain-private");
    assert_eq!(st, Status::Fail);
    assert!(
        msg.contains("holds no custom domain name billing.internal.example.com"),
        "{msg}"
    );
    assert!(
        msg.contains("orders.internal.example.com+abcd1234 (PRIVATE)"),
        "{msg}"
    );
    assert_eq!(
        status(&s, &target, "domain-policy-allows-endpoint").0,
        Status::Skip
    );
    // The zone covers internal.example.com but holds no record for billing.…
    assert_eq!(status(&s, &target, "domain-dns").0, Status::Fail);
}

#[test]
fn two_private_domains_need_a_name() {
    let mut s = snapshot("domain/healthy.json");
    let scope = &mut s.scopes[0];
    let mut other = scope.domain_names.as_ref().unwrap()[0].clone();
    other.domain_name = "billing.internal.example.com".into();
    scope.domain_names.as_mut().unwrap().push(other);
    let ix = privpath_checks::SnapshotIndex::build(&s);
    let err = ResolvedPath::resolve(&ix, &Target::default())
        .err()
        .expect("ambiguous");
    assert!(matches!(
        err,
        ResolveError::AmbiguousDomain { count: 2, .. }
    ));
    assert!(err.to_string().contains("--domain-name"));
}

#[test]
fn the_domain_policy_shorthand_covers_the_domain_itself() {
    // `execute-api:/*` (the tutorial's policy) allows the domain; a Resource for
    // another domain does not.
    let s = snapshot("domain/healthy.json");
    assert_eq!(
        status(&s, &Target::default(), "domain-policy-allows-endpoint").0,
        Status::Pass
    );
    let mut other = s.clone();
    let d = &mut other.scopes[0].domain_names.as_mut().unwrap()[0];
    d.policy = Some(
        serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "execute-api:Invoke",
        "Resource": "arn:aws:execute-api:us-east-1:111122223333:/domainnames/billing.internal.example.com+abcd1234"}]}),
    );
    let (st, msg) = status(&other, &Target::default(), "domain-policy-allows-endpoint");
    assert_eq!(st, Status::Fail, "{msg}");
    assert!(msg.contains("no statement"), "{msg}");
}
