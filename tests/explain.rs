//! `privpath explain` as engineers run it: a pasted error text, alone or with the path
//! it happened on (a snapshot, or privpath.toml's target), from stdin, a check id, and
//! a text it does not recognise. The matcher itself is tested in
//! checks/tests/explain.rs.

mod common;

use common::{privpath, privpath_at_width, privpath_in, stderr, stdout, ROOT};
use std::path::Path;
use std::process::{Command, Stdio};

const ANONYMOUS: &str = r#"{"Message":"User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/POST/items"}"#;

/// The numbered candidates of an answer: `(rank line)` in order.
fn candidates(out: &str) -> Vec<String> {
    out.lines()
        .filter(|l| l.chars().next().is_some_and(|c| c.is_ascii_digit()) && l.contains(". "))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_text_names_its_checks_with_the_words_that_chose_them() {
    for (text, first) in [
        ("Private REST API doesn't have a resource policy attached to it", "api-resource-policy"),
        (ANONYMOUS, "api-policy-allows-endpoint"),
        ("Execution failed due to configuration error: Invalid permissions on Lambda function", "lambda-invoke-permission"),
        ("An error occurred (TargetNotConnected) when calling the StartSession operation: i-0c11e000000000001 is not connected.", "ssm-instance-role"),
        ("curl: (6) Could not resolve host: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com", "dns-resolution"),
        ("Error: connect ETIMEDOUT 10.1.20.14:5432", "lambda-vpc-to-rds"),
        ("OperationNotPermitted: Peering pcx-0fee0000000000001 is not active.", "peering-active"),
    ] {
        let o = privpath(&["explain", text]);
        assert_eq!(o.status.code(), Some(0), "{text}: {}", stderr(&o));
        let out = stdout(&o);
        let c = candidates(&out);
        assert!(c[0].starts_with(&format!("1. {first} — ")), "{text}:\n{out}");
        assert!(out.contains("chosen by "), "{out}");
        assert!(out.contains("privpath check --only "), "{out}");
    }
    // The ids the text named are quoted back as written.
    let out = stdout(&privpath(&[
        "explain",
        "OperationNotPermitted: Peering pcx-0fee0000000000001 is not active.",
    ]));
    assert!(out.contains("\"pcx-0fee0000000000001\""), "{out}");
}

#[test]
fn what_is_not_a_path_problem_is_said_with_where_to_look() {
    let o = privpath(&[
        "explain",
        "Thu May 04 17:48:21 UTC 2024 : Execution failed due to configuration error: Malformed Lambda proxy response",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(
        candidates(&out)[0].starts_with("1. not a path problem (malformed-proxy-response)"),
        "{out}"
    );
    assert!(out.contains("Look at: the handler's return value"), "{out}");
}

/// The path's state decides: a 403 on a path whose policy does not allow the endpoint
/// answers the policy check first, with the finding and the fix privpath check prints.
#[test]
fn with_a_snapshot_the_failing_check_comes_first_with_its_fix() {
    for text in [
        r#"{"message":"Forbidden"}"#,
        ANONYMOUS,
        "HTTP/1.1 403 Forbidden",
    ] {
        let o = privpath(&[
            "explain",
            text,
            "--snapshot",
            "fixtures/broken/api-policy-other-endpoint.json",
        ]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        // The verdict line is wrapped at the width: compare its words.
        let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            flat.starts_with("privpath explain on a1b2c3d4e5 (snapshot fixtures/broken/api-policy-other-endpoint.json): api-policy-allows-endpoint fails here"),
            "{text}:\n{out}"
        );
        let c = candidates(&out);
        assert!(
            c[0].starts_with("1. ✗ fail    api-policy-allows-endpoint"),
            "{text}:\n{out}"
        );
        assert!(
            out.contains("   found: no statement allows POST /items"),
            "{out}"
        );
        assert!(
            out.contains("   fix: aws apigateway update-rest-api --rest-api-id a1b2c3d4e5"),
            "{out}"
        );
        assert!(
            out.contains("aws apigateway create-deployment --rest-api-id a1b2c3d4e5"),
            "{out}"
        );
    }
    // On the healthy path nothing the text points at fails.
    let o = privpath(&[
        "explain",
        r#"{"message":"Forbidden"}"#,
        "--snapshot",
        "fixtures/seed/healthy.json",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.contains("none of "), "{out}");
    assert!(
        out.contains("Pass here, so not these hops: dns-resolution, api-private-endpoint, api-key-usage-plan"),
        "{out}"
    );
}

/// A timeout on a path whose database security group admits another port: the backend,
/// not the client's network; and a failing check the text does not point at is named.
#[test]
fn with_a_snapshot_other_failures_are_named_too() {
    let o = privpath(&[
        "explain",
        "2026-11-24T12:00:03.012Z 8f3c0b1a-2d3e-4f5a-8b7c-9d0e1f2a3b4c Task timed out after 3.00 seconds",
        "--snapshot",
        "fixtures/broken/rds-sg-wrong-port.json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        candidates(&out)[0].starts_with("1. ✗ fail    lambda-vpc-to-rds"),
        "{out}"
    );
    assert!(out.contains("--port 5432 --source-group"), "{out}");

    let o = privpath(&[
        "explain",
        "Execution failed due to configuration error: Invalid permissions on Lambda function",
        "--snapshot",
        "fixtures/broken/rds-sg-wrong-port.json",
    ]);
    let out = stdout(&o);
    assert!(out.contains("none of "), "{out}");
    assert!(
        out.replace('\n', " ").contains(
            "Also failing on this path, though the text does not point at them: lambda-vpc-to-rds"
        ),
        "{out}"
    );
}

/// privpath.toml's targets are resolved as `privpath check` resolves them.
#[test]
fn a_config_target_is_the_path() {
    let dir = common::scratch("explain", "config");
    std::fs::write(
        dir.join("privpath.toml"),
        format!(
            "[targets.orders]\nsnapshot = \"{}\"\n\n[targets.healthy]\nsnapshot = \"{}\"\n",
            Path::new(ROOT)
                .join("fixtures/broken/api-policy-other-endpoint.json")
                .display(),
            Path::new(ROOT).join("fixtures/seed/healthy.json").display(),
        ),
    )
    .unwrap();
    let o = privpath_in(&dir, &["explain", ANONYMOUS, "--target", "orders"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("privpath explain on orders ("), "{out}");
    assert!(
        candidates(&out)[0].contains("api-policy-allows-endpoint"),
        "{out}"
    );
    // Every target, each in its own section.
    let o = privpath_in(&dir, &["explain", ANONYMOUS, "--config", "privpath.toml"]);
    let out = stdout(&o);
    assert!(
        out.contains("privpath explain on orders (")
            && out.contains("privpath explain on healthy ("),
        "{out}"
    );
    // Without a target option explain reads nothing, not even privpath.toml.
    let o = privpath_in(&dir, &["explain", ANONYMOUS]);
    assert!(
        stdout(&o).starts_with("privpath explain: "),
        "{}",
        stdout(&o)
    );
    // A target that is not there is an error naming the targets.
    let o = privpath_in(&dir, &["explain", ANONYMOUS, "--target", "nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no target named `nope`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_broken_snapshot_is_one_line_and_exit_2() {
    let dir = common::scratch("explain", "broken-snapshot");
    std::fs::write(dir.join("bad.json"), "{\"format\": 1, \"vpcs\": [").unwrap();
    let o = privpath_in(&dir, &["explain", ANONYMOUS, "--snapshot", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(stderr(&o).lines().count(), 1, "{}", stderr(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn stdin_and_a_check_id() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args(["explain", "-"])
        .current_dir(ROOT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        // A stray invalid byte in a log is not a reason to give up.
        .write_all(b"< HTTP/1.1 403\n\xff{\"message\":\"Missing Authentication Token\"}\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert!(
        candidates(&stdout(&o))[0].starts_with("1. api-deployed — "),
        "{}",
        stdout(&o)
    );

    let o = privpath(&["explain", "api-deployed"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    assert!(out.starts_with("api-deployed — "), "{out}");
    assert!(out.contains("Why it breaks the path:"), "{out}");
    assert!(out.contains("Explains (privpath explain)"), "{out}");
    assert!(
        out.contains("missing-authentication-token [error code]"),
        "{out}"
    );
}

/// A text nothing matches: what privpath looked for and how to find the hop anyway, in
/// one screen of 80 columns, exit 2.
#[test]
fn an_unrecognised_text_fits_one_screen() {
    let o = privpath_at_width(80, &["explain", "the", "printer", "is", "on", "fire"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert!(lines.len() <= 24, "{} lines:\n{err}", lines.len());
    for line in &lines {
        assert!(line.chars().count() <= 80, "{line}");
    }
    assert!(
        lines[0].starts_with("privpath: error: explain does not recognise this text"),
        "{err}"
    );
    let flat = err.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!(
            "symptoms of its {} checks",
            privpath_checks::REGISTRY.len()
        )),
        "{err}"
    );
    assert!(
        err.contains("privpath check --api-id API --instance-id INSTANCE"),
        "{err}"
    );
    assert!(err.contains("privpath check --snapshot FILE"), "{err}");
}
