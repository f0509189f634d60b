//! `privpath audit`: no ids to start from. Discover the account-regions into one
//! snapshot of many scopes (`live::estate`), or read one; then enumerate every (API, client instance, stage × method) path over
//! one index of that snapshot, run the same checks `check` runs on each, add the estate
//! checks, and report through the same gate and formats.
//!
//! An account-region that cannot be read (a role not assumable, a region not enabled,
//! credentials refused) is reported like a target that could not be checked (exit 2
//! wins over 1); every other one is still audited.

use super::{conclude, destinations, fail_on};
use crate::cli::{AuditArgs, ReportArgs};
use crate::config::Config;
use crate::gate;
use crate::io::{read_snapshot, write_snapshot};
use crate::live::estate::collect_estate;
use crate::outcome::{Context, Evaluated, FailOn, Run, Stats, SuppressionRule, TargetRun};
use crate::report::json::JsonStream;
use crate::report::junit::JunitStream;
use crate::report::Format;
use anyhow::{Context as _, Result};
use privpath_checks::checks::{DOMAIN_CHECKS, TRANSIT_CHECKS};
use privpath_checks::date::Date;
use privpath_checks::estate::{self, CheckedPath, Estate, ESTATE_REGISTRY};
use privpath_checks::snapshot::Snapshot;
use privpath_checks::{
    evaluate, Finding, ResolvedPath, Selection, Severity, SnapshotIndex, Status,
};
use std::collections::BTreeMap;
use std::io::{BufWriter, IsTerminal, Write};
use std::path::PathBuf;
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
    // Path names are made by the audit; a suppression names a check and/or a resource.
    let rules: Vec<_> = config
        .suppressions
        .iter()
        .filter(|r| r.target.is_none())
        .cloned()
        .collect();
    let mut reports = Streamed::new(
        &destinations,
        &rules,
        fail_on(&config, &args.report),
        config.path.as_deref(),
    )?;
    audit_snapshot(
        &snapshot,
        &selection,
        &config.checks.severity,
        &source,
        &mut |t| reports.take(t),
    );
    // What the paths were checked over is no longer needed by any report.
    drop(snapshot);
    let stats = Stats {
        calls,
        elapsed: start.elapsed(),
    };
    reports.finish(&config, &args.report, stats)
}

/// The audit's reports as the paths are checked: each path's JSON is written at once,
/// its JUnit suite goes to a temporary file, and its passing findings are then dropped
/// (counted, with the checks they were of): an audit of 100,000 paths holds no document
/// and no passing finding. The table, Markdown, HTML and SARIF show only what is not
/// passing (and the hops the checks passed), so they are written at the end from that
/// compact run; JUnit's root carries the totals, so it is assembled at the end too.
struct Streamed {
    suppressor: gate::Suppressor,
    fail_on: FailOn,
    json: Vec<(Option<PathBuf>, JsonOut)>,
    junit: Vec<(Option<PathBuf>, JunitStream)>,
    /// The destinations written at the end, from the compact run.
    rest: Vec<(Format, Option<PathBuf>)>,
    targets: Vec<TargetRun>,
    /// The first error writing a streamed report (a closed stdout is not one).
    failed: Option<anyhow::Error>,
}

/// A report's file, or stdout.
fn open(file: &Option<PathBuf>) -> Result<Box<dyn Write>> {
    Ok(match file {
        Some(path) => Box::new(BufWriter::new(
            std::fs::File::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        )),
        None => Box::new(BufWriter::new(std::io::stdout())),
    })
}

impl Streamed {
    fn new(
        destinations: &[(Format, Option<PathBuf>)],
        rules: &[SuppressionRule],
        fail_on: FailOn,
        config: Option<&str>,
    ) -> Result<Streamed> {
        let (mut json, mut junit, mut rest) = (Vec::new(), Vec::new(), Vec::new());
        for (format, file) in destinations {
            match format {
                Format::Json => json.push((
                    file.clone(),
                    JsonStream::begin(open(file)?, config)
                        .context("cannot write the JSON report")?,
                )),
                Format::Junit => junit.push((
                    file.clone(),
                    JunitStream::begin()
                        .context("cannot create a temporary file for the JUnit report")?,
                )),
                _ => rest.push((*format, file.clone())),
            }
        }
        Ok(Streamed {
            suppressor: gate::Suppressor::new(rules, Date::today()),
            fail_on,
            json,
            junit,
            rest,
            targets: Vec::new(),
            failed: None,
        })
    }

