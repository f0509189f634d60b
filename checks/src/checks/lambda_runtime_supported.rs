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
    what: "Looks the integration function's runtime up in AWS's schedule of Lambda runtime deprecations (`checks/data/lambda-runtimes.json`, each entry with its three dates and the day they were compared with AWS's table) and compares it with the day the data describes (when the snapshot was captured). The finding names each stage with its date — deprecated (no security patches), creates blocked, updates blocked — as passed (`since`) or ahead (`from`), and says when a date could not be confirmed on AWS's table.",
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
    /// Where the entry's dates come from when AWS's table itself could not be read for
    /// them.
    #[serde(default)]
    pub unconfirmed: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Schedule {
    pub source: String,
    /// The day the entries were last compared with AWS's tables.
    pub checked: String,
    /// What was read that day.
    pub checked_against: String,
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
    // The three stages AWS names, each with its date: deprecation (no security
    // patches, no technical support), block function create, block function update
    // (https://docs.aws.amazon.com/lambda/latest/dg/runtime-support-policy.html).
    let stage = |date: &str, done: &str, ahead: &str| {
        if passed(date, as_of) {
            format!("{done} since {date}")
        } else {
            format!("{ahead} from {date}")
        }
    };
    let mut stages = vec![stage(
        &entry.deprecation,
        "deprecated (no security patches, no technical support)",
        "deprecated",
    )];
    if let Some(d) = entry.block_create.as_deref() {
        stages.push(stage(
            d,
            "creates blocked (no new function on it)",
            "creates blocked",
        ));
    }
    if let Some(d) = entry.block_update.as_deref() {
        stages.push(stage(
            d,
            "updates blocked (no code or configuration change to it)",
            "updates blocked",
        ));
    }
    let unconfirmed = entry.unconfirmed.as_ref().map_or(String::new(), |_| {
        format!(
            " (its block dates could not be confirmed on AWS's table, checked {}; see {})",
            schedule.checked, schedule.source
        )
    });
    if !passed(&entry.deprecation, as_of) {
        return vec![Finding::pass(
            id,
            format!(
                "{name} runs {runtime}, supported: {}{unconfirmed}",
                stages.join(", ")
            ),
        )
        .resource(name)];
    }
    let runs = if entry
        .block_update
        .as_deref()
        .is_some_and(|d| passed(d, as_of))
    {
        "it still runs, so the path works, but a fix to it can no longer be deployed"
    } else {
        "it still runs, so the path works"
    };
    vec![Finding::warn(
        id,
        format!(
            "{name} runs {runtime}: {}{unconfirmed}; {runs}: move it to {}",
            stages.join(", "),
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
                    date(d) && d.as_str() >= r.deprecation.as_str(),
                    "{}: {d}",
                    r.id
                );
            }
            if let (Some(c), Some(u)) = (&r.block_create, &r.block_update) {
                assert!(c <= u, "{}: creates are blocked before updates", r.id);
            }
            assert!(
                s.runtimes.iter().any(|x| x.id == r.successor),
                "{}: successor {} is in the schedule",
                r.id,
                r.successor
            );
        }
    }

    /// The schedule as compared with AWS's tables on the day `checked` says: (id,
    /// deprecation, block create, block update, whether the block dates were read on
    /// AWS's own page). A change to the data file fails here until this table — and
    /// the day it was checked — is updated with it, so every change is reviewed
    /// against AWS's table.
    const PINNED_ON: &str = "2026-12-01";
    /// (id, deprecation, block create, block update, confirmed on AWS's page)
    type Pinned<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a str>, bool);
    #[rustfmt::skip]
    const PINNED: &[Pinned<'static>] = &[
        ("python3.14", "2029-06-30", Some("2029-07-31"), Some("2029-08-31"), true),
        ("python3.13", "2029-06-30", Some("2029-07-31"), Some("2029-08-31"), true),
        ("python3.12", "2028-10-31", Some("2028-11-30"), Some("2029-01-10"), true),
        ("python3.11", "2027-06-30", Some("2027-07-31"), Some("2027-08-31"), true),
        ("python3.10", "2026-10-31", Some("2026-11-30"), Some("2027-01-15"), true),
        ("python3.9", "2025-12-15", Some("2027-02-01"), Some("2027-03-03"), false),
        ("python3.8", "2024-10-14", Some("2027-02-01"), Some("2027-03-03"), false),
        ("python3.7", "2023-12-04", Some("2024-01-09"), None, true),
        ("python3.6", "2022-07-18", None, None, true),
        ("python2.7", "2021-07-15", None, None, true),
        ("nodejs24.x", "2028-04-30", Some("2028-06-01"), Some("2028-07-01"), true),
        ("nodejs22.x", "2027-04-30", Some("2027-06-01"), Some("2027-07-01"), true),
        ("nodejs20.x", "2026-04-30", Some("2027-02-01"), Some("2027-03-03"), false),
        ("nodejs18.x", "2025-09-01", Some("2027-02-01"), Some("2027-03-03"), false),
        ("nodejs16.x", "2024-06-12", None, None, true),
        ("nodejs14.x", "2023-12-04", Some("2024-01-09"), None, true),
        ("nodejs12.x", "2023-03-31", Some("2023-03-31"), Some("2023-04-30"), true),
        ("nodejs10.x", "2021-07-30", None, None, true),
        ("java25", "2029-06-30", Some("2029-07-31"), Some("2029-08-31"), true),
        ("java21", "2029-06-30", Some("2029-07-31"), Some("2029-08-31"), true),
        ("java17", "2027-06-30", Some("2027-07-31"), Some("2027-08-31"), true),
        ("java11", "2027-06-30", Some("2027-07-31"), Some("2027-08-31"), true),
        ("java8.al2", "2027-06-30", Some("2027-07-31"), Some("2027-08-31"), true),
        ("java8", "2024-01-08", Some("2024-02-08"), None, true),
        ("dotnet10", "2028-11-14", Some("2028-12-14"), Some("2029-01-15"), true),
        ("dotnet9", "2026-11-10", None, None, true),
        ("dotnet8", "2026-11-10", Some("2026-12-10"), Some("2027-01-11"), true),
        ("dotnet7", "2024-05-14", None, None, true),
        ("dotnet6", "2024-12-20", None, None, true),
        ("dotnetcore3.1", "2023-04-03", None, None, true),
        ("ruby4.0", "2029-03-31", Some("2029-04-30"), Some("2029-05-31"), false),
        ("ruby3.4", "2028-03-31", Some("2028-04-30"), Some("2028-05-31"), true),
        ("ruby3.3", "2027-03-31", Some("2027-04-30"), Some("2027-05-31"), true),
        ("ruby3.2", "2026-03-31", Some("2026-08-31"), Some("2026-09-30"), false),
        ("ruby2.7", "2023-12-07", None, None, true),
        ("provided.al2023", "2029-06-30", Some("2029-07-31"), Some("2029-08-31"), true),
        ("provided.al2", "2026-07-31", Some("2027-02-01"), Some("2027-03-03"), false),
        ("provided", "2024-01-08", Some("2024-02-08"), None, true),
        ("go1.x", "2024-01-08", Some("2024-02-08"), None, true),
    ];

    #[test]
    fn the_schedule_is_the_table_checked_against_aws() {
        let s = schedule().unwrap();
        assert_eq!(
            s.checked, PINNED_ON,
            "the data file's `checked` day and the pinned table move together"
        );
        assert!(!s.checked_against.is_empty());
        let got: Vec<Pinned<'_>> = s
            .runtimes
            .iter()
            .map(|r| {
                (
                    r.id.as_str(),
                    r.deprecation.as_str(),
                    r.block_create.as_deref(),
                    r.block_update.as_deref(),
                    r.unconfirmed.is_none(),
                )
            })
            .collect();
        assert_eq!(got, PINNED);
    }
}
