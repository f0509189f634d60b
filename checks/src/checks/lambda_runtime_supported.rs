//! `lambda-runtime-supported`: the integration function's runtime against AWS's dated
//! schedule of runtime deprecations (`checks/data/lambda-runtimes.json`; AWS publishes
//! no API for it, so the table is data, citing its source).

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{Evidence, Symptom};
use serde::Deserialize;
use std::sync::OnceLock;

pub static META: CheckMeta = CheckMeta {
    id: "lambda-runtime-supported",
    title: "The Lambda function's runtime is not deprecated",
    hop: Hop::Backend,
    severity: Severity::Medium,
    what: "Looks the integration function's runtime up in the schedule of Lambda runtime deprecations (deprecation, block function create, block function update) and compares it with the day the data describes (when the snapshot was captured).",
    why: "A deprecated runtime still runs, so the path works today: but it gets no security patches, functions on it are no longer eligible for technical support, and after the block dates the function can be neither created nor updated — a fix to the function that calls RDS cannot then be deployed.",
    fix: "Move the function to the supported runtime the finding names: `aws lambda update-function-configuration --function-name FUNCTION --runtime RUNTIME` (test the code on it first: major versions are not backward compatible).",
    links: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html",
    ],
    needs: &[api(Source::Functions)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`).
const SYMPTOMS: &[Symptom] = &[Symptom {
    id: "runtime-no-longer-supported",
    evidence: Evidence::Code,
    seen_in: "Lambda CreateFunction / UpdateFunctionCode / UpdateFunctionConfiguration",
    patterns: &[
        &["runtime parameter of", "is no longer supported"],
        &["runtime", "no longer supported for creating or updating"],
    ],
    meaning: "The function's runtime is past its deprecation dates: Lambda refuses to create or update functions on it (existing ones keep running), so a fix to the function cannot be deployed.",
    ..Symptom::BASE
}];

/// One runtime of the schedule.
#[derive(Debug, Deserialize)]
pub struct Runtime {
    pub id: String,
    pub deprecation: String,
    #[serde(default)]
    pub block_create: Option<String>,
    #[serde(default)]
    pub block_update: Option<String>,
    pub successor: String,
}

#[derive(Debug, Deserialize)]
pub struct Schedule {
    pub source: String,
    pub checked: String,
    pub runtimes: Vec<Runtime>,
}

/// The schedule shipped with privpath, parsed once.
pub fn schedule() -> Result<&'static Schedule, &'static str> {
    static SCHEDULE: OnceLock<Result<Schedule, String>> = OnceLock::new();
    SCHEDULE
        .get_or_init(|| {
            serde_json::from_str(include_str!("../../data/lambda-runtimes.json"))
                .map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(String::as_str)
}

/// `YYYY-MM-DD` strings compare as dates.
fn passed(date: &str, as_of: &str) -> bool {
    date <= as_of
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (name, function) = match super::common::function_or_skip(id, p) {
        Ok(f) => f,
        Err(skip) => return skip,
    };
    let Some(runtime) = function.runtime.as_deref() else {
        let why = if function.package_type.as_deref() == Some("Image") {
            format!("{name} is a container image: its runtime is the image's, which Lambda does not deprecate")
        } else {
            format!("the configuration of {name} names no runtime")
        };
        return vec![Finding::skip(id, why).resource(name)];
    };
    let schedule = match schedule() {
        Ok(s) => s,
        Err(e) => {
            return vec![Finding::unknown(
                id,
                format!("privpath's runtime schedule does not parse: {e}"),
            )
            .resource(name)]
        }
    };
    let Some(as_of) = p.as_of.as_deref() else {
        return vec![Finding::unknown(id, format!("{name} runs {runtime}, and the snapshot does not say when it was captured, so privpath cannot date its deprecation"))
            .resource(name)];
    };
    let Some(entry) = schedule.runtimes.iter().find(|r| r.id == runtime) else {
        return vec![Finding::pass(
            id,
            format!("{name} runs {runtime}, which has no deprecation date in privpath's schedule (from {}, checked {})", schedule.source, schedule.checked),
        )
        .resource(name)];
    };
    if !passed(&entry.deprecation, as_of) {
        return vec![Finding::pass(
            id,
            format!(
                "{name} runs {runtime}, supported until its deprecation on {}",
                entry.deprecation
            ),
        )
        .resource(name)];
    }
    let mut dates = vec![format!(
        "deprecated since {} (no security patches, no technical support)",
        entry.deprecation
    )];
    if let Some(d) = entry.block_create.as_deref().filter(|d| passed(d, as_of)) {
        dates.push(format!("new functions on it blocked since {d}"));
    }
    if let Some(d) = entry.block_update.as_deref().filter(|d| passed(d, as_of)) {
        dates.push(format!("updates to functions on it blocked since {d}"));
    }
    let ahead: Vec<String> = [
        ("new functions blocked", &entry.block_create),
        ("updates blocked", &entry.block_update),
    ]
    .into_iter()
    .filter_map(|(what, d)| {
        d.as_deref()
            .filter(|d| !passed(d, as_of))
            .map(|d| format!("{what} from {d}"))
    })
    .collect();
    let ahead = if ahead.is_empty() {
        String::new()
    } else {
        format!("; {}", ahead.join(", "))
    };
    vec![Finding::warn(
        id,
        format!(
            "{name} runs {runtime}: {}{ahead}; it still runs, so the path works, but move it to {}",
            dates.join(", "),
            entry.successor
        ),
    )
    .resource(name)
    .fix(format!(
        "aws lambda update-function-configuration --function-name {name} --runtime {}",
        entry.successor
    ))]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_parses_and_is_well_formed() {
        let s = schedule().expect("checks/data/lambda-runtimes.json parses");
        assert!(s.source.starts_with("https://docs.aws.amazon.com/lambda/"));
        let date = |d: &str| d.len() == 10 && d.as_bytes()[4] == b'-' && d.as_bytes()[7] == b'-';
        let mut seen = std::collections::BTreeSet::new();
        for r in &s.runtimes {
            assert!(seen.insert(r.id.as_str()), "{} twice", r.id);
            assert!(date(&r.deprecation), "{}: {}", r.id, r.deprecation);
            for d in [&r.block_create, &r.block_update].into_iter().flatten() {
                assert!(
                    date(d) && d.as_str() > r.deprecation.as_str(),
                    "{}: {d}",
                    r.id
                );
            }
            assert!(!r.successor.is_empty());
        }
        assert!(seen.contains("python3.8") && seen.contains("python3.12"));
    }
}
