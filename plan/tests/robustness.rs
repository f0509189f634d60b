//! Odd shapes never panic: every top-level value of every change of the healthy plan,
//! and the top-level sections themselves, replaced by a value of another type, still
//! read, overlay and evaluate (to whatever verdict), or are refused with an error.

use privpath_checks::{evaluate, ResolvedPath, Selection, SnapshotIndex, Target};
use privpath_plan::{overlay, Options, Plan};
use serde_json::{json, Value};
use std::path::Path;

fn run(doc: &Value) {
    let Ok(mut plan) = Plan::parse(doc.to_string().as_bytes()) else {
        return;
    };
    let Ok(out) = overlay(&mut plan, None, &Options::default()) else {
        return;
    };
    let index = SnapshotIndex::build(&out.snapshot);
    if let Ok(mut path) = ResolvedPath::resolve(&index, &Target::default()) {
        path.plan = Some(&out.context);
        let _ = evaluate(&path, &Selection::default());
    }
}

#[test]
fn odd_values_never_panic() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/plan/healthy.json"),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(&text).unwrap();
    let odd = [
        json!(7),
        json!("x"),
        json!([1, {"a": null}]),
        json!({"k": [true]}),
    ];
    for section in [
        "planned_values",
        "resource_changes",
        "prior_state",
        "configuration",
        "variables",
    ] {
        for v in &odd {
            let mut d = doc.clone();
            d[section] = v.clone();
            run(&d);
        }
    }
    let changes = doc["resource_changes"].as_array().unwrap().len();
    for i in 0..changes {
        let keys: Vec<String> = doc["resource_changes"][i]["change"]["after"]
            .as_object()
            .map(|m| m.keys().cloned().collect())
            .unwrap_or_default();
        for (n, key) in keys.iter().enumerate() {
            // Every key with one odd value, in turn, and the unknown markers bent too.
            let mut d = doc.clone();
            d["resource_changes"][i]["change"]["after"][key] = odd[n % odd.len()].clone();
            d["resource_changes"][i]["change"]["after_unknown"][key] =
                odd[(n + 1) % odd.len()].clone();
            run(&d);
        }
        for field in ["change", "address", "type"] {
            let mut d = doc.clone();
            d["resource_changes"][i][field] = json!(3);
            run(&d);
        }
    }
}
