//! `privpath explain`: an error text in, the checks that explain it out — ranked, each
//! with the words of the text that chose it, and honest when the text is not a path
//! problem; a check id in, that check's documentation and symptoms out. The knowledge
//! is the checks' own (`CheckMeta::symptoms`, matched by `privpath_checks::explain`).
//!
//! With a path — `--snapshot`, live ids, or privpath.toml's targets, resolved exactly
//! as `privpath check` resolves them (`check::plans`, `check::collect`,
//! `check::check_one`) — every check runs and the candidates that fail (or cannot be
//! seen) there come first, with the finding and its fix. Without one, explain reads
//! nothing: no AWS call, not even privpath.toml's targets.

use super::check::{check_one, collect, names_a_target, plans, prepare_plan};
use crate::catalog::{check_text, iam_actions, symptom_example};
use crate::cli::{ExplainArgs, TargetArgs};
use crate::config::Config;
use crate::io::emit;
use crate::outcome::{Stats, EXIT_ERROR, EXIT_OK};
use crate::report::{picture, text};
use anyhow::{anyhow, Context as _, Result};
use privpath_checks::explain::{
    diagnose, knowledge, rank_on_path, Candidate, Cause, Diagnosis, Evidence, Ranked, Standing,
};
use privpath_checks::{find_meta, CheckMeta, Finding, Selection, Status, REGISTRY};
use std::io::{IsTerminal, Read};

pub fn run(args: &ExplainArgs) -> Result<u8> {
    let input = if args.text.len() == 1 && args.text[0] == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read the error text from stdin")?;
        // A log with a stray invalid byte is still worth reading.
        String::from_utf8_lossy(&bytes).into_owned()
    } else {
        args.text.join(" ")
    };
    let width = text::output_width(std::io::stdout().is_terminal());
    if let Some(m) = find_meta(input.trim()) {
        emit(&check_docs(m))?;
        return Ok(EXIT_OK);
    }
    let diagnosis = diagnose(&input);
    if diagnosis.is_empty() {
        let width = text::output_width(std::io::stderr().is_terminal());
        return Err(anyhow!(unrecognised(width)));
    }
    if !wants_path(&args.target) {
        emit(&render(&diagnosis, width))?;
        return Ok(EXIT_OK);
    }
    on_paths(args, &diagnosis, width)
}

/// Whether the options name a path to rank by: a target of the command line, a config
/// or a config's target.
fn wants_path(t: &TargetArgs) -> bool {
    names_a_target(t) || t.config.is_some() || !t.targets.is_empty()
}

/// Ranks the candidates on every target the options name, as `check` would check it.
fn on_paths(args: &ExplainArgs, diagnosis: &Diagnosis, width: usize) -> Result<u8> {
    let config = Config::discover(args.target.config.as_deref())?;
    let mut plans = plans(&args.target, &config)?;
    let ad_hoc = names_a_target(&args.target);
    // A Terraform plan may name the API and the instance by address, and decide that
    // nothing live is read: as `check` does, before collecting.
    let mut tf_plans = Vec::with_capacity(plans.len());
    for p in plans.iter_mut() {
        let read = prepare_plan(p);
        if let (Err(e), true) = (&read, ad_hoc) {
            return Err(anyhow!("{e:#}"));
        }
        tf_plans.push(read);
    }
    let progress = !args.verbose && std::io::stderr().is_terminal();
    let mut collected = collect(&plans, args.verbose, progress)?;
    let mut stats = Stats::default();
    let mut sections = Vec::new();
    let mut status = EXIT_OK;
    for ((plan, live), tf) in plans.iter().zip(collected.iter_mut()).zip(tf_plans) {
        // Every check runs, also those the config skips: a skipped check can still be
        // the broken hop.
        let evaluated = tf.and_then(|tf| {
            check_one(
                plan,
                live.take(),
                tf,
                None,
                &Selection::default(),
                &config,
                &mut stats,
            )
        });
        match evaluated {
            Ok(e) => {
                let findings: Vec<Finding> = e.outcomes.into_iter().map(|o| o.finding).collect();
                let name = if ad_hoc {
                    e.context.api_id.clone()
                } else {
                    plan.name.clone()
                };
                let about = format!("{name} ({})", e.context.source);
                sections.push(render_on_path(diagnosis, &findings, &about, width));
            }
            // Alone on the command line, a target that cannot be checked is the run's
            // error; among a config's, it is reported and the others are explained.
            Err(e) if ad_hoc => return Err(e),
            Err(e) => {
                let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
                eprintln!(
                    "privpath: error: target {}: {}",
                    plan.name,
                    chain.join(": ")
                );
                status = EXIT_ERROR;
            }
        }
    }
    emit(&sections.join("\n"))?;
    Ok(status)
}

