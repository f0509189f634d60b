//! The CI gate as a pipeline runs it: targets from privpath.toml, suppressions (active,
//! expired, unused), severity overrides, `--fail-on`, several formats written in one
//! run, `privpath init` and the check catalog (`privpath explain` is in explain.rs).

mod common;

use common::{json, privpath, privpath_in, stderr, stdout, ROOT};
use serde_json::Value;
use std::path::{Path, PathBuf};

const TWO_TARGETS: &str = "tests/configs/two-targets.toml";

/// A fresh, empty directory for one test.
fn scratch(name: &str) -> PathBuf {
    common::scratch("gate", name)
}

fn fixture(rel: &str) -> String {
    Path::new(ROOT)
        .join("fixtures")
        .join(rel)
        .display()
        .to_string()
}

/// (target, check, status, suppressed, gates) of every finding that is not a pass.
fn notable(doc: &Value) -> Vec<(String, String, String, bool, bool)> {
    let mut out = Vec::new();
    for t in doc["targets"].as_array().unwrap() {
        for f in t["findings"].as_array().unwrap() {
            // Checks that do not apply (a custom domain's, here) are not notable.
            if f["status"] != "pass" && f["status"] != "skip" {
                out.push((
                    t["name"].as_str().unwrap().to_string(),
                    f["check"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                    !f["suppressed"].is_null(),
                    f["gates"].as_bool().unwrap(),
                ));
            }
        }
    }
    out
}

fn states(doc: &Value) -> Vec<String> {
    doc["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap().to_string())
        .collect()
}

fn row(
    t: &str,
    c: &str,
    s: &str,
    suppressed: bool,
    gates: bool,
) -> (String, String, String, bool, bool) {
    (t.into(), c.into(), s.into(), suppressed, gates)
}

#[test]
fn two_targets_a_suppression_and_an_expired_one() {
    let o = privpath(&["check", "--config", TWO_TARGETS, "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    let names: Vec<&str> = doc["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["staging", "prod"], "file order");
    // staging's failure is accepted; prod's acceptance expired, so its failure gates.
    assert_eq!(
        notable(&doc),
        [
            row("staging", "api-key-usage-plan", "fail", true, false),
            row("prod", "ssm-agent-version", "fail", false, true),
        ]
    );
    let staging = &doc["targets"][0]["findings"];
    let accepted = staging
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "api-key-usage-plan")
        .unwrap();
    assert_eq!(
        accepted["suppressed"]["reason"],
        "staging keys are re-enabled by the nightly job (OPS-42)"
    );
    assert_eq!(states(&doc), ["active", "expired", "unused"]);
    assert_eq!(doc["suppressions"][1]["matched"], 1);
    assert_eq!(doc["gate"]["fail_on"], "fail");
    assert_eq!(doc["gate"]["tripped"], 1);
    assert_eq!(doc["gate"]["exit_status"], 1);
    assert_eq!(doc["summary"]["targets"], 2);
    assert_eq!(doc["summary"]["fail"], 2);
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["aws_calls"], 0);
    let summary = stderr(&o);
    let n = privpath_checks::REGISTRY.len();
    // The custom domain's, the transit gateway's and the VPC link's checks skip on both
    // targets.
    let d = privpath_checks::checks::DOMAIN_CHECKS.len()
        + privpath_checks::checks::TRANSIT_CHECKS.len()
        + privpath_checks::checks::VPC_LINK_CHECKS.len();
    assert!(
        summary.contains(&format!(
            "2 target(s), {} checks: {} passed, 2 failed",
            2 * n,
            2 * n - 2 - 2 * d
        )) && summary.contains("gate failed (fail-on fail)"),
        "{summary}"
    );
}

#[test]
fn expired_and_unused_suppressions_alone_gate_only_from_fail_on_warn() {
    let base = [
        "check",
        "--config",
        TWO_TARGETS,
        "--skip",
        "ssm-agent-version",
        "--format",
        "json",
    ];
    let o = privpath(&base);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    // The expired suppression still says so, though nothing matched it this time.
    assert_eq!(states(&doc), ["active", "expired", "unused"]);
    assert_eq!(doc["suppressions"][1]["matched"], 0);

    let warn = privpath(&[&base[..], &["--fail-on", "warn"]].concat());
    assert_eq!(warn.status.code(), Some(1));
    let doc = json(&warn);
    assert_eq!(doc["gate"]["tripped"], 2);
    let gating: Vec<&Value> = doc["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["gates"] == true)
        .map(|s| &s["state"])
        .collect();
    assert_eq!(gating, ["expired", "unused"]);
}

#[test]
fn target_selection_ignores_suppressions_scoped_to_other_targets() {
    let o = privpath(&[
        "check",
        "--config",
        TWO_TARGETS,
        "--target",
        "staging",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(doc["targets"].as_array().unwrap().len(), 1);
    // prod's suppression is not judged; the untargeted one still is.
    assert_eq!(states(&doc), ["active", "unused"]);

    let o = privpath(&["check", "--config", TWO_TARGETS, "--target", "qa"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no target named `qa`") && stderr(&o).contains("staging, prod"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn severity_override_to_low_reports_without_gating() {
    let dir = scratch("severity");
    std::fs::write(
        dir.join("privpath.toml"),
        format!(
            "[targets.prod]\nsnapshot = \"{}\"\n[checks.severity]\nssm-agent-version = \"low\"\n",
            fixture("broken/ssm-agent-too-old.json")
        ),
    )
    .unwrap();
    // No arguments: the config in the working directory names the targets.
    let o = privpath_in(&dir, &["check", "--format", "json", "--fail-on", "unknown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        notable(&doc),
        [row("prod", "ssm-agent-version", "fail", false, false)]
    );
    let f = doc["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "ssm-agent-version")
        .unwrap();
    assert_eq!(f["severity"], "low");
}

#[test]
fn a_target_that_cannot_be_checked_exits_2_and_the_others_are_still_reported() {
    let dir = scratch("target-error");
    std::fs::write(
        dir.join("privpath.toml"),
        format!(
            "[targets.good]\nsnapshot = \"{}\"\n[targets.gone]\nsnapshot = \"missing.json\"\n",
            fixture("seed/healthy.json")
        ),
    )
    .unwrap();
    let o = privpath_in(&dir, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        doc["targets"][0]["summary"]["pass"],
        privpath_checks::REGISTRY.len()
            - privpath_checks::checks::DOMAIN_CHECKS.len()
            - privpath_checks::checks::TRANSIT_CHECKS.len()
            - privpath_checks::checks::VPC_LINK_CHECKS.len()
    );
    assert!(doc["targets"][1]["error"]
        .as_str()
        .unwrap()
        .contains("cannot read snapshot"));
    assert_eq!(doc["gate"]["exit_status"], 2);
    assert!(
        stderr(&o).contains("privpath: error: target gone: cannot read snapshot"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn nothing_to_check_and_bad_configs_are_one_line_errors() {
    let dir = scratch("nothing");
    let o = privpath_in(&dir, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("privpath init"), "{}", stderr(&o));

    std::fs::write(
        dir.join("bad.toml"),
        "[[suppress]]\ncheck = \"peering-active\"\n",
    )
    .unwrap();
    let o = privpath_in(&dir, &["check", "--config", "bad.toml"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("bad.toml: [[suppress]] at line 1: `reason` is required"),
        "{err}"
    );

    let o = privpath_in(&dir, &["check", "--config", "absent.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("cannot read absent.toml"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn init_writes_a_starter_that_privpath_reads_and_never_overwrites_silently() {
    let dir = scratch("init");
    let o = privpath_in(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let text = std::fs::read_to_string(dir.join("privpath.toml")).unwrap();
    assert!(
        text.contains("[targets.orders-prod]") && text.contains("[[suppress]]"),
        "{text}"
    );
    // The starter is a valid config: its gate applies to a snapshot checked beside it.
    let o = privpath_in(
        &dir,
        &["check", "--snapshot", &fixture("seed/healthy.json"), "-q"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(
        stdout(&o).starts_with("Target a1b2c3d4e5:"),
        "{}",
        stdout(&o)
    );

    std::fs::write(dir.join("privpath.toml"), "# mine\n").unwrap();
    let o = privpath_in(&dir, &["init"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("privpath.toml")).unwrap(),
        "# mine\n"
    );
    let o = privpath_in(&dir, &["init", "--force"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(dir.join("privpath.toml")).unwrap(),
        text
    );
}

#[test]
fn one_run_writes_every_format_from_the_same_findings() {
    let dir = scratch("formats");
    let out = |name: &str| dir.join(name).display().to_string();
    let o = privpath(&[
        "check",
        "--config",
        TWO_TARGETS,
        "--format",
        "json",
        "--output",
        &out("r.json"),
        "--format",
        "junit",
        "--output",
        &out("r.xml"),
        "--format",
        "sarif",
        "--output",
        &out("r.sarif"),
        "--format",
        "markdown",
        "--output",
        &out("r.md"),
        "--format",
        "table",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let table = stdout(&o);
    assert!(
        table.contains("Target staging:") && table.contains("EXPIRED"),
        "{table}"
    );

    let doc: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    let junit = std::fs::read_to_string(dir.join("r.xml")).unwrap();
    let sarif: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("r.sarif")).unwrap()).unwrap();
    let md = std::fs::read_to_string(dir.join("r.md")).unwrap();

    // JUnit: a case per check and target plus one per suppression; the failures are
    // exactly what gates.
    let n = privpath_checks::REGISTRY.len();
    assert!(
        junit.contains(&format!(
            "<testsuites name=\"privpath\" tests=\"{}\" failures=\"1\" errors=\"0\"",
            2 * n + 3
        )),
        "{junit}"
    );
    assert!(junit.contains("<testcase name=\"ssm-agent-version\" classname=\"privpath.prod\">\n      <failure type=\"fail\""), "{junit}");
    assert!(junit.contains("<skipped message=\"suppressed: staging keys are re-enabled by the nightly job (OPS-42)\"/>"), "{junit}");

    // SARIF: a result per finding that is not a pass; the accepted one carries its
    // suppression, the expired and unused suppressions are configuration notifications.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let ids: Vec<(&str, &str, bool)> = results
        .iter()
        .map(|r| {
            (
                r["ruleId"].as_str().unwrap(),
                r["level"].as_str().unwrap(),
                r.get("suppressions").is_some(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("api-key-usage-plan", "error", true),
            ("ssm-agent-version", "error", false)
        ]
    );
    let loc = &results[1]["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        TWO_TARGETS
    );
    assert_eq!(
        loc["physicalLocation"]["region"]["startLine"], 8,
        "the line of [targets.prod]"
    );
    assert_eq!(loc["logicalLocations"][0]["name"], "i-0c11e000000000001");
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap()
            .len(),
        n
    );
    let notes = sarif["runs"][0]["invocations"][0]["toolConfigurationNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert!(notes[0]["message"]["text"]
        .as_str()
        .unwrap()
        .contains("expired on 2020-01-01"));

    // Markdown: the verdict, a row per target, the gating failure's fix.
    assert!(
        md.starts_with("## privpath: ❌ gate failed (fail-on fail)"),
        "{md}"
    );
    assert!(
        md.contains("| staging |") && md.contains("| prod |"),
        "{md}"
    );
    assert!(
        md.contains("aws ssm send-command --document-name AWS-UpdateSSMAgent"),
        "{md}"
    );

    // The same numbers in every format.
    assert_eq!(doc["summary"]["fail"], 2);
    assert_eq!(doc["gate"]["tripped"], 1);
}

#[test]
fn outputs_must_pair_with_formats() {
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--format",
        "json",
        "--format",
        "sarif",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("only one --format can go to stdout"),
        "{}",
        stderr(&o)
    );
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--output",
        "a",
        "--output",
        "b",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("give a --format for each --output"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn check_catalog_is_generated_from_the_metadata() {
    let o = privpath(&["checks", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0));
    let committed =
        std::fs::read_to_string(Path::new(ROOT).join("docs/checks.md")).unwrap_or_default();
    assert!(
        stdout(&o) == committed,
        "docs/checks.md is stale: run `cargo run -- checks --format markdown > docs/checks.md`"
    );
    for c in privpath_checks::REGISTRY {
        assert!(
            committed.contains(&format!("\n## {}\n", c.meta.id)),
            "{}",
            c.meta.id
        );
        assert!(committed.contains(c.meta.fix), "{}", c.meta.id);
    }
}

/// privpath.toml's `domain` and `base-path` reach the checks: a base path the domain does
/// not map fails `domain-base-path`, naming the mappings it has.
#[test]
fn config_domain_and_base_path_are_the_targets() {
    let dir = scratch("domain");
    std::fs::write(
        dir.join("privpath.toml"),
        format!(
            "[targets.orders]\nsnapshot = \"{}\"\ndomain = \"orders.internal.example.com\"\nbase-path = \"billing\"\n",
            fixture("domain/healthy.json")
        ),
    )
    .unwrap();
    let o = privpath_in(&dir, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        notable(&doc),
        [row("orders", "domain-base-path", "fail", false, true)]
    );
    let f = doc["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "domain-base-path")
        .unwrap();
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("no mapping for base path /billing"),
        "{f}"
    );
}
