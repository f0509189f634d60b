//! The JSON report: one document per run with every target's findings, the
//! suppressions, the gate's verdict and the totals. Its schema is
//! `docs/json-schema.json`; `schema` is bumped on any incompatible change
//! (2: several targets per run, suppressions and the gate).

use crate::outcome::Context;
use crate::outcome::{Outcome, Run, TargetRun};
use privpath_checks::{find_meta, Finding, Summary};
use serde::Serialize;

/// 3: findings carry a one-line `headline` beside their `message`.
pub const SCHEMA_VERSION: u32 = 3;

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    privpath: &'static str,
    config: Option<&'a str>,
    gate: Gate,
    targets: Vec<JsonTarget<'a>>,
    suppressions: Vec<JsonSuppression<'a>>,
    summary: Totals,
}

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

fn finding<'a>(run: &'a Run, o: &'a Outcome) -> JsonFinding<'a> {
    let f = &o.finding;
    let meta = find_meta(f.check);
    JsonFinding {
        check: f.check,
        title: meta.map_or("", |m| m.title),
        hop: meta.map_or("", |m| m.hop.as_str()),
        severity: o.severity.as_str(),
        headline: f.headline(),
        finding: f,
        suppressed: o.suppressed.map(|i| {
            let rule = &run.suppressions[i].rule;
            Suppressed {
                reason: &rule.reason,
                expires: rule.expires.map(|d| d.to_string()),
            }
        }),
        gates: run.gates(o),
    }
}

fn target<'a>(run: &'a Run, t: &'a TargetRun) -> JsonTarget<'a> {
    match &t.result {
        Ok(e) => JsonTarget {
            name: &t.name,
            error: None,
            path: (!e.context.estate).then(|| path_info(&e.context)),
            findings: e.outcomes.iter().map(|o| finding(run, o)).collect(),
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
    let doc = Document {
        schema: SCHEMA_VERSION,
        privpath: env!("CARGO_PKG_VERSION"),
        config: run.config_path.as_deref(),
        gate: Gate {
            fail_on: run.fail_on.as_str(),
            tripped: run.tripped(),
            exit_status: run.exit_status(),
        },
        targets: run.targets.iter().map(|t| target(run, t)).collect(),
        suppressions: run
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
            .collect(),
        summary: Totals {
            targets: run.targets.len(),
            errors: run.errors(),
            suppressed: run.suppressed(),
            findings: run.summary(),
            aws_calls: run.stats.calls,
        },
    };
    // Plain data with string keys: serialisation cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
