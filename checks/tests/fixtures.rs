//! Every fixture under `fixtures/` produces exactly the statuses `fixtures/expected.json`
//! lists for it: named checks have the named status, every other check passes. So a
//! broken fixture fails exactly the checks it was built to break.

use privpath_checks::checks::{DOMAIN_CHECKS, LAMBDA_CHECKS, TRANSIT_CHECKS, VPC_LINK_CHECKS};
use privpath_checks::{evaluate, ResolvedPath, Selection, Snapshot, Status, Target, REGISTRY};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

fn expectations() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(fixtures_dir().join("expected.json"))
        .expect("fixtures/expected.json");
    serde_json::from_str(&text).expect("expected.json is a map of fixture → {check: status}")
}

fn statuses(rel: &str) -> BTreeMap<&'static str, Status> {
    let bytes = std::fs::read(fixtures_dir().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let snapshot = Snapshot::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let index = privpath_checks::SnapshotIndex::build(&snapshot);
    let path =
        ResolvedPath::resolve(&index, &Target::default()).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let findings = evaluate(&path, &Selection::default());
    let mut out = BTreeMap::new();
    for f in findings {
        // One finding per check; a second would hide behind the first.
        assert!(
            out.insert(f.check, f.status).is_none(),
            "{rel}: two findings for {}",
            f.check
        );
        if matches!(f.status, Status::Fail | Status::Warn) {
            assert!(
                f.remediation.is_some(),
                "{rel}: {} {} without a remediation",
                f.check,
                f.status
            );
        }
        assert!(!f.message.is_empty(), "{rel}: {} has no message", f.check);
        if f.status == Status::Unknown {
            // Unknown because data is missing names the IAM action that would collect
            // it; unknown because a policy uses what privpath does not evaluate says so.
            assert!(
                !f.needs.is_empty() || f.message.contains("cannot evaluate"),
                "{rel}: {} is unknown without naming an IAM action or what it cannot evaluate",
                f.check
            );
        }
    }
    out
}

fn parse_status(s: &str) -> Status {
    *Status::ALL
        .iter()
        .find(|x| x.as_str() == s)
        .unwrap_or_else(|| panic!("bad status {s}"))
}

