//! Evaluation time against snapshot size: the seed architecture plus N unrelated "filler"
//! VPCs (subnets, route tables, security groups, endpoints, peering connections,
//! instances), and a path whose own route table and security groups are large. Loading
//! and evaluating must grow linearly. Run: `cargo bench -p privpath-checks`.

use privpath_checks::{evaluate, ResolvedPath, Selection, Snapshot, Target};
use serde_json::{json, Value};
use std::path::Path;
use std::time::{Duration, Instant};

fn seed() -> Value {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed/healthy.json"))
            .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

fn push(doc: &mut Value, key: &str, item: Value) {
    doc[key].as_array_mut().unwrap().push(item);
}

/// Adds `n` filler VPCs (when `fillers`) and `n` extra routes and rules on the path
/// itself (when `on_path`).
fn grow(n: usize, fillers: bool, on_path: bool) -> Value {
    let mut doc = seed();
    for i in 0..n {
        let (a, b) = ((i >> 8) & 0xff, i & 0xff);
        if on_path {
            // The path's own tables and groups grow: more routes and rules to scan.
            doc["RouteTables"][1]["Routes"].as_array_mut().unwrap().push(json!({"DestinationCidrBlock": format!("192.168.{a}.{b}/32"), "GatewayId": "local", "State": "active"}));
            doc["SecurityGroups"][2]["IpPermissions"].as_array_mut().unwrap().push(json!({"IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8000, "IpRanges": [{"CidrIp": format!("192.168.{a}.{b}/32")}]}));
        }
        if !fillers {
            continue;
        }
        let vpc = format!("vpc-f{i:016x}");
        push(
            &mut doc,
            "Vpcs",
            json!({"VpcId": vpc, "CidrBlock": format!("100.{a}.{b}.0/24")}),
        );
        for s in 0..4 {
            let subnet = format!("subnet-f{i:012x}{s:04x}");
            push(
                &mut doc,
                "Subnets",
                json!({"SubnetId": subnet, "VpcId": vpc, "CidrBlock": format!("100.{a}.{b}.{}/26", s * 64)}),
            );
            push(
                &mut doc,
                "RouteTables",
                json!({"RouteTableId": format!("rtb-f{i:012x}{s:04x}"), "VpcId": vpc,
                "Associations": [{"Main": s == 0, "SubnetId": subnet}],
                "Routes": (0..20).map(|r| json!({"DestinationCidrBlock": format!("172.{r}.{a}.{b}/32"), "GatewayId": "local", "State": "active"})).collect::<Vec<_>>()}),
            );
            push(
                &mut doc,
                "SecurityGroups",
                json!({"GroupId": format!("sg-f{i:012x}{s:04x}"), "VpcId": vpc,
                "IpPermissions": (0..10).map(|r| json!({"IpProtocol": "tcp", "FromPort": r, "ToPort": r, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]})).collect::<Vec<_>>(),
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}),
            );
        }
        push(
            &mut doc,
            "VpcEndpoints",
            json!({"VpcEndpointId": format!("vpce-f{i:016x}"), "VpcEndpointType": "Interface", "VpcId": vpc,
            "ServiceName": "com.amazonaws.us-east-1.ssm", "State": "available", "SubnetIds": [], "Groups": []}),
        );
        push(
            &mut doc,
            "VpcPeeringConnections",
            json!({"VpcPeeringConnectionId": format!("pcx-f{i:016x}"), "Status": {"Code": "active"},
            "RequesterVpcInfo": {"VpcId": vpc}, "AccepterVpcInfo": {"VpcId": format!("vpc-e{i:016x}")}}),
        );
        push(
            &mut doc,
            "InstanceInformationList",
            json!({"InstanceId": format!("i-f{i:016x}"), "PingStatus": "Online", "AgentVersion": "3.0.0.0"}),
        );
    }
    doc
}

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let out = f();
        best = best.min(start.elapsed());
        last = Some(out);
    }
    (best, last.unwrap())
}

fn main() {
    for (label, fillers, on_path) in [
        ("fillers and a larger path", true, true),
        ("unrelated fillers only", true, false),
        ("a larger path only (routes and rules)", false, true),
    ] {
        println!("\n{label}");
        series(fillers, on_path);
    }
}

fn series(fillers: bool, on_path: bool) {
    println!(
        "{:>8} {:>9} {:>11} {:>12} {:>12} {:>14} {:>12}",
        "n", "records", "bytes", "load (ms)", "index (ms)", "evaluate (ms)", "ns/record"
    );
    for n in [0usize, 10, 100, 1_000, 10_000] {
        let doc = grow(n, fillers, on_path);
        let records: usize = doc
            .as_object()
            .unwrap()
            .values()
            .filter_map(Value::as_array)
            .map(Vec::len)
            .sum();
        let bytes = serde_json::to_vec(&doc).unwrap();
        let runs = if n >= 10_000 { 3 } else { 20 };
        let (load, snapshot) = best_of(runs, || Snapshot::from_slice(&bytes).unwrap());
        let (eval, findings) = best_of(runs, || {
            let index = privpath_checks::SnapshotIndex::build(&snapshot);
            let path = ResolvedPath::resolve(&index, &Target::default()).unwrap();
            evaluate(&path, &Selection::default())
        });
        let (index, _) = best_of(runs, || {
            privpath_checks::SnapshotIndex::build(&snapshot).scopes[0]
                .subnets
                .len()
        });
        assert!(
            findings.iter().all(|f| f.status == privpath_checks::Status::Pass
                || (f.status == privpath_checks::Status::Skip
                    && (privpath_checks::checks::DOMAIN_CHECKS.contains(&f.check)
                        || privpath_checks::checks::TRANSIT_CHECKS.contains(&f.check)))),
            "the grown seed still passes (custom domain and transit gateway checks skip: it has neither)"
        );
        let per = (load + eval).as_nanos() as f64 / records as f64;
        println!(
            "{n:>8} {records:>9} {:>11} {:>12.3} {:>12.3} {:>14.3} {per:>12.0}",
            bytes.len(),
            load.as_secs_f64() * 1e3,
            index.as_secs_f64() * 1e3,
            eval.as_secs_f64() * 1e3
        );
    }
}