    fn take(&mut self, mut t: TargetRun) {
        self.suppressor.apply(&mut t);
        for (file, stream) in &mut self.json {
            if self.failed.is_some() {
                break;
            }
            if let Err(e) = stream.target(&t, &self.suppressor.reports, self.fail_on) {
                self.failed = written(e, file.as_deref());
            }
        }
        for (_, stream) in &mut self.junit {
            if self.failed.is_some() {
                break;
            }
            if let Err(e) = stream.target(&t, &self.suppressor.reports, self.fail_on) {
                self.failed = Some(
                    anyhow::Error::new(e).context("cannot write the JUnit report's temporary file"),
                );
            }
        }
        if let Ok(e) = &mut t.result {
            if !e.context.estate {
                e.compact();
            }
        }
        self.targets.push(t);
    }

    fn finish(self, config: &Config, report: &ReportArgs, stats: Stats) -> Result<u8> {
        let run = Run {
            targets: self.targets,
            suppressions: self.suppressor.reports,
            fail_on: self.fail_on,
            config_path: config.path.clone(),
            stats,
            audit: true,
        };
        let mut failed = self.failed;
        for (file, stream) in self.json {
            if failed.is_none() {
                if let Err(e) = stream.end(&run) {
                    failed = written(e, file.as_deref());
                }
            }
        }
        for (file, stream) in self.junit {
            if failed.is_none() {
                failed = match open(&file) {
                    Ok(mut out) => stream
                        .end(&run, &mut out)
                        .err()
                        .and_then(|e| written(e, file.as_deref())),
                    Err(e) => Some(e),
                };
            }
        }
        if let Some(e) = failed {
            return Err(e);
        }
        conclude(&run, report, &self.rest)
    }
}

/// A JSON report being written, to its file or stdout.
type JsonOut = JsonStream<Box<dyn Write>>;

/// A JSON report's write error, with where; `None` for a closed stdout (`| head`).
fn written(e: std::io::Error, file: Option<&std::path::Path>) -> Option<anyhow::Error> {
    match file {
        None if e.kind() == std::io::ErrorKind::BrokenPipe => None,
        None => Some(anyhow::Error::new(e).context("cannot write to stdout")),
        Some(path) => {
            Some(anyhow::Error::new(e).context(format!("cannot write {}", path.display())))
        }
    }
}

/// How reports name a path.
fn path_name(p: &estate::EstatePath) -> String {
    let via = p
        .domain
        .as_ref()
        .map(|d| format!(" via {}", d.url()))
        .unwrap_or_default();
    match (&p.http_method, &p.resource_path, &p.stage) {
        (Some(m), Some(r), Some(s)) => {
            format!("{} {m} {r} on {s}{via} ← {}", p.api_id, p.instance_id)
        }
        _ => format!("{}{via} ← {}", p.api_id, p.instance_id),
    }
}