/// `1. ` and the indent of the lines under it.
const INDENT: &str = "   ";

fn title(c: &Candidate) -> String {
    match c.cause {
        Cause::Check(m) => format!("{} — {}", m.id, m.title),
        Cause::NotAPath(n) => format!("not a path problem ({})", n.symptom.id),
    }
}

/// `chosen by "a", "b" (error code, seen in …)`: the words of the text and where such
/// a text comes from.
fn chosen_by(c: &Candidate) -> String {
    // A word with double quotes in it (a JSON body) is quoted with single ones.
    let words: Vec<String> = c
        .words()
        .iter()
        .take(4)
        .map(|w| {
            if w.contains('"') {
                format!("'{w}'")
            } else {
                format!("\"{w}\"")
            }
        })
        .collect();
    let best = &c.matched[0].symptom;
    format!(
        "chosen by {} ({}, as in {})",
        words.join(", "),
        best.evidence.as_str(),
        best.seen_in
    )
}

fn push_wrapped(out: &mut String, words: &str, width: usize, indent: &str) {
    for line in text::wrap(words, width, indent) {
        out.push_str(&line);
        out.push('\n');
    }
}

fn candidate_text(out: &mut String, n: usize, c: &Candidate, width: usize) {
    out.push_str(&text::shorten(&format!("{n}. {}", title(c)), width));
    out.push('\n');
    push_wrapped(out, &chosen_by(c), width, INDENT);
    push_wrapped(out, c.matched[0].symptom.meaning, width, INDENT);
    if let Cause::NotAPath(p) = c.cause {
        push_wrapped(out, &format!("Look at: {}", p.look_at), width, INDENT);
    }
}

fn check_ids<'a>(candidates: impl Iterator<Item = &'a Candidate>) -> Vec<&'static str> {
    candidates
        .filter_map(|c| match c.cause {
            Cause::Check(m) => Some(m.id),
            Cause::NotAPath(_) => None,
        })
        .collect()
}

/// The answer without a path: the shortlist, most likely first, and what to run next.
fn render(d: &Diagnosis, width: usize) -> String {
    let shortlist = d.shortlist();
    let mut out = format!(
        "privpath explain: {} likely cause{}, most likely first\n\n",
        shortlist.len(),
        if shortlist.len() == 1 { "" } else { "s" }
    );
    for (i, c) in shortlist.iter().enumerate() {
        candidate_text(&mut out, i + 1, c, width);
    }
    let ids = check_ids(shortlist.iter().copied());
    if !ids.is_empty() {
        out.push_str("\nNext, see which of them fails on your path:\n");
        out.push_str(&format!(
            "  privpath check --only {} --api-id API --instance-id INSTANCE\n",
            ids.join(",")
        ));
        push_wrapped(
            &mut out,
            "or rank them by your path's state: privpath explain TEXT --snapshot FILE (or \
             --api-id API --instance-id INSTANCE, or --target NAME of privpath.toml)",
            width,
            "  ",
        );
    }
    out
}

/// The finding status a standing stands for (not-a-path problems have none: the
/// path's state says nothing about them).
fn status_of(standing: Standing) -> Status {
    match standing {
        Standing::Fails => Status::Fail,
        Standing::Unknown => Status::Unknown,
        Standing::Warns => Status::Warn,
        Standing::Passes => Status::Pass,
        Standing::DoesNotApply | Standing::NotAPath => Status::Skip,
    }
}

fn standing_word(r: &Ranked<'_>) -> String {
    let status = status_of(r.standing);
    format!("{} {:<7}", picture::mark(status), status.as_str())
}

