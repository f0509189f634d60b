//! `privpath explain`: an error text in, the checks that explain it and what to run
//! next out; a check id in, that check's full documentation out. The knowledge lives in
//! `privpath_checks::explain`.

use crate::catalog::{check_text, iam_actions};
use crate::io::emit;
use crate::outcome::EXIT_OK;
use anyhow::{bail, Context as _, Result};
use privpath_checks::explain::{diagnose, Symptom, SYMPTOMS};
use privpath_checks::{find_check, REGISTRY};
use std::io::Read;

const WIDTH: usize = 92;

/// Greedy word wrap with an indent on every line.
fn wrap(text: &str, indent: &str) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && indent.len() + line.len() + 1 + word.len() > WIDTH {
            out.push_str(indent);
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push_str(indent);
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn render_symptom(s: &Symptom) -> String {
    let mut out = format!("{} (seen in {})\n", s.id, s.seen_in);
    out.push_str(&wrap(s.meaning, "  "));
    out.push_str("  Checks that explain it, most likely first:\n");
    for id in s.checks {
        let title = privpath_checks::find_meta(id).map_or("", |m| m.title);
        out.push_str(&format!("    {id:<28} {title}\n"));
    }
    out.push_str("  Next:\n");
    out.push_str(&format!(
        "    privpath check --only {} --api-id API --instance-id INSTANCE   (or --target NAME)\n",
        s.checks.join(",")
    ));
    out.push_str(&wrap(s.next, "    "));
    out
}

/// The whole text for one input; `None` when nothing matches.
pub fn explain(input: &str) -> Option<String> {
    let input = input.trim();
    let plan_check = privpath_checks::plan_checks::PLAN_REGISTRY
        .iter()
        .find(|c| c.meta.id == input);
    if let Some(check) = find_check(input).or(plan_check) {
        let m = check.meta;
        let mut out = check_text(m);
        if plan_check.is_some() {
            out.push_str("  Reads: the Terraform plan (terraform show -json PLAN), no AWS call\n");
            out.push_str(&format!(
                "  Run it alone: privpath check --only {} --plan tfplan.json [--offline | --snapshot FILE | --api-id API --instance-id INSTANCE]\n",
                m.id
            ));
            return Some(out);
        }
        out.push_str(&format!("  Reads with: {}\n", iam_actions(m).join(", ")));
        let symptoms: Vec<&str> = SYMPTOMS
            .iter()
            .filter(|s| s.checks.contains(&m.id))
            .map(|s| s.id)
            .collect();
        if !symptoms.is_empty() {
            out.push_str(&format!("  Explains: {}\n", symptoms.join(", ")));
        }
        // A custom domain's checks need the domain; its mapping names the API.
        let target = if privpath_checks::checks::DOMAIN_CHECKS.contains(&m.id) {
            "--domain-name NAME --api-id API"
        } else {
            "--api-id API"
        };
        out.push_str(&format!(
            "  Run it alone: privpath check --only {} {target} --instance-id INSTANCE\n",
            m.id
        ));
        return Some(out);
    }
    let found = diagnose(input);
    if found.is_empty() {
        return None;
    }
    Some(
        found
            .iter()
            .map(|s| render_symptom(s))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

pub fn run(words: &[String]) -> Result<u8> {
    let input = if words.len() == 1 && words[0] == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("cannot read the error text from stdin")?;
        text
    } else {
        words.join(" ")
    };
    match explain(&input) {
        Some(text) => emit(&text).map(|()| EXIT_OK),
        None => {
            let known: Vec<&str> = SYMPTOMS.iter().map(|s| s.id).collect();
            let ids: Vec<&str> = REGISTRY.iter().map(|c| c.meta.id).collect();
            bail!(
                "privpath does not recognise this text; it knows these errors: {} \
                 (paste the message as printed), and these check ids: {}",
                known.join(", "),
                ids.join(", ")
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_id_prints_its_documentation_and_the_errors_it_explains() {
        let text = explain("lambda-invoke-permission").unwrap();
        assert!(text.starts_with("lambda-invoke-permission — "), "{text}");
        assert!(text.contains("How to fix:"), "{text}");
        assert!(
            text.contains("Reads with: apigateway:GET, lambda:GetPolicy"),
            "{text}"
        );
        assert!(text.contains("Explains: lambda-permission"), "{text}");
    }

    #[test]
    fn an_error_text_names_the_checks_and_the_command_to_run() {
        let text = explain(
            "curl: (6) Could not resolve host: a1b2c3d4e5.execute-api.us-east-1.amazonaws.com",
        )
        .unwrap();
        assert!(text.starts_with("could-not-resolve-host"), "{text}");
        assert!(
            text.contains("privpath check --only dns-resolution,execute-api-endpoint"),
            "{text}"
        );
        assert!(
            text.lines().all(|l| l.chars().count() <= WIDTH + 40),
            "{text}"
        );
        assert!(explain("nothing to see").is_none());
    }
}
