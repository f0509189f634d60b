//! Every machine-readable format, for runs that exercise every status, suppressions and
//! a target that could not be checked, validated against its published schema: our
//! JSON against docs/json-schema.json, SARIF against the OASIS 2.1.0 schema (plus what
//! GitHub code scanning requires), JUnit against Surefire's junit-10.xsd. The
//! validators run in the project venv (`scripts/test` prepares it).

mod common;

use common::{python, ROOT};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs the validator; Ok(()) when every file is valid, Err(report) otherwise.
fn validate(kind: &str, files: &[PathBuf]) -> Result<(), String> {
    let out = Command::new(python("the schema validators"))
        .arg(Path::new(ROOT).join("tests/formats/validate.py"))
        .arg(kind)
        .args(files)
        .output()
        .expect("run the validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    match out.status.code() {
        Some(0) => Ok(()),
        Some(1) => Err(text),
        _ => panic!("the {kind} validator could not run:\n{text}"),
    }
}

fn dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("formats")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs privpath once, writing json, junit and sarif; returns the three files.
fn produce(out: &Path, stem: &str, args: &[&str]) -> [PathBuf; 3] {
    let files = ["json", "xml", "sarif"].map(|ext| out.join(format!("{stem}.{ext}")));
    let o = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args(args)
        .args(["-q", "--format", "json", "--output"])
        .arg(&files[0])
        .args(["--format", "junit", "--output"])
        .arg(&files[1])
        .args(["--format", "sarif", "--output"])
        .arg(&files[2])
        .current_dir(ROOT)
        .output()
        .expect("run privpath");
    assert!(
        matches!(o.status.code(), Some(0..=2)) && files.iter().all(|f| f.exists()),
        "{stem}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    files
}

/// Runs that between them produce every status, a suppression in every state, a
/// severity override and a target error.
fn runs(out: &Path) -> Vec<[PathBuf; 3]> {
    let config = out.join("mixed.toml");
    std::fs::write(
        &config,
        format!(
            "[targets.ok]\nsnapshot = \"{root}/fixtures/seed/healthy.json\"\n\
             [targets.unknown]\nsnapshot = \"{root}/fixtures/broken/dns-attributes-denied.json\"\n\
             [targets.gone]\nsnapshot = \"{root}/fixtures/nope.json\"\n\
             [checks.severity]\ndns-resolution = \"low\"\n\
             [[suppress]]\ncheck = \"dns-resolution\"\ntarget = \"unknown\"\nreason = \"a < b & \\\"c\\\"\"\n",
            root = ROOT
        ),
    )
    .unwrap();
    vec![
        produce(
            out,
            "healthy",
            &["check", "--snapshot", "fixtures/seed/healthy.json"],
        ),
        produce(
            out,
            "warn",
            &[
                "check",
                "--snapshot",
                "fixtures/broken/dns-private-dns-on-peered-endpoint.json",
            ],
        ),
        produce(
            out,
            "skip",
            &[
                "check",
                "--snapshot",
                "fixtures/broken/execute-api-endpoint-deleted.json",
            ],
        ),
        produce(
            out,
            "two-targets",
            &["check", "--config", "tests/configs/two-targets.toml"],
        ),
        produce(
            out,
            "mixed",
            &[
                "check",
                "--config",
                config.to_str().unwrap(),
                "--fail-on",
                "unknown",
            ],
        ),
        // An audit: many paths across regions, and the estate findings (their rules
        // are in the SARIF run too).
        produce(
            out,
            "audit",
            &["audit", "--snapshot", "fixtures/estate/two-regions.json"],
        ),
        // After a Terraform plan (path.plan, findings with addresses, the plan-only
        // rules in SARIF, addresses as logical locations): over a snapshot, and alone.
        produce(
            out,
            "plan-over-snapshot",
            &[
                "check",
                "--plan",
                "fixtures/plan/seed-delete-client-route.json",
                "--snapshot",
                "fixtures/seed/healthy.json",
            ],
        ),
        produce(
            out,
            "plan-alone",
            &[
                "check",
                "--plan",
                "fixtures/plan/modules-count.json",
                "--offline",
            ],
        ),
        // Through a private custom domain name (path.domain), broken at its DNS.
        produce(
            out,
            "domain",
            &[
                "check",
                "--snapshot",
                "fixtures/domain/zone-without-record.json",
            ],
        ),
        produce(
            out,
            "audit-cross-account",
            &[
                "check",
                "--snapshot",
                "fixtures/cross/peering-pending-acceptance.json",
            ],
        ),
    ]
}

#[test]
fn every_format_validates_against_its_schema() {
    let out = dir("valid");
    let runs = runs(&out);
    for (i, kind) in ["json", "junit", "sarif"].iter().enumerate() {
        let files: Vec<PathBuf> = runs.iter().map(|r| r[i].clone()).collect();
        if let Err(report) = validate(kind, &files) {
            panic!("{report}");
        }
    }
    // The mixed run really has every state it is meant to exercise.
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&runs[4][0]).unwrap()).unwrap();
    let text = doc.to_string();
    for needle in [
        "\"status\":\"unknown\"",
        "\"severity\":\"low\"",
        "\"error\":\"cannot read snapshot",
        "\"state\":\"active\"",
    ] {
        assert!(text.contains(needle), "{needle} not in the mixed run");
    }
}

#[test]
fn the_validators_reject_broken_documents() {
    let out = dir("broken");
    let [json, junit, sarif] = produce(
        &out,
        "seed",
        &[
            "check",
            "--snapshot",
            "fixtures/broken/peering-missing.json",
        ],
    );
    let edit = |file: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains(from), "{from} not in {}", file.display());
        let bad = file.with_extension(format!(
            "bad.{}",
            file.extension().unwrap().to_str().unwrap()
        ));
        std::fs::write(&bad, text.replacen(from, to, 1)).unwrap();
        bad
    };
    let bad_json = edit(&json, "\"status\": \"fail\"", "\"status\": \"broken\"");
    // The suite's count is required (the run's, on <testsuites>, is not).
    let suite = format!(
        "<testsuite name=\"privpath.a1b2c3d4e5\" tests=\"{}\"",
        privpath_checks::REGISTRY.len()
    );
    let bad_junit = edit(&junit, &suite, "<testsuite name=\"privpath.a1b2c3d4e5\"");
    let bad_sarif = edit(&sarif, "\"version\": \"2.1.0\"", "\"version\": \"2.0.0\"");
    let no_location = edit(&sarif, "\"locations\": [", "\"relatedLocations\": [");
    assert!(validate("json", &[bad_json])
        .unwrap_err()
        .contains("status"));
    assert!(validate("junit", &[bad_junit])
        .unwrap_err()
        .contains("tests"));
    assert!(validate("sarif", &[bad_sarif]).is_err());
    assert!(validate("sarif", &[no_location])
        .unwrap_err()
        .contains("at least one location"));
}
