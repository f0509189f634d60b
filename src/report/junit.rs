//! JUnit XML, in the dialect Jenkins, GitLab and Azure DevOps all read (validated
//! against the Jenkins/Surefire `junit-10.xsd` in the tests): a `<testsuite>` per
//! target, a `<testcase>` per check, and one more suite for the suppressions.
//!
//! A test case fails exactly when one of its findings trips the gate, so the CI's test
//! tab and privpath's exit status agree. Warnings and unknowns below `--fail-on` pass
//! with their message in `<system-out>`; skipped and suppressed checks are `<skipped>`.
//! A target that could not be checked is one `<error>` case.

use crate::outcome::{FailOn, Outcome, Run, SuppressionReport, TargetRun};
use privpath_checks::{find_meta, Status};
use std::fmt::Write;
use std::io::{self, BufWriter, Seek, Write as _};

/// Escapes text for an attribute or element, dropping characters XML 1.0 forbids.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// Every finding of a check as text: status, resources, message, fix.
fn details(outcomes: &[&Outcome]) -> String {
    let mut out = String::new();
    for o in outcomes {
        let f = &o.finding;
        let _ = writeln!(out, "[{}] {}", o.status_label(), f.message);
        if !f.resources.is_empty() {
            let _ = writeln!(out, "resources: {}", f.resources.join(", "));
        }
        if let Some(fix) = f.remediation.as_deref().filter(|_| o.suppressed.is_none()) {
            let _ = writeln!(out, "fix:\n{fix}");
        }
        if !f.needs.is_empty() {
            let _ = writeln!(out, "needs: {}", f.needs.join(", "));
        }
    }
    out
}

#[derive(Default)]
struct Suite {
    xml: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

fn target_suite(fail_on: FailOn, suppressions: &[SuppressionReport], t: &TargetRun) -> Suite {
    let mut s = Suite::default();
    let classname = escape(&format!("privpath.{}", t.name));
    let mut props = String::new();
    let mut add_prop = |name: &str, value: &str| {
        let _ = writeln!(
            props,
            "      <property name=\"{}\" value=\"{}\"/>",
            escape(name),
            escape(value)
        );
    };
    add_prop("fail_on", fail_on.as_str());
    let evaluated = match &t.result {
        Ok(e) => e,
        Err(why) => {
            s.tests = 1;
            s.errors = 1;
            let _ = writeln!(
                s.xml,
                "    <testcase name=\"collect\" classname=\"{classname}\">\n      <error type=\"error\" message=\"{}\">{}</error>\n    </testcase>",
                escape(why),
                escape(why)
            );
            s.xml = format!("    <properties>\n{props}    </properties>\n{}", s.xml);
            return s;
        }
    };
    let c = &evaluated.context;
    add_prop("region", &c.region);
    if let Some(r) = &c.client_region {
        add_prop("client_region", r);
    }
    if let Some(a) = &c.client_account {
        add_prop("client_account", a);
    }
    add_prop("api_id", &c.api_id);
    add_prop("instance_id", &c.instance_id);
    if let Some(e) = &c.endpoint_id {
        add_prop("endpoint_id", e);
    }
    add_prop("source", &c.source);
    s.xml
        .push_str(&format!("    <properties>\n{props}    </properties>\n"));

    // One case per check, in path order, whatever number of findings it made.
    let mut order: Vec<&str> = Vec::new();
    for o in &evaluated.outcomes {
        if !order.contains(&o.finding.check) {
            order.push(o.finding.check);
        }
    }
    for id in order {
        let outcomes: Vec<&Outcome> = evaluated
            .outcomes
            .iter()
            .filter(|o| o.finding.check == id)
            .collect();
        s.tests += 1;
        // The check id alone: stable, so CI keeps each case's history across releases.
        let _ = writeln!(
            s.xml,
            "    <testcase name=\"{id}\" classname=\"{classname}\">"
        );
        let title = find_meta(id).map_or("", |m| m.title);
        let body = escape(&format!("{title}\n{}", details(&outcomes)));
        let gating: Vec<&&Outcome> = outcomes.iter().filter(|o| fail_on.gates(o)).collect();
        if let Some(first) = gating.first() {
            s.failures += 1;
            let _ = writeln!(
                s.xml,
                "      <failure type=\"{}\" message=\"{}\">{body}</failure>",
                first.finding.status,
                escape(&first.finding.message)
            );
        } else if outcomes
            .iter()
            .all(|o| o.suppressed.is_some() || o.finding.status == Status::Skip)
        {
            s.skipped += 1;
            let first = outcomes[0];
            let message = match first.suppressed {
                Some(i) => format!("suppressed: {}", suppressions[i].rule.reason),
                None => first.finding.message.clone(),
            };
            let _ = writeln!(s.xml, "      <skipped message=\"{}\"/>", escape(&message));
        } else {
            let _ = writeln!(s.xml, "      <system-out>{body}</system-out>");
        }
        s.xml.push_str("    </testcase>\n");
    }
    s
}

fn suppressions_suite(run: &Run) -> Suite {
    let mut s = Suite::default();
    for (i, r) in run.suppressions.iter().enumerate() {
        s.tests += 1;
        let name = format!(
            "suppression {}: {}{}",
            i + 1,
            r.rule.check,
            r.rule
                .target
                .as_deref()
                .map(|t| format!(" on {t}"))
                .unwrap_or_default()
        );
        let message = escape(&r.describe());
        let _ = writeln!(
            s.xml,
            "    <testcase name=\"{}\" classname=\"privpath.suppressions\">",
            escape(&name)
        );
        if run.suppression_gates(r) {
            s.failures += 1;
            let _ = writeln!(
                s.xml,
                "      <failure type=\"warn\" message=\"{message}\">{message}</failure>"
            );
        } else {
            let _ = writeln!(s.xml, "      <system-out>{message}</system-out>");
        }
        s.xml.push_str("    </testcase>\n");
    }
    s
}

pub fn render(run: &Run) -> String {
    let mut suites: Vec<(String, Suite)> = run
        .targets
        .iter()
        .map(|t| {
            (
                suite_name(t),
                target_suite(run.fail_on, &run.suppressions, t),
            )
        })
        .collect();
    if !run.suppressions.is_empty() {
        suites.push(("privpath.suppressions".to_string(), suppressions_suite(run)));
    }
    let (tests, failures, errors) = suites.iter().fold((0, 0, 0), |(t, f, e), (_, s)| {
        (t + s.tests, f + s.failures, e + s.errors)
    });
    let mut out = head(run, tests, failures, errors);
    for (name, s) in suites {
        out.push_str(&suite_xml(&name, &s));
    }
    out.push_str("</testsuites>\n");
    out
}

fn suite_name(t: &TargetRun) -> String {
    format!("privpath.{}", t.name)
}

/// The document's start: the root carries the totals.
fn head(run: &Run, tests: usize, failures: usize, errors: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"privpath\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{:.3}\">\n",
        run.stats.elapsed.as_secs_f64()
    )
}

