//! End-to-end: the `privpath` binary against moto's server (extended with SSM
//! DescribeInstanceInformation and denied operations, tests/e2e/moto_server.py), seeded
//! through the AWS API by tests/e2e/scenario.py. Each scenario reseeds a clean emulator,
//! breaks one thing, and asserts exactly which checks leave `pass`.
//!
//! Needs the project venv with moto (`scripts/test` creates it); the server binds
//! 127.0.0.1 on a free port and is stopped when the test ends.

mod common;

use common::ROOT;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Output, Stdio};

fn python() -> PathBuf {
    common::python("moto")
}

/// The emulator; killed on drop, and it also exits when its stdin closes.
struct Moto {
    child: Child,
    _stdin: ChildStdin,
    url: String,
}

impl Moto {
    fn start() -> Moto {
        let mut child = Command::new(python())
            .arg(Path::new(ROOT).join("tests/e2e/moto_server.py"))
            .arg("0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start moto");
        let stdin = child.stdin.take().unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("moto said {line:?}"));
        Moto {
            child,
            _stdin: stdin,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    /// Reseeds the architecture, breaks it one way, returns the ids the seed made.
    fn scenario(&self, breakage: &str) -> Value {
        self.scenario_in("same", breakage)
    }

    /// [`Moto::scenario`] with the client side where `layout` puts it (scenario.py).
    fn scenario_in(&self, layout: &str, breakage: &str) -> Value {
        self.scenario_with(layout, breakage, false)
    }

    /// [`Moto::scenario_in`], with the private custom domain name added when `domain`.
    fn scenario_with(&self, layout: &str, breakage: &str, domain: bool) -> Value {
        self.seed(layout, breakage, domain, "peering")
    }

    /// The seed with its VPCs joined by a transit gateway, broken one way.
    fn scenario_tgw(&self, breakage: &str) -> Value {
        self.seed("same", breakage, false, "tgw")
    }

    /// The client in another region, each VPC on a TGW of its region, the two peered.
    fn scenario_tgw_cross_region(&self, breakage: &str) -> Value {
        self.seed("cross-region", breakage, false, "tgw")
    }

    fn seed(&self, layout: &str, breakage: &str, domain: bool, via: &str) -> Value {
        let out = Command::new(python())
            .arg(Path::new(ROOT).join("tests/e2e/scenario.py"))
            .args([
                "--endpoint",
                &self.url,
                "--break",
                breakage,
                "--layout",
                layout,
                "--via",
                via,
            ])
            .args(domain.then_some("--with-domain"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "seeding {breakage}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs privpath with none of the developer's AWS settings: no credentials, profile,
/// region or endpoint from the environment or ~/.aws, no instance metadata; then `env`.
fn isolated(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_privpath"));
    cmd.args(args);
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(var);
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

const TEST_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "testing"),
    ("AWS_SECRET_ACCESS_KEY", "testing"),
];

/// privpath against the emulator with test credentials.
fn privpath(moto: &Moto, args: &[&str]) -> Output {
    let mut all = args.to_vec();
    all.extend(["--region", "us-east-1", "--endpoint-url", &moto.url]);
    isolated(&all, &TEST_KEYS)
}

fn live_check(moto: &Moto, ids: &Value, extra: &[&str]) -> (Output, Value) {
    let api = ids["api_id"].as_str().unwrap();
    let instance = ids["instance_id"].as_str().unwrap();
    let mut args = vec![
        "check",
        "--api-id",
        api,
        "--instance-id",
        instance,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = privpath(moto, &args);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, report)
}

/// The status of a check a scenario leaves alone: pass, or skip for the custom domain
/// checks (the client calls the execute-api name), the transit gateway's (a peering
/// joins the VPCs) and the VPC link's (the backend is Lambda).
fn untouched(check: &str) -> &'static str {
    if privpath_checks::checks::DOMAIN_CHECKS.contains(&check)
        || privpath_checks::checks::TRANSIT_CHECKS.contains(&check)
        || privpath_checks::checks::VPC_LINK_CHECKS.contains(&check)
    {
        "skip"
    } else {
        "pass"
    }
}

/// [`untouched`] on a path through a transit gateway: peering-active skips instead.
fn untouched_on_tgw(check: &str) -> &'static str {
    if privpath_checks::checks::DOMAIN_CHECKS.contains(&check)
        || privpath_checks::checks::VPC_LINK_CHECKS.contains(&check)
        || check == "peering-active"
    {
        "skip"
    } else {
        "pass"
    }
}

#[test]
fn transit_gateway_paths_against_the_emulator() {
    let moto = Moto::start();
    // (breakage, checks that must leave their untouched status, with their status)
    let scenarios: &[(&str, &[(&str, &str)])] = &[
        ("healthy", &[]),
        ("tgw-route-missing", &[("tgw-path", "fail")]),
        ("tgw-route-blackhole", &[("tgw-path", "fail")]),
        ("tgw-return-route-missing", &[("tgw-path", "fail")]),
        ("tgw-wrong-route-table", &[("tgw-path", "fail")]),
        ("tgw-no-subnet-in-client-az", &[("tgw-path", "fail")]),
        ("tgw-attachment-pending", &[("tgw-path", "fail")]),
        (
            "tgw-client-route-missing",
            &[("route-client-to-endpoint", "fail")],
        ),
    ];
    for (breakage, expected) in scenarios {
        let ids = moto.scenario_tgw(breakage);
        let (out, report) = live_check(&moto, &ids, &[]);
        assert_outcome(breakage, &out, &report, expected, untouched_on_tgw);
    }
    // Across regions: two TGWs joined by a peering attachment, static routes each side.
    let ids = moto.scenario_tgw_cross_region("healthy");
    let options = client_options("cross-region", &ids);
    let extra: Vec<&str> = options.iter().map(String::as_str).collect();
    let (out, report) = live_check(&moto, &ids, &extra);
    assert_outcome("cross-region healthy", &out, &report, &[], untouched_on_tgw);
    // The fixes name the TGW's real ids, with the region and account they run in.
    let ids = moto.scenario_tgw("tgw-wrong-route-table");
    let (_, report) = live_check(&moto, &ids, &[]);
    let tgw = report["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "tgw-path")
        .unwrap()
        .clone();
    let fix = tgw["remediation"].as_str().unwrap();
    assert!(
        fix.contains("aws ec2 associate-transit-gateway-route-table")
            && fix.contains(ids["tgw_table"].as_str().unwrap())
            && fix.contains(ids["att_a"].as_str().unwrap())
            && fix.contains("--region us-east-1  # in account"),
        "{fix}"
    );
    // A snapshot of the TGW path, checked offline, gives the live findings; a peering
    // path made no TGW call at all.
    let ids = moto.scenario_tgw("healthy");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("tgw-snapshot.json");
    let (out, live) = live_check(
        &moto,
        &ids,
        &["--save-snapshot", file.to_str().unwrap(), "--verbose"],
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("ec2:SearchTransitGatewayRoutes"));
    let offline = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args([
            "check",
            "--snapshot",
            file.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let offline: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(statuses(&live), statuses(&offline));
    let ids = moto.scenario("healthy");
    let (out, _) = live_check(&moto, &ids, &["--verbose"]);
    assert!(!String::from_utf8_lossy(&out.stderr).contains("TransitGateway"));
}

/// A run's verdict: every check reports; the named checks have their status and the rest
/// `others(check)`; the exit status is 1 exactly when one of them fails.
fn assert_outcome(
    label: &str,
    out: &Output,
    report: &Value,
    expected: &[(&str, &str)],
    others: fn(&str) -> &'static str,
) {
    let got = statuses(report);
    assert_eq!(
        got.len(),
        privpath_checks::REGISTRY.len(),
        "{label}: {got:?}"
    );
    for (check, status) in &got {
        let want = expected
            .iter()
            .find(|(c, _)| c == check)
            .map_or(others(check), |(_, s)| *s);
        assert_eq!(status, want, "{label}: {check}: {report}");
    }
    let fails = expected.iter().any(|(_, s)| *s == "fail");
    assert_eq!(
        out.status.code(),
        Some(if fails { 1 } else { 0 }),
        "{label}"
    );
}

fn statuses(report: &Value) -> BTreeMap<String, String> {
    report["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn live_checks_against_the_emulator() {
    let moto = Moto::start();
    // (breakage, checks that must leave `pass`, with their status)
    let scenarios: &[(&str, &[(&str, &str)])] = &[
        ("healthy", &[]),
        ("peering-not-accepted", &[("peering-active", "fail")]),
        (
            "client-route-missing",
            &[("route-client-to-endpoint", "fail")],
        ),
        (
            "endpoint-route-missing",
            &[("route-endpoint-to-client", "fail")],
        ),
        (
            "endpoint-sg-without-443",
            &[("sg-endpoint-ingress", "fail")],
        ),
        ("ssmmessages-endpoint-missing", &[("ssm-endpoints", "fail")]),
        ("agent-too-old", &[("ssm-agent-version", "fail")]),
        (
            "role-without-managed-policy",
            &[("ssm-instance-role", "fail")],
        ),
        (
            "api-without-policy",
            &[
                ("api-resource-policy", "fail"),
                ("api-policy-allows-endpoint", "skip"),
            ],
        ),
        ("ssm-denied", &[("ssm-agent-version", "unknown")]),
        ("endpoint-acl-denies-443", &[("nacl-path", "fail")]),
        ("client-vpc-dns-off", &[("dns-resolution", "fail")]),
        (
            "policy-names-client-vpc",
            &[("api-policy-allows-endpoint", "fail")],
        ),
        (
            "api-regional",
            &[
                ("api-private-endpoint", "fail"),
                ("api-access-mode", "skip"),
                ("api-resource-policy", "skip"),
                ("api-policy-allows-endpoint", "skip"),
            ],
        ),
        ("method-added-after-deployment", &[("api-deployed", "fail")]),
        ("key-not-in-usage-plan", &[("api-key-usage-plan", "fail")]),
        (
            "lambda-permission-removed",
            &[("lambda-invoke-permission", "fail")],
        ),
        (
            "lambda-role-without-vpc-access",
            &[("lambda-vpc-role", "fail")],
        ),
        ("db-sg-wrong-port", &[("lambda-vpc-to-rds", "fail")]),
        // Still runs: a warning, and the gate passes.
        (
            "lambda-runtime-deprecated",
            &[("lambda-runtime-supported", "warn")],
        ),
        // Passes through a customer managed policy: exercises iam:GetPolicy and
        // iam:GetPolicyVersion (waves 4 and 5).
        ("role-with-equivalent-customer-policy", &[]),
        // Issue 20: the AWS of 2026 on the path.
        ("api-access-mode-strict", &[("api-access-mode", "fail")]),
        ("api-access-mode-basic", &[]),
        (
            "policy-vpce-org-id",
            &[("api-policy-allows-endpoint", "fail")],
        ),
        (
            "old-agent-without-ec2messages",
            &[("ssm-endpoints", "fail")],
        ),
        ("current-agent-without-ec2messages", &[]),
        ("bpa-blocks-internet-gateway", &[("ssm-endpoints", "fail")]),
        ("bpa-subnet-excluded", &[("ssm-endpoints", "warn")]),
        ("default-host-management", &[]),
        ("dhmc-role-without-policy", &[("ssm-instance-role", "fail")]),
        // A 60 s function behind the default 29 s integration: a warning.
        ("lambda-timeout-60s", &[("lambda-timeout-fits", "warn")]),
        // The response-streaming URI names its function as the classic one does.
        ("lambda-streaming-uri", &[]),
        // The DB subnets' ACL lets 5432 in but not the replies out.
        ("db-acl-without-return", &[("lambda-vpc-to-rds", "fail")]),
        ("rds-ca-2019", &[("lambda-vpc-to-rds", "warn")]),
    ];
    for (breakage, expected) in scenarios {
        let ids = moto.scenario(breakage);
        let (out, report) = live_check(&moto, &ids, &[]);
        assert_outcome(breakage, &out, &report, expected, untouched);
    }
}

/// [`untouched`] on a path whose backend is a load balancer behind a VPC link: the VPC
/// link's check runs, the Lambda checks skip.
fn untouched_on_vpc_link(check: &str) -> &'static str {
    if privpath_checks::checks::LAMBDA_CHECKS.contains(&check) {
        "skip"
    } else if privpath_checks::checks::VPC_LINK_CHECKS.contains(&check) {
        "pass"
    } else {
        untouched(check)
    }
}

/// A private integration: an internal ALB behind a VPC link V2 that a stage variable
/// names (scenario.py `private_backend`), healthy and broken three ways; an NLB behind
/// a V1 link (`private_backend_v1`), healthy and with its targets' group closed.
#[test]
fn private_integrations_against_the_emulator() {
    let moto = Moto::start();
    let scenarios: &[(&str, &[(&str, &str)])] = &[
        ("vpc-link-v2-alb", &[]),
        ("vpc-link-alb-sg-blocks", &[("backend-vpc-link", "fail")]),
        ("vpc-link-targets-stopped", &[("backend-vpc-link", "fail")]),
        ("vpc-link-missing", &[("backend-vpc-link", "fail")]),
        // An NLB without security groups behind a V1 link named literally: the
        // targets' groups must admit the load balancer's subnets.
        ("vpc-link-v1-nlb", &[]),
        (
            "vpc-link-v1-nlb-targets-sg-blocks",
            &[("backend-vpc-link", "fail")],
        ),
    ];
    for (breakage, expected) in scenarios {
        let ids = moto.scenario(breakage);
        let (out, report) = live_check(&moto, &ids, &[]);
        assert_outcome(breakage, &out, &report, expected, untouched_on_vpc_link);
    }
    // The path picture names the link and the load balancer as the backend.
    let ids = moto.scenario("vpc-link-v2-alb");
    let out = privpath(
        &moto,
        &[
            "check",
            "--api-id",
            ids["api_id"].as_str().unwrap(),
            "--instance-id",
            ids["instance_id"].as_str().unwrap(),
        ],
    );
    let table = String::from_utf8_lossy(&out.stdout);
    let link = ids["vpc_link"].as_str().unwrap();
    assert!(
        table.contains(&format!("VPC link {link} (V2) → ALB orders-alb")),
        "{table}"
    );
}

/// `privpath explain` with live ids reads the path as `check` does (the same options,
/// the same reads) and puts first the candidate that fails there, with its fix.
#[test]
fn explain_ranks_the_candidates_by_the_live_path() {
    let moto = Moto::start();
    let ids = moto.scenario("policy-names-client-vpc");
    let api = ids["api_id"].as_str().unwrap();
    let instance = ids["instance_id"].as_str().unwrap();
    let out = privpath(
        &moto,
        &[
            "explain",
            r#"{"message":"Forbidden"}"#,
            "--api-id",
            api,
            "--instance-id",
            instance,
        ],
    );
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains(&format!(
            "privpath explain on {api} (live, {}): api-policy-allows-endpoint fails here",
            moto.url
        )),
        "{text}"
    );
    let first = text
        .lines()
        .find(|l| l.starts_with("1. "))
        .unwrap_or_default();
    assert!(
        first.starts_with("1. ✗ fail    api-policy-allows-endpoint"),
        "{text}"
    );
    assert!(text.contains("   fix: "), "{text}");
    assert!(text.contains("Pass here, so not these hops: "), "{text}");
}

#[test]
fn denied_call_names_the_action_and_the_error() {
    let moto = Moto::start();
    let ids = moto.scenario("ssm-denied");
    let (_, report) = live_check(&moto, &ids, &[]);
    let finding = report["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "ssm-agent-version")
        .unwrap()
        .clone();
    assert_eq!(finding["status"], "unknown");
    assert_eq!(
        finding["needs"],
        serde_json::json!(["ssm:DescribeInstanceInformation"])
    );
    assert!(
        finding["message"]
            .as_str()
            .unwrap()
            .contains("AccessDeniedException"),
        "{finding}"
    );
}

#[test]
fn snapshot_round_trip_gives_the_same_findings_and_no_secrets() {
    let moto = Moto::start();
    let ids = moto.scenario("endpoint-sg-without-443");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-snapshot.json");
    let api = ids["api_id"].as_str().unwrap();
    let instance = ids["instance_id"].as_str().unwrap();
    let out = privpath(
        &moto,
        &[
            "snapshot",
            "--api-id",
            api,
            "--instance-id",
            instance,
            "-o",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (_, live) = live_check(&moto, &ids, &[]);
    let offline = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args([
            "check",
            "--snapshot",
            file.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(1));
    let offline: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(statuses(&live), statuses(&offline));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains("testing"),
        "no credential material in a snapshot"
    );
    // The function's environment and the DB's master password hold this marker; the
    // API key's value is what the emulator generated.
    assert!(
        !text.contains("not-for-snapshots"),
        "no Lambda environment or DB password"
    );
    let key_value = ids["key_value"].as_str().unwrap();
    assert!(!text.contains(key_value), "no API key value");
    assert!(text.contains("\"Functions\"") && text.contains("\"DBInstances\""));
    assert!(text.contains("\"format\": 2"));
}

#[test]
fn verbose_reports_calls_waves_and_stays_within_the_iam_policy() {
    let moto = Moto::start();
    // The instance role has an inline policy and a customer managed one, and the
    // instance is in another account (so the API side's account is asked of STS): every
    // action privpath may call is called, on both sides, in five waves, the most a run
    // takes.
    // With a private custom domain name too (and --api-id, so its reads ride in the
    // same waves), which adds the ACM and Route 53 calls.
    let ids = moto.scenario_with(
        "cross-account",
        "role-with-equivalent-customer-policy",
        true,
    );
    let options = client_options("cross-account", &ids);
    let mut extra: Vec<&str> = options.iter().map(String::as_str).collect();
    extra.extend(["--verbose", "--domain-name", "orders.internal.example.com"]);
    let (out, _) = live_check(&moto, &ids, &extra);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stderr
        .lines()
        .find(|l| l.contains(" wave(s) "))
        .unwrap_or_default();
    assert!(
        summary.contains("in 5 wave(s)"),
        "at most five round trips: {stderr}"
    );
    // The run's closing line counts the same requests as the verbose log.
    let calls = summary
        .trim_start_matches("privpath: ")
        .split(' ')
        .next()
        .unwrap_or_default();
    let closing = stderr.lines().last().unwrap_or_default();
    assert!(
        closing.contains(&format!("; {calls} AWS call(s); ")) && closing.contains("gate passed"),
        "{closing}"
    );
    let policy = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .arg("iam-policy")
        .output()
        .unwrap();
    let policy: Value = serde_json::from_slice(&policy.stdout).unwrap();
    let granted: Vec<String> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        // `check` makes none of the audit's discovery calls.
        .filter(|s| s["Sid"] != "PrivpathAuditDiscovery")
        .flat_map(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a.as_str().unwrap().to_string())
        })
        .collect();
    // A path through transit gateways (two, peered across regions) makes the TGW calls
    // a peering path does not.
    let tgw_ids = moto.scenario_tgw_cross_region("healthy");
    let tgw_options = client_options("cross-region", &tgw_ids);
    let mut tgw_extra: Vec<&str> = tgw_options.iter().map(String::as_str).collect();
    tgw_extra.push("--verbose");
    let (tgw_out, _) = live_check(&moto, &tgw_ids, &tgw_extra);
    let tgw_stderr = String::from_utf8_lossy(&tgw_out.stderr).to_string();
    // A private integration (an NLB without security groups behind a VPC link V1)
    // makes the VPC link, Elastic Load Balancing and target interface calls a Lambda
    // path does not. The link's id does not say its version: it is asked of both APIs,
    // and the V2 API's answer is NotFound.
    let link_ids = moto.scenario("vpc-link-v1-nlb");
    let (link_out, _) = live_check(&moto, &link_ids, &["--verbose"]);
    let link_stderr = String::from_utf8_lossy(&link_out.stderr).to_string();
    let mut seen = 0;
    for line in stderr
        .lines()
        .chain(tgw_stderr.lines())
        .chain(link_stderr.lines())
        .filter(|l| l.starts_with("privpath:   "))
    {
        let action = line.split_whitespace().nth(1).unwrap();
        assert!(
            granted.iter().any(|g| g == action),
            "{action} is called but not in `privpath iam-policy`"
        );
        assert!(
            line.ends_with(" ok")
                || (action == "apigateway:GET"
                    && line.contains("NotFoundException: Invalid VpcLink")),
            "{line}"
        );
        seen += 1;
    }
    assert!(seen >= 30, "every call is reported: {stderr}");
    // Every action the policy grants is one some snapshot array or call needs.
    for g in &granted {
        assert!(
            stderr.contains(g.as_str())
                || tgw_stderr.contains(g.as_str())
                || link_stderr.contains(g.as_str()),
            "{g} is granted but never called"
        );
    }
}

#[test]
fn live_errors_are_one_clear_line_with_exit_2() {
    let moto = Moto::start();
    let ids = moto.scenario("healthy");
    let instance = ids["instance_id"].as_str().unwrap();
    let out = privpath(
        &moto,
        &["check", "--api-id", "nosuchapi", "--instance-id", instance],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        err.contains("REST API nosuchapi does not exist in us-east-1") && err.lines().count() == 1,
        "{err}"
    );

    let out = privpath(
        &moto,
        &[
            "check",
            "--api-id",
            "x",
            "--instance-id",
            "i-0123456789abcdef0",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("instance i-0123456789abcdef0 does not exist"));

    let out = isolated(
        &[
            "check",
            "--api-id",
            "x",
            "--instance-id",
            "i-1",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &moto.url,
        ],
        &[],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("no usable AWS credentials") && err.lines().count() == 1,
        "{err}"
    );

    // Nothing listens on port 1.
    let out = isolated(
        &[
            "check",
            "--api-id",
            "x",
            "--instance-id",
            "i-1",
            "--region",
            "us-east-1",
            "--endpoint-url",
            "http://127.0.0.1:1",
        ],
        &TEST_KEYS,
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot reach the AWS endpoint") && err.lines().count() == 1,
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("DispatchFailure {"),
        "{err}"
    );
}

/// Throttling that outlasts the SDK's retries, and a response cut in half, each make
/// exactly the checks that needed that call `unknown`, naming what AWS said.
#[test]
fn throttled_and_truncated_calls_degrade_to_unknown() {
    let moto = Moto::start();
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "peerings-throttled",
            &[
                "peering-active",
                "route-client-to-endpoint",
                "route-endpoint-to-client",
            ],
            "RequestLimitExceeded",
        ),
        (
            "ssm-truncated",
            &["ssm-agent-version"],
            "ssm:DescribeInstanceInformation",
        ),
    ];
    for (breakage, unknown, needle) in cases {
        let ids = moto.scenario(breakage);
        let (out, report) = live_check(&moto, &ids, &[]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{breakage}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        for f in report["targets"][0]["findings"].as_array().unwrap() {
            let check = f["check"].as_str().unwrap();
            let want = if unknown.contains(&check) {
                "unknown"
            } else {
                untouched(check)
            };
            assert_eq!(f["status"], want, "{breakage}: {check}: {f}");
            if want == "unknown" {
                assert!(
                    f["message"].as_str().unwrap().contains(needle),
                    "{breakage}: {f}"
                );
            }
        }
    }
}

/// Credentials resolve as the AWS CLI resolves them: a named profile from the shared
/// files (with its region), and a role assumed through STS for every read.
#[test]
fn profiles_and_assumed_roles_work_like_the_aws_cli() {
    let moto = Moto::start();
    let ids = moto.scenario("healthy");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aws-home");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("config");
    let credentials = dir.join("credentials");
    std::fs::write(&config, "[profile audit]\nregion = us-east-1\n").unwrap();
    std::fs::write(
        &credentials,
        "[audit]\naws_access_key_id = testing\naws_secret_access_key = testing\n",
    )
    .unwrap();
    let api = ids["api_id"].as_str().unwrap();
    let instance = ids["instance_id"].as_str().unwrap();
    let (config, credentials) = (config.to_str().unwrap(), credentials.to_str().unwrap());
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--api-id",
            api,
            "--instance-id",
            instance,
            "--format",
            "json",
            "--endpoint-url",
            &moto.url,
        ];
        args.extend_from_slice(extra);
        isolated(
            &args,
            &[
                ("AWS_CONFIG_FILE", config),
                ("AWS_SHARED_CREDENTIALS_FILE", credentials),
            ],
        )
    };
    let out = run(&["--profile", "audit"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "profile: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let role = "arn:aws:iam::123456789012:role/ops-box";
    let out = run(&[
        "--profile",
        "audit",
        "--role-arn",
        role,
        "--external-id",
        "privpath-test",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "assumed role: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["summary"]["pass"],
        privpath_checks::REGISTRY.len()
            - privpath_checks::checks::DOMAIN_CHECKS.len()
            - privpath_checks::checks::TRANSIT_CHECKS.len()
            - privpath_checks::checks::VPC_LINK_CHECKS.len(),
        "{report}"
    );
    let out = run(&[]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "no profile and no region is a usage error"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("no AWS region"));
}

#[test]
fn config_targets_are_collected_live_and_one_unreachable_target_does_not_hide_the_others() {
    let moto = Moto::start();
    // The emulator holds one architecture at a time: the healthy target is a snapshot,
    // which a config may mix with live targets.
    let broken = moto.scenario("peering-not-accepted");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-config");
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("privpath.toml");
    let id = |v: &Value, k: &str| v[k].as_str().unwrap().to_string();
    // The region comes from [defaults]: nothing on the command line or in the
    // environment names one.
    std::fs::write(
        &config,
        format!(
            "[defaults]\nregion = \"us-east-1\"\n\
             [targets.good]\nsnapshot = \"{}/fixtures/seed/healthy.json\"\n\
             [targets.broken]\napi = \"{}\"\ninstance = \"{}\"\n\
             [targets.gone]\napi = \"nope000000\"\ninstance = \"{}\"\n",
            ROOT,
            id(&broken, "api_id"),
            id(&broken, "instance_id"),
            id(&broken, "instance_id"),
        ),
    )
    .unwrap();
    let out = isolated(
        &[
            "check",
            "--config",
            config.to_str().unwrap(),
            "--endpoint-url",
            &moto.url,
            "--format",
            "json",
        ],
        &TEST_KEYS,
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report despite the error");
    let failing = |i: usize| -> Vec<String> {
        assert!(
            report["targets"][i]["error"].is_null(),
            "{}",
            report["targets"][i]
        );
        report["targets"][i]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] != untouched(f["check"].as_str().unwrap()))
            .map(|f| {
                format!(
                    "{}={}",
                    f["check"].as_str().unwrap(),
                    f["status"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(failing(0), Vec::<String>::new(), "good");
    assert_eq!(failing(1), ["peering-active=fail"], "broken");
    let gone = report["targets"][2]["error"].as_str().unwrap_or_default();
    assert!(gone.contains("nope000000"), "{gone}");
    assert!(
        report["summary"]["aws_calls"].as_u64().unwrap() > 20,
        "{}",
        report["summary"]
    );
    assert!(stderr.contains("privpath: error: target gone:"), "{stderr}");
    assert!(
        stderr
            .lines()
            .last()
            .unwrap_or_default()
            .contains("3 target(s)"),
        "{stderr}"
    );
}

/// The options that name the client side of a layout: its role (another account) and
/// its region, as an operator would pass them.
fn client_options(layout: &str, ids: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if layout.contains("account") || layout == "cross-both" {
        out.extend([
            "--client-role-arn".to_string(),
            ids["client_role"].as_str().unwrap().to_string(),
        ]);
    }
    if layout.contains("region") || layout == "cross-both" {
        out.extend([
            "--client-region".to_string(),
            ids["client_region"].as_str().unwrap().to_string(),
        ]);
    }
    out
}

/// A layout of scenario.py, a breakage, and the checks that must leave `pass`.
type CrossCase<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

#[test]
fn paths_across_accounts_and_regions() {
    let moto = Moto::start();
    // (layout, breakage, checks that must leave `pass`, with their status)
    let cases: &[CrossCase] = &[
        ("cross-account", "healthy", &[]),
        ("cross-region", "healthy", &[]),
        ("cross-both", "healthy", &[]),
        (
            "cross-both",
            "peering-not-accepted",
            &[("peering-active", "fail")],
        ),
        (
            "cross-account",
            "client-route-missing",
            &[("route-client-to-endpoint", "fail")],
        ),
        (
            "cross-both",
            "endpoint-route-missing",
            &[("route-endpoint-to-client", "fail")],
        ),
        (
            "cross-region",
            "endpoint-sg-without-443",
            &[("sg-endpoint-ingress", "fail")],
        ),
        (
            "cross-account",
            "policy-names-other-endpoint",
            &[("api-policy-allows-endpoint", "fail")],
        ),
    ];
    for (layout, breakage, expected) in cases {
        let ids = moto.scenario_in(layout, breakage);
        let options = client_options(layout, &ids);
        let extra: Vec<&str> = options.iter().map(String::as_str).collect();
        let (out, report) = live_check(&moto, &ids, &extra);
        assert_outcome(
            &format!("{layout} {breakage}"),
            &out,
            &report,
            expected,
            untouched,
        );
        // The report says where each side is.
        let path = &report["targets"][0]["path"];
        assert_eq!(path["account"], "123456789012", "{layout}");
        assert_eq!(path["region"], "us-east-1", "{layout}");
        let (client_account, client_region) = (&ids["client_account"], &ids["client_region"]);
        if client_account != "123456789012" {
            assert_eq!(&path["client_account"], client_account, "{layout}");
        } else {
            assert!(path.get("client_account").is_none(), "{layout}");
        }
        if client_region != "us-east-1" {
            assert_eq!(&path["client_region"], client_region, "{layout}");
        } else {
            assert!(path.get("client_region").is_none(), "{layout}");
        }
        // Every fix names where it runs.
        for f in report["targets"][0]["findings"].as_array().unwrap() {
            for line in f["remediation"].as_str().unwrap_or_default().lines() {
                if line.trim_start().starts_with("aws ") {
                    assert!(
                        line.contains("--region ") && line.contains("# in account "),
                        "{layout} {breakage}: {line}"
                    );
                }
            }
        }
        if *breakage == "peering-not-accepted" {
            let f = report["targets"][0]["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["check"] == "peering-active")
                .unwrap();
            let message = f["message"].as_str().unwrap();
            assert!(
                message.contains("must be accepted by account 123456789012 in us-east-1"),
                "{message}"
            );
            let fix = f["remediation"].as_str().unwrap();
            assert!(
                fix.contains("accept-vpc-peering-connection")
                    && fix.contains("--region us-east-1  # in account 123456789012"),
                "{fix}"
            );
        }
    }
}

#[test]
fn an_instance_in_another_account_without_client_options_is_one_line_exit_2() {
    let moto = Moto::start();
    let ids = moto.scenario_in("cross-both", "healthy");
    let (api, instance) = (
        ids["api_id"].as_str().unwrap(),
        ids["instance_id"].as_str().unwrap(),
    );
    let out = privpath(
        &moto,
        &["check", "--api-id", api, "--instance-id", instance],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    for needle in [
        instance,
        "--client-profile",
        "--client-region",
        "--client-role-arn",
    ] {
        assert!(lines[0].contains(needle), "{needle} not in {stderr}");
    }
}

#[test]
fn a_cross_account_snapshot_holds_two_scopes_and_checks_the_same_offline() {
    let moto = Moto::start();
    let ids = moto.scenario_in("cross-both", "endpoint-route-missing");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-cross-snapshot.json");
    let (api, instance) = (
        ids["api_id"].as_str().unwrap(),
        ids["instance_id"].as_str().unwrap(),
    );
    let options = client_options("cross-both", &ids);
    let mut args = vec![
        "snapshot",
        "--api-id",
        api,
        "--instance-id",
        instance,
        "-o",
        file.to_str().unwrap(),
    ];
    args.extend(options.iter().map(String::as_str));
    let out = privpath(&moto, &args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let scopes: Vec<(String, String)> = snapshot["scopes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["account"].as_str().unwrap().to_string(),
                s["region"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        scopes,
        [
            ("123456789012".to_string(), "us-east-1".to_string()),
            ("210987654321".to_string(), "eu-central-1".to_string())
        ]
    );
    // The instance is the client scope's, the API the API scope's.
    assert!(
        snapshot["scopes"][1]["Instances"].is_array()
            && snapshot["scopes"][0].get("Instances").is_none()
    );
    assert!(
        snapshot["scopes"][0]["RestApis"].is_array()
            && snapshot["scopes"][1].get("RestApis").is_none()
    );
    let (_, live) = live_check(
        &moto,
        &ids,
        &options.iter().map(String::as_str).collect::<Vec<_>>(),
    );
    let offline = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args([
            "check",
            "--snapshot",
            file.to_str().unwrap(),
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(offline.status.code(), Some(1));
    let offline: Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(statuses(&live), statuses(&offline));
    assert_eq!(statuses(&live)["route-endpoint-to-client"], "fail");
}

/// `privpath audit` against the emulator, with the session's test credentials.
fn audit(moto: &Moto, extra: &[&str]) -> (Output, Value) {
    let mut args = vec![
        "audit",
        "--region",
        "us-east-1",
        "--endpoint-url",
        &moto.url,
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let out = isolated(&args, &TEST_KEYS);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out, report)
}

/// The audit's path targets by client instance: (API, statuses of the checks that did
/// not pass).
fn audited_paths(report: &Value) -> BTreeMap<String, (String, BTreeMap<String, String>)> {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["path"].is_null())
        .map(|t| {
            let findings = t["findings"].as_array().unwrap();
            // This estate has no custom domains and no transit gateways: their checks
            // are not run.
            assert_eq!(
                findings.len(),
                privpath_checks::REGISTRY.len()
                    - privpath_checks::checks::DOMAIN_CHECKS.len()
                    - privpath_checks::checks::TRANSIT_CHECKS.len(),
                "{t}"
            );
            let not_passing = findings
                .iter()
                .filter(|f| f["status"] != untouched(f["check"].as_str().unwrap()))
                .map(|f| {
                    (
                        f["check"].as_str().unwrap().to_string(),
                        f["status"].as_str().unwrap().to_string(),
                    )
                })
                .collect();
            (
                t["path"]["instance_id"].as_str().unwrap().to_string(),
                (
                    t["path"]["api_id"].as_str().unwrap().to_string(),
                    not_passing,
                ),
            )
        })
        .collect()
}

fn estate_statuses(report: &Value) -> Vec<(String, String, String)> {
    let estate = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "estate")
        .expect("an estate target");
    assert!(estate["path"].is_null());
    estate["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn statuses_of(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(c, s)| (c.to_string(), s.to_string()))
        .collect()
}

#[test]
fn audit_finds_every_path_in_two_regions_with_its_verdict() {
    let moto = Moto::start();
    let ids = moto.scenario_in("two-regions", "healthy");
    let (out, report) = audit(&moto, &["--regions", "us-east-1,us-west-2"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paths = audited_paths(&report);
    let (east, west) = (&ids["east"], &ids["west"]);
    let unrouted = ids["unrouted_instance"].as_str().unwrap();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert_eq!(
        paths[east["instance_id"].as_str().unwrap()],
        (
            east["api_id"].as_str().unwrap().to_string(),
            BTreeMap::new()
        )
    );
    assert_eq!(
        paths[west["instance_id"].as_str().unwrap()],
        (
            west["api_id"].as_str().unwrap().to_string(),
            statuses_of(&[("route-endpoint-to-client", "fail")])
        )
    );
    // A subnet without a route: no way out, no way back, and the endpoint's group
    // admits only the first subnet; no instance profile either.
    assert_eq!(
        paths[unrouted].1,
        statuses_of(&[
            ("route-client-to-endpoint", "fail"),
            ("route-endpoint-to-client", "fail"),
            ("sg-endpoint-ingress", "fail"),
            ("ssm-instance-role", "warn"),
        ])
    );
    let estate = estate_statuses(&report);
    let unreachable = estate
        .iter()
        .find(|(c, _, _)| c == "estate-api-unreachable")
        .unwrap();
    assert_eq!(unreachable.1, "fail");
    assert!(
        unreachable.2.contains(west["api_id"].as_str().unwrap()),
        "{unreachable:?}"
    );
    assert!(
        estate
            .iter()
            .filter(|(c, _, _)| c != "estate-api-unreachable")
            .all(|(_, s, _)| s == "pass"),
        "{estate:?}"
    );
    // In an estate, every fix says where it runs.
    let fixes: Vec<&str> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| t["findings"].as_array().unwrap())
        .filter_map(|f| f["remediation"].as_str())
        .flat_map(str::lines)
        .filter(|l| l.starts_with("aws "))
        .collect();
    assert!(!fixes.is_empty());
    for line in fixes {
        assert!(
            line.contains("--region us-west-2") && line.contains("# in account 123456789012"),
            "{line}"
        );
    }
    // The table groups by subnet and leads with the verdict.
    let table = isolated(
        &[
            "audit",
            "--region",
            "us-east-1",
            "--regions",
            "us-east-1,us-west-2",
            "--endpoint-url",
            &moto.url,
        ],
        &TEST_KEYS,
    );
    let text = String::from_utf8_lossy(&table.stdout);
    // The headline wraps to the width: compare its words.
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.starts_with("privpath audit: ✗ gate failed (fail-on fail) — 2 of 3 client group(s) cannot call their API (3 path(s), 2 API method(s)); 1 estate finding(s)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("{}  route-client-to-endpoint", unrouted)),
        "{text}"
    );
}

/// The audited path from the scenario's instance to its API.
fn audited_path<'r>(report: &'r Value, ids: &Value) -> &'r Value {
    report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| {
            t["path"]["instance_id"] == ids["instance_id"] && t["path"]["api_id"] == ids["api_id"]
        })
        .unwrap_or_else(|| panic!("no audited path for {ids}: {report}"))
}

fn not_untouched_on_tgw(target: &Value) -> BTreeMap<String, String> {
    target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != untouched_on_tgw(f["check"].as_str().unwrap()))
        .map(|f| {
            (
                f["check"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn audit_finds_the_path_through_a_transit_gateway() {
    // No peering joins the VPCs: the audit finds the client through the TGW's tables.
    let moto = Moto::start();
    let ids = moto.scenario_tgw("healthy");
    let (out, report) = audit(&moto, &[]);
    let target = audited_path(&report, &ids);
    let tgw = target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "tgw-path")
        .expect("tgw-path runs on an estate with a transit gateway");
    assert_eq!(tgw["status"], "pass", "{tgw}");
    assert_eq!(not_untouched_on_tgw(target), BTreeMap::new(), "{target}");
    assert!(
        String::from_utf8_lossy(&out.stderr).is_empty() || out.status.code() != Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    drop(moto);
    // The same estate without the route back: the path is still found, and fails at
    // the TGW hop with the fix naming the table.
    let moto = Moto::start();
    let ids = moto.scenario_tgw("tgw-return-route-missing");
    let (out, report) = audit(&moto, &[]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let target = audited_path(&report, &ids);
    assert_eq!(
        not_untouched_on_tgw(target),
        statuses_of(&[("tgw-path", "fail")]),
        "{target}"
    );
    let fix = target["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "tgw-path")
        .unwrap()["remediation"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(fix.contains(ids["tgw_table"].as_str().unwrap()), "{fix}");
}

#[test]
fn audit_reads_private_integrations() {
    // (scenario, the checks that leave their untouched status on the audited path)
    let scenarios: &[(&str, &[(&str, &str)])] = &[
        ("vpc-link-v2-alb", &[]),
        ("vpc-link-alb-sg-blocks", &[("backend-vpc-link", "fail")]),
        // Behind an NLB without groups the audit reads the targets' interfaces too.
        ("vpc-link-v1-nlb", &[]),
        (
            "vpc-link-v1-nlb-targets-sg-blocks",
            &[("backend-vpc-link", "fail")],
        ),
    ];
    for (breakage, expected) in scenarios {
        let moto = Moto::start();
        let ids = moto.scenario(breakage);
        let (out, report) = audit(&moto, &[]);
        let target = audited_path(&report, &ids);
        let not_untouched: BTreeMap<String, String> = target["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["status"] != untouched_on_vpc_link(f["check"].as_str().unwrap()))
            .map(|f| {
                (
                    f["check"].as_str().unwrap().to_string(),
                    f["status"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            not_untouched,
            statuses_of(expected),
            "{breakage}: {target}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn audit_checks_the_paths_through_private_custom_domain_names() {
    // (layout, breakage, the checks that do not pass on the path through the domain)
    let cases: &[CrossCase] = &[
        ("same", "domain", &[]),
        (
            "same",
            "domain-association-missing",
            &[("domain-access-association", "fail")],
        ),
        ("same", "domain-record-missing", &[("domain-dns", "fail")]),
        // The domain in the API's member account, the zone in the client's.
        ("org", "domain", &[]),
    ];
    let moto = Moto::start();
    for (layout, breakage, expected) in cases {
        let ids = moto.scenario_with(layout, breakage, true);
        let extra: &[&str] = if *layout == "org" {
            &["--org", "--role-name", "privpath-audit"]
        } else {
            &[]
        };
        let (out, report) = audit(&moto, extra);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let of_client: Vec<&Value> = report["targets"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["path"]["instance_id"] == ids["instance_id"])
            .collect();
        // The client calls the API by its execute-api name and through the domain.
        assert_eq!(of_client.len(), 2, "{breakage}: {report}\n{stderr}");
        let not_passing = |t: &Value| -> BTreeMap<String, String> {
            t["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| {
                    let check = f["check"].as_str().unwrap();
                    f["status"] != "pass"
                        && !(f["status"] == "skip"
                            && (privpath_checks::checks::TRANSIT_CHECKS.contains(&check)
                                || privpath_checks::checks::VPC_LINK_CHECKS.contains(&check)
                                || (t["path"]["domain"].is_null()
                                    && privpath_checks::checks::DOMAIN_CHECKS.contains(&check))))
                })
                .map(|f| {
                    (
                        f["check"].as_str().unwrap().to_string(),
                        f["status"].as_str().unwrap().to_string(),
                    )
                })
                .collect()
        };
        let via = of_client
            .iter()
            .find(|t| t["path"]["domain"] == "orders.internal.example.com/orders")
            .unwrap_or_else(|| panic!("{breakage}: no path through the domain: {report}"));
        assert_eq!(
            not_passing(via),
            statuses_of(expected),
            "{layout} {breakage}: {via}\n{stderr}"
        );
        let direct = of_client
            .iter()
            .find(|t| t["path"]["domain"].is_null())
            .unwrap();
        assert_eq!(
            not_passing(direct),
            BTreeMap::new(),
            "{layout} {breakage}: the execute-api path: {direct}"
        );
        let want = if expected.is_empty() { 0 } else { 1 };
        assert_eq!(out.status.code(), Some(want), "{breakage}: {stderr}");
    }
}

#[test]
fn audit_of_an_organization_finds_the_path_between_member_accounts() {
    let moto = Moto::start();
    let ids = moto.scenario_in("org", "healthy");
    let (out, report) = audit(&moto, &["--org", "--role-name", "privpath-audit"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}\n{report}",
        String::from_utf8_lossy(&out.stderr)
    );
    let paths = audited_paths(&report);
    assert_eq!(paths.len(), 1, "{paths:?}");
    let (api, failing) = &paths[ids["instance_id"].as_str().unwrap()];
    assert_eq!(api, ids["api_id"].as_str().unwrap());
    assert!(failing.is_empty(), "{failing:?}");
    let path = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| !t["path"].is_null())
        .unwrap()["path"]
        .clone();
    assert_eq!(path["account"], ids["api_account"]);
    assert_eq!(path["client_account"], ids["client_account"]);
    assert!(estate_statuses(&report).iter().all(|(_, s, _)| s == "pass"));
    // Every request the audit makes is a read `privpath iam-policy` grants.
    let (out, _) = audit(
        &moto,
        &["--org", "--role-name", "privpath-audit", "--verbose"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let policy = Command::new(env!("CARGO_BIN_EXE_privpath"))
        .arg("iam-policy")
        .output()
        .unwrap();
    let policy = String::from_utf8_lossy(&policy.stdout).to_string();
    let calls: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("privpath:   "))
        .map(|l| l.split_whitespace().nth(1).unwrap())
        .collect();
    // Three accounts (the management account and two members), one region.
    assert!(calls.len() >= 3 * 8, "{stderr}");
    for action in calls {
        assert!(
            policy.contains(&format!("\"{action}\"")),
            "{action} is not in `privpath iam-policy`"
        );
    }
}

#[test]
fn audit_reports_an_account_region_it_cannot_read_and_audits_the_rest() {
    let moto = Moto::start();
    let out = Command::new(python())
        .arg(Path::new(ROOT).join("tests/e2e/scenario.py"))
        .args(["--endpoint", &moto.url, "--disable-regions", "ap-south-2"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ids: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (out, report) = audit(&moto, &["--regions", "us-east-1,ap-south-2"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "exit 2 wins: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let failed: Vec<&Value> = report["targets"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| !t["error"].is_null())
        .collect();
    assert_eq!(failed.len(), 1, "{report}");
    assert_eq!(failed[0]["name"], "scope 123456789012/ap-south-2");
    // What AWS answers for a region the account has not enabled.
    let why = failed[0]["error"].as_str().unwrap();
    assert!(why.contains("AWS rejected the credentials"), "{why}");
    let paths = audited_paths(&report);
    assert!(
        paths[ids["instance_id"].as_str().unwrap()].1.is_empty(),
        "{paths:?}"
    );
}

/// A private custom domain name end to end: the client calls
/// https://orders.internal.example.com/orders/orders; `--domain-name` alone finds the API
/// and stage through the mapping. Each breakage fails exactly its domain check.
#[test]
fn private_custom_domain_names() {
    let moto = Moto::start();
    let cases: &[CrossCase] = &[
        ("same", "domain", &[]),
        ("cross-account", "domain", &[]),
        (
            "same",
            "domain-association-missing",
            &[("domain-access-association", "fail")],
        ),
        (
            "same",
            "domain-policy-other-endpoint",
            &[("domain-policy-allows-endpoint", "fail")],
        ),
        (
            "same",
            "domain-mapping-missing",
            &[("domain-base-path", "fail")],
        ),
        ("same", "domain-record-missing", &[("domain-dns", "fail")]),
        // A REGIONAL domain of that name only (with --api-id: no mapping names the API);
        // the domain's policy, association and mapping checks have nothing to judge.
        (
            "same",
            "domain-not-private",
            &[
                ("domain-private", "fail"),
                ("domain-access-association", "skip"),
                ("domain-policy-allows-endpoint", "skip"),
                ("domain-base-path", "skip"),
            ],
        ),
        // Still serves: a warning, and the gate passes.
        (
            "same",
            "domain-certificate-expiring",
            &[("domain-private", "warn")],
        ),
    ];
    for (layout, breakage, expected) in cases {
        let ids = moto.scenario_in(layout, breakage);
        let instance = ids["instance_id"].as_str().unwrap();
        let mut args = vec![
            "check",
            "--instance-id",
            instance,
            "--domain-name",
            "orders.internal.example.com",
            "--format",
            "json",
        ];
        // Without a mapping nothing names the API: it must be given.
        if matches!(*breakage, "domain-mapping-missing" | "domain-not-private") {
            args.extend(["--api-id", ids["api_id"].as_str().unwrap()]);
        }
        let options = client_options(layout, &ids);
        args.extend(options.iter().map(String::as_str));
        let out = privpath(&moto, &args);
        let report: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!("{breakage}: {e}: {}", String::from_utf8_lossy(&out.stderr))
        });
        // Through the domain every check applies but the transit gateway's (a peering
        // joins the VPCs) and the VPC link's (the backend is Lambda).
        assert_outcome(
            &format!("{layout} {breakage}"),
            &out,
            &report,
            expected,
            |c| {
                if privpath_checks::checks::TRANSIT_CHECKS.contains(&c)
                    || privpath_checks::checks::VPC_LINK_CHECKS.contains(&c)
                {
                    "skip"
                } else {
                    "pass"
                }
            },
        );
        let target = &report["targets"][0];
        assert_eq!(target["path"]["api_id"], ids["api_id"], "{breakage}");
        // Without a mapping the URL has no base path.
        let domain = if matches!(*breakage, "domain-mapping-missing" | "domain-not-private") {
            "orders.internal.example.com"
        } else {
            "orders.internal.example.com/orders"
        };
        assert_eq!(target["path"]["domain"], domain, "{breakage}");
        if expected.is_empty() {
            let curl = target["path"]["request"]["curl"]
                .as_str()
                .unwrap_or_default();
            assert!(
                curl.contains("'https://orders.internal.example.com/orders/orders'"),
                "{curl}"
            );
        }
        let finding = |id: &str| {
            target["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["check"] == id)
                .cloned()
                .unwrap()
        };
        match *breakage {
            "domain-association-missing" => {
                let f = finding("domain-access-association");
                let fix = f["remediation"].as_str().unwrap();
                assert!(
                    fix.contains(&format!(
                        "create-domain-name-access-association --access-association-source {}",
                        ids["vpce_api"].as_str().unwrap()
                    )) && fix.contains(ids["domain_arn"].as_str().unwrap()),
                    "{fix}"
                );
            }
            "domain-record-missing" => {
                let f = finding("domain-dns");
                let message = f["message"].as_str().unwrap();
                assert!(message.contains(ids["zone"].as_str().unwrap()), "{message}");
                assert!(message.contains("NXDOMAIN"), "{message}");
            }
            "domain-certificate-expiring" => {
                let f = finding("domain-private");
                let message = f["message"].as_str().unwrap();
                assert!(
                    message.contains(ids["certificate"].as_str().unwrap())
                        && message.contains("within 30 days"),
                    "{message}"
                );
            }
            _ => {}
        }
    }
    // With --api-id as well the domain's reads ride in the path's own waves: no more
    // round trips than without a domain; without it, the API's reads wait for two (the
    // mapping names the API) — at most two more round trips, one in fact: the reads of
    // the client side do not wait for the domain (their chain is shorter than two plus
    // the API's).
    let ids = moto.scenario_with("same", "healthy", true);
    let waves = |extra: &[&str]| -> usize {
        let (out, report) = live_check(&moto, &ids, &[&["--verbose"], extra].concat());
        assert_eq!(out.status.code(), Some(0), "{report}");
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        let line = stderr
            .lines()
            .find(|l| l.contains(" wave(s) "))
            .unwrap()
            .to_string();
        line.split(" in ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    let plain = waves(&[]);
    assert_eq!(
        waves(&["--domain-name", "orders.internal.example.com"]),
        plain
    );
    let out = privpath(
        &moto,
        &[
            "check",
            "--instance-id",
            ids["instance_id"].as_str().unwrap(),
            "--domain-name",
            "orders.internal.example.com",
            "--verbose",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(&format!("in {} wave(s)", plain + 1)),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    // `privpath snapshot --domain-name` keeps what the domain checks read; checked
    // offline without naming the domain (the snapshot's only private one), the findings
    // are the live run's.
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-domain-snapshot.json");
    let instance = ids["instance_id"].as_str().unwrap();
    let domain_args = [
        "--instance-id",
        instance,
        "--domain-name",
        "orders.internal.example.com",
    ];
    let out = privpath(
        &moto,
        &[
            &["snapshot", "-o", file.to_str().unwrap()],
            &domain_args[..],
        ]
        .concat(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let live = privpath(
        &moto,
        &[&["check", "--format", "json"], &domain_args[..]].concat(),
    );
    let offline = isolated(
        &[
            "check",
            "--snapshot",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
        &[],
    );
    let (live, offline): (Value, Value) = (
        serde_json::from_slice(&live.stdout).unwrap(),
        serde_json::from_slice(&offline.stdout).unwrap(),
    );
    assert_eq!(statuses(&live), statuses(&offline));
    assert!(
        statuses(&offline).iter().all(|(c, s)| s
            == if c == "tgw-path" || c == "backend-vpc-link" {
                "skip"
            } else {
                "pass"
            }),
        "{offline}"
    );

    // A domain this account does not have, without --api-id: one clear line, exit 2.
    let ids = moto.scenario("healthy");
    let out = privpath(
        &moto,
        &[
            "check",
            "--instance-id",
            ids["instance_id"].as_str().unwrap(),
            "--domain-name",
            "billing.internal.example.com",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("custom domain name billing.internal.example.com")
            && stderr.contains("--api-id"),
        "{stderr}"
    );
}

/// What `terraform show -json` prints for a plan over the emulator's seed that destroys
/// the client's route to the endpoint VPC (its `aws_route` block was deleted), and
/// leaves the API and the instance as they are (so that they can be named by address).
fn plan_deleting_the_client_route(ids: &Value) -> Value {
    let route = serde_json::json!({
        "route_table_id": ids["rtb_a"], "destination_cidr_block": "10.30.0.0/16",
        "vpc_peering_connection_id": ids["pcx"], "gateway_id": "", "nat_gateway_id": "",
        "id": format!("r-{}1080289494", ids["rtb_a"].as_str().unwrap()), "state": "active", "origin": "CreateRoute",
    });
    plan_deleting(ids, "aws_route", "client_to_service", &route)
}

/// A plan that leaves the API and the instance as they are and destroys one resource
/// whose block was removed from the configuration.
fn plan_deleting(ids: &Value, rtype: &str, name: &str, route: &Value) -> Value {
    let provider = "registry.terraform.io/hashicorp/aws";
    let address = format!("{rtype}.{name}");
    let api = serde_json::json!({"id": ids["api_id"], "name": "orders",
        "endpoint_configuration": [{"types": ["PRIVATE"], "vpc_endpoint_ids": [ids["vpce_api"]]}]});
    let instance = serde_json::json!({"id": ids["instance_id"], "instance_type": "t2.micro",
        "subnet_id": ids["client_subnet"]});
    let unchanged = |address: &str, rtype: &str, name: &str, values: &Value| {
        serde_json::json!({"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": provider, "change": {"actions": ["no-op"], "before": values, "after": values,
            "after_unknown": {}, "before_sensitive": {}, "after_sensitive": {}}})
    };
    let state = |address: &str, rtype: &str, name: &str, values: &Value| {
        serde_json::json!({"address": address, "mode": "managed", "type": rtype, "name": name,
            "provider_name": provider, "schema_version": 0, "values": values, "sensitive_values": {}})
    };
    serde_json::json!({
        "format_version": "1.2", "terraform_version": "1.9.8", "timestamp": "2026-11-24T12:00:00Z",
        "applyable": true, "complete": true, "errored": false,
        "planned_values": {"root_module": {"resources": [
            state("aws_api_gateway_rest_api.orders", "aws_api_gateway_rest_api", "orders", &api),
            state("aws_instance.client", "aws_instance", "client", &instance)]}},
        "resource_changes": [
            unchanged("aws_api_gateway_rest_api.orders", "aws_api_gateway_rest_api", "orders", &api),
            unchanged("aws_instance.client", "aws_instance", "client", &instance),
            {"address": address, "mode": "managed", "type": rtype,
             "name": name, "provider_name": provider,
             "action_reason": "delete_because_no_resource_config",
             "change": {"actions": ["delete"], "before": route, "after": null, "after_unknown": {},
                        "before_sensitive": {}, "after_sensitive": false}}],
        "prior_state": {"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
            state("aws_api_gateway_rest_api.orders", "aws_api_gateway_rest_api", "orders", &api),
            state("aws_instance.client", "aws_instance", "client", &instance),
            state(&address, rtype, name, route)]}}},
        "configuration": {"provider_config": {"aws": {"name": "aws", "full_name": provider,
            "expressions": {"region": {"constant_value": "us-east-1"}}}}, "root_module": {"resources": [
            {"address": "aws_api_gateway_rest_api.orders", "mode": "managed", "type": "aws_api_gateway_rest_api",
             "name": "orders", "provider_config_key": "aws", "expressions": {"name": {"constant_value": "orders"}},
             "schema_version": 0},
            {"address": "aws_instance.client", "mode": "managed", "type": "aws_instance", "name": "client",
             "provider_config_key": "aws", "expressions": {}, "schema_version": 0}]}}
    })
}

/// The pre-deployment gate against the live seed: a plan that destroys the client's
/// route fails route-client-to-endpoint before anything is applied — and the rest of
/// the path, read live, passes. The targets may be named by their Terraform addresses.
#[test]
fn a_plan_over_a_live_transit_gateway_path_fails_before_the_apply() {
    // The TGW's static route to the endpoint VPC, removed from the configuration.
    let moto = Moto::start();
    let ids = moto.scenario_tgw("healthy");
    let table = ids["tgw_table"].as_str().unwrap();
    let route = serde_json::json!({
        "id": format!("{table}_10.30.0.0/16"), "transit_gateway_route_table_id": table,
        "destination_cidr_block": "10.30.0.0/16", "transit_gateway_attachment_id": ids["att_b"],
        "blackhole": false,
    });
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-plan-delete-tgw-route.json");
    std::fs::write(
        &file,
        plan_deleting(&ids, "aws_ec2_transit_gateway_route", "to_service", &route).to_string(),
    )
    .unwrap();
    let (out, report) = live_check(&moto, &ids, &["--plan", file.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (check, status) in statuses(&report) {
        let want = match check.as_str() {
            "tgw-path" => "fail",
            "plan-deployment-after-policy"
            | "plan-peering-accepter"
            | "plan-endpoint-dns-replacement" => "skip",
            other => untouched_on_tgw(other),
        };
        assert_eq!(status, want, "{check}: {report}");
    }
    let tgw = report["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "tgw-path")
        .unwrap();
    assert_eq!(
        tgw["addresses"],
        serde_json::json!(["aws_ec2_transit_gateway_route.to_service"]),
        "{tgw}"
    );
    // Without the plan the same path passes: the failure is the plan's.
    let (out, _) = live_check(&moto, &ids, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_plan_over_the_live_seed_fails_before_the_apply() {
    let moto = Moto::start();
    let ids = moto.scenario("healthy");
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("e2e-plan-delete-route.json");
    std::fs::write(&file, plan_deleting_the_client_route(&ids).to_string()).unwrap();
    let plan = file.to_str().unwrap();
    let expect = |report: &Value, label: &str| {
        for (check, status) in statuses(report) {
            let want = match check.as_str() {
                "route-client-to-endpoint" => "fail",
                // The plan manages no deployment, peering or endpoint.
                "plan-deployment-after-policy"
                | "plan-peering-accepter"
                | "plan-endpoint-dns-replacement" => "skip",
                other => untouched(other),
            };
            assert_eq!(status, want, "{label}: {check}: {report}");
        }
    };
    let (out, report) = live_check(&moto, &ids, &["--plan", plan]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        statuses(&report).len(),
        privpath_checks::REGISTRY.len() + privpath_checks::plan_checks::PLAN_REGISTRY.len()
    );
    expect(&report, "by id");
    let path = &report["targets"][0]["path"];
    assert!(
        path["source"]
            .as_str()
            .unwrap()
            .starts_with(&format!("plan {plan} over live, http://127.0.0.1:")),
        "{path}"
    );
    let route = report["targets"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["check"] == "route-client-to-endpoint")
        .unwrap();
    assert_eq!(
        route["addresses"],
        serde_json::json!(["aws_route.client_to_service"]),
        "{route}"
    );

    // The same, the targets named by address: the plan gives their ids.
    let out = privpath(
        &moto,
        &[
            "check",
            "--plan",
            plan,
            "--api-id",
            "aws_api_gateway_rest_api.orders",
            "--instance-id",
            "aws_instance.client",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    expect(&report, "by address");
    assert_eq!(report["targets"][0]["path"]["api_id"], ids["api_id"]);
}
