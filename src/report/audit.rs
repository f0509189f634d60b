//! An audit for people: per API, which client subnets reach it and which do not and
//! why — identical verdicts grouped, so 2,000 instances of one subnet are one line with
//! a count — then the estate findings, one example fix per broken group, and the
//! account-regions that could not be read. Lines are built from ids and counts, never
//! wrapped, so ids stay whole.

use crate::outcome::{Evaluated, Outcome, Run};
use privpath_checks::{estate, Finding, Status};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Lines of one estate check shown in the table.
const ESTATE_LINES: usize = 5;

pub(crate) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓ pass",
        Status::Fail => "✗ fail",
        Status::Warn => "! warn",
        Status::Unknown => "? unknown",
        Status::Skip => "- skip",
    }
}

/// The verdict of one path: its worst unsuppressed status and the first check with it.
fn verdict(e: &Evaluated) -> (Status, Option<&Finding>) {
    let live: Vec<&Outcome> = e
        .outcomes
        .iter()
        .filter(|o| o.suppressed.is_none())
        .collect();
    let worst = live
        .iter()
        .map(|o| o.finding.status)
        .filter(|s| *s != Status::Skip)
        .max()
        .unwrap_or(Status::Pass);
    // The request's broken hop first; Session Manager's only when nothing else is.
    let at_worst = || {
        live.iter()
            .filter(|o| o.finding.status == worst && worst != Status::Pass)
    };
    let first = at_worst()
        .find(|o| estate::blocks_requests(o.finding.check))
        .or_else(|| at_worst().next())
        .map(|o| &o.finding);
    (worst, first)
}

/// One line of the matrix: the clients of one subnet that share a verdict on one API
/// method.
pub(crate) struct Group<'a> {
    pub status: Status,
    pub check: Option<&'static str>,
    pub subnet: String,
    pub vpc: String,
    /// The clients' `ACCOUNT/REGION`.
    pub scope: String,
    pub instances: Vec<&'a str>,
    /// The first broken finding of the first path.
    pub example: Option<&'a Finding>,
    /// The first path of the group, whole (for its picture).
    pub path: &'a Evaluated,
}

/// API heading → groups, in the order the paths came.
pub(crate) type Matrix<'a> = Vec<(String, Vec<Group<'a>>)>;

pub(crate) fn matrix(run: &Run) -> Matrix<'_> {
    let mut apis: Matrix = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for t in &run.targets {
        let Ok(e) = &t.result else { continue };
        let c = &e.context;
        if c.estate {
            continue;
        }
        let api_scope = match &c.account {
            Some(a) => format!("{a}/{}", c.region),
            None => c.region.clone(),
        };
        // A path through a custom domain name is its own line of the matrix: the same
        // clients may reach the execute-api name and not the domain, or the reverse.
        // The scope stays last: the HTML report reads the API's account from there.
        let heading = format!(
            "API {}{}{} · {api_scope}",
            c.api_id,
            c.method
                .as_deref()
                .map(|m| format!(" · {m}"))
                .unwrap_or_default(),
            c.ids
                .domain
                .as_deref()
                .map(|d| format!(" · via https://{d}"))
                .unwrap_or_default()
        );
        let at = *index.entry(heading.clone()).or_insert_with(|| {
            apis.push((heading, Vec::new()));
            apis.len() - 1
        });
        let client_scope = format!(
            "{}/{}",
            c.client_account
                .as_deref()
                .or(c.account.as_deref())
                .unwrap_or("?"),
            c.client_region.as_deref().unwrap_or(&c.region)
        );
        let (status, first) = verdict(e);
        let subnet = c.client_subnet.clone().unwrap_or_else(|| "subnet ?".into());
        let vpc = c.client_vpc.clone().unwrap_or_else(|| "vpc ?".into());
        let groups = &mut apis[at].1;
        let check = first.map(|f| f.check);
        match groups.iter_mut().find(|g| {
            g.status == status && g.check == check && g.subnet == subnet && g.scope == client_scope
        }) {
            Some(g) => g.instances.push(&c.instance_id),
            None => groups.push(Group {
                status,
                check,
                subnet,
                vpc,
                scope: client_scope,
                instances: vec![&c.instance_id],
                example: first,
                path: e,
            }),
        }
    }
    for (_, groups) in &mut apis {
        // Broken first: that is what the reader came for.
        groups.sort_by(|a, b| b.status.cmp(&a.status).then(a.subnet.cmp(&b.subnet)));
    }
    apis
}

