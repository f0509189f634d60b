//! The `privpath` binary as users run it: exit statuses, output formats, and one clear
//! line for every kind of bad input.

mod common;

use common::{json, privpath, privpath_at_width, stderr, stdout, ROOT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn tmp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

const HEALTHY: &str = "fixtures/seed/healthy.json";

#[test]
fn healthy_seed_passes_every_check_and_prints_the_curl_line() {
    let o = privpath(&["check", "--snapshot", HEALTHY]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // Every check passes but the custom domain's (the seed calls the execute-api name),
    // the transit gateway's (a peering joins the VPCs) and the VPC link's (the backend is
    // Lambda).
    let n = privpath_checks::REGISTRY.len();
    let d = privpath_checks::checks::DOMAIN_CHECKS.len()
        + privpath_checks::checks::TRANSIT_CHECKS.len()
        + privpath_checks::checks::VPC_LINK_CHECKS.len();
    assert!(
        out.contains(&format!(
            "{n} checks: {} passed, 0 failed, 0 warnings, {d} skipped, 0 unknown",
            n - d
        )),
        "{out}"
    );
    // Checks that do not apply are counted, not listed (--details lists them).
    assert!(!out.contains("domain-dns"), "{out}");
    // The working request for the seed's POST, through the endpoint's alias, with the
    // key as a variable (its value is never collected).
    assert!(
        out.contains("curl -sS -X POST 'https://a1b2c3d4e5-vpce-0e9a0000000000001.execute-api.us-east-1.amazonaws.com/prod/items' -H \"x-api-key: $API_KEY\""),
        "{out}"
    );
    assert!(
        !out.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

/// Through a private custom domain name: every check passes, the domain is a hop of the
/// picture, and the request uses the domain and its base path.
#[test]
fn a_path_through_a_custom_domain_reads_the_domain() {
    let o = privpath(&["check", "--snapshot", "fixtures/domain/healthy.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    // Every check passes but the transit gateway's (a peering joins the VPCs) and the
    // VPC link's (the backend is Lambda).
    let n = privpath_checks::REGISTRY.len();
    let t = privpath_checks::checks::TRANSIT_CHECKS.len()
        + privpath_checks::checks::VPC_LINK_CHECKS.len();
    assert!(
        out.contains(&format!("{n} checks: {} passed", n - t)),
        "{out}"
    );
    assert!(out.contains("domain-access-association"), "{out}");
    assert!(
        out.contains("│ ✓ domain    orders.internal.example.com/orders"),
        "{out}"
    );
    assert!(
        out.contains("curl -sS -X POST 'https://orders.internal.example.com/orders/items'"),
        "{out}"
    );
    // --details lists the checks that do not apply, too.
    let o = privpath(&["check", "--snapshot", HEALTHY, "--details"]);
    assert!(stdout(&o).contains("skip    domain-dns"), "{}", stdout(&o));
    // A broken domain names its hop.
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/domain/no-access-association.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(
        out.contains("first broken hop: domain-access-association"),
        "{out}"
    );
    assert!(
        out.contains("✗ domain    orders.internal.example.com/orders  ← domain-access-association"),
        "{out}"
    );
}

#[test]
fn json_report_has_findings_and_summary() {
    let o = privpath(&["check", "--snapshot", HEALTHY, "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let doc = json(&o);
    let findings = doc["targets"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), privpath_checks::REGISTRY.len());
    assert!(doc["targets"][0]["path"]["request"]["curl"]
        .as_str()
        .is_some_and(|c| c.contains("/prod/items")));
    for f in findings {
        for key in [
            "check",
            "status",
            "resources",
            "message",
            "remediation",
            "hop",
            "title",
            "severity",
        ] {
            assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
        }
        let check = f["check"].as_str().unwrap();
        let off_path = privpath_checks::checks::DOMAIN_CHECKS.contains(&check)
            || privpath_checks::checks::TRANSIT_CHECKS.contains(&check)
            || privpath_checks::checks::VPC_LINK_CHECKS.contains(&check);
        assert_eq!(f["status"], if off_path { "skip" } else { "pass" }, "{f}");
    }
    assert_eq!(
        doc["summary"]["pass"],
        privpath_checks::REGISTRY.len()
            - privpath_checks::checks::DOMAIN_CHECKS.len()
            - privpath_checks::checks::TRANSIT_CHECKS.len()
            - privpath_checks::checks::VPC_LINK_CHECKS.len()
    );
    assert_eq!(doc["summary"]["total"], privpath_checks::REGISTRY.len());
    assert_eq!(doc["targets"][0]["path"]["api_id"], "a1b2c3d4e5");
    assert_eq!(
        doc["targets"][0]["path"]["instance_id"],
        "i-0c11e000000000001"
    );
}

/// Every fixture through the binary: exit 1 exactly when a check fails, and the JSON
/// statuses match fixtures/expected.json.
#[test]
fn every_fixture_exits_with_the_right_status() {
    let text = std::fs::read_to_string(Path::new(ROOT).join("fixtures/expected.json")).unwrap();
    let expected: BTreeMap<String, BTreeMap<String, String>> = serde_json::from_str(&text).unwrap();
    for (rel, exceptions) in expected {
        let file = format!("fixtures/{rel}");
        let o = privpath(&["check", "--snapshot", &file, "--format", "json"]);
        let fails = exceptions.values().any(|s| s == "fail");
        assert_eq!(
            o.status.code(),
            Some(if fails { 1 } else { 0 }),
            "{rel}: {}",
            stderr(&o)
        );
        let doc = json(&o);
        for f in doc["targets"][0]["findings"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap();
            let want = exceptions.get(check).map_or("pass", String::as_str);
            assert_eq!(f["status"], want, "{rel}: {check}");
        }
    }
}

#[test]
fn bad_snapshots_exit_2_with_one_line_naming_file_and_problem() {
    let healthy = std::fs::read(Path::new(ROOT).join(HEALTHY)).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.json", Vec::new(), "the file is empty"),
        (
            "truncated.json",
            healthy[..healthy.len() / 2].to_vec(),
            "truncated JSON",
        ),
        ("notjson.json", b"region: us-east-1\n".to_vec(), "not JSON"),
        ("array.json", b"[]".to_vec(), "expected an object"),
        (
            "version.json",
            br#"{"format": 99, "region": "us-east-1"}"#.to_vec(),
            "unsupported snapshot format 99",
        ),
        (
            "noformat.json",
            br#"{"region": "us-east-1"}"#.to_vec(),
            "no `format` field",
        ),
        (
            "badfield.json",
            br#"{"format": 1, "region": "us-east-1", "Instances": [{"InstanceId": 5}]}"#.to_vec(),
            "$.Instances[0].InstanceId",
        ),
        (
            "noinstances.json",
            br#"{"format": 1, "region": "us-east-1"}"#.to_vec(),
            "no Instances array",
        ),
    ];
    for (name, bytes, needle) in cases {
        let path = tmp_file(name, &bytes);
        let o = privpath(&["check", "--snapshot", path.to_str().unwrap()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: one line, got:\n{err}");
        assert!(err.contains(name), "{name}: the file is named in {err:?}");
        assert!(err.contains(needle), "{name}: {needle:?} not in {err:?}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(stdout(&o).is_empty(), "{name}: nothing on stdout");
    }
}

#[test]
fn missing_file_exits_2() {
    let o = privpath(&["check", "--snapshot", "fixtures/no-such-file.json"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("cannot read snapshot fixtures/no-such-file.json"),
        "{err}"
    );
}

#[test]
fn unknown_ids_are_clear_errors_listing_what_exists() {
    let o = privpath(&["check", "--snapshot", HEALTHY, "--api-id", "zzzz"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("REST API zzzz is not in the snapshot")
            && err.contains("a1b2c3d4e5 (PRIVATE)"),
        "{err}"
    );

    let o = privpath(&["check", "--snapshot", HEALTHY, "--instance-id", "i-nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("i-0c11e000000000001"), "{}", stderr(&o));

    let o = privpath(&["check", "--snapshot", HEALTHY, "--skip", "peering-actve"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("unknown check id `peering-actve`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn two_instances_need_a_choice() {
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(Path::new(ROOT).join(HEALTHY)).unwrap()).unwrap();
    let mut second = doc["Instances"][0].clone();
    second["InstanceId"] = "i-0second0000000001".into();
    doc["Instances"].as_array_mut().unwrap().push(second);
    let path = tmp_file("two-instances.json", doc.to_string().as_bytes());
    let o = privpath(&["check", "--snapshot", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(
        err.contains("2 instances") && err.contains("--instance-id"),
        "{err}"
    );
    let o = privpath(&[
        "check",
        "--snapshot",
        path.to_str().unwrap(),
        "--instance-id",
        "i-0c11e000000000001",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// In a snapshot of several accounts and regions the same instance id can be in two:
/// each is named with its scope, and `privpath audit` is where every path is checked.
#[test]
fn a_many_scope_snapshot_names_each_candidate_with_its_scope_and_points_to_audit() {
    let estate = "fixtures/estate/two-regions-and-another-account.json";
    let o = privpath(&["check", "--snapshot", estate]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    for one in [
        "i-0c11e000000000001 in 111122223333/us-east-1",
        "i-0c11e000000000001 in 111122223333/us-west-2",
        "i-0c11e000000000001 in 777788889999/eu-west-1",
        "privpath audit --snapshot FILE",
    ] {
        assert!(err.contains(one), "{one}: {err}");
    }
    // One line, however many candidates: the first ten and a count.
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(Path::new(ROOT).join(estate)).unwrap()).unwrap();
    let scope = &mut doc["scopes"][0];
    let template = scope["Instances"][0].clone();
    for n in 0..30 {
        let mut i = template.clone();
        i["InstanceId"] = format!("i-0f{n:015x}").into();
        scope["Instances"].as_array_mut().unwrap().push(i);
    }
    let path = tmp_file("many-instances.json", doc.to_string().as_bytes());
    let o = privpath(&["check", "--snapshot", path.to_str().unwrap()]);
    let err = stderr(&o);
    assert!(
        err.contains("34 instances") && err.contains(", and 24 more)"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // A pinned region picks the scope; the same id elsewhere no longer matters.
    let o = privpath(&[
        "check",
        "--snapshot",
        estate,
        "--instance-id",
        "i-0c11e000000000001",
        "--client-region",
        "eu-west-1",
        "--region",
        "eu-west-1",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn only_and_skip_select_checks() {
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/broken/peering-pending-acceptance.json",
        "--skip",
        "peering-active",
        "--format",
        "json",
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "skipping the failing check leaves nothing failed"
    );
    assert_eq!(
        json(&o)["summary"]["total"],
        privpath_checks::REGISTRY.len() - 1
    );
    let o = privpath(&[
        "check",
        "--snapshot",
        HEALTHY,
        "--only",
        "peering-active,api-resource-policy",
        "--format",
        "json",
    ]);
    let checks: Vec<String> = json(&o)["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(checks, ["peering-active", "api-resource-policy"]);
}

#[test]
fn checks_command_documents_every_check() {
    let o = privpath(&["checks"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for id in [
        "nacl-path",
        "dns-resolution",
        "api-policy-allows-endpoint",
        "lambda-vpc-to-rds",
        "peering-active",
        "route-client-to-endpoint",
        "route-endpoint-to-client",
        "execute-api-endpoint",
        "sg-endpoint-ingress",
        "sg-client-egress",
        "ssm-agent-version",
        "ssm-instance-role",
        "ssm-endpoints",
        "api-resource-policy",
    ] {
        assert!(out.contains(&format!("{id} — ")), "{id} missing");
    }
    assert!(
        out.contains("Why it breaks the path:") && out.contains("https://docs.aws.amazon.com/")
    );
    let o = privpath(&["checks", "--format", "json"]);
    let doc = json(&o);
    // The path checks, the plan-only checks (runs with --plan), then the audit's
    // estate checks.
    let plan = privpath_checks::plan_checks::PLAN_REGISTRY.len();
    assert_eq!(
        doc["checks"].as_array().unwrap().len(),
        privpath_checks::REGISTRY.len() + plan + privpath_checks::estate::ESTATE_REGISTRY.len()
    );
    assert_eq!(doc["checks"][0]["id"], privpath_checks::REGISTRY[0].meta.id);
    assert_eq!(
        doc["checks"][privpath_checks::REGISTRY.len()]["id"],
        privpath_checks::plan_checks::PLAN_REGISTRY[0].meta.id
    );
    assert_eq!(
        doc["checks"][privpath_checks::REGISTRY.len() + plan]["hop"],
        "estate"
    );
}

#[test]
fn usage_errors_exit_2() {
    let o = privpath(&["check"]);
    assert_eq!(o.status.code(), Some(2));
    let o = privpath(&["check", "--snapshot", HEALTHY, "--format", "yaml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn table_output_is_pinned() {
    let o = privpath(&["check", "--snapshot", HEALTHY]);
    insta::assert_snapshot!("healthy_table", stdout(&o));
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/broken/route-client-shadowed-by-igw.json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    insta::assert_snapshot!("shadowed_route_table", stdout(&o));
}

/// The table as terminals 80 and 120 columns wide show it, for the healthy seed, a
/// broken route and data that could not be read.
#[test]
fn table_is_pinned_at_80_and_120_columns() {
    for (name, file) in [
        ("healthy", HEALTHY),
        (
            "shadowed_route",
            "fixtures/broken/route-client-shadowed-by-igw.json",
        ),
        ("ssm_denied", "fixtures/broken/ssm-agent-access-denied.json"),
    ] {
        for cols in [80, 120] {
            let o = privpath_at_width(cols, &["check", "--snapshot", file, "-q"]);
            insta::assert_snapshot!(format!("{name}_table_{cols}"), stdout(&o));
        }
    }
}

/// Whether a line may be wider than the terminal: a command meant to be copied, or one
/// token (a URL, an ARN) longer than the width alone on its line — kept whole.
fn may_overflow(line: &str) -> bool {
    let t = line.trim_start().trim_start_matches("fix: ");
    ["aws ", "curl ", "privpath "]
        .iter()
        .any(|c| t.starts_with(c))
        || t.split_whitespace().count() == 1
}

/// At 80 and 120 columns no line of any fixture's table is wider than the terminal
/// (commands to copy aside), no resource id is split across lines, and every id a
/// failing, warning or unknown finding names is there whole.
#[test]
fn table_fits_the_terminal_and_never_splits_an_id() {
    let mut files: Vec<String> = Vec::new();
    for group in ["seed", "broken", "variants", "cross"] {
        for e in std::fs::read_dir(Path::new(ROOT).join("fixtures").join(group)).unwrap() {
            files.push(format!(
                "fixtures/{group}/{}",
                e.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    files.sort();
    for file in &files {
        let report = json(&privpath(&[
            "check",
            "--snapshot",
            file,
            "--format",
            "json",
            "-q",
        ]));
        let findings = report["targets"][0]["findings"].as_array().unwrap().clone();
        for cols in [80usize, 120] {
            let text = stdout(&privpath_at_width(
                cols,
                &["check", "--snapshot", file, "-q"],
            ));
            let lines: Vec<&str> = text.lines().collect();
            for line in &lines {
                assert!(
                    line.chars().count() <= cols || may_overflow(line),
                    "{file} at {cols}: {} columns: {line}",
                    line.chars().count()
                );
            }
            for f in &findings {
                for id in f["resources"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|r| r.as_str().unwrap())
                {
                    for pair in lines.windows(2) {
                        let (end, start) = (
                            pair[0].split_whitespace().last().unwrap_or(""),
                            pair[1].trim_start(),
                        );
                        let split = end.len() > 2
                            && id.len() > end.len()
                            && id.starts_with(end)
                            && start.starts_with(&id[end.len()..]);
                        assert!(
                            !split,
                            "{file} at {cols}: {id} split across\n{}\n{}",
                            pair[0], pair[1]
                        );
                    }
                    if f["status"] != "pass"
                        && f["status"] != "skip"
                        && f["message"].as_str().unwrap().contains(id)
                    {
                        assert!(
                            text.contains(id),
                            "{file} at {cols}: {id} of {} missing",
                            f["check"]
                        );
                    }
                }
            }
        }
    }
}

/// The Markdown report (a CI step summary), with its Mermaid path, pinned.
/// The run's wall time (`; 0.01 s;`) as `; N s;`: the one part of a report that
/// differs between two runs of the same input.
fn redact_seconds(text: &str) -> String {
    text.lines()
        .map(|line| {
            let Some(end) = line.find(" s; ") else {
                return line.to_string();
            };
            let start = line[..end].rfind("; ").map_or(0, |i| i + 2);
            if line[start..end].parse::<f64>().is_ok() {
                format!("{}N{}", &line[..start], &line[end..])
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

#[test]
fn markdown_output_is_pinned() {
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/broken/route-client-shadowed-by-igw.json",
        "--format",
        "markdown",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let text = stdout(&o);
    assert!(text.contains("```mermaid\nflowchart LR\n") && text.contains("  class routes fail\n"));
    insta::assert_snapshot!("shadowed_route_markdown", redact_seconds(&text));
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions.json",
        "--format",
        "markdown",
        "-q",
    ]);
    insta::assert_snapshot!("audit_two_regions_markdown", stdout(&o));
}

/// The audit's table fits 80 and 120 columns too, for every estate fixture.
#[test]
fn audit_table_fits_the_terminal() {
    for e in std::fs::read_dir(Path::new(ROOT).join("fixtures/estate")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().to_string();
        if name == "expected.json" {
            continue;
        }
        let file = format!("fixtures/estate/{name}");
        for cols in [80usize, 120] {
            let text = stdout(&privpath_at_width(
                cols,
                &["audit", "--snapshot", &file, "-q"],
            ));
            for line in text.lines() {
                assert!(
                    line.chars().count() <= cols || may_overflow(line),
                    "{file} at {cols}: {line}"
                );
            }
        }
    }
}

/// The Done-when of the readable table: at 80 columns the shadowed route fits one
/// screen, with the failing check, its fix and the working curl line.
#[test]
fn a_broken_path_fits_one_screen_at_80_columns() {
    let o = privpath_at_width(
        80,
        &[
            "check",
            "--snapshot",
            "fixtures/broken/route-client-shadowed-by-igw.json",
            "-q",
        ],
    );
    let text = stdout(&o);
    // One line per check that runs (skips are counted, not listed): lambda-timeout-fits
    // made it 46, api-access-mode (issue 20) 47.
    assert!(
        text.lines().count() <= 47,
        "{} lines:\n{text}",
        text.lines().count()
    );
    assert!(text.starts_with("privpath: ✗ FAIL — first broken hop: route-client-to-endpoint"));
    assert!(text.contains("fix: aws ec2 replace-route --route-table-id rtb-0a00000000000001a --destination-cidr-block 10.1.2.0/24 --vpc-peering-connection-id pcx-0fee0000000000001\n"));
    assert!(text.contains("  curl -sS -X POST 'https://a1b2c3d4e5-vpce-0e9a0000000000001.execute-api.us-east-1.amazonaws.com/prod/items'"));
    // --details adds every check's message, and still fits.
    let details = stdout(&privpath_at_width(
        80,
        &["check", "--snapshot", HEALTHY, "-q", "--details"],
    ));
    assert!(details.contains("Every check:"));
    assert!(details.contains("runs SSM Agent 3.3.1142.0"));
}

#[test]
fn json_output_is_pinned() {
    let o = privpath(&["check", "--snapshot", HEALTHY, "--format", "json"]);
    insta::assert_snapshot!("healthy_json", stdout(&o));
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/broken/route-client-shadowed-by-igw.json",
        "--format",
        "json",
    ]);
    insta::assert_snapshot!("shadowed_route_json", stdout(&o));
}

/// docs/snapshot-format.md documents every array with its command and IAM action.
#[test]
fn snapshot_format_doc_lists_every_array() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/snapshot-format.md")).unwrap();
    for source in privpath_checks::Source::ALL {
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| `{}` |", source.key())))
            .unwrap_or_else(|| panic!("no row for {}", source.key()));
        assert!(
            row.contains(source.cli_command()),
            "{}: command differs from Source::cli_command",
            source.key()
        );
        assert!(
            row.contains(source.iam_action()),
            "{}: IAM action differs",
            source.key()
        );
    }
}

/// The doc's minimal example is a snapshot privpath reads.
#[test]
fn snapshot_format_doc_example_loads() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/snapshot-format.md")).unwrap();
    let example = doc
        .split("```json")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let path = tmp_file("doc-example.json", example.as_bytes());
    let o = privpath(&[
        "check",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    let status = |id: &str| {
        doc["targets"][0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status("api-resource-policy"), "fail");
    assert_eq!(status("ssm-agent-version"), "unknown");
}

/// The doc's two-scope example loads, finds the instance and the API in their own
/// scopes, and names the client's scope where its data is missing.
#[test]
fn snapshot_format_doc_two_scope_example_loads() {
    let doc = std::fs::read_to_string(Path::new(ROOT).join("docs/snapshot-format.md")).unwrap();
    let example = doc
        .split("```json")
        .nth(2)
        .and_then(|s| s.split("```").next())
        .unwrap();
    let path = tmp_file("doc-example-two-scopes.json", example.as_bytes());
    let o = privpath(&[
        "check",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    let target = &doc["targets"][0];
    assert_eq!(target["path"]["account"], "111122223333");
    assert_eq!(target["path"]["client_account"], "444455556666");
    assert_eq!(target["path"]["client_region"], "eu-west-1");
    let finding = |id: &str| {
        target["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["check"] == id)
            .unwrap()
            .clone()
    };
    let peering = finding("peering-active");
    assert_eq!(peering["status"], "unknown");
    let message = peering["message"].as_str().unwrap();
    assert!(
        message.contains("VpcPeeringConnections in 444455556666/eu-west-1")
            && message.contains("UnauthorizedOperation"),
        "{message}"
    );
}

/// `privpath audit` over a saved estate: the verdict first, clients grouped by subnet
/// and verdict per API method, the estate findings, one fix per broken group.
#[test]
fn audit_table_of_a_saved_estate() {
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions.json",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    insta::assert_snapshot!("audit_two_regions_table", stdout(&o));
}

/// An audit streams its JSON path by path and then holds only what is not passing;
/// with JUnit also asked for, it holds every finding and renders the JSON at the end.
/// Both must write the same bytes, and the table from the compact run the same lines.
#[test]
fn an_audit_streamed_writes_what_an_audit_held_writes() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("audit-streamed");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for estate in [
        "fixtures/estate/two-regions-and-another-account.json",
        "fixtures/estate/tgw-shared-cross-account.json",
        "fixtures/estate/ssm-unreachable.json",
    ] {
        let streamed = privpath(&["audit", "--snapshot", estate, "--format", "json", "-q"]);
        let junit = dir.join("junit.xml");
        let held = privpath(&[
            "audit",
            "--snapshot",
            estate,
            "--format",
            "json",
            "--format",
            "junit",
            "--output",
            "/dev/stdout",
            "--output",
            junit.to_str().unwrap(),
            "-q",
        ]);
        assert_eq!(streamed.status.code(), held.status.code(), "{estate}");
        assert!(!streamed.stdout.is_empty(), "{estate}");
        assert_eq!(stdout(&streamed), stdout(&held), "{estate}");
        let table = |extra: &[&str]| {
            let mut args = vec!["audit", "--snapshot", estate, "-q"];
            args.extend_from_slice(extra);
            stdout(&privpath(&args))
        };
        let held_table = table(&[
            "--format",
            "table",
            "--format",
            "junit",
            "--output",
            "/dev/stdout",
            "--output",
            junit.to_str().unwrap(),
        ]);
        assert_eq!(table(&[]), held_table, "{estate}");
    }
}

/// Audit JSON is `check`'s schema: a target per path, one for the estate findings.
#[test]
fn audit_json_has_a_target_per_path_and_one_for_the_estate() {
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions.json",
        "--format",
        "json",
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let doc = json(&o);
    let targets = doc["targets"].as_array().unwrap();
    assert_eq!(targets.len(), 4);
    let regions: Vec<&str> = targets
        .iter()
        .filter(|t| !t["path"].is_null())
        .map(|t| t["path"]["region"].as_str().unwrap())
        .collect();
    assert_eq!(regions, ["us-east-1", "us-west-2", "us-west-2"]);
    let estate = targets.iter().find(|t| t["name"] == "estate").unwrap();
    assert!(estate["path"].is_null());
    assert_eq!(estate["findings"][0]["check"], "estate-api-unreachable");
    assert_eq!(estate["findings"][0]["status"], "fail");
    // --skip reaches the estate checks too.
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions.json",
        "--format",
        "json",
        "-q",
        "--skip",
        "estate-api-unreachable,route-endpoint-to-client,route-client-to-endpoint,sg-endpoint-ingress",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}
