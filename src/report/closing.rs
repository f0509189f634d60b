//! The line a run ends with on stderr. After a table the table has already said the
//! verdict and the counts, so the line says only what it cost (a live run's AWS calls
//! and time), and nothing for an offline one; when no table went to the terminal (JSON
//! or files only) it is the one human summary: targets, counts, cost and the gate's
//! verdict. Either way it fits the width, breaking only between its parts.

use super::text::{width_of, wrap};
use crate::outcome::{Run, EXIT_OK, EXIT_TRIPPED};

/// What was checked, what it found, what it cost and the verdict, as parts. `compact`
/// leaves zero counts out ("2 failed" says as much as "2 failed, 0 warnings, 0
/// unknown"), for a line that must fit a terminal; a report's summary keeps them.
pub fn summary_parts(run: &Run, compact: bool) -> Vec<String> {
    let s = run.summary();
    let mut counts = vec![format!("{} passed", s.pass)];
    for (n, word) in [
        (s.fail, "failed"),
        (s.warn, "warnings"),
        (s.unknown, "unknown"),
    ] {
        if n > 0 || !compact {
            counts.push(format!("{n} {word}"));
        }
    }
    let mut parts = vec![format!(
        "{} target(s), {} checks: {}",
        run.targets.len(),
        s.total,
        counts.join(", ")
    )];
    if run.suppressed() > 0 {
        parts.push(format!("{} suppressed", run.suppressed()));
    }
    if run.errors() > 0 {
        parts.push(format!("{} target(s) not checked", run.errors()));
    }
    parts.push(cost(run));
    parts.push(verdict(run));
    parts
}

fn cost(run: &Run) -> String {
    format!(
        "{} AWS call(s); {:.2} s",
        run.stats.calls,
        run.stats.elapsed.as_secs_f64()
    )
}

fn verdict(run: &Run) -> String {
    match run.exit_status() {
        EXIT_OK => "gate passed".to_string(),
        EXIT_TRIPPED => format!("gate failed (fail-on {})", run.fail_on.as_str()),
        _ => "could not check every target".to_string(),
    }
}

/// The closing line(s) for stderr, `None` when there is nothing the table did not say.
pub fn line(run: &Run, width: usize, after_table: bool) -> Option<String> {
    let parts = if after_table {
        if run.stats.calls == 0 {
            return None;
        }
        vec![cost(run)]
    } else {
        summary_parts(run, true)
    };
    let text = format!("privpath: {}", parts.join("; "));
    if width_of(&text) <= width {
        return Some(text);
    }
    Some(wrap(&text, width, "").join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{FailOn, Stats};
    use std::time::Duration;

    fn run(calls: usize) -> Run {
        Run {
            targets: Vec::new(),
            suppressions: Vec::new(),
            fail_on: FailOn::Fail,
            config_path: None,
            stats: Stats {
                calls,
                elapsed: Duration::from_millis(1500),
            },
            audit: false,
        }
    }

    #[test]
    fn after_a_table_only_the_cost_of_a_live_run() {
        assert_eq!(line(&run(0), 80, true), None);
        assert_eq!(
            line(&run(31), 80, true).as_deref(),
            Some("privpath: 31 AWS call(s); 1.50 s")
        );
    }

    #[test]
    fn a_target_not_checked_is_counted() {
        let mut r = run(0);
        r.targets.push(crate::outcome::TargetRun {
            name: "b".into(),
            file: None,
            line: None,
            result: Err("AccessDenied".into()),
        });
        let text = line(&r, 120, false).unwrap();
        assert!(text.contains("1 target(s) not checked"), "{text}");
        assert!(text.ends_with("could not check every target"), "{text}");
    }

    #[test]
    fn alone_it_summarises_and_fits_the_width() {
        let text = line(&run(3), 80, false).unwrap();
        assert!(text.contains("0 target(s), 0 checks: 0 passed"), "{text}");
        assert!(text.ends_with("gate passed"), "{text}");
        for width in [40, 80, 120] {
            let text = line(&run(3), width, false).unwrap();
            assert!(text.lines().all(|l| width_of(l) <= width), "{text}");
        }
    }
}
