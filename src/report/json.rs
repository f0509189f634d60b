//! The JSON report: one document with the target, every finding and a summary.
//! `schema` is bumped on any incompatible change.

use super::Report;
use privpath_checks::{find_check, Finding, Summary};
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    privpath: &'static str,
    target: Target<'a>,
    findings: Vec<JsonFinding<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Target<'a> {
    region: &'a str,
    account: Option<&'a str>,
    api_id: &'a str,
    instance_id: &'a str,
    endpoint_id: Option<&'a str>,
    method: Option<&'a str>,
    request: Option<Request<'a>>,
    source: &'a str,
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
    #[serde(flatten)]
    finding: &'a Finding,
}

pub fn render(report: &Report<'_>) -> String {
    let c = &report.context;
    let doc = Document {
        schema: SCHEMA_VERSION,
        privpath: env!("CARGO_PKG_VERSION"),
        target: Target {
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
        },
        findings: report
            .findings
            .iter()
            .map(|f| {
                let meta = find_check(f.check).map(|c| c.meta);
                JsonFinding {
                    check: f.check,
                    title: meta.map_or("", |m| m.title),
                    hop: meta.map_or("", |m| m.hop.as_str()),
                    severity: meta.map_or("", |m| m.severity.as_str()),
                    finding: f,
                }
            })
            .collect(),
        summary: Summary::of(report.findings),
    };
    // Plain data with string keys: serialisation cannot fail.
    serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
}
