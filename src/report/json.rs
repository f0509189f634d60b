//! The JSON report: one document per run with every target's findings, the
//! suppressions, the gate's verdict and the totals. Its schema is
//! `docs/json-schema.json`; `schema` is bumped on any incompatible change
//! (2: several targets per run, suppressions and the gate).
//!
//! The document is written target by target ([`JsonStream`]): an audit streams each
//! path as it is checked and never holds the document, nor (once streamed) the
//! passing findings. What needs every target — the suppressions' states, the gate and
//! the totals — comes after the targets.

use crate::outcome::Context;
use crate::outcome::{FailOn, Outcome, Run, SuppressionReport, TargetRun};
use privpath_checks::{find_meta, Finding, Summary};
use serde::Serialize;
use std::io::{self, Write};

/// 3: findings carry a one-line `headline` beside their `message`.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Serialize)]
struct Gate {
    fail_on: &'static str,
    /// Findings and suppression reports that trip the gate.
    tripped: usize,
    exit_status: u8,
}

#[derive(Serialize)]
struct Totals {
    targets: usize,
    errors: usize,
    suppressed: usize,
    #[serde(flatten)]
    findings: Summary,
    /// AWS requests this run made (0 for snapshots). Time is left out so that the
    /// same account state gives the same document.
    aws_calls: usize,
}

#[derive(Serialize)]
struct JsonTarget<'a> {
    name: &'a str,
    /// Why the target could not be checked; then `path` and `findings` are empty.
    error: Option<&'a str>,
    path: Option<PathInfo<'a>>,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct PathInfo<'a> {
    region: &'a str,
    account: Option<&'a str>,
    api_id: &'a str,
    instance_id: &'a str,
    endpoint_id: Option<&'a str>,
    method: Option<&'a str>,
    request: Option<Request<'a>>,
    source: &'a str,
    /// The client's region and account, only where they are not the API's.
    #[serde(skip_serializing_if = "Option::is_none")]
    client_region: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    client_account: Option<&'a str>,
    /// The private custom domain name and base path the client calls, only when it
    /// calls one.
    #[serde(skip_serializing_if = "Option::is_none")]
    domain: Option<&'a str>,
    /// The Terraform plan the path was checked after, only with one.
    #[serde(skip_serializing_if = "Option::is_none")]
    plan: Option<JsonPlan<'a>>,
}

#[derive(Serialize)]
struct JsonPlan<'a> {
    file: &'a str,
    over: &'a str,
    format_version: &'a str,
    tool: Option<&'a str>,
    changes: PlanChanges,
    unmapped: Vec<Unmapped<'a>>,
    notes: Vec<&'a str>,
}

#[derive(Serialize)]
struct PlanChanges {
    create: usize,
    update: usize,
    replace: usize,
    delete: usize,
}

#[derive(Serialize)]
struct Unmapped<'a> {
    #[serde(rename = "type")]
    rtype: &'a str,
    count: usize,
}

#[derive(Serialize)]
struct Request<'a> {
    url: &'a str,
    headers: &'a [String],
    curl: &'a str,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    check: &'a str,
    title: &'a str,
    hop: &'a str,
    severity: &'a str,
    /// The message's first clause, for one-line reports.
    headline: String,
    #[serde(flatten)]
    finding: &'a Finding,
    suppressed: Option<Suppressed<'a>>,
    /// Whether this finding makes the run exit 1.
    gates: bool,
}

#[derive(Serialize)]
struct Suppressed<'a> {
    reason: &'a str,
    expires: Option<String>,
}

#[derive(Serialize)]
struct JsonSuppression<'a> {
    check: &'a str,
    target: Option<&'a str>,
    resource: Option<&'a str>,
    reason: &'a str,
    expires: Option<String>,
    state: crate::outcome::SuppressionState,
    matched: usize,
    message: String,
    gates: bool,
}

fn path_info(c: &Context) -> PathInfo<'_> {
    PathInfo {
        region: &c.region,
        account: c.account.as_deref(),
        api_id: &c.api_id,
        instance_id: &c.instance_id,
        endpoint_id: c.endpoint_id.as_deref(),
        method: c.method.as_deref(),
        request: c.request.as_ref().map(|r| Request {
            url: &r.url,
            headers: &r.headers,
            curl: &r.curl,
        }),
        source: &c.source,
        client_region: c.client_region.as_deref(),
        client_account: c.client_account.as_deref(),
        domain: c.ids.domain.as_deref(),
        plan: c.plan.as_ref().map(|p| {
            let s = &p.summary;
            JsonPlan {
                file: &p.file,
                over: &p.over,
                format_version: &s.format_version,
                tool: s.tool.as_deref(),
                changes: PlanChanges {
                    create: s.create,
                    update: s.update,
                    replace: s.replace,
                    delete: s.delete,
                },
                unmapped: s
                    .unmapped
                    .iter()
                    .map(|(t, n)| Unmapped {
                        rtype: t,
                        count: *n,
                    })
                    .collect(),
                notes: p
                    .note
                    .iter()
                    .chain(s.notes.iter())
                    .map(String::as_str)
                    .collect(),
            }
        }),
    }
}