#[test]
fn every_fixture_produces_exactly_its_expected_statuses() {
    let expected = expectations();
    assert!(
        expected.len() >= 30,
        "expected.json lists {} fixtures",
        expected.len()
    );
    // Every mismatch at once: one broken check usually shows in several fixtures.
    let mut wrong = Vec::new();
    for (rel, exceptions) in &expected {
        let got = statuses(rel);
        assert_eq!(got.len(), REGISTRY.len(), "{rel}: every check reports");
        for (check, status) in &got {
            let want = exceptions
                .get(*check)
                .map_or(Status::Pass, |s| parse_status(s));
            if *status != want {
                wrong.push(format!("{rel}: {check} is {status}, expected {want}"));
            }
        }
        for check in exceptions.keys() {
            assert!(
                got.contains_key(check.as_str()),
                "{rel}: expected.json names unknown check {check}"
            );
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_fixture_file_has_an_expectation() {
    let expected = expectations();
    for group in [
        "seed", "broken", "variants", "cross", "domain", "tgw", "backend",
    ] {
        for entry in std::fs::read_dir(fixtures_dir().join(group)).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let rel = format!("{group}/{name}");
            assert!(
                expected.contains_key(&rel),
                "{rel} is not in fixtures/expected.json"
            );
        }
    }
}

/// Checks whose worst verdict is a warning by design: what they find still works (a
/// deprecated Lambda runtime still runs).
const WARN_ONLY: &[&str] = &["lambda-runtime-supported", "lambda-timeout-fits"];

#[test]
fn every_check_has_a_broken_fixture_that_fails_it() {
    let expected = expectations();
    for check in REGISTRY {
        let worst = if WARN_ONLY.contains(&check.meta.id) {
            "warn"
        } else {
            "fail"
        };
        let broken_by: Vec<&String> = expected
            .iter()
            .filter(|(rel, ex)| {
                // A custom domain's checks are broken on the domain seed, under domain/,
                // a transit gateway's on the TGW seed, under tgw/, a private
                // integration's on the load balancer seeds, under backend/.
                (rel.starts_with("broken/")
                    || rel.starts_with("domain/")
                    || rel.starts_with("tgw/")
                    || rel.starts_with("backend/"))
                    && ex.get(check.meta.id).map(String::as_str) == Some(worst)
            })
            .map(|(rel, _)| rel)
            .collect();
        assert!(
            !broken_by.is_empty(),
            "no broken fixture fails {}",
            check.meta.id
        );
    }
}

#[test]
fn healthy_seed_passes_everything() {
    // The seed's client calls the execute-api name over a peering, and its backend is
    // Lambda: the custom domain checks, the transit gateway's and the private
    // integration's skip.
    let off_path = |check: &str| {
        DOMAIN_CHECKS.contains(&check)
            || TRANSIT_CHECKS.contains(&check)
            || VPC_LINK_CHECKS.contains(&check)
    };
    let got = statuses("seed/healthy.json");
    for (check, status) in &got {
        let want = if off_path(check) {
            Status::Skip
        } else {
            Status::Pass
        };
        assert_eq!(*status, want, "{check}: {got:?}");
    }
    // Through https://orders.internal.example.com every check, the domain's too, passes.
    let got = statuses("domain/healthy.json");
    for (check, status) in &got {
        let want = if TRANSIT_CHECKS.contains(check) || VPC_LINK_CHECKS.contains(check) {
            Status::Skip
        } else {
            Status::Pass
        };
        assert_eq!(*status, want, "{check}: {got:?}");
    }
    // Through a transit gateway — one account, RAM-shared across accounts, two TGWs
    // peered across regions — every check passes but peering-active, which says why it
    // does not apply.
    for rel in [
        "tgw/healthy.json",
        "tgw/healthy-shared-cross-account.json",
        "tgw/healthy-cross-region.json",
    ] {
        let got = statuses(rel);
        for (check, status) in &got {
            let want = if DOMAIN_CHECKS.contains(check)
                || VPC_LINK_CHECKS.contains(check)
                || *check == "peering-active"
            {
                Status::Skip
            } else {
                Status::Pass
            };
            assert_eq!(*status, want, "{rel}: {check}: {got:?}");
        }
    }
    // Behind a VPC link — an ALB through V2, an NLB through V1 — the backend is the
    // load balancer: it is checked, and the Lambda checks skip saying so.
    for rel in [
        "backend/alb-behind-vpc-link-v2.json",
        "backend/nlb-behind-vpc-link-v1.json",
    ] {
        let got = statuses(rel);
        for (check, status) in &got {
            let want = if DOMAIN_CHECKS.contains(check)
                || TRANSIT_CHECKS.contains(check)
                || LAMBDA_CHECKS.contains(check)
            {
                Status::Skip
            } else {
                Status::Pass
            };
            assert_eq!(*status, want, "{rel}: {check}: {got:?}");
        }
    }
}

/// Messages and fixes name the real resources, not placeholders.
#[test]
fn findings_name_the_broken_resources() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("broken/peering-pending-acceptance.json", "peering-active", &["pending-acceptance", "accept-vpc-peering-connection --vpc-peering-connection-id pcx-0fee0000000000001"]),
        ("broken/route-client-shadowed-by-igw.json", "route-client-to-endpoint", &["10.1.2.0/24", "igw-0a00000000000000a", "replace-route --route-table-id rtb-0a00000000000001a"]),
        ("broken/route-client-main-table-without-peering.json", "route-client-to-endpoint", &["rtb-0a00000000000000a", "igw-0a00000000000000a", "0.0.0.0/0"]),
        ("broken/route-endpoint-missing.json", "route-endpoint-to-client", &["rtb-0b00000000000000b", "--destination-cidr-block 10.0.1.0/24"]),
        ("broken/sg-endpoint-port-80-only.json", "sg-endpoint-ingress", &["authorize-security-group-ingress --group-id sg-0e9a000000000000b --protocol tcp --port 443 --cidr 10.0.1.0/24"]),
        ("broken/sg-client-egress-one-subnet.json", "sg-client-egress", &["subnet-0e9a000000000002b", "--cidr 10.1.2.0/24"]),
        ("broken/ssm-agent-too-old.json", "ssm-agent-version", &["2.3.50.0", "AWS-UpdateSSMAgent"]),
        ("broken/lambda-runtime-python3.8.json", "lambda-runtime-supported", &["python3.8", "deprecated (no security patches, no technical support) since 2024-10-14", "creates blocked from 2027-02-01", "updates blocked from 2027-03-03", "could not be confirmed", "update-function-configuration --function-name privpath-writer --runtime python3.14"]),
        ("broken/ssm-role-without-core-policy.json", "ssm-instance-role", &["attach-role-policy --role-name privpath-client-role --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"]),
        ("broken/ssm-endpoint-private-dns-off.json", "ssm-endpoints", &["modify-vpc-endpoint --vpc-endpoint-id vpce-055a0000000000001 --private-dns-enabled"]),
        ("broken/api-without-resource-policy.json", "api-resource-policy", &["Private REST API doesn't have a resource policy attached to it", "--rest-api-id a1b2c3d4e5", "vpce-0e9a0000000000001", "create-deployment"]),
        ("broken/ssm-agent-access-denied.json", "ssm-agent-version", &["ssm:DescribeInstanceInformation", "AccessDeniedException"]),
        // Across accounts and regions: who must act, where, and with which credentials.
        ("cross/peering-pending-acceptance.json", "peering-active", &["must be accepted by account 111122223333 in us-east-1", "accept-vpc-peering-connection --vpc-peering-connection-id pcx-0fee0000000000001 --region us-east-1  # in account 111122223333"]),
        ("cross/sg-reference-cross-region.json", "sg-endpoint-ingress", &["only by reference", "inter-region peering", "the client is in eu-west-1, the endpoint in us-east-1", "--cidr 10.0.1.0/24 --region us-east-1  # in account 111122223333"]),
        ("cross/sg-reference-cross-account.json", "sg-endpoint-ingress", &["allows tcp/443 from group sg-0c11e000000000001"]),
        ("cross/route-endpoint-missing-in-api-account.json", "route-endpoint-to-client", &["rtb-0b00000000000001b", "--destination-cidr-block 10.0.1.0/24 --vpc-peering-connection-id pcx-0fee0000000000001 --region us-east-1  # in account 111122223333"]),
        ("cross/route-client-missing-in-client-account.json", "route-client-to-endpoint", &["rtb-0a00000000000001a", "--region us-east-1  # in account 444455556666"]),
        ("cross/client-route-tables-denied.json", "route-client-to-endpoint", &["RouteTables in 444455556666/us-east-1", "UnauthorizedOperation", "--client-profile"]),
        ("cross/healthy-cross-account-and-region.json", "peering-active", &["in 444455556666/eu-west-1", "in 111122223333/us-east-1"]),
        ("cross/healthy-cross-region.json", "ssm-endpoints", &["vpce-055a0000000000001"]),
        // Private custom domain names: the broken part, named with its real ids.
        ("domain/certificate-pending-validation.json", "domain-private", &["arn:aws:acm:us-east-1:111122223333:certificate/0c3e7f00-0000-4000-8000-000000000001", "PENDING_VALIDATION", "request-certificate --domain-name orders.internal.example.com"]),
        ("domain/certificate-expires-soon.json", "domain-private", &["expires on 2026-12-14", "within 30 days of 2026-11-24"]),
        ("domain/certificate-other-name.json", "domain-private", &["covers *.example.org, not orders.internal.example.com"]),
        ("domain/no-access-association.json", "domain-access-association", &["vpce-0e9a0000000000001 is not associated with orders.internal.example.com", "Account 111122223333", "create-domain-name-access-association --access-association-source vpce-0e9a0000000000001 --access-association-source-type VPCE --domain-name-arn arn:aws:apigateway:us-east-1:111122223333:/domainnames/orders.internal.example.com+abcd1234"]),
        ("domain/domain-policy-other-endpoint.json", "domain-policy-allows-endpoint", &["explicitly denies", "orders.internal.example.com+abcd1234", "update-domain-name --domain-name orders.internal.example.com --domain-name-id abcd1234", "vpce-0e9a0000000000001"]),
        ("domain/no-base-path-mapping.json", "domain-base-path", &["has no mapping for API a1b2c3d4e5", "create-base-path-mapping --domain-name orders.internal.example.com --domain-name-id abcd1234 --rest-api-id a1b2c3d4e5 --stage prod"]),
        ("domain/zone-without-record.json", "domain-dns", &["zone Z0PRIVATE00000000001 (internal.example.com)", "NXDOMAIN", "change-resource-record-sets --hosted-zone-id Z0PRIVATE00000000001", "vpce-0e9a0000000000001-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com"]),
        ("domain/record-to-other-endpoint.json", "domain-dns", &["an alias to vpce-0ffe0000000000009-zzzz", "which is not vpce-0e9a0000000000001"]),
        ("domain/zone-only-on-endpoint-vpc.json", "domain-dns", &["no private hosted zone associated with vpc-0a11ce00000000001 covers orders.internal.example.com", "create-hosted-zone --name orders.internal.example.com --vpc VPCRegion=us-east-1,VPCId=vpc-0a11ce00000000001"]),
        ("domain/client-vpc-without-dns-hostnames.json", "domain-dns", &["enableDnsHostnames false", "modify-vpc-attribute --vpc-id vpc-0a11ce00000000001 --enable-dns-hostnames"]),
        ("domain/public-domain-of-that-name.json", "domain-private", &["REGIONAL custom domain name, not PRIVATE", "--endpoint-configuration types=PRIVATE"]),
        ("domain/a-records-in-endpoint-subnets.json", "domain-dns", &["10.1.1.10, 10.1.2.10 inside the endpoint's subnets"]),
        ("domain/healthy.json", "dns-resolution", &["https://orders.internal.example.com/orders/items", "custom domain name orders.internal.example.com"]),
        ("cross/domain-cross-account.json", "domain-dns", &["zone Z0PRIVATE00000000001 (internal.example.com) of vpc-0a11ce00000000001 resolves orders.internal.example.com by an alias"]),
        ("broken/api-access-mode-strict.json", "api-access-mode", &["SecurityPolicy_TLS13_1_3_2025_09 with endpoint access mode STRICT", "https://a1b2c3d4e5-vpce-0e9a0000000000001.execute-api.us-east-1.amazonaws.com/prod/items", "path=/endpointAccessMode,value=BASIC"]),
        ("broken/api-policy-vpce-org-id.json", "api-policy-allows-endpoint", &["aws:VpceOrgID", "never sets", "Instead: aws:SourceVpce"]),
        ("broken/api-policy-allow-if-exists-vpce-org-id.json", "api-policy-allows-endpoint", &["only because API Gateway never sets aws:VpceOrgID (use aws:SourceVpce"]),
        ("broken/api-policy-deny-vpce-account-not-equals.json", "api-policy-allows-endpoint", &["statement \"OnlyOurAccount\" explicitly denies", "aws:VpceAccount"]),
        ("broken/ssm-endpoints-bpa-blocks-igw.json", "ssm-endpoints", &["block-bidirectional", "igw-0a00000000000000a", "create-vpc-block-public-access-exclusion --subnet-id subnet-0c1e000000000001a --internet-gateway-exclusion-mode allow-egress"]),
        ("broken/ssm-endpoint-ec2messages-missing.json", "ssm-endpoints", &["no ec2messages endpoint", "3.2.1705.0 (older than 3.3.40.0)"]),
        ("broken/ssm-dhmc-role-without-policy.json", "ssm-instance-role", &["Default Host Management Configuration", "lacks AmazonSSMManagedEC2InstanceDefaultPolicy", "attach-role-policy --role-name AWSSystemsManagerDefaultEC2InstanceManagementRole"]),
        ("broken/ssm-dhmc-imds-disabled.json", "ssm-instance-role", &["HttpEndpoint disabled", "--http-tokens required"]),
        ("cross/ssm-role-without-core-policy-in-client-account.json", "ssm-instance-role", &["attach-role-policy --role-name privpath-client-role", "--region eu-west-1  # in account 444455556666"]),
        // Private integrations, Lambda timeouts and the database's network.
        ("backend/alb-behind-vpc-link-v2.json", "backend-vpc-link", &["VPC link vl2ab3c (V2) is AVAILABLE", "ALB orders-alb (active) listens on 443/HTTPS", "target group orders-app: 2/2 healthy"]),
        ("backend/alb-behind-vpc-link-v2.json", "lambda-vpc-to-rds", &["the backend is a load balancer", "VPC link vl2ab3c (V2) → ALB orders-alb"]),
        ("backend/stage-variable-names-a-missing-link.json", "backend-vpc-link", &["stage variable vpcLinkId on stage prod names VPC link vl0dead", "update-stage --rest-api-id a1b2c3d4e5 --stage-name prod --patch-operations op=replace,path=/variables/vpcLinkId,value=VPC_LINK_ID"]),
        ("backend/targets-unhealthy.json", "backend-vpc-link", &["orders-app has no healthy target", "i-0a99000000000001e unhealthy Target.Timeout", "describe-target-health --target-group-arn arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/orders-app/0a1b2c3d4e5f6a7b"]),
        ("backend/alb-sg-blocks-the-link.json", "backend-vpc-link", &["sg-0a1b000000000000e admit no tcp/443 from the VPC link's subnet subnet-0a99000000000001e", "authorize-security-group-ingress --group-id sg-0a1b000000000000e --protocol tcp --port 443 --source-group sg-011c000000000000e"]),
        ("backend/listener-not-on-the-uri-port.json", "backend-vpc-link", &["orders-alb has no listener on port 8443", "its listeners: 443/HTTPS", "create-listener --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/orders-alb/50dc6c495c0c9188 --protocol HTTPS --port 8443"]),
        ("backend/nlb-targets-sg-blocks-the-nlb.json", "backend-vpc-link", &["targets i-0a99000000000001e, i-0a99000000000002e (sg-0a99000000000000e) decide", "admit no tcp/8080 from the load balancer's subnets", "--group-id sg-0a99000000000000e --protocol tcp --port 8080 --cidr 10.1.30.0/24"]),
        ("backend/vpc-link-v1-to-an-alb.json", "backend-vpc-link", &["reaches only a Network Load Balancer", "NLB ARN is malformed"]),
        ("backend/nlb-with-groups-enforced-on-privatelink.json", "backend-vpc-link", &["set-security-groups --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/net/orders-nlb/7e2bf4ac5d9f1e03 --security-groups sg-0d1b000000000000e --enforce-security-group-inbound-rules-on-private-link-traffic off"]),
        ("broken/lambda-timeout-60s-integration-29s.json", "lambda-timeout-fits", &["privpath-writer may run 60 s but API Gateway waits 29 s (timeoutInMillis 29000, the default)", "Endpoint request timed out", "update-function-configuration --function-name privpath-writer --timeout 28", "op=replace,path=/timeoutInMillis,value=60000", "--resource-id r3s0ur --http-method POST"]),
        ("variants/lambda-streaming-uri.json", "lambda-invoke-permission", &["privpath-writer"]),
        ("broken/rds-nacl-without-return-rule.json", "lambda-vpc-to-rds", &["acl-0db0000000000000d outbound blocks the DB's replies", "create-network-acl-entry --network-acl-id acl-0db0000000000000d --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 10.1.10.0/24 --rule-action allow --egress"]),
        ("broken/rds-ca-2019.json", "lambda-vpc-to-rds", &["signed by rds-ca-2019, which expired in August 2024", "modify-db-instance --db-instance-identifier privpath-orders-db --ca-certificate-identifier rds-ca-rsa2048-g1 --apply-immediately"]),
    ];
    for (rel, check, needles) in cases {
        let bytes = std::fs::read(fixtures_dir().join(rel)).unwrap();
        let snapshot = Snapshot::from_slice(&bytes).unwrap();
        let index = privpath_checks::SnapshotIndex::build(&snapshot);
        let path = ResolvedPath::resolve(&index, &Target::default()).unwrap();
        let selection = Selection {
            only: vec![check.to_string()],
            skip: vec![],
        };
        let f = evaluate(&path, &selection).pop().unwrap();
        let text = format!("{}\n{}", f.message, f.remediation.unwrap_or_default());
        for needle in *needles {
            assert!(
                text.contains(needle),
                "{rel} {check}: {needle:?} not in\n{text}"
            );
        }
    }
}

