//! The gate: the severity each finding is judged at (the check's, or the config's
//! override), which findings a suppression accepts, and each suppression's state. The
//! exit status follows from the outcome (`outcome.rs`).
//!
//! Exit status: 0 nothing tripped the gate, 1 something did, 2 a target could not be
//! checked at all (usage, input, credentials, collection). 2 wins over 1: a pipeline
//! must not read "could not look" as "looked and found".

use crate::outcome::{Outcome, SuppressionReport, SuppressionRule, SuppressionState, TargetRun};
use privpath_checks::date::Date;
use privpath_checks::{find_meta, Finding, Severity, Status};
use std::collections::BTreeMap;

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
    let mut s = Suppressor::new(rules, today);
    for t in targets.iter_mut() {
        s.apply(t);
    }
    s.reports
}

/// [`suppress`] one target at a time, for an audit that reports each path as it is
/// checked.
pub struct Suppressor {
    pub reports: Vec<SuppressionReport>,
}

impl Suppressor {
    pub fn new(rules: &[SuppressionRule], today: Date) -> Suppressor {
        // Expired even when nothing matches: the date, not the match, is the news.
        let reports = rules
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
        Suppressor { reports }
    }

    pub fn apply(&mut self, t: &mut TargetRun) {
        let Ok(evaluated) = &mut t.result else {
            return;
        };
        for o in &mut evaluated.outcomes {
            for (i, report) in self.reports.iter_mut().enumerate() {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{
        Context, Evaluated, FailOn, Run, Stats, EXIT_ERROR, EXIT_OK, EXIT_TRIPPED,
    };

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
            result: Ok(Evaluated::new(
                Context::empty(),
                judge(findings, &BTreeMap::new()),
            )),
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
        assert_eq!(r.not_checked(), [("b", "AccessDenied")]);
    }
}