/// The answer on one checked path: what fails there first, with its finding and fix.
fn render_on_path(d: &Diagnosis, findings: &[Finding], about: &str, width: usize) -> String {
    let ranked = rank_on_path(d, findings);
    let failing: Vec<&str> = ranked
        .iter()
        .filter(|r| r.standing == Standing::Fails)
        .map(|r| r.candidate.cause.id())
        .collect();
    let verdict = match failing.len() {
        0 => format!("none of {} candidates fails here", ranked.len()),
        1 => format!("{} fails here", failing[0]),
        n => format!("{n} candidates fail here: {}", failing.join(", ")),
    };
    let mut out = String::new();
    push_wrapped(
        &mut out,
        &format!("privpath explain on {about}: {verdict}"),
        width,
        "",
    );
    out.push('\n');
    let detailed = ranked
        .iter()
        .filter(|r| !matches!(r.standing, Standing::Passes | Standing::DoesNotApply));
    for (i, r) in detailed.enumerate() {
        let c = r.candidate;
        let n = i + 1;
        match r.standing {
            Standing::NotAPath => candidate_text(&mut out, n, c, width),
            // Said once for all of them, below.
            Standing::Passes | Standing::DoesNotApply => {}
            Standing::Fails | Standing::Unknown | Standing::Warns => {
                let title = match c.cause {
                    Cause::Check(m) => m.title,
                    Cause::NotAPath(_) => "",
                };
                out.push_str(&text::shorten(
                    &format!("{n}. {} {} — {title}", standing_word(r), c.cause.id()),
                    width,
                ));
                out.push('\n');
                push_wrapped(&mut out, &chosen_by(c), width, INDENT);
                if let Some(f) = r.finding {
                    push_wrapped(&mut out, &format!("found: {}", f.message), width, INDENT);
                    if let Some(fix) = &f.remediation {
                        for line in text::fix_lines(fix, width, "   fix: ", "        ") {
                            out.push_str(&line);
                            out.push('\n');
                        }
                    }
                    if !f.needs.is_empty() {
                        push_wrapped(
                            &mut out,
                            &format!("needs: {}", f.needs.join(", ")),
                            width,
                            INDENT,
                        );
                    }
                }
            }
        }
    }
    for (standing, what) in [
        (Standing::Passes, "Pass here, so not these hops"),
        (Standing::DoesNotApply, "Do not apply to this path"),
    ] {
        let ids: Vec<&str> = ranked
            .iter()
            .filter(|r| r.standing == standing)
            .map(|r| r.candidate.cause.id())
            .collect();
        if !ids.is_empty() {
            push_wrapped(
                &mut out,
                &format!(
                    "{} {what}: {}.",
                    picture::mark(status_of(standing)),
                    ids.join(", ")
                ),
                width,
                "",
            );
        }
    }
    // The text points elsewhere, but the path is broken: say where.
    let matched: Vec<&str> = ranked.iter().map(|r| r.candidate.cause.id()).collect();
    let others: Vec<&str> = REGISTRY
        .iter()
        .map(|c| c.meta.id)
        .filter(|id| !matched.contains(id))
        .filter(|id| {
            findings
                .iter()
                .any(|f| f.check == *id && f.status == Status::Fail)
        })
        .collect();
    if !others.is_empty() {
        out.push('\n');
        push_wrapped(
            &mut out,
            &format!(
                "Also failing on this path, though the text does not point at them: {} \
                 (privpath check shows their fixes).",
                others.join(", ")
            ),
            width,
            "",
        );
    }
    out
}

/// The answer to a text nothing matched, in one screen: what privpath looked for, and
/// how to find the hop without a text. Generated from the registry.
fn unrecognised(width: usize) -> String {
    let width = width.min(100);
    let k = knowledge();
    let mut counts = [0usize; 4];
    for c in REGISTRY {
        for s in c.meta.symptoms {
            counts[match s.evidence {
                Evidence::Code => 0,
                Evidence::Phrase => 1,
                Evidence::State => 2,
                Evidence::Hint => 3,
            }] += 1;
        }
    }
    // The first line follows "privpath: error: ".
    let mut out = String::from("explain does not recognise this text.\n");
    push_wrapped(
        &mut out,
        &format!(
            "It lower-cased it, decoded quotes and escapes, replaced ids, ARNs, addresses, \
             times and request ids by their kind, and looked for the {} symptoms of its {} \
             checks ({} error codes and fixed messages, {} phrases, {} resources with a \
             state, {} service and port hints) and {} causes that are not a path problem:",
            k.symptoms, k.checks, counts[0], counts[1], counts[2], counts[3], k.not_a_path
        ),
        width,
        "",
    );
    for (what, examples) in [
        (
            "errors",
            "AWS error codes, HTTP 403/429/5xx bodies and x-amzn-ErrorType",
        ),
        (
            "logs",
            "API Gateway execution logs, the SSM Agent, Lambda, database drivers",
        ),
        ("tools", "AWS CLI and SDKs, Terraform, CloudFormation, curl"),
        (
            "resources",
            "pcx- vpce- tgw- sg- rtb- acl- subnet- i- ids; role, function ARNs",
        ),
        (
            "ports",
            ":443 to execute-api, :3306 and :5432 to RDS, :53 for DNS",
        ),
    ] {
        let line = format!("  {what:<10} {examples}");
        out.push_str(&text::shorten(&line, width));
        out.push('\n');
    }
    push_wrapped(
        &mut out,
        "Paste the error as printed — the AWS error code, the HTTP status and body, the \
         log line — or more of the log: a later \"caused by\" line often names the cause.",
        width,
        "",
    );
    out.push('\n');
    out.push_str("Or find the broken hop without a text (read-only):\n");
    out.push_str("  privpath check --api-id API --instance-id INSTANCE\n");
    out.push_str("  privpath check --snapshot FILE   (or --target NAME of privpath.toml)\n");
    push_wrapped(
        &mut out,
        "It names the first broken hop and its fix. Every check and what it explains: \
         privpath checks; one check: privpath explain CHECK-ID.",
        width,
        "",
    );
    out.trim_end().to_string()
}