#[test]
fn api_policy_fix_is_valid_json_for_the_cli() {
    let bytes =
        std::fs::read(fixtures_dir().join("broken/api-without-resource-policy.json")).unwrap();
    let snapshot = Snapshot::from_slice(&bytes).unwrap();
    let index = privpath_checks::SnapshotIndex::build(&snapshot);
    let path = ResolvedPath::resolve(&index, &Target::default()).unwrap();
    let selection = Selection {
        only: vec!["api-resource-policy".into()],
        skip: vec![],
    };
    let fix = evaluate(&path, &selection)
        .pop()
        .unwrap()
        .remediation
        .unwrap();
    let patch = fix
        .split('\'')
        .nth(1)
        .expect("patch operations in single quotes");
    let ops: Value = serde_json::from_str(patch).expect("patch operations are JSON");
    let policy: Value =
        serde_json::from_str(ops[0]["value"].as_str().unwrap()).expect("the policy value is JSON");
    assert_eq!(
        policy["Statement"][0]["Condition"]["StringEquals"]["aws:SourceVpce"],
        "vpce-0e9a0000000000001"
    );
}

/// A format-1 file and the same path written as format 2 (one scope) give the same
/// findings: the scope is where records live, not what they say.
#[test]
fn format_1_and_format_2_of_one_scope_agree() {
    let bytes =
        std::fs::read(fixtures_dir().join("broken/route-client-shadowed-by-igw.json")).unwrap();
    let v1 = Snapshot::from_slice(&bytes).unwrap();
    let v2 = Snapshot::from_slice(v1.to_json_pretty().as_bytes()).unwrap();
    assert!(v1.to_json_pretty().contains("\"format\": 2"));
    let run = |s: &Snapshot| {
        let index = privpath_checks::SnapshotIndex::build(s);
        let path = ResolvedPath::resolve(&index, &Target::default()).unwrap();
        evaluate(&path, &Selection::default())
    };
    assert_eq!(run(&v1), run(&v2));
}

