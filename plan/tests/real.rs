//! Real `terraform show -json` outputs other projects committed as test data (see
//! fixtures/plan/real/SOURCES.md for where each comes from and its licence): the reader
//! takes every one, across format_version 0.1 to 1.2, without error, and no secret of
//! theirs reaches the snapshot.

use privpath_plan::{overlay, Options, Plan};
use std::path::{Path, PathBuf};

fn real_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/plan/real")
}

fn read(name: &str) -> Plan {
    let bytes = std::fs::read(real_dir().join(name)).unwrap();
    Plan::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn every_real_plan_reads_and_overlays() {
    let mut seen = 0;
    for entry in std::fs::read_dir(real_dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if !name.ends_with(".json") {
            continue;
        }
        seen += 1;
        let mut plan = read(&name);
        assert!(!plan.resources.is_empty(), "{name}: no resource read");
        let out = overlay(
            &mut plan,
            None,
            &Options {
                default_region: Some("us-east-1".into()),
            },
        )
        .unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = out.snapshot.to_json_pretty();
        assert!(
            !text.contains("foobarbaz"),
            "{name}: a password reached the snapshot"
        );
        // And the snapshot it makes loads as any snapshot does.
        privpath_checks::Snapshot::from_slice(text.as_bytes())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    assert_eq!(seen, 6);
}

#[test]
fn format_versions_and_shapes_of_each_era() {
    // 0.1 (Terraform 0.12): short provider names, references without attributes.
    let p = read("tf0.12-sg-rule-fv0.1.json");
    assert_eq!(p.doc.format_version, "0.1");
    assert!(p
        .resources
        .iter()
        .any(|r| r.rtype == "aws_security_group_rule"));
    // 1.0: modules with count, sensitive outputs.
    let p = read("tf1.1-modules-outputs-fv1.0.json");
    assert_eq!(p.doc.format_version, "1.0");
    // 1.2: a module with count holding a nested module.
    let p = read("tf1.14-module-count-lambda-fv1.2.json");
    assert_eq!(p.doc.format_version, "1.2");
    let perm = p
        .resources
        .iter()
        .find(|r| r.rtype == "aws_lambda_permission")
        .unwrap();
    assert_eq!(perm.module, "module.outer[0]");
    assert!(p.config_of(perm).is_some(), "joined to its configuration");
    // 1.1: create, delete, no-op and update, and drift.
    let p = read("tf1.2-s3-actions-drift-fv1.1.json");
    assert_eq!(p.doc.format_version, "1.1");
    assert!(p
        .resources
        .iter()
        .any(|r| r.action == privpath_checks::planned::PlannedAction::Delete));
}

#[test]
fn the_rds_password_never_enters_the_model() {
    let p = read("tf1.2-rds-sensitive-fv1.1.json");
    for r in &p.resources {
        assert!(!r.after.to_string().contains("foobarbaz"), "{}", r.address);
        assert!(!r.before.to_string().contains("foobarbaz"), "{}", r.address);
    }
}
