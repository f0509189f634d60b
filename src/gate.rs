//! The gate: what one run found over all its targets, which findings a suppression
//! accepts, which ones trip `--fail-on`, and the exit status.
//!
//! Exit status: 0 nothing tripped the gate, 1 something did, 2 a target could not be
//! checked at all (usage, input, credentials, collection). 2 wins over 1: a pipeline
//! must not read "could not look" as "looked and found".

use crate::config::SuppressionRule;
use crate::report::Context;
use privpath_checks::date::Date;
use privpath_checks::{find_meta, Finding, Severity, Status, Summary};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

pub const EXIT_OK: u8 = 0;
pub const EXIT_TRIPPED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// The least serious status that makes the run exit 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// A failing check.
    #[default]
    Fail,
    /// A failing check or a warning (including an expired or unused suppression).
    Warn,
    /// Also a check privpath could not evaluate for lack of data.
    Unknown,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Fail => "fail",
            FailOn::Warn => "warn",
            FailOn::Unknown => "unknown",
        }
    }

    fn threshold(self) -> Status {
        match self {
            FailOn::Fail => Status::Fail,
            FailOn::Warn => Status::Warn,
            FailOn::Unknown => Status::Unknown,
        }
    }
}

/// A finding as this run judges it.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub finding: Finding,
    /// The check's severity, after the config's override.
    pub severity: Severity,
    /// Index into [`Run::suppressions`] of the suppression that accepted it.
    pub suppressed: Option<usize>,
}

pub struct Evaluated {
    pub context: Context,
    pub outcomes: Vec<Outcome>,
}

impl Evaluated {
    /// Counts by status; suppressed findings are counted by status too.
    pub fn summary(&self) -> Summary {
        Summary::of(self.outcomes.iter().map(|o| &o.finding))
    }

    pub fn suppressed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.suppressed.is_some())
            .count()
    }
}

pub struct TargetRun {
    pub name: String,
    /// The file that defines the target (the config, or the snapshot given on the
    /// command line) and the target's line in it: where SARIF results point.
    pub file: Option<String>,
    pub line: Option<usize>,
    /// The findings, or why the target could not be checked.
    pub result: Result<Evaluated, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionState {
    /// Accepted at least one finding.
    Active,
    /// Past its expiry: accepted nothing, the findings count again.
    Expired,
    /// Matched no finding: the problem is gone or the suppression is wrong.
    Unused,
}

pub struct SuppressionReport {
    pub rule: SuppressionRule,
    pub state: SuppressionState,
    /// Findings it accepted, or for an expired one would have.
    pub matched: usize,
}

impl SuppressionReport {
    /// Expired and unused suppressions are reported as warnings.
    pub fn status(&self) -> Status {
        match self.state {
            SuppressionState::Active => Status::Pass,
            SuppressionState::Expired | SuppressionState::Unused => Status::Warn,
        }
    }

