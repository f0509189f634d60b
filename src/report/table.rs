//! The table for people: per target, findings grouped by hop in path order, then how
//! to fix each failure and warning, then one summary line; then the suppressions.

use super::status_label;
use crate::gate::{Evaluated, Outcome, Run, SuppressionState};
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table};
use privpath_checks::{find_meta, Finding, Status, Summary};

/// Width used when stdout is not a terminal, so piped and tested output is stable.
const PIPE_WIDTH: u16 = 160;

pub struct Style {
    /// stdout is a terminal: comfy-table measures its width.
    pub terminal: bool,
    /// Colour the status column (a terminal, and `NO_COLOR` unset or empty).
    pub colour: bool,
}

fn status_cell(o: &Outcome, colour: bool) -> Cell {
    let cell = Cell::new(status_label(o));
    if !colour {
        return cell;
    }
    if o.suppressed.is_some() {
        return cell.fg(Color::DarkGrey);
    }
    cell.fg(match o.finding.status {
        Status::Pass => Color::Green,
        Status::Fail => Color::Red,
        Status::Warn => Color::Yellow,
        Status::Unknown => Color::Magenta,
        Status::Skip => Color::DarkGrey,
    })
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

fn render_target(e: &Evaluated, style: &Style) -> String {
    let (c, outcomes) = (&e.context, &e.outcomes);
    let mut out = format!(
        "privpath: {}{} → API {}{} via {} ({}{}; {})\n",
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
            .map(|a| format!(", account {a}"))
            .unwrap_or_default(),
        c.source,
    );
    let mut table = Table::new();
    table
        .load_preset(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(["Hop", "Check", "Status", "Resources", "Finding"]);
    if !style.terminal {
        table.force_no_tty().set_width(PIPE_WIDTH);
    }
    if style.colour {
        table.enforce_styling();
    }
    let mut last_hop = None;
    for o in outcomes {
        let f = &o.finding;
        let hop = find_meta(f.check).map(|m| m.hop);
        let hop_title = if hop != last_hop {
            hop.map_or("", |h| h.title())
        } else {
            ""
        };
        last_hop = hop;
        let resources: Vec<&str> = f.resources.iter().take(3).map(String::as_str).collect();
        let more = f.resources.len().saturating_sub(3);
        let mut resources = resources.join("\n");
        if more > 0 {
            resources.push_str(&format!("\n(+{more} more)"));
        }
        table.add_row(vec![
            Cell::new(hop_title),
            Cell::new(f.check),
            status_cell(o, style.colour),
            Cell::new(resources),
            Cell::new(&f.message),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let to_fix: Vec<&Finding> = outcomes
        .iter()
        .filter(|o| o.suppressed.is_none())
        .map(|o| &o.finding)
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn) && f.remediation.is_some())
        .collect();
    if !to_fix.is_empty() {
        out.push_str("\nHow to fix:\n");
        for f in to_fix {
            out.push_str(&format!("\n  {} ({}):\n", f.check, f.status));
            for line in f.remediation.as_deref().unwrap_or_default().lines() {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    if let Some(r) = &c.request {
        out.push_str(&format!(
            "\nCall it from {} through {}:\n    {}\n",
            c.instance_id, r.how, r.curl
        ));
    }
    let unknown: Vec<&Finding> = outcomes
        .iter()
        .map(|o| &o.finding)
        .filter(|f| !f.needs.is_empty())
        .collect();
    if !unknown.is_empty() {
        let mut actions: Vec<&str> = unknown
            .iter()
            .flat_map(|f| f.needs.iter().map(String::as_str))
            .collect();
        actions.sort_unstable();
        actions.dedup();
        out.push_str(&format!(
            "\nSome data could not be collected; grant {} to check those hops.\n",
            actions.join(", ")
        ));
    }
    let suppressed = match e.suppressed() {
        0 => String::new(),
        n => format!(", {n} suppressed"),
    };
    out.push_str(&format!("\n{}{suppressed}\n", counts(&e.summary())));
    out
}
