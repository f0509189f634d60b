//! The report for people at a terminal or in a CI log: per target the verdict and the
//! first broken hop first, one line per check (status mark and word, id, a headline
//! cut to the width at a space — ids are never split), the path as a picture, then the
//! full message and fix of what is wrong only (everything with `--details`), the
//! request that works, and the counts last; then the suppressions.

use super::{picture, text};
use crate::outcome::{Evaluated, Outcome, Run, SuppressionState};
use privpath_checks::{find_meta, Finding, Status, Summary};

pub struct Style {
    /// Columns to fit: `COLUMNS`, the terminal's, or a fixed width when piped.
    pub width: usize,
    /// Colour the status marks (a terminal, and `NO_COLOR` unset or empty).
    pub colour: bool,
    /// Every check's full message, not only what is wrong (`--details`).
    pub details: bool,
}

pub fn render(run: &Run, style: &Style) -> String {
    // A run of one target given on the command line reads as it always has; targets
    // from a config are introduced by name.
    let named = run.config_path.is_some() || run.targets.len() > 1;
    let mut out = String::new();
    for (i, t) in run.targets.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if named {
            out.push_str(&format!("Target {}:\n", t.name));
        }
        match &t.result {
            Ok(e) => out.push_str(&render_target(e, style)),
            Err(why) => out.push_str(&format!("privpath: could not check {}: {why}\n", t.name)),
        }
    }
    if !run.suppressions.is_empty() {
        out.push_str("\nSuppressions:\n");
        for s in &run.suppressions {
            let mark = match s.state {
                SuppressionState::Active => "active ",
                SuppressionState::Expired => "EXPIRED",
                SuppressionState::Unused => "UNUSED ",
            };
            out.push_str(&format!("  {mark} {}\n", s.describe()));
        }
    }
    if named {
        out.push_str(&format!(
            "\nAll targets: {}, {} suppressed\n",
            counts(&run.summary()),
            run.suppressed()
        ));
    }
    out
}

/// "19 checks: 18 passed, 1 failed, …": the counts every summary line starts with.
fn counts(s: &Summary) -> String {
    format!(
        "{} checks: {} passed, {} failed, {} warnings, {} skipped, {} unknown",
        s.total, s.pass, s.fail, s.warn, s.skip, s.unknown
    )
}

/// The verdict of one target, as its first line says it.
fn verdict(e: &Evaluated) -> String {
    let live: Vec<&Finding> = e
        .outcomes
        .iter()
        .filter(|o| o.suppressed.is_none())
        .map(|o| &o.finding)
        .collect();
    let first = |s: Status| live.iter().find(|f| f.status == s);
    let hop = |f: &Finding| find_meta(f.check).map_or("", |m| m.hop.title());
    if let Some(f) = first(Status::Fail) {
        let more = live.iter().filter(|f| f.status == Status::Fail).count() - 1;
        let more = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        format!("✗ FAIL — first broken hop: {}{more} · {}", f.check, hop(f))
    } else if let Some(f) = first(Status::Unknown) {
        format!(
            "? UNKNOWN — {} could not be checked · no hop fails",
            f.check
        )
    } else if let Some(f) = first(Status::Warn) {
        let n = live.iter().filter(|f| f.status == Status::Warn).count();
        format!(
            "! WARN — the path works · {n} warning(s), first: {}",
            f.check
        )
    } else {
        "✓ PASS — every hop of the path checks out".to_string()
    }
}

fn status_word(o: &Outcome) -> String {
    let f = &o.finding;
    let word = format!("{} {}", picture::mark(f.status), f.status);
    if o.suppressed.is_some() {
        format!("{word}*")
    } else {
        word
    }
}