fn finding<'a>(
    suppressions: &'a [SuppressionReport],
    fail_on: FailOn,
    o: &'a Outcome,
) -> JsonFinding<'a> {
    let f = &o.finding;
    let meta = find_meta(f.check);
    JsonFinding {
        check: f.check,
        title: meta.map_or("", |m| m.title),
        hop: meta.map_or("", |m| m.hop.as_str()),
        severity: o.severity.as_str(),
        headline: f.headline(),
        finding: f,
        suppressed: o
            .suppressed
            .and_then(|i| suppressions.get(i))
            .map(|s| Suppressed {
                reason: &s.rule.reason,
                expires: s.rule.expires.map(|d| d.to_string()),
            }),
        gates: fail_on.gates(o),
    }
}

fn target<'a>(
    suppressions: &'a [SuppressionReport],
    fail_on: FailOn,
    t: &'a TargetRun,
) -> JsonTarget<'a> {
    match &t.result {
        Ok(e) => JsonTarget {
            name: &t.name,
            error: None,
            path: (!e.context.estate).then(|| path_info(&e.context)),
            findings: e
                .outcomes
                .iter()
                .map(|o| finding(suppressions, fail_on, o))
                .collect(),
            summary: e.summary(),
        },
        Err(why) => JsonTarget {
            name: &t.name,
            error: Some(why),
            path: None,
            findings: Vec::new(),
            summary: Summary::default(),
        },
    }
}

pub fn render(run: &Run) -> String {
    let mut out = Vec::new();
    let written = JsonStream::begin(&mut out, run.config_path.as_deref()).and_then(|mut doc| {
        for t in &run.targets {
            doc.target(t, &run.suppressions, run.fail_on)?;
        }
        doc.end(run).map(|_| ())
    });
    // Writing to memory plain data with string keys cannot fail.
    debug_assert!(written.is_ok());
    String::from_utf8(out).unwrap_or_default()
}

/// Inserts `indent` after every line break: a value pretty-printed on its own, placed
/// at its depth in the document.
struct Indented<'w, W: Write> {
    out: &'w mut W,
    indent: &'static str,
}

impl<W: Write> Write for Indented<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut rest = buf;
        while let Some(at) = rest.iter().position(|b| *b == b'\n') {
            self.out.write_all(&rest[..=at])?;
            self.out.write_all(self.indent.as_bytes())?;
            rest = &rest[at + 1..];
        }
        self.out.write_all(rest)?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

fn pretty<W: Write>(out: &mut W, indent: &'static str, value: &impl Serialize) -> io::Result<()> {
    serde_json::to_writer_pretty(Indented { out, indent }, value).map_err(io::Error::other)
}

/// The JSON document written as the run goes: [`JsonStream::begin`], a
/// [`JsonStream::target`] per target, [`JsonStream::end`] — byte for byte what
/// `serde_json`'s pretty printer writes for the whole document.
pub struct JsonStream<W: Write> {
    out: W,
    targets: usize,
}

impl<W: Write> JsonStream<W> {
    pub fn begin(mut out: W, config: Option<&str>) -> io::Result<JsonStream<W>> {
        let version = serde_json::to_string(env!("CARGO_PKG_VERSION")).map_err(io::Error::other)?;
        let config = serde_json::to_string(&config).map_err(io::Error::other)?;
        write!(
            out,
            "{{\n  \"schema\": {SCHEMA_VERSION},\n  \"privpath\": {version},\n  \"config\": {config},\n  \"targets\": ["
        )?;
        Ok(JsonStream { out, targets: 0 })
    }

    /// One target, judged by these suppressions (by position) and this gate.
    pub fn target(
        &mut self,
        t: &TargetRun,
        suppressions: &[SuppressionReport],
        fail_on: FailOn,
    ) -> io::Result<()> {
        self.out.write_all(if self.targets == 0 {
            b"\n    "
        } else {
            b",\n    "
        })?;
        self.targets += 1;
        pretty(&mut self.out, "    ", &target(suppressions, fail_on, t))
    }

    /// The suppressions, the gate and the totals of the run whose targets were written.
    pub fn end(mut self, run: &Run) -> io::Result<W> {
        self.out
            .write_all(if self.targets == 0 { b"]" } else { b"\n  ]" })?;
        let suppressions: Vec<JsonSuppression> = run
            .suppressions
            .iter()
            .map(|s| JsonSuppression {
                check: &s.rule.check,
                target: s.rule.target.as_deref(),
                resource: s.rule.resource.as_deref(),
                reason: &s.rule.reason,
                expires: s.rule.expires.map(|d| d.to_string()),
                state: s.state,
                matched: s.matched,
                message: s.describe(),
                gates: run.suppression_gates(s),
            })
            .collect();
        self.out.write_all(b",\n  \"suppressions\": ")?;
        pretty(&mut self.out, "  ", &suppressions)?;
        self.out.write_all(b",\n  \"gate\": ")?;
        pretty(
            &mut self.out,
            "  ",
            &Gate {
                fail_on: run.fail_on.as_str(),
                tripped: run.tripped(),
                exit_status: run.exit_status(),
            },
        )?;
        self.out.write_all(b",\n  \"summary\": ")?;
        pretty(
            &mut self.out,
            "  ",
            &Totals {
                targets: run.targets.len(),
                errors: run.errors(),
                suppressed: run.suppressed(),
                findings: run.summary(),
                aws_calls: run.stats.calls,
            },
        )?;
        self.out.write_all(b"\n}\n")?;
        self.out.flush()?;
        Ok(self.out)
    }
}
