//! SARIF 2.1.0 for GitHub code scanning (validated against the OASIS schema in the
//! tests). Rules carry each check's documentation; a result per finding that is not a
//! pass or a skip, with the resource ids as logical locations.
//!
//! Code scanning needs a physical location in the repository for every result, so each
//! result points at the line of the config file that defines its target (or the
//! snapshot file given on the command line): an alert then opens on the target it is
//! about. `partialFingerprints` are derived from target, check and resources, so an
//! alert stays the same alert from run to run while the finding does.

use crate::outcome::{Outcome, Run, SuppressionState, TargetRun};
use privpath_checks::plan_checks::PLAN_REGISTRY;
use privpath_checks::{CheckMeta, Severity, Status, REGISTRY};
use serde_json::{json, Value};
use std::path::Path;

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// Where results point when the target was given only on the command line.
const FALLBACK_FILE: &str = "privpath.toml";

fn pascal_case(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn level(status: Status, severity: Severity) -> &'static str {
    match (status, severity) {
        (_, Severity::Low) | (Status::Unknown, _) => "note",
        (Status::Fail, _) => "error",
        _ => "warning",
    }
}

fn default_level(severity: Severity) -> &'static str {
    match severity {
        Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low => "note",
    }
}

/// The rules of the run: every path check, and the estate checks when an audit
/// reported them.
fn rule_metas(run: &Run) -> Vec<&'static CheckMeta> {
    let path_or_plan = |id: &str| {
        REGISTRY
            .iter()
            .chain(PLAN_REGISTRY.iter())
            .any(|c| c.meta.id == id)
    };
    let estate = run.outcomes().any(|(_, o)| !path_or_plan(o.finding.check));
    let plan = run
        .outcomes()
        .any(|(_, o)| PLAN_REGISTRY.iter().any(|c| c.meta.id == o.finding.check));
    if estate {
        privpath_checks::all_metas().collect()
    } else if plan {
        REGISTRY
            .iter()
            .chain(PLAN_REGISTRY.iter())
            .map(|c| c.meta)
            .collect()
    } else {
        REGISTRY.iter().map(|c| c.meta).collect()
    }
}

fn rules(metas: &[&'static CheckMeta]) -> Vec<Value> {
    metas
        .iter()
        .map(|m| {
            let links: String = m.links.iter().map(|l| format!("\n- {l}")).collect();
            json!({
                "id": m.id,
                "name": pascal_case(m.id),
                "shortDescription": { "text": m.title },
                "fullDescription": { "text": m.what },
                "help": {
                    "text": format!("{}\n\nWhy it breaks the path: {}\n\nHow to fix: {}\n{links}", m.what, m.why, m.fix),
                    "markdown": format!("**{}**\n\n{}\n\n**Why it breaks the path:** {}\n\n**How to fix:** {}\n{links}", m.title, m.what, m.why, m.fix),
                },
                "helpUri": m.links.first().copied().unwrap_or("https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html"),
                "defaultConfiguration": { "level": default_level(m.severity) },
                "properties": {
                    "tags": ["aws", "api-gateway", m.hop.as_str()],
                    "problem.severity": match m.severity {
                        Severity::High => "error",
                        Severity::Medium => "warning",
                        Severity::Low => "recommendation",
                    },
                },
            })
        })
        .collect()
}

/// FNV-1a, 64 bits: stable across runs, platforms and releases (unlike `DefaultHasher`).
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// A file as code scanning wants it: relative to the repository, which is where CI
/// runs privpath. An absolute path outside the working directory becomes a `file:` URI.
fn artifact_uri(file: &str) -> String {
    let path = Path::new(file);
    let relative = match std::env::current_dir() {
        Ok(cwd) if path.is_absolute() => path.strip_prefix(&cwd).unwrap_or(path).to_path_buf(),
        _ => path.to_path_buf(),
    };
    let text = relative.display().to_string().replace('\\', "/");
    if relative.is_absolute() {
        format!("file://{text}")
    } else {
        text.trim_start_matches("./").to_string()
    }
}

fn physical(file: &str, line: usize) -> Value {
    json!({
        "artifactLocation": { "uri": artifact_uri(file) },
        "region": { "startLine": line.max(1) },
    })
}

fn location(run: &Run, t: &TargetRun) -> Value {
    let (file, line) = match (&run.config_path, &t.file) {
        (Some(config), _) => (config.as_str(), t.line.unwrap_or(1)),
        (None, Some(file)) => (file.as_str(), 1),
        (None, None) => (FALLBACK_FILE, 1),
    };
    json!({ "physicalLocation": physical(file, line) })
}

fn result(run: &Run, metas: &[&CheckMeta], t: &TargetRun, o: &Outcome) -> Value {
    let f = &o.finding;
    let rule_index = metas.iter().position(|m| m.id == f.check);
    let mut text = format!("[{}] {}", t.name, f.message);
    if let Some(fix) = &f.remediation {
        text.push_str(&format!("\nFix: {fix}"));
    }
    if !f.needs.is_empty() {
        text.push_str(&format!("\nNeeds: {}", f.needs.join(", ")));
    }
    let mut loc = location(run, t);
    // The resources by id, then the planned ones by Terraform address (a run with a
    // plan): a reviewer finds them in the configuration by address.
    loc["logicalLocations"] = f
        .resources
        .iter()
        .map(|r| json!({ "name": r, "fullyQualifiedName": format!("{}/{r}", t.name), "kind": "resource" }))
        .chain(f.addresses.iter().map(|a| {
            json!({
                "name": a,
                "fullyQualifiedName": format!("{}/terraform/{a}", t.name),
                "kind": "resource",
                "properties": { "terraformAddress": a },
            })
        }))
        .collect();
    let mut r = json!({
        "ruleId": f.check,
        "level": level(f.status, o.severity),
        "message": { "text": text },
        "locations": [loc],
        "partialFingerprints": {
            "privpathFinding/v1": fingerprint(&[&t.name, f.check, &f.resources.join(",")]),
        },
        "properties": {
            "target": t.name,
            "status": f.status.as_str(),
            "severity": o.severity.as_str(),
            "gates": run.gates(o),
            "title": privpath_checks::find_meta(f.check).map_or("", |m| m.title),
        },
    });
    if let Some(i) = rule_index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(i) = o.suppressed {
        r["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": run.suppressions[i].rule.reason,
        }]);
    }
    r
}

pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    // Writing to memory cannot fail.
    let _ = write(run, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Where the results go in the pretty-printed document, which is written around them.
const RESULTS_SLOT: &str = "\"results\": \"privpath:results\"";
/// A result's indentation in that document: `runs` → run → `results` → result.
const RESULT_INDENT: &str = "        ";

/// The document, written result by result: an audit of 100,000 paths never holds its
/// results (each is built, written and dropped), and the bytes are those of
/// `serde_json::to_string_pretty` of the whole document.
pub fn write(run: &Run, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let metas = rule_metas(run);
    let execution: Vec<Value> = run
        .targets
        .iter()
        .filter_map(|t| t.result.as_ref().err().map(|why| (t, why)))
        .map(|(t, why)| {
            json!({
                "level": "error",
                "message": { "text": format!("could not check target {}: {why}", t.name) },
            })
        })
        .collect();
    let configuration: Vec<Value> = run
        .suppressions
        .iter()
        .filter(|s| s.state != SuppressionState::Active)
        .map(|s| {
            let mut n = json!({
                "level": "warning",
                "message": { "text": s.describe() },
                "associatedRule": { "id": s.rule.check },
            });
            if let (Some(config), Some(line)) = (&run.config_path, s.rule.line) {
                n["locations"] = json!([{ "physicalLocation": physical(config, line) }]);
            }
            n
        })
        .collect();
    let doc = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "privpath",
                    "version": env!("CARGO_PKG_VERSION"),
                    "semanticVersion": env!("CARGO_PKG_VERSION"),
                    "rules": rules(&metas),
                }
            },
            "invocations": [{
                "executionSuccessful": run.errors() == 0,
                "exitCode": run.exit_status(),
                "toolExecutionNotifications": execution,
                "toolConfigurationNotifications": configuration,
            }],
            "results": "privpath:results",
        }]
    });
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    let (before, after) = text.split_once(RESULTS_SLOT).unwrap_or((&text, ""));
    out.write_all(before.as_bytes())?;
    out.write_all(b"\"results\": [")?;
    let mut any = false;
    for (t, o) in run
        .outcomes()
        .filter(|(_, o)| !matches!(o.finding.status, Status::Pass | Status::Skip))
    {
        let one = serde_json::to_string_pretty(&result(run, &metas, t, o))
            .map_err(std::io::Error::other)?;
        out.write_all(if any { b",\n" } else { b"\n" })?;
        any = true;
        for (i, line) in one.lines().enumerate() {
            if i > 0 {
                out.write_all(b"\n")?;
            }
            out.write_all(RESULT_INDENT.as_bytes())?;
            out.write_all(line.as_bytes())?;
        }
    }
    if any {
        out.write_all(b"\n      ")?;
    }
    out.write_all(b"]")?;
    out.write_all(after.as_bytes())?;
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_and_fingerprints_are_stable() {
        assert_eq!(
            pascal_case("api-policy-allows-endpoint"),
            "ApiPolicyAllowsEndpoint"
        );
        // Fixed value: a change here re-opens every alert in every repository.
        assert_eq!(
            fingerprint(&["prod", "peering-active", "pcx-1"]),
            "e8ac12df03bedd3c"
        );
        assert_ne!(
            fingerprint(&["prod", "a", "b"]),
            fingerprint(&["prod", "ab", ""])
        );
        assert_eq!(fingerprint(&[]), "cbf29ce484222325");
    }
}
