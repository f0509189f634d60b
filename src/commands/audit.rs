//! `privpath audit`: no ids to start from. Discover the account-regions into one
//! snapshot of many scopes (`live::estate`), or read one; then enumerate every (API, client instance, stage × method) path over
//! one index of that snapshot, run the same checks `check` runs on each, add the estate
//! checks, and report through the same gate and formats.
//!
//! An account-region that cannot be read (a role not assumable, a region not enabled,
//! credentials refused) is reported like a target that could not be checked (exit 2
//! wins over 1); every other one is still audited.

use super::{destinations, finish};
use crate::cli::AuditArgs;
use crate::config::Config;
use crate::gate;
use crate::io::{read_snapshot, write_snapshot};
use crate::live::estate::collect_estate;
use crate::outcome::{Context, Evaluated, Stats, TargetRun};
use anyhow::Result;
use privpath_checks::checks::{DOMAIN_CHECKS, TRANSIT_CHECKS};
use privpath_checks::estate::{self, CheckedPath, Estate, ESTATE_REGISTRY};
use privpath_checks::snapshot::Snapshot;
use privpath_checks::{evaluate, Finding, ResolvedPath, Selection, Severity, SnapshotIndex};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(args: &AuditArgs) -> Result<u8> {
    let config = Config::discover(args.config.as_deref())?;
    let selection = config.selection(&args.report.only, &args.report.skip)?;
    let destinations = destinations(&args.report.format, &args.report.output)?;
    let start = Instant::now();
    let (snapshot, source, calls) = match &args.snapshot {
        Some(file) => (
            read_snapshot(file)?,
            format!("snapshot {}", file.display()),
            0,
        ),
        None => {
            let progress = !args.report.quiet && !args.verbose && std::io::stderr().is_terminal();
            let (snapshot, calls) = collect_estate(args, &config.audit, progress)?;
            let source = match &args.endpoint_url {
                Some(url) => format!("live, {url}"),
                None => "live".to_string(),
            };
            (snapshot, source, calls)
        }
    };
    if let Some(out) = &args.save_snapshot {
        write_snapshot(out, &snapshot)?;
    }
    let targets = audit_snapshot(&snapshot, &selection, &config.checks.severity, &source);
    let stats = Stats {
        calls,
        elapsed: start.elapsed(),
    };
    // Path names are made by the audit; a suppression names a check and/or a resource.
    let rules: Vec<_> = config
        .suppressions
        .iter()
        .filter(|r| r.target.is_none())
        .cloned()
        .collect();
    finish(
        targets,
        &rules,
        &config,
        &args.report,
        stats,
        true,
        &destinations,
    )
}

/// How reports name a path.
fn path_name(p: &estate::EstatePath) -> String {
    match (&p.http_method, &p.resource_path, &p.stage) {
        (Some(m), Some(r), Some(s)) => format!("{} {m} {r} on {s} ← {}", p.api_id, p.instance_id),
        _ => format!("{} ← {}", p.api_id, p.instance_id),
    }
}

/// Every path of the snapshot checked, then the estate checks over them; a scope that
/// could not be read is a target that could not be checked. One index serves every path.
pub fn audit_snapshot(
    snapshot: &Snapshot,
    selection: &Selection,
    severities: &BTreeMap<String, Severity>,
    source: &str,
) -> Vec<TargetRun> {
    let ix = SnapshotIndex::build(snapshot);
    // A family of checks whose resources the estate lacks would only add a skip to
    // every path: the custom domain checks without domain names, the transit gateway
    // checks without attachments.
    let none =
        |f: fn(&privpath_checks::snapshot::Scope) -> bool| snapshot.scopes.iter().all(|s| !f(s));
    let mut off: Vec<String> = Vec::new();
    if none(|s| s.domain_names.as_ref().is_some_and(|d| !d.is_empty())) {
        off.extend(DOMAIN_CHECKS.iter().map(|c| c.to_string()));
    }
    if none(|s| {
        s.transit_gateway_vpc_attachments
            .as_ref()
            .is_some_and(|a| !a.is_empty())
    }) {
        off.extend(TRANSIT_CHECKS.iter().map(|c| c.to_string()));
    }
    let narrowed;
    let selection = if off.is_empty() {
        selection
    } else {
        narrowed = Selection {
            only: selection.only.clone(),
            skip: selection.skip.iter().cloned().chain(off).collect(),
        };
        &narrowed
    };
    let mut targets = Vec::new();
    for scope in &snapshot.scopes {
        if let Some(why) = scope.unreadable() {
            targets.push(TargetRun {
                name: format!("scope {}", scope.label()),
                file: None,
                line: None,
                result: Err(format!("could not read {}: {why}", scope.label())),
            });
        }
    }
    let mut checked: Vec<CheckedPath> = Vec::new();
    let mut contexts: Vec<Context> = Vec::new();
    for p in estate::paths(&ix) {
        let target = p.target(&ix);
        match ResolvedPath::resolve(&ix, &target) {
            Ok(resolved) => {
                let findings = evaluate(&resolved, selection);
                contexts.push(Context::new(&resolved, source.to_string()));
                checked.push(CheckedPath { path: p, findings });
            }
            // The paths come from the index, so this is a snapshot the resolver reads
            // differently; report it rather than drop it.
            Err(e) => targets.push(TargetRun {
                name: path_name(&p),
                file: None,
                line: None,
                result: Err(e.to_string()),
            }),
        }
    }
    let estate_findings: Vec<Finding> = {
        let estate = Estate::new(&ix, &checked);
        ESTATE_REGISTRY
            .iter()
            .filter(|c| selection.includes(c.meta.id))
            .flat_map(|c| (c.run)(&estate))
            .collect()
    };
    for (c, context) in checked.into_iter().zip(contexts) {
        targets.push(TargetRun {
            name: path_name(&c.path),
            file: None,
            line: None,
            result: Ok(Evaluated {
                context,
                outcomes: gate::judge(c.findings, severities),
            }),
        });
    }
    targets.push(TargetRun {
        name: "estate".to_string(),
        file: None,
        line: None,
        result: Ok(Evaluated {
            context: Context::estate(source.to_string()),
            outcomes: gate::judge(estate_findings, severities),
        }),
    });
    targets
}
