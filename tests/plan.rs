//! `privpath check --plan`: every plan fixture through the binary (its statuses and exit
//! status), targets named by Terraform address, privpath.toml targets with `plan`, what
//! each report shows of the plan, and one clear line with exit 2 for whatever is not a
//! plan.

mod common;

use common::{json, privpath, privpath_at_width, privpath_in, stderr, stdout, ROOT};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn expected() -> BTreeMap<String, Value> {
    let text =
        std::fs::read_to_string(Path::new(ROOT).join("fixtures/plan/expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// `--plan FILE` and its base: `--snapshot BASE`, or `--offline`.
fn plan_args(rel: &str, e: &Value) -> Vec<String> {
    let mut args = vec![
        "check".to_string(),
        "--plan".to_string(),
        format!("fixtures/{rel}"),
    ];
    match e["base"].as_str() {
        Some(base) => args.extend(["--snapshot".to_string(), format!("fixtures/{base}")]),
        None => args.push("--offline".to_string()),
    }
    args
}

fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("plan")
        .join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_plan_fixture_through_the_binary() {
    for (rel, e) in expected() {
        let mut args = plan_args(&rel, &e);
        args.extend(["--format".to_string(), "json".to_string()]);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = privpath(&args);
        let doc = json(&o);
        let n = privpath_checks::REGISTRY.len() + privpath_checks::plan_checks::PLAN_REGISTRY.len();
        let findings = doc["targets"][0]["findings"].as_array().unwrap();
        assert_eq!(findings.len(), n, "{rel}");
        for f in findings {
            let check = f["check"].as_str().unwrap();
            let want = e["statuses"]
                .get(check)
                .and_then(Value::as_str)
                .unwrap_or("pass");
            assert_eq!(f["status"], want, "{rel}: {f}");
        }
        let fails = e["statuses"]
            .as_object()
            .unwrap()
            .values()
            .any(|s| s == "fail");
        assert_eq!(
            o.status.code(),
            Some(if fails { 1 } else { 0 }),
            "{rel}: {}",
            stderr(&o)
        );
        let plan = &doc["targets"][0]["path"]["plan"];
        assert_eq!(plan["file"], format!("fixtures/{rel}"), "{rel}");
        assert!(plan["format_version"].is_string(), "{rel}: {plan}");
    }
}

#[test]
fn the_table_reads_after_this_plan_and_names_addresses() {
    let o = privpath_at_width(
        200,
        &[
            "check",
            "--plan",
            "fixtures/plan/seed-delete-client-route.json",
            "--snapshot",
            "fixtures/seed/healthy.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with(
            "privpath: after this plan: ✗ FAIL — first broken hop: route-client-to-endpoint"
        ),
        "{out}"
    );
    assert!(
        out.contains("plan fixtures/plan/seed-delete-client-route.json over snapshot"),
        "{out}"
    );
    assert!(
        out.contains(
            "  the plan (Terraform 1.9.8): 0 to add, 0 to change, 1 to destroy, 0 to replace\n"
        ),
        "{out}"
    );
    // The plan-only checks that do not apply are counted, not listed.
    assert!(!out.contains("plan-peering-accepter"), "{out}");
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/seed-delete-client-route.json",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--format",
        "json",
    ]);
    let doc = json(&o);
    let f = doc["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "route-client-to-endpoint")
        .unwrap()
        .clone();
    assert!(
        f["message"].as_str().unwrap().ends_with(
            "; in the plan: aws_route.client_to_service (rtb-0a00000000000001a, destroyed)"
        ),
        "{f}"
    );
    assert_eq!(
        f["addresses"],
        serde_json::json!(["aws_route.client_to_service"])
    );
}

#[test]
fn a_run_without_a_plan_lists_no_plan_check() {
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--format",
        "json",
    ]);
    let doc = json(&o);
    let findings = doc["targets"][0]["findings"].as_array().unwrap();
    assert_eq!(findings.len(), privpath_checks::REGISTRY.len());
    assert!(findings
        .iter()
        .all(|f| !f["check"].as_str().unwrap().starts_with("plan-")));
    // Asked for by id, a plan check says why it does not run.
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--only",
        "plan-peering-accepter",
        "--format",
        "json",
    ]);
    let doc = json(&o);
    let f = &doc["targets"][0]["findings"][0];
    assert_eq!(f["status"], "skip", "{f}");
    assert!(f["message"].as_str().unwrap().contains("--plan"), "{f}");
}

#[test]
fn targets_may_be_terraform_addresses() {
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/healthy.json",
        "--offline",
        "--api-id",
        "aws_api_gateway_rest_api.orders",
        "--instance-id",
        "aws_instance.client",
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc = json(&o);
    assert_eq!(
        doc["targets"][0]["path"]["api_id"],
        "(aws_api_gateway_rest_api.orders)"
    );
    assert_eq!(
        doc["targets"][0]["path"]["instance_id"],
        "i-(aws_instance.client)"
    );
    // A module instance's address, with its key.
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/modules-count.json",
        "--offline",
        "--instance-id",
        "module.client[0].aws_instance.client",
        "--format",
        "json",
    ]);
    assert_eq!(
        json(&o)["targets"][0]["path"]["instance_id"],
        "i-(module.client[0].aws_instance.client)"
    );
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/healthy.json",
        "--offline",
        "--api-id",
        "aws_api_gateway_rest_api.nope",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(
            "plan fixtures/plan/healthy.json has no resource at aws_api_gateway_rest_api.nope"
        ),
        "{err}"
    );
}

