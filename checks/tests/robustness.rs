//! No input makes privpath panic: arbitrary bytes, every truncation of a real snapshot,
//! and random structural mutations of it all end in a snapshot or a clear error, and
//! whatever loads can be resolved and evaluated.

use privpath_checks::{evaluate, ResolvedPath, Selection, Snapshot, SnapshotError, Target};
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value;
use std::path::Path;

fn healthy_bytes() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures/seed/healthy.json"))
        .unwrap()
}

/// Loads, resolves and evaluates; the only acceptable outcomes are findings or errors.
fn run_everything(bytes: &[u8]) {
    if let Ok(snapshot) = Snapshot::from_slice(bytes) {
        let index = privpath_checks::SnapshotIndex::build(&snapshot);
        if let Ok(path) = ResolvedPath::resolve(&index, &Target::default()) {
            let findings = evaluate(&path, &Selection::default());
            assert!(!findings.is_empty());
        }
    }
}

#[test]
fn every_truncation_of_the_seed_is_a_clear_error() {
    let bytes = healthy_bytes();
    for end in 0..bytes.len() - 1 {
        let err =
            Snapshot::from_slice(&bytes[..end]).expect_err("a truncated snapshot must not load");
        assert!(
            matches!(err, SnapshotError::Empty | SnapshotError::Truncated { .. }),
            "cut at {end}: {err:?}"
        );
    }
}

/// Every location in a JSON document, as a path of keys and indices.
fn locations(v: &Value, here: Vec<Step>, out: &mut Vec<Vec<Step>>) {
    out.push(here.clone());
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let mut next = here.clone();
                next.push(Step::Key(k.clone()));
                locations(child, next, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let mut next = here.clone();
                next.push(Step::Index(i));
                locations(child, next, out);
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn at<'a>(v: &'a mut Value, path: &[Step]) -> Option<&'a mut Value> {
    let mut cur = v;
    for step in path {
        cur = match step {
            Step::Key(k) => cur.get_mut(k.as_str())?,
            Step::Index(i) => cur.get_mut(*i)?,
        };
    }
    Some(cur)
}

fn replacement(kind: u8, n: i64, s: &str) -> Value {
    match kind % 8 {
        0 => Value::Null,
        1 => Value::from(n),
        2 => Value::from(s),
        3 => Value::Array(vec![]),
        4 => Value::Object(Default::default()),
        5 => Value::Bool(n % 2 == 0),
        6 => Value::from(format!(
            "{}.{}.{}.{}/{}",
            n & 0xff,
            (n >> 8) & 0x1ff,
            (n >> 17) & 0xff,
            (n >> 25) & 0xff,
            (n >> 33) & 0x3f
        )),
        _ => Value::from(-n),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        run_everything(&bytes);
    }

    #[test]
    fn mutated_snapshots_never_panic(
        edits in prop::collection::vec((any::<Index>(), any::<u8>(), any::<i64>(), "[a-z0-9./:*-]{0,16}"), 1..8)
    ) {
        let mut doc: Value = serde_json::from_slice(&healthy_bytes()).unwrap();
        for (index, kind, n, s) in edits {
            let mut all = Vec::new();
            locations(&doc, Vec::new(), &mut all);
            let target = index.get(&all).clone();
            if target.is_empty() {
                continue;
            }
            if kind >= 224 {
                // Delete the field or element outright.
                let (last, parent) = target.split_last().unwrap();
                if let Some(p) = at(&mut doc, parent) {
                    match (p, last) {
                        (Value::Object(m), Step::Key(k)) => { m.remove(k); }
                        (Value::Array(a), Step::Index(i)) if *i < a.len() => { a.remove(*i); }
                        _ => {}
                    }
                }
            } else if let Some(slot) = at(&mut doc, &target) {
                *slot = replacement(kind, n, &s);
            }
        }
        // Keep the header valid some of the time so the body is exercised too.
        run_everything(doc.to_string().as_bytes());
    }
}