/// Every path of the snapshot checked, then the estate checks over them; a scope that
/// could not be read is a target that could not be checked. One index serves every path.
/// Each target goes to `each` as soon as it is checked (the scopes that could not be
/// read first, the estate last): the audit holds only what the estate checks read.
pub fn audit_snapshot(
    snapshot: &Snapshot,
    selection: &Selection,
    severities: &BTreeMap<String, Severity>,
    source: &str,
    each: &mut dyn FnMut(TargetRun),
) {
    let ix = SnapshotIndex::build(snapshot);
    // A family of checks whose resources the estate lacks would only add a skip to
    // every path: the custom domain checks without private domain names, the transit gateway
    // checks without attachments.
    let none =
        |f: fn(&privpath_checks::snapshot::Scope) -> bool| snapshot.scopes.iter().all(|s| !f(s));
    let mut off: Vec<String> = Vec::new();
    // (Public custom domain names are listed too, but only a private one makes paths.)
    if none(|s| {
        s.domain_names
            .as_ref()
            .is_some_and(|d| d.iter().any(|x| x.is_private()))
    }) {
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
    for scope in &snapshot.scopes {
        if let Some(why) = scope.unreadable() {
            each(TargetRun {
                name: format!("scope {}", scope.label()),
                file: None,
                line: None,
                result: Err(format!("could not read {}: {why}", scope.label())),
            });
        }
    }
    // What the estate checks read of each path: its failures, not its passes.
    let mut checked: Vec<CheckedPath> = Vec::new();
    for p in estate::paths(&ix) {
        let target = p.target(&ix);
        let name = path_name(&p);
        match ResolvedPath::resolve(&ix, &target) {
            Ok(resolved) => {
                let findings = evaluate(&resolved, selection);
                let context = Context::new(&resolved, source.to_string());
                checked.push(CheckedPath {
                    path: p,
                    findings: findings
                        .iter()
                        .filter(|f| f.status != Status::Pass)
                        .cloned()
                        .collect(),
                });
                each(TargetRun {
                    name,
                    file: None,
                    line: None,
                    result: Ok(Evaluated::new(context, gate::judge(findings, severities))),
                });
            }
            // The paths come from the index, so this is a snapshot the resolver reads
            // differently; report it rather than drop it.
            Err(e) => each(TargetRun {
                name,
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
    each(TargetRun {
        name: "estate".to_string(),
        file: None,
        line: None,
        result: Ok(Evaluated::new(
            Context::estate(source.to_string()),
            gate::judge(estate_findings, severities),
        )),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{html, junit, picture, sarif};

    fn audited(fixture: &str) -> Vec<TargetRun> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/estate/");
        audit_of(&read_snapshot(&PathBuf::from(path).join(fixture)).unwrap())
    }

    fn audit_of(snapshot: &Snapshot) -> Vec<TargetRun> {
        let mut targets = Vec::new();
        audit_snapshot(
            snapshot,
            &Selection::default(),
            &BTreeMap::new(),
            "snapshot",
            &mut |t| targets.push(t),
        );
        targets
    }

    fn run_of(targets: Vec<TargetRun>) -> Run {
        Run {
            targets,
            suppressions: Vec::new(),
            fail_on: FailOn::Fail,
            config_path: None,
            stats: Stats {
                calls: 0,
                elapsed: std::time::Duration::ZERO,
            },
            audit: true,
        }
    }

    #[test]
    fn a_streamed_junit_report_is_the_document_render_writes() {
        let targets = audited("two-regions.json");
        let mut stream = JunitStream::begin().unwrap();
        for t in &targets {
            stream.target(t, &[], FailOn::Fail).unwrap();
        }
        let run = run_of(targets);
        let mut streamed = Vec::new();
        stream.end(&run, &mut streamed).unwrap();
        let whole = junit::render(&run);
        assert!(whole.contains("<failure type=\"fail\""), "{whole}");
        assert_eq!(String::from_utf8(streamed).unwrap(), whole);
    }

    #[test]
    fn sarif_written_result_by_result_is_the_whole_document() {
        // The results spliced into the pretty-printed document give the bytes
        // serde_json gives the whole document: parse it, print it again, compare.
        for fixture in ["two-regions.json", "domain.json"] {
            let text = sarif::render(&run_of(audited(fixture)));
            let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
            let results = doc["runs"][0]["results"].as_array().unwrap().len();
            assert_eq!(results > 0, fixture == "two-regions.json", "{text}");
            assert_eq!(text, serde_json::to_string_pretty(&doc).unwrap() + "\n");
        }
    }

    #[test]
    fn an_html_matrix_of_many_api_methods_lists_each_rows_methods() {
        // 14 API methods (the path of one scope copied into 14 regions): no column per
        // method, no empty cell; each row names the method of its one cell.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/estate/cross-account.json"
        );
        let text = std::fs::read_to_string(path).unwrap();
        let regions = [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-north-1",
            "ap-south-1",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-southeast-1",
            "ca-central-1",
        ];
        let mut scopes = Vec::new();
        for r in regions {
            let doc: serde_json::Value =
                serde_json::from_str(&text.replace("us-east-1", r)).unwrap();
            scopes.extend(doc["scopes"].as_array().unwrap().iter().cloned());
        }
        let mut doc: serde_json::Value = serde_json::from_str(&text).unwrap();
        doc["scopes"] = serde_json::Value::Array(scopes);
        let snapshot = Snapshot::from_slice(doc.to_string().as_bytes()).unwrap();
        let page = html::render(&run_of(audit_of(&snapshot)));
        assert!(page.contains("API methods its clients call"), "{page}");
        assert!(!page.contains("cell empty"));
        assert_eq!(page.matches("<td class=\"cell pass\"").count(), 14);
        assert!(page.contains("<span class=\"id\">API a1b2c3d4e5 · POST /items on stage prod · 111122223333/ca-central-1</span>"));
    }

    #[test]
    fn every_check_has_a_bit_in_a_compacted_path() {
        // Evaluated keeps the checks that passed as bits of a u64.
        assert!(privpath_checks::all_metas().count() <= 64);
    }

    #[test]
    fn a_compacted_path_draws_the_same_picture() {
        // Passing findings dropped, their checks remembered: every hop keeps its status
        // (a hop of passing checks is not drawn as skipped).
        for fixture in [
            "two-regions.json",
            "tgw-hub.json",
            "domain-record-missing.json",
        ] {
            for mut t in audited(fixture) {
                let Ok(e) = &mut t.result else { continue };
                if e.context.estate {
                    continue;
                }
                let before: Vec<String> = picture::hops(&e.context.ids, &e.outcomes, &[])
                    .iter()
                    .map(|h| format!("{} {}", h.key, h.status))
                    .collect();
                e.compact();
                assert!(e.passes_dropped > 0, "{fixture}: nothing dropped");
                let after: Vec<String> = picture::hops(&e.context.ids, &e.outcomes, &e.passed())
                    .iter()
                    .map(|h| format!("{} {}", h.key, h.status))
                    .collect();
                assert_eq!(after, before, "{fixture} {}", t.name);
            }
        }
    }
}