/// A check's documentation, the IAM actions that read its data, what it explains and
/// how to run it alone.
fn check_docs(m: &CheckMeta) -> String {
    let mut out = check_text(m);
    let plan_only = privpath_checks::plan_checks::ids().any(|id| id == m.id);
    let actions = iam_actions(m);
    if plan_only {
        out.push_str("  Reads: the Terraform plan (terraform show -json PLAN), no AWS call\n");
    } else if !actions.is_empty() {
        out.push_str(&format!("  Reads with: {}\n", actions.join(", ")));
    }
    if !m.symptoms.is_empty() {
        out.push_str(
            "  Explains (privpath explain), texts as matched — lower case, ids as <kind>:\n",
        );
        for s in m.symptoms {
            out.push_str(&format!(
                "    {} [{}] {}, e.g. {}\n",
                s.id,
                s.evidence.as_str(),
                s.seen_in,
                symptom_example(s, "\"")
            ));
            for line in text::wrap(s.meaning, 92, "      ") {
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
    let run = if m.id.starts_with("estate-") {
        format!("privpath audit --only {}", m.id)
    } else if plan_only {
        format!(
            "privpath check --only {} --plan tfplan.json [--offline | --snapshot FILE | --api-id API --instance-id INSTANCE]",
            m.id
        )
    } else if privpath_checks::checks::DOMAIN_CHECKS.contains(&m.id) {
        // A custom domain's checks need the domain; its mapping names the API.
        format!(
            "privpath check --only {} --domain-name NAME --api-id API --instance-id INSTANCE",
            m.id
        )
    } else {
        format!(
            "privpath check --only {} --api-id API --instance-id INSTANCE",
            m.id
        )
    };
    out.push_str(&format!("  Run it alone: {run}\n"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_id_prints_its_documentation_and_what_it_explains() {
        let m = find_meta("lambda-invoke-permission").unwrap();
        let text = check_docs(m);
        assert!(text.starts_with("lambda-invoke-permission — "), "{text}");
        assert!(text.contains("How to fix:"), "{text}");
        assert!(
            text.contains("Reads with: apigateway:GET, lambda:GetPolicy"),
            "{text}"
        );
        assert!(text.contains("invalid-permissions [error code]"), "{text}");
        assert!(
            text.contains("\"invalid permissions on lambda function\""),
            "{text}"
        );
    }

    #[test]
    fn an_answer_names_the_words_that_chose_it_and_the_command_to_run() {
        let d = diagnose(
            "curl: (6) Could not resolve host: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
        );
        let text = render(&d, 80);
        assert!(
            text.lines()
                .nth(2)
                .unwrap_or_default()
                .starts_with("1. dns-resolution — "),
            "{text}"
        );
        assert!(
            text.contains("chosen by \"could not resolve host\""),
            "{text}"
        );
        assert!(
            text.contains("privpath check --only dns-resolution,"),
            "{text}"
        );
        // Commands stay whole; prose fits.
        for line in text
            .lines()
            .filter(|l| !l.trim_start().starts_with("privpath "))
        {
            assert!(text::width_of(line) <= 80, "{line}");
        }
    }

    #[test]
    fn the_unrecognised_screen_fits_one_screen() {
        let screen = unrecognised(80);
        let lines: Vec<&str> = screen.lines().collect();
        // The first line follows "privpath: error: ".
        assert!(lines.len() < 24, "{} lines:\n{screen}", lines.len());
        assert!(17 + text::width_of(lines[0]) <= 80);
        for line in &lines[1..] {
            assert!(text::width_of(line) <= 80, "{line}");
        }
        assert!(screen.contains("privpath check --api-id API --instance-id INSTANCE"));
    }
}
