//! Every estate fixture (`fixtures/estate/`, written by fixtures/generate.py) gives
//! exactly what `fixtures/estate/expected.json` says: the number of paths an audit
//! finds, the checks that leave `pass` on each path (keyed by the client's scope and
//! instance, since ids repeat across scopes), and the estate checks that leave `pass`.
//! So each estate check has a fixture that trips exactly it.

use privpath_checks::checks::{DOMAIN_CHECKS, TRANSIT_CHECKS, VPC_LINK_CHECKS};
use privpath_checks::estate::{self, CheckedPath, Estate, ESTATE_REGISTRY};
use privpath_checks::{evaluate, ResolvedPath, Selection, Snapshot, SnapshotIndex, Status};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../fixtures")
}

/// (paths by "SCOPE INSTANCE" → checks not passing, estate checks not passing)
type Outcome = (
    BTreeMap<String, BTreeMap<String, String>>,
    BTreeMap<String, String>,
);

fn audit(rel: &str) -> (usize, Outcome) {
    let bytes = std::fs::read(dir().join(rel)).unwrap();
    let snapshot = Snapshot::from_slice(&bytes).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let ix = SnapshotIndex::build(&snapshot);
    let mut checked = Vec::new();
    for p in estate::paths(&ix) {
        let resolved =
            ResolvedPath::resolve(&ix, &p.target(&ix)).unwrap_or_else(|e| panic!("{rel}: {e}"));
        let findings = evaluate(&resolved, &Selection::default());
        checked.push(CheckedPath { path: p, findings });
    }
    let mut paths = BTreeMap::new();
    for c in &checked {
        // A path through a custom domain name is keyed by it too: the same instance
        // calls the API by both names.
        let via = c
            .path
            .domain
            .as_ref()
            .map(|d| format!(" via {}", d.url()))
            .unwrap_or_default();
        let key = format!(
            "{} {}{via}",
            ix.scopes[c.path.client_scope].scope.label(),
            c.path.instance_id
        );
        let not_passing: BTreeMap<String, String> = c
            .findings
            .iter()
            // A path through the execute-api name skips the custom domain checks; on a
            // peering the transit gateway checks skip; with a Lambda backend
            // the private integration's.
            .filter(|f| {
                f.status != Status::Pass
                    && !(f.status == Status::Skip
                        && ((c.path.domain.is_none() && DOMAIN_CHECKS.contains(&f.check))
                            || TRANSIT_CHECKS.contains(&f.check)
                            || VPC_LINK_CHECKS.contains(&f.check)))
            })
            .map(|f| (f.check.to_string(), f.status.to_string()))
            .collect();
        assert!(
            paths.insert(key.clone(), not_passing).is_none(),
            "{rel}: {key} twice"
        );
    }
    let estate = Estate::new(&ix, &checked);
    let mut estate_statuses: BTreeMap<String, String> = BTreeMap::new();
    for check in ESTATE_REGISTRY {
        let findings = (check.run)(&estate);
        assert!(
            !findings.is_empty(),
            "{rel}: {} said nothing",
            check.meta.id
        );
        let worst = findings.iter().map(|f| f.status).max().unwrap();
        for f in findings
            .iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Warn))
        {
            assert!(
                f.remediation.is_some(),
                "{rel}: {} {} without a fix",
                f.check,
                f.status
            );
            assert!(
                !f.resources.is_empty(),
                "{rel}: {} names no resource",
                f.check
            );
        }
        if worst != Status::Pass {
            estate_statuses.insert(check.meta.id.to_string(), worst.to_string());
        }
    }
    (checked.len(), (paths, estate_statuses))
}

#[test]
fn every_estate_fixture_gives_exactly_its_expected_paths_and_findings() {
    let expected: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("estate/expected.json")).unwrap())
            .unwrap();
    assert!(expected.len() >= 7);
    let mut wrong = Vec::new();
    for (rel, want) in &expected {
        let (count, (paths, estate)) = audit(rel);
        if count as u64 != want["paths"].as_u64().unwrap() {
            wrong.push(format!("{rel}: {count} paths, expected {}", want["paths"]));
        }
        for (key, not_passing) in &paths {
            let expect: BTreeMap<String, String> = want["failing"]
                .get(key)
                .map(|v| serde_json::from_value(v.clone()).unwrap())
                .unwrap_or_default();
            if *not_passing != expect {
                wrong.push(format!(
                    "{rel}: {key}: {not_passing:?}, expected {expect:?}"
                ));
            }
        }
        for key in want["failing"].as_object().unwrap().keys() {
            if !paths.contains_key(key) {
                wrong.push(format!(
                    "{rel}: no path {key}; paths: {:?}",
                    paths.keys().collect::<Vec<_>>()
                ));
            }
        }
        let expect: BTreeMap<String, String> =
            serde_json::from_value(want["estate"].clone()).unwrap();
        if estate != expect {
            wrong.push(format!("{rel}: estate {estate:?}, expected {expect:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn every_estate_check_has_a_fixture_that_trips_it() {
    let expected: BTreeMap<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir().join("estate/expected.json")).unwrap())
            .unwrap();
    for check in ESTATE_REGISTRY {
        assert!(
            expected
                .values()
                .any(|v| v["estate"].get(check.meta.id).is_some()),
            "no estate fixture trips {}",
            check.meta.id
        );
    }
}

/// The same ids in two scopes are two paths, each resolved in its own scope: the
/// broken region's route does not leak into the healthy one.
#[test]
fn ids_repeated_across_scopes_stay_apart() {
    let (_, (paths, _)) = audit("estate/two-regions.json");
    assert!(paths["111122223333/us-east-1 i-0c11e000000000001"].is_empty());
    assert_eq!(
        paths["111122223333/us-west-2 i-0c11e000000000001"]
            .get("route-endpoint-to-client")
            .map(String::as_str),
        Some("fail")
    );
}