#[test]
fn what_is_not_a_plan_is_one_line_and_exit_2() {
    let d = scratch("bad");
    let stream = d.join("stream.json");
    std::fs::write(
        &stream,
        "{\"@level\":\"info\",\"@message\":\"Terraform 1.9.8\",\"type\":\"version\"}\n{\"@level\":\"info\",\"@message\":\"Plan: 1 to add\",\"type\":\"change_summary\"}\n",
    )
    .unwrap();
    let truncated = d.join("truncated.json");
    let full = std::fs::read_to_string(Path::new(ROOT).join("fixtures/plan/healthy.json")).unwrap();
    std::fs::write(&truncated, &full[..full.len() / 2]).unwrap();
    let cases: Vec<(String, &str)> = vec![
        (
            stream.display().to_string(),
            "streaming log of `terraform plan -json`",
        ),
        (truncated.display().to_string(), "truncated JSON"),
        (
            "fixtures/seed/healthy.json".to_string(),
            "this is a privpath snapshot, not a Terraform plan",
        ),
        ("fixtures/expected.json".to_string(), "not a Terraform plan"),
        (
            "fixtures/plan/nope.json".to_string(),
            "cannot read plan fixtures/plan/nope.json",
        ),
    ];
    for (file, needle) in cases {
        let o = privpath(&["check", "--plan", &file, "--offline"]);
        assert_eq!(o.status.code(), Some(2), "{file}");
        assert!(stdout(&o).is_empty(), "{file}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(&file) && err.contains(needle), "{file}: {err}");
    }
}

#[test]
fn markdown_reads_as_a_pull_request_comment() {
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/seed-policy-other-endpoint.json",
        "--snapshot",
        "fixtures/seed/healthy.json",
        "--format",
        "markdown",
    ]);
    let md = stdout(&o);
    assert!(
        md.starts_with("## privpath: after this plan, ❌ gate failed (fail-on fail)"),
        "{md}"
    );
    assert!(
        md.contains("After this plan (`fixtures/plan/seed-policy-other-endpoint.json` over snapshot fixtures/seed/healthy.json, Terraform 1.9.8: 0 to add, 1 to change, 0 to destroy, 0 to replace), the path **breaks at `api-policy-allows-endpoint`**"),
        "{md}"
    );
    assert!(
        md.contains("`aws_api_gateway_rest_api_policy.orders`"),
        "{md}"
    );
}

#[test]
fn sarif_carries_terraform_addresses_as_logical_locations() {
    let o = privpath(&[
        "check",
        "--plan",
        "fixtures/plan/deployment-before-policy.json",
        "--offline",
        "--format",
        "sarif",
    ]);
    let doc = json(&o);
    let run = &doc["runs"][0];
    let rules: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"plan-deployment-after-policy"), "{rules:?}");
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "plan-deployment-after-policy")
        .unwrap();
    let names: Vec<&str> = result["locations"][0]["logicalLocations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["properties"]["terraformAddress"].is_string())
        .map(|l| l["name"].as_str().unwrap())
        .collect();
    assert!(
        names.contains(&"aws_api_gateway_deployment.orders"),
        "{names:?}"
    );
}

/// The plan's secrets reach no report.
#[test]
fn no_report_holds_a_secret_of_the_plan() {
    for format in ["table", "json", "markdown", "sarif", "junit", "html"] {
        let o = privpath(&[
            "check",
            "--plan",
            "fixtures/plan/healthy.json",
            "--offline",
            "--details",
            "--format",
            format,
        ]);
        let out = stdout(&o);
        for secret in [
            "s3cr3t-lambda-env-value",
            "hunter2-db-password",
            "c3VwZXItc2VjcmV0LWJvb3RzdHJhcA==",
        ] {
            assert!(!out.contains(secret), "{format} holds {secret}");
        }
    }
}

#[test]
fn a_config_target_takes_a_plan() {
    let d = scratch("config");
    std::fs::write(
        d.join("privpath.toml"),
        format!(
            "[targets.after-apply]\nplan = \"{root}/fixtures/plan/seed-narrow-endpoint-sg.json\"\nsnapshot = \"{root}/fixtures/seed/healthy.json\"\n\
             [targets.from-nothing]\nplan = \"{root}/fixtures/plan/healthy.json\"\noffline = true\n",
            root = ROOT
        ),
    )
    .unwrap();
    let o = privpath_in(&d, &["check", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc = json(&o);
    let by_name = |n: &str| {
        doc["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == n)
            .unwrap()
            .clone()
    };
    let narrowed = by_name("after-apply");
    let sg = narrowed["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "sg-endpoint-ingress")
        .unwrap();
    assert_eq!(sg["status"], "fail", "{sg}");
    assert_eq!(by_name("from-nothing")["summary"]["fail"], 0);
    // `offline` needs a plan.
    std::fs::write(
        d.join("privpath.toml"),
        "[targets.t]\napi = \"a\"\ninstance = \"i-1\"\noffline = true\n",
    )
    .unwrap();
    let o = privpath_in(&d, &["check"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("`offline` checks a `plan` by itself"),
        "{}",
        stderr(&o)
    );
}