    pub fn describe(&self) -> String {
        let r = &self.rule;
        let mut scope = vec![format!("check {}", r.check)];
        if let Some(t) = &r.target {
            scope.push(format!("target {t}"));
        }
        if let Some(res) = &r.resource {
            scope.push(format!("resource {res}"));
        }
        let what = scope.join(", ");
        match self.state {
            SuppressionState::Active => format!(
                "suppression of {what} accepted {} finding(s): {}",
                self.matched, r.reason
            ),
            SuppressionState::Expired => format!(
                "suppression of {what} expired on {}; {}",
                r.expires.map(|d| d.to_string()).unwrap_or_default(),
                match self.matched {
                    0 => "it matched nothing this run: remove it".to_string(),
                    n => format!(
                        "{n} finding(s) count again: fix them, or renew it with a new reason and date"
                    ),
                }
            ),
            SuppressionState::Unused => format!(
                "suppression of {what} matched no finding: the problem is fixed or the suppression names the wrong resource; remove it"
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub calls: usize,
    pub elapsed: Duration,
}

pub struct Run {
    pub targets: Vec<TargetRun>,
    pub suppressions: Vec<SuppressionReport>,
    pub fail_on: FailOn,
    /// The config file, as named (SARIF locations point into it).
    pub config_path: Option<String>,
    pub stats: Stats,
    /// An audit of many paths: people's formats group them.
    pub audit: bool,
}

/// Findings with their severity: the check's own unless the config overrides it.
pub fn judge(findings: Vec<Finding>, overrides: &BTreeMap<String, Severity>) -> Vec<Outcome> {
    findings
        .into_iter()
        .map(|finding| {
            let severity = overrides
                .get(finding.check)
                .copied()
                .unwrap_or_else(|| find_meta(finding.check).map_or(Severity::High, |m| m.severity));
            Outcome {
                finding,
                severity,
                suppressed: None,
            }
        })
        .collect()
}

fn suppressible(status: Status) -> bool {
    matches!(status, Status::Fail | Status::Warn | Status::Unknown)
}

fn matches(rule: &SuppressionRule, target: &str, f: &Finding) -> bool {
    rule.check == f.check
        && suppressible(f.status)
        && rule.target.as_deref().is_none_or(|t| t == target)
        && rule
            .resource
            .as_deref()
            .is_none_or(|r| f.resources.iter().any(|id| id == r))
}

/// Marks suppressed outcomes and reports each suppression's state. A finding takes the
/// first live suppression that matches it.
pub fn suppress(
    targets: &mut [TargetRun],
    rules: &[SuppressionRule],
    today: Date,
) -> Vec<SuppressionReport> {
    // Expired even when nothing matches: the date, not the match, is the news.
    let mut reports: Vec<SuppressionReport> = rules
        .iter()
        .map(|rule| SuppressionReport {
            rule: rule.clone(),
            state: if rule.expires.is_some_and(|last| today > last) {
                SuppressionState::Expired
            } else {
                SuppressionState::Unused
            },
            matched: 0,
        })
        .collect();
    for t in targets.iter_mut() {
        let Ok(evaluated) = &mut t.result else {
            continue;
        };
        for o in &mut evaluated.outcomes {
            for (i, report) in reports.iter_mut().enumerate() {
                if !matches(&report.rule, &t.name, &o.finding) {
                    continue;
                }
                report.matched += 1;
                if report.state != SuppressionState::Expired && o.suppressed.is_none() {
                    report.state = SuppressionState::Active;
                    o.suppressed = Some(i);
                }
            }
        }
    }
    reports
}

impl Run {
    /// Whether this outcome makes the run exit 1.
    pub fn gates(&self, o: &Outcome) -> bool {
        o.suppressed.is_none()
            && o.severity != Severity::Low
            && o.finding.status >= self.fail_on.threshold()
    }

    pub fn suppression_gates(&self, s: &SuppressionReport) -> bool {
        s.status() >= self.fail_on.threshold()
    }

    pub fn outcomes(&self) -> impl Iterator<Item = (&TargetRun, &Outcome)> {
        self.targets.iter().flat_map(|t| {
            t.result
                .iter()
                .flat_map(move |e| e.outcomes.iter().map(move |o| (t, o)))
        })
    }

    /// How many findings and suppression reports trip the gate.
    pub fn tripped(&self) -> usize {
        self.outcomes().filter(|(_, o)| self.gates(o)).count()
            + self
                .suppressions
                .iter()
                .filter(|s| self.suppression_gates(s))
                .count()
    }

    /// The targets that could not be checked, with why.
    pub fn not_checked(&self) -> Vec<(&str, &str)> {
        self.targets
            .iter()
            .filter_map(|t| {
                t.result
                    .as_ref()
                    .err()
                    .map(|why| (t.name.as_str(), why.as_str()))
            })
            .collect()
    }

    pub fn errors(&self) -> usize {
        self.targets.iter().filter(|t| t.result.is_err()).count()
    }

    pub fn exit_status(&self) -> u8 {
        if self.errors() > 0 {
            EXIT_ERROR
        } else if self.tripped() > 0 {
            EXIT_TRIPPED
        } else {
            EXIT_OK
        }
    }

    /// Counts over every target; suppressed findings are counted by status too.
    pub fn summary(&self) -> Summary {
        Summary::of(self.outcomes().map(|(_, o)| &o.finding))
    }

    pub fn suppressed(&self) -> usize {
        self.targets
            .iter()
            .filter_map(|t| t.result.as_ref().ok())
            .map(Evaluated::suppressed)
            .sum()
    }

    /// The closing line: what was checked, what it found, what it cost.
    pub fn summary_line(&self) -> String {
        let s = self.summary();
        let mut parts = vec![format!(
            "{} target(s), {} checks: {} passed, {} failed, {} warnings, {} unknown",
            self.targets.len(),
            s.total,
            s.pass,
            s.fail,
            s.warn,
            s.unknown
        )];
        if self.suppressed() > 0 {
            parts.push(format!("{} suppressed", self.suppressed()));
        }
        if self.errors() > 0 {
            parts.push(format!("{} target(s) not checked", self.errors()));
        }
        let verdict = match self.exit_status() {
            EXIT_OK => "gate passed".to_string(),
            EXIT_TRIPPED => format!("gate failed (fail-on {})", self.fail_on.as_str()),
            _ => "could not check every target".to_string(),
        };
        format!(
            "privpath: {}; {} AWS call(s); {:.2} s; {verdict}",
            parts.join(", "),
            self.stats.calls,
            self.stats.elapsed.as_secs_f64()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(
        check: &str,
        resource: Option<&str>,
        target: Option<&str>,
        expires: Option<&str>,
    ) -> SuppressionRule {
        SuppressionRule {
            check: check.into(),
            resource: resource.map(Into::into),
            target: target.map(Into::into),
            reason: "accepted".into(),
            expires: expires.and_then(Date::parse),
            line: None,
        }
    }

    fn target(name: &str, findings: Vec<Finding>) -> TargetRun {
        TargetRun {
            name: name.into(),
            file: None,
            line: None,
            result: Ok(Evaluated {
                context: Context::empty(),
                outcomes: judge(findings, &BTreeMap::new()),
            }),
        }
    }

    fn run(targets: Vec<TargetRun>, rules: &[SuppressionRule], fail_on: FailOn) -> Run {
        let mut targets = targets;
        let today = Date::parse("2026-11-24").unwrap();
        let suppressions = suppress(&mut targets, rules, today);
        Run {
            targets,
            suppressions,
            fail_on,
            config_path: None,
            stats: Stats::default(),
            audit: false,
        }
    }

    fn fail(check: &'static str, res: &str) -> Finding {
        Finding::fail(check, "broken").resource(res)
    }

    #[test]
    fn fail_on_sets_the_threshold() {
        let findings = || {
            vec![
                Finding::pass("peering-active", "ok"),
                Finding::warn("dns-resolution", "fragile"),
                Finding::unknown("ssm-endpoints", "no data"),
            ]
        };
        assert_eq!(
            run(vec![target("a", findings())], &[], FailOn::Fail).exit_status(),
            0
        );
        assert_eq!(
            run(vec![target("a", findings())], &[], FailOn::Warn).tripped(),
            1
        );
        assert_eq!(
            run(vec![target("a", findings())], &[], FailOn::Unknown).tripped(),
            2
        );
        let failing = run(
            vec![target("a", vec![fail("peering-active", "pcx-1")])],
            &[],
            FailOn::Fail,
        );
        assert_eq!(failing.exit_status(), EXIT_TRIPPED);
    }

    #[test]
    fn low_severity_reports_but_never_gates() {
        let mut overrides = BTreeMap::new();
        overrides.insert("peering-active".to_string(), Severity::Low);
        let mut t = target("a", vec![]);
        if let Ok(e) = &mut t.result {
            e.outcomes = judge(vec![fail("peering-active", "pcx-1")], &overrides);
        }
        let r = run(vec![t], &[], FailOn::Unknown);
        assert_eq!(r.summary().fail, 1);
        assert_eq!(r.exit_status(), EXIT_OK);
    }

    #[test]
    fn suppression_scopes_by_resource_and_target() {
        let rules = [
            rule("peering-active", Some("pcx-1"), None, None),
            rule("api-deployed", None, Some("b"), Some("2026-11-24")),
        ];
        let r = run(
            vec![
                target(
                    "a",
                    vec![fail("peering-active", "pcx-1"), fail("api-deployed", "api")],
                ),
                target(
                    "b",
                    vec![fail("peering-active", "pcx-2"), fail("api-deployed", "api")],
                ),
            ],
            &rules,
            FailOn::Fail,
        );
        let suppressed: Vec<(&str, &str)> = r
            .outcomes()
            .filter(|(_, o)| o.suppressed.is_some())
            .map(|(t, o)| (t.name.as_str(), o.finding.check))
            .collect();
        // The expiry day itself still holds.
        assert_eq!(suppressed, [("a", "peering-active"), ("b", "api-deployed")]);
        assert_eq!(r.tripped(), 2);
        assert!(r
            .suppressions
            .iter()
            .all(|s| s.state == SuppressionState::Active));
    }

    #[test]
    fn expired_and_unused_suppressions_are_reported_and_gate_on_warn() {
        let rules = [
            rule("peering-active", None, None, Some("2026-11-23")),
            rule("nacl-path", None, None, None),
        ];
        let targets = || {
            vec![target(
                "a",
                vec![
                    fail("peering-active", "pcx-1"),
                    Finding::pass("nacl-path", "ok"),
                ],
            )]
        };
        let r = run(targets(), &rules, FailOn::Fail);
        assert_eq!(r.suppressions[0].state, SuppressionState::Expired);
        assert_eq!(r.suppressions[0].matched, 1);
        assert_eq!(r.suppressions[1].state, SuppressionState::Unused);
        assert_eq!(r.suppressed(), 0);
        // The expired suppression accepted nothing: the failure gates.
        assert_eq!(r.tripped(), 1);
        assert!(r.suppressions[0]
            .describe()
            .contains("expired on 2026-11-23"));
        let warn = run(targets(), &rules, FailOn::Warn);
        assert_eq!(warn.tripped(), 3);
    }

    #[test]
    fn a_target_that_could_not_be_checked_exits_2() {
        let mut r = run(
            vec![target("a", vec![fail("peering-active", "pcx-1")])],
            &[],
            FailOn::Fail,
        );
        r.targets.push(TargetRun {
            name: "b".into(),
            file: None,
            line: None,
            result: Err("AccessDenied".into()),
        });
        assert_eq!(r.exit_status(), EXIT_ERROR);
        assert!(r.summary_line().contains("1 target(s) not checked"));
    }
}
