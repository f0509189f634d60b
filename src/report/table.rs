//! The table for people: findings grouped by hop in path order, then how to fix each
//! failure and warning, then one summary line.

use super::Report;
use comfy_table::{presets::UTF8_FULL_CONDENSED, Cell, Color, ContentArrangement, Table};
use privpath_checks::{find_check, Status, Summary};

/// Width used when stdout is not a terminal, so piped and tested output is stable.
const PIPE_WIDTH: u16 = 160;

pub struct Style {
    /// stdout is a terminal: comfy-table measures its width.
    pub terminal: bool,
    /// Colour the status column (a terminal, and `NO_COLOR` unset or empty).
    pub colour: bool,
}

fn status_cell(status: Status, colour: bool) -> Cell {
    let cell = Cell::new(status.as_str());
    if !colour {
        return cell;
    }
    cell.fg(match status {
        Status::Pass => Color::Green,
        Status::Fail => Color::Red,
        Status::Warn => Color::Yellow,
        Status::Unknown => Color::Magenta,
        Status::Skip => Color::DarkGrey,
    })
}

pub fn render(report: &Report<'_>, style: &Style) -> String {
    let c = &report.context;
    let mut out = format!(
        "privpath: {} → API {}{} via {} ({}{}; {})\n",
        c.instance_id,
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
    for f in report.findings {
        let hop = find_check(f.check).map(|c| c.meta.hop);
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
            status_cell(f.status, style.colour),
            Cell::new(resources),
            Cell::new(&f.message),
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');

    let to_fix: Vec<_> = report
        .findings
        .iter()
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
    let unknown: Vec<_> = report
        .findings
        .iter()
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
    let s = Summary::of(report.findings);
    out.push_str(&format!(
        "\n{} checks: {} passed, {} failed, {} warnings, {} skipped, {} unknown\n",
        s.total, s.pass, s.fail, s.warn, s.skip, s.unknown
    ));
    out
}