/// The groups whose verdict is not a pass: each gets one example fix.
pub(crate) fn needing_attention<'m, 'a>(apis: &'m Matrix<'a>) -> Vec<&'m Group<'a>> {
    apis.iter()
        .flat_map(|(_, g)| g)
        .filter(|g| matches!(g.status, Status::Fail | Status::Warn | Status::Unknown))
        .collect()
}

pub(crate) fn estate_outcomes(run: &Run) -> Vec<&Outcome> {
    run.targets
        .iter()
        .filter_map(|t| t.result.as_ref().ok())
        .filter(|e| e.context.estate)
        .flat_map(|e| e.outcomes.iter())
        .collect()
}

fn instances(g: &Group<'_>) -> String {
    match g.instances.as_slice() {
        [one] => one.to_string(),
        many => format!("{} instances", many.len()),
    }
}

/// The headline: how many client groups reach their API, over how much estate.
pub(crate) fn headline(run: &Run, apis: &Matrix<'_>) -> String {
    let groups: Vec<&Group> = apis.iter().flat_map(|(_, g)| g).collect();
    // Session Manager's failures leave the requests alone: they are not "cannot call".
    let broken = groups
        .iter()
        .filter(|g| {
            g.example
                .is_some_and(|f| f.status == Status::Fail && estate::blocks_requests(f.check))
        })
        .count();
    let paths: usize = groups.iter().map(|g| g.instances.len()).sum();
    let verdict = match run.exit_status() {
        crate::outcome::EXIT_OK => "✓ gate passed".to_string(),
        crate::outcome::EXIT_TRIPPED => format!("✗ gate failed (fail-on {})", run.fail_on.as_str()),
        _ => "✗ could not check everything".to_string(),
    };
    // A method called through a custom domain is a heading of its own, not another method.
    let via_domain = apis
        .iter()
        .filter(|(_, g)| {
            g.first()
                .is_some_and(|g| g.path.context.ids.domain.is_some())
        })
        .count();
    let domains = match via_domain {
        0 => String::new(),
        n => format!(", {n} through a custom domain name"),
    };
    let mut line = format!(
        "privpath audit: {verdict} — {broken} of {} client group(s) cannot call their API ({paths} path(s), {} API method(s){domains})",
        groups.len(),
        apis.len() - via_domain
    );
    let estate_problems = estate_outcomes(run)
        .iter()
        .filter(|o| matches!(o.finding.status, Status::Fail | Status::Warn))
        .count();
    if estate_problems > 0 {
        let _ = write!(line, "; {estate_problems} estate finding(s)");
    }
    let unread = run.errors();
    if unread > 0 {
        let _ = write!(line, "; {unread} target(s) could not be checked");
    }
    line
}

/// Prose wrapped to the width at spaces (ids whole), each line after `indent`.
fn wrapped(out: &mut String, text: &str, width: usize, indent: &str) {
    for line in super::text::wrap(text, width, indent) {
        out.push_str(&line);
        out.push('\n');
    }
}