fn paint(text: &str, status: Status, style: &Style) -> String {
    if !style.colour {
        return text.to_string();
    }
    let code = match status {
        Status::Pass => "32",
        Status::Fail => "31",
        Status::Warn => "33",
        Status::Unknown => "35",
        Status::Skip => "90",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// Width of the check-id column: the longest path (or plan-only) check's id.
fn id_column() -> usize {
    privpath_checks::REGISTRY
        .iter()
        .chain(privpath_checks::plan_checks::PLAN_REGISTRY.iter())
        .map(|c| c.meta.id.len())
        .max()
        .unwrap_or(26)
}

fn render_target(e: &Evaluated, style: &Style) -> String {
    let (c, outcomes) = (&e.context, &e.outcomes);
    let width = style.width;
    // The verdict whole when it fits; else without the hop's name.
    // With a Terraform plan the verdict is about the path once the plan is applied.
    let when = if c.plan.is_some() {
        "after this plan: "
    } else {
        ""
    };
    let mut first = format!("privpath: {when}{}", verdict(e));
    if text::width_of(&first) > width {
        if let Some(cut) = first.rfind(" · ") {
            first.truncate(cut);
        }
    }
    if text::width_of(&first) > width {
        first = text::shorten(&first, width);
    }
    let mut out = format!("{first}\n");
    let about = format!(
        "{}{} → API {}{} via {} · {}{} · {}",
        c.instance_id,
        c.client_place(),
        c.api_id,
        c.method
            .as_deref()
            .map(|m| format!(" {m}"))
            .unwrap_or_default(),
        c.endpoint_id
            .as_deref()
            .unwrap_or("no execute-api endpoint"),
        c.region,
        c.account
            .as_deref()
            .map(|a| format!(" · account {a}"))
            .unwrap_or_default(),
        c.source,
    );
    for line in text::wrap(&about, width, "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(p) = &c.plan {
        // The header names the file: this line says what it does.
        let mut lines = vec![format!(
            "the plan{}: {}",
            p.summary
                .tool
                .as_deref()
                .map(|t| format!(" ({t})"))
                .unwrap_or_default(),
            p.changes()
        )];
        if let Some(u) = p.unmapped() {
            lines.push(format!("not mapped, not checked: {u}"));
        }
        lines.extend(p.note.iter().cloned());
        lines.extend(p.summary.notes.iter().cloned());
        for l in lines {
            for line in text::wrap(&l, width, "  ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    out.push('\n');
    // One line per check: mark and status, id, a headline cut to fit. Checks that do
    // not apply (skip) are counted last and listed with --details only.
    let ids = id_column();
    let lead = 2 + 10 + ids + 2;
    for o in outcomes
        .iter()
        .filter(|o| style.details || o.finding.status != Status::Skip)
    {
        let f = &o.finding;
        let headline = text::shorten(&f.headline(), width.saturating_sub(lead).max(10));
        let status = format!("{:<10}", status_word(o));
        out.push_str(&format!(
            "  {}{:<ids$}  {headline}\n",
            paint(&status, f.status, style),
            f.check,
        ));
    }
    out.push('\n');
    out.push_str(&picture::text(
        &picture::hops(&c.ids, outcomes, &e.passed()),
        width,
    ));

    // What is wrong, in full, with the fix; every finding with --details.
    let shown: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| {
            style.details
                || matches!(
                    o.finding.status,
                    Status::Fail | Status::Warn | Status::Unknown
                )
        })
        .collect();
    if !shown.is_empty() {
        out.push('\n');
        out.push_str(if style.details {
            "Every check:\n"
        } else {
            "Needs attention:\n"
        });
        for o in shown {
            let f = &o.finding;
            out.push_str(&format!(
                "  {} {}",
                paint(&status_word(o), f.status, style),
                f.check
            ));
            out.push('\n');
            for line in text::wrap(&f.message, width, "    ") {
                out.push_str(&line);
                out.push('\n');
            }
            if o.suppressed.is_some() {
                out.push_str("    (suppressed: accepted in the config, see Suppressions)\n");
            }
            if let Some(fix) = f
                .remediation
                .as_deref()
                .filter(|_| f.status != Status::Pass)
            {
                for line in text::fix_lines(fix, width, "    fix: ", "         ") {
                    out.push_str(&line);
                    out.push('\n');
                }
            }
            if !f.needs.is_empty() {
                out.push_str(&format!("    needs: {}\n", f.needs.join(", ")));
            }
        }
    }
    if let Some(r) = &c.request {
        // How the name reaches the endpoint is in dns-resolution's message.
        // With ids known only after the apply, the line holds their placeholders.
        let when = if c.plan.is_some() {
            "Once applied, call"
        } else {
            "Call"
        };
        out.push_str(&format!(
            "\n{when} it from {}:\n  {}\n",
            c.instance_id, r.curl
        ));
    }
    let suppressed = match e.suppressed() {
        0 => String::new(),
        n => format!(", {n} suppressed (*)"),
    };
    out.push_str(&format!("\n{}{suppressed}\n", counts(&e.summary())));
    out
}