fn suite_xml(name: &str, s: &Suite) -> String {
    format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{}  </testsuite>\n",
        escape(name),
        s.tests,
        s.failures,
        s.errors,
        s.skipped,
        s.xml
    )
}

/// The same document written target by target, for an audit of 100,000 paths: each
/// target's suite goes to an unnamed temporary file as soon as it is checked (the audit
/// then keeps only what its other reports show), and [`JunitStream::end`] writes the
/// root with the totals, the suites, and the suppressions' suite. The file is removed
/// by the system when closed, whatever happens.
pub struct JunitStream {
    suites: BufWriter<std::fs::File>,
    tests: usize,
    failures: usize,
    errors: usize,
}

impl JunitStream {
    pub fn begin() -> io::Result<JunitStream> {
        Ok(JunitStream {
            suites: BufWriter::new(tempfile::tempfile()?),
            tests: 0,
            failures: 0,
            errors: 0,
        })
    }

    pub fn target(
        &mut self,
        t: &TargetRun,
        suppressions: &[SuppressionReport],
        fail_on: FailOn,
    ) -> io::Result<()> {
        let s = target_suite(fail_on, suppressions, t);
        self.tests += s.tests;
        self.failures += s.failures;
        self.errors += s.errors;
        self.suites
            .write_all(suite_xml(&suite_name(t), &s).as_bytes())
    }

    pub fn end(self, run: &Run, out: &mut dyn io::Write) -> io::Result<()> {
        let (mut tests, mut failures, mut errors) = (self.tests, self.failures, self.errors);
        let extra = (!run.suppressions.is_empty()).then(|| suppressions_suite(run));
        if let Some(s) = &extra {
            tests += s.tests;
            failures += s.failures;
            errors += s.errors;
        }
        out.write_all(head(run, tests, failures, errors).as_bytes())?;
        let mut file = self.suites.into_inner().map_err(|e| e.into_error())?;
        file.rewind()?;
        io::copy(&mut file, out)?;
        if let Some(s) = &extra {
            out.write_all(suite_xml("privpath.suppressions", s).as_bytes())?;
        }
        out.write_all(b"</testsuites>\n")?;
        out.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escapes_markup_and_drops_characters_xml_forbids() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1b}[31m\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;[31m\n"
        );
    }
}
