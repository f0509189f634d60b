//! GitHub-flavoured Markdown for `$GITHUB_STEP_SUMMARY` (and GitLab merge-request
//! notes): the verdict first, a line per target, then per target what needs attention
//! with its fix; every check's row folded away in `<details>`.

use crate::outcome::{Outcome, Run, SuppressionState};
use privpath_checks::{find_meta, Status};
use std::fmt::Write;

/// Makes text safe inside a table cell: no pipes breaking columns, no raw newlines,
/// no HTML.
fn cell(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
        .replace('\n', "<br>")
}

fn icon(o: &Outcome) -> &'static str {
    if o.suppressed.is_some() {
        return "🔕";
    }
    match o.finding.status {
        Status::Pass => "✅",
        Status::Fail => "❌",
        Status::Warn => "⚠️",
        Status::Unknown => "❔",
        Status::Skip => "➖",
    }
}

fn rows(out: &mut String, run: &Run, outcomes: &[&Outcome]) {
    out.push_str("| Status | Check | Hop | Resources | Finding |\n|---|---|---|---|---|\n");
    for o in outcomes {
        let f = &o.finding;
        let hop = find_meta(f.check).map_or("", |m| m.hop.title());
        let mut finding = f.message.clone();
        if let Some(i) = o.suppressed {
            finding.push_str(&format!(
                "\nsuppressed: {}",
                run.suppressions[i].rule.reason
            ));
        }
        // With a plan, the Terraform addresses a reviewer finds in the diff.
        let mut resources = cell(&f.resources.join(", "));
        if !f.addresses.is_empty() {
            let addresses: Vec<String> = f
                .addresses
                .iter()
                .map(|a| format!("`{}`", cell(a)))
                .collect();
            resources.push_str(&format!("<br>{}", addresses.join(", ")));
        }
        let _ = writeln!(
            out,
            "| {} {} | `{}` | {} | {} | {} |",
            icon(o),
            o.status_label(),
            f.check,
            hop,
            resources,
            cell(&finding)
        );
    }
}

pub fn render(run: &Run) -> String {
    let mut out = String::new();
    let verdict = match run.exit_status() {
        0 => "✅ gate passed".to_string(),
        1 => format!("❌ gate failed (fail-on {})", run.fail_on.as_str()),
        _ => "🛑 could not check every target".to_string(),
    };
    // On a pull request with a Terraform plan the comment is about what the plan will
    // do: it says so first.
    let planned = run
        .targets
        .iter()
        .any(|t| t.result.as_ref().is_ok_and(|e| e.context.plan.is_some()));
    let when = if planned { "after this plan, " } else { "" };
    let _ = writeln!(out, "## privpath: {when}{verdict}\n");
    out.push_str("| Target | Path | Passed | Failed | Warnings | Unknown | Suppressed |\n|---|---|---|---|---|---|---|\n");
    for t in &run.targets {
        match &t.result {
            Ok(e) => {
                let c = &e.context;
                let s = e.summary();
                let suppressed = e.suppressed();
                let path = format!(
                    "{}{} → {}{} ({})",
                    c.instance_id,
                    c.client_place(),
                    c.api_id,
                    c.method
                        .as_deref()
                        .map(|m| format!(" {m}"))
                        .unwrap_or_default(),
                    c.region
                );
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {suppressed} |",
                    cell(&t.name),
                    cell(&path),
                    s.pass,
                    s.fail,
                    s.warn,
                    s.unknown
                );
            }
            Err(why) => {
                let _ = writeln!(
                    out,
                    "| {} | 🛑 not checked: {} | | | | | |",
                    cell(&t.name),
                    cell(why)
                );
            }
        }
    }
    for t in &run.targets {
        let Ok(e) = &t.result else { continue };
        let _ = writeln!(out, "\n### {}\n", cell(&t.name));
        if let Some(p) = &e.context.plan {
            let first = e
                .outcomes
                .iter()
                .find(|o| o.suppressed.is_none() && o.finding.status == Status::Fail);
            let verdict = match first {
                Some(o) => format!(
                    "the path **breaks at `{}`** ({})",
                    o.finding.check,
                    find_meta(o.finding.check).map_or("", |m| m.hop.title())
                ),
                None => "no hop of the path fails".to_string(),
            };
            let _ = writeln!(
                out,
                "After this plan (`{}` {}{}: {}), {verdict}.\n",
                cell(&p.file),
                cell(&p.over),
                p.summary
                    .tool
                    .as_deref()
                    .map(|t| format!(", {t}"))
                    .unwrap_or_default(),
                p.changes()
            );
            for note in p.note.iter().chain(p.summary.notes.iter()) {
                let _ = writeln!(out, "> {}\n", cell(note));
            }
            if let Some(u) = p.unmapped() {
                let _ = writeln!(out, "Not mapped, not checked: {}.\n", cell(&u));
            }
        }
        // The path as a picture: GitHub renders Mermaid in step summaries and comments.
        let hops = super::picture::hops(&e.context.ids, &e.outcomes, &e.passed());
        let _ = writeln!(out, "```mermaid\n{}```\n", super::picture::mermaid(&hops));
        let attention: Vec<&Outcome> = e
            .outcomes
            .iter()
            .filter(|o| !matches!(o.finding.status, Status::Pass | Status::Skip))
            .collect();
        if attention.is_empty() {
            out.push_str("Every hop passed.\n");
        } else {
            rows(&mut out, run, &attention);
            for o in attention.iter().filter(|o| o.suppressed.is_none()) {
                if let Some(fix) = &o.finding.remediation {
                    let _ = writeln!(
                        out,
                        "\n**Fix `{}`:**\n\n```sh\n{}\n```",
                        o.finding.check,
                        fix.replace("```", "'''")
                    );
                }
            }
        }
        if let Some(r) = &e.context.request {
            let _ = writeln!(
                out,
                "\nCall it from `{}` through {}:\n\n```sh\n{}\n```",
                e.context.instance_id, r.how, r.curl
            );
        }
        let all: Vec<&Outcome> = e.outcomes.iter().collect();
        let _ = writeln!(
            out,
            "\n<details><summary>All {} findings</summary>\n",
            all.len()
        );
        rows(&mut out, run, &all);
        out.push_str("\n</details>\n");
    }
    if !run.suppressions.is_empty() {
        out.push_str("\n### Suppressions\n\n");
        for s in &run.suppressions {
            let mark = match s.state {
                SuppressionState::Active => "🔕",
                SuppressionState::Expired | SuppressionState::Unused => "⚠️",
            };
            let _ = writeln!(out, "- {mark} {}", cell(&s.describe()));
        }
    }
    let _ = writeln!(
        out,
        "\n{}",
        super::closing::summary_parts(run, false).join("; ")
    );
    out
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(cell("a|b\n<c>"), "a\\|b<br>&lt;c&gt;");
    }
}