/// Ids are unique only within a scope: the same instance id in two scopes is a clear
/// error naming both, and a scope filter picks one.
#[test]
fn an_id_in_two_scopes_is_ambiguous_until_a_scope_is_named() {
    let bytes = std::fs::read(fixtures_dir().join("cross/healthy-cross-account.json")).unwrap();
    let mut doc: Value = serde_json::from_slice(&bytes).unwrap();
    let instances = doc["scopes"][1]["Instances"].clone();
    doc["scopes"][0]["Instances"] = instances;
    let snapshot = Snapshot::from_slice(doc.to_string().as_bytes()).unwrap();
    let index = privpath_checks::SnapshotIndex::build(&snapshot);
    let target = Target {
        instance_id: Some("i-0c11e000000000001".into()),
        ..Target::default()
    };
    let err = ResolvedPath::resolve(&index, &target)
        .err()
        .unwrap()
        .to_string();
    assert!(
        err.contains("111122223333/us-east-1") && err.contains("444455556666/us-east-1"),
        "{err}"
    );
    let target = Target {
        client_scope: privpath_checks::ScopeFilter {
            account: Some("444455556666".into()),
            region: None,
        },
        ..target
    };
    let path = ResolvedPath::resolve(&index, &target).unwrap();
    assert_eq!(path.client_scope.account.as_deref(), Some("444455556666"));
    assert!(path.crosses_scopes());
}