pub fn table(run: &Run, width: usize) -> String {
    let apis = matrix(run);
    let mut out = String::new();
    wrapped(&mut out, &headline(run, &apis), width, "");
    out.push('\n');
    for (heading, groups) in &apis {
        wrapped(&mut out, heading, width, "");
        for g in groups {
            let place = format!("  {:<9} {} {}", mark(g.status), g.subnet, g.vpc);
            let rest = format!(
                "{}  {}{}",
                g.scope,
                instances(g),
                g.check.map(|c| format!("  {c}")).unwrap_or_default()
            );
            // One line when it fits; else the clients and the broken hop below.
            if super::text::width_of(&place) + 2 + super::text::width_of(&rest) <= width {
                let _ = writeln!(out, "{place}  {rest}");
            } else {
                let _ = writeln!(out, "{place}\n{:6}{rest}", "");
            }
        }
        out.push('\n');
    }
    let estate = estate_outcomes(run);
    if !estate.is_empty() {
        out.push_str("Estate\n");
        // At most a few lines per check: the rest are in the JSON report.
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        let total = |check: &str| estate.iter().filter(|o| o.finding.check == check).count();
        for o in &estate {
            let f = &o.finding;
            let n = shown.entry(f.check).or_default();
            *n += 1;
            if f.status == Status::Pass {
                let _ = writeln!(out, "  {:<9} {}", mark(f.status), f.check);
            } else if *n <= ESTATE_LINES {
                let _ = writeln!(out, "  {:<9} {}", mark(f.status), f.check);
                wrapped(&mut out, &f.message, width, "            ");
            } else if *n == ESTATE_LINES + 1 {
                let more = total(f.check) - ESTATE_LINES;
                let _ = writeln!(
                    out,
                    "  {:<9} {}  … and {more} more (--format json lists them)",
                    "", f.check
                );
            }
        }
        out.push('\n');
    }
    let broken = needing_attention(&apis);
    if !broken.is_empty() {
        out.push_str("What to fix (one example per group):\n");
        for g in broken {
            let Some(f) = g.example else { continue };
            let more = g.instances.len() - 1;
            let _ = writeln!(
                out,
                "  {} {} — {}{}",
                mark(f.status),
                f.check,
                g.instances[0],
                if more > 0 {
                    format!(" (and {more} more in {})", g.subnet)
                } else {
                    String::new()
                }
            );
            wrapped(&mut out, &f.message, width, "    ");
            if let Some(fix) = &f.remediation {
                for line in super::text::fix_lines(fix, width, "    ", "    ") {
                    let _ = writeln!(out, "{line}");
                }
            }
        }
        out.push('\n');
    }
    let unread = run.not_checked();
    if !unread.is_empty() {
        out.push_str("Could not be checked:\n");
        for (name, why) in unread {
            let _ = writeln!(out, "  ✗ {name}: {why}");
        }
        out.push('\n');
    }
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(run: &Run) -> String {
    let apis = matrix(run);
    let mut out = format!("## {}\n\n", headline(run, &apis));
    for (heading, groups) in &apis {
        let _ = writeln!(out, "### {}\n", cell(heading));
        out.push_str("| Status | Client subnet | VPC | Account/region | Clients | First broken hop |\n|---|---|---|---|---|---|\n");
        for g in groups {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | {} | {} | {} |",
                mark(g.status),
                g.subnet,
                g.vpc,
                g.scope,
                instances(g),
                g.check.map(|c| format!("`{c}`")).unwrap_or_default()
            );
        }
        out.push('\n');
    }
    let estate = estate_outcomes(run);
    if !estate.is_empty() {
        out.push_str("### Estate\n\n| Status | Check | Finding |\n|---|---|---|\n");
        let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
        for o in &estate {
            let f = &o.finding;
            let n = shown.entry(f.check).or_default();
            *n += 1;
            if *n <= ESTATE_LINES {
                let _ = writeln!(
                    out,
                    "| {} | `{}` | {} |",
                    mark(f.status),
                    f.check,
                    cell(&f.message)
                );
            } else if *n == ESTATE_LINES + 1 {
                let more =
                    estate.iter().filter(|o| o.finding.check == f.check).count() - ESTATE_LINES;
                let _ = writeln!(
                    out,
                    "| | `{}` | … and {more} more (the JSON report lists them) |",
                    f.check
                );
            }
        }
        out.push('\n');
    }
    let broken = needing_attention(&apis);
    if !broken.is_empty() {
        out.push_str("<details><summary>What to fix (one example per group)</summary>\n\n");
        for g in broken {
            let Some(f) = g.example else { continue };
            let _ = writeln!(
                out,
                "**{} `{}`** — `{}` in `{}` ({} client(s)): {}\n",
                mark(f.status),
                f.check,
                g.instances[0],
                g.subnet,
                g.instances.len(),
                cell(&f.message)
            );
            if let Some(fix) = &f.remediation {
                let _ = writeln!(out, "```\n{fix}\n```\n");
            }
        }
        out.push_str("</details>\n\n");
    }
    for t in &run.targets {
        if let Err(why) = &t.result {
            let _ = writeln!(
                out,
                "- 🛑 **{}** could not be checked: {}",
                cell(&t.name),
                cell(why)
            );
        }
    }
    out
}
