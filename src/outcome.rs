//! The outcome of a run, as the gate decides it and every report renders it: the
//! targets (each checked, with its findings, or not, with why), each finding with the
//! severity it is judged at and the suppression that accepted it, the suppressions'
//! own states, and the exit status. The gate (`gate.rs`) fills it in; the reports
//! (`report/`) only read it.

use privpath_checks::date::Date;
use privpath_checks::path::Carrier;
use privpath_checks::request::{working_request, WorkingRequest};
use privpath_checks::{Finding, ResolvedPath, Severity, Status, Summary};
use serde::{Deserialize, Serialize};
use std::time::Duration;

pub const EXIT_OK: u8 = 0;
pub const EXIT_TRIPPED: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// The least serious status that makes the run exit 1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum FailOn {
    /// A failing check.
    #[default]
    Fail,
    /// A failing check or a warning (including an expired or unused suppression).
    Warn,
    /// Also a check privpath could not evaluate for lack of data.
    Unknown,
}

impl FailOn {
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Fail => "fail",
            FailOn::Warn => "warn",
            FailOn::Unknown => "unknown",
        }
    }

    fn threshold(self) -> Status {
        match self {
            FailOn::Fail => Status::Fail,
            FailOn::Warn => Status::Warn,
            FailOn::Unknown => Status::Unknown,
        }
    }

    /// Whether this finding makes the run exit 1.
    pub fn gates(self, o: &Outcome) -> bool {
        o.suppressed.is_none()
            && o.severity != Severity::Low
            && o.finding.status >= self.threshold()
    }
}

/// A finding as this run judges it.
#[derive(Clone, Debug)]
pub struct Outcome {
    pub finding: Finding,
    /// The check's severity, after the config's override.
    pub severity: Severity,
    /// Index into [`Run::suppressions`] of the suppression that accepted it.
    pub suppressed: Option<usize>,
}

impl Outcome {
    /// The status as people read it: suppressed findings say so.
    pub fn status_label(&self) -> String {
        match self.suppressed {
            Some(_) => format!("{} (suppressed)", self.finding.status),
            None => self.finding.status.to_string(),
        }
    }
}

pub struct Evaluated {
    pub context: Context,
    pub outcomes: Vec<Outcome>,
    /// Passing findings an audit no longer holds ([`Evaluated::compact`]): counted,
    /// not kept.
    pub passes_dropped: usize,
    /// The checks those findings were of, one bit per position in
    /// [`privpath_checks::all_metas`] (8 bytes a path, not a list): the path picture
    /// still draws their hops as passing ([`Evaluated::passed`]).
    passed_bits: u64,
}

impl Evaluated {
    pub fn new(context: Context, outcomes: Vec<Outcome>) -> Evaluated {
        Evaluated {
            context,
            outcomes,
            passes_dropped: 0,
            passed_bits: 0,
        }
    }

    /// Counts by status; suppressed findings are counted by status too.
    pub fn summary(&self) -> Summary {
        let mut s = Summary::of(self.outcomes.iter().map(|o| &o.finding));
        s.pass += self.passes_dropped;
        s.total += self.passes_dropped;
        s
    }

    /// Drops the passing findings (a suppressed one stays: the suppression's report
    /// counts it), keeping their number. An audit of 100,000 paths holds only what its
    /// people's reports show once the JSON report has streamed them.
    pub fn compact(&mut self) {
        let before = self.outcomes.len();
        let bits = &mut self.passed_bits;
        self.outcomes.retain(|o| {
            let keep = o.finding.status != Status::Pass || o.suppressed.is_some();
            if !keep {
                *bits |= check_bit(o.finding.check);
            }
            keep
        });
        self.passes_dropped += before - self.outcomes.len();
        self.outcomes.shrink_to_fit();
    }

    /// The checks whose passing findings [`Evaluated::compact`] dropped.
    pub fn passed(&self) -> Vec<&'static str> {
        privpath_checks::all_metas()
            .enumerate()
            .filter(|(i, _)| self.passed_bits & (1u64 << i) != 0)
            .map(|(_, m)| m.id)
            .collect()
    }

    pub fn suppressed(&self) -> usize {
        self.outcomes
            .iter()
            .filter(|o| o.suppressed.is_some())
            .count()
    }
}

/// A check's bit in [`Evaluated::passed`]'s set (none for an id privpath does not
/// know, which no compacted finding has).
fn check_bit(id: &str) -> u64 {
    static BITS: std::sync::OnceLock<std::collections::HashMap<&'static str, u64>> =
        std::sync::OnceLock::new();
    let bits = BITS.get_or_init(|| {
        privpath_checks::all_metas()
            .enumerate()
            .filter(|(i, _)| *i < 64)
            .map(|(i, m)| (m.id, 1u64 << i))
            .collect()
    });
    bits.get(id).copied().unwrap_or(0)
}

pub struct TargetRun {
    pub name: String,
    /// The file that defines the target (the config, or the snapshot given on the
    /// command line) and the target's line in it: where SARIF results point.
    pub file: Option<String>,
    pub line: Option<usize>,
    /// The findings, or why the target could not be checked.
    pub result: Result<Evaluated, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SuppressionState {
    /// Accepted at least one finding.
    Active,
    /// Past its expiry: accepted nothing, the findings count again.
    Expired,
    /// Matched no finding: the problem is gone or the suppression is wrong.
    Unused,
}

pub struct SuppressionReport {
    pub rule: SuppressionRule,
    pub state: SuppressionState,
    /// Findings it accepted, or for an expired one would have.
    pub matched: usize,
}

impl SuppressionReport {
    /// Expired and unused suppressions are reported as warnings.
    pub fn status(&self) -> Status {
        match self.state {
            SuppressionState::Active => Status::Pass,
            SuppressionState::Expired | SuppressionState::Unused => Status::Warn,
        }
    }

    pub fn describe(&self) -> String {
        let r = &self.rule;
        let mut scope = vec![format!("check {}", r.check)];
        if let Some(t) = &r.target {
            scope.push(format!("target {t}"));
        }
        if let Some(res) = &r.resource {
            scope.push(format!("resource {res}"));
        }
        let what = scope.join(", ");
        match self.state {
            SuppressionState::Active => format!(
                "suppression of {what} accepted {} finding(s): {}",
                self.matched, r.reason
            ),
            SuppressionState::Expired => format!(
                "suppression of {what} expired on {}; {}",
                r.expires.map(|d| d.to_string()).unwrap_or_default(),
                match self.matched {
                    0 => "it matched nothing this run: remove it".to_string(),
                    n => format!(
                        "{n} finding(s) count again: fix them, or renew it with a new reason and date"
                    ),
                }
            ),
            SuppressionState::Unused => format!(
                "suppression of {what} matched no finding: the problem is fixed or the suppression names the wrong resource; remove it"
            ),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub calls: usize,
    pub elapsed: Duration,
}

pub struct Run {
    pub targets: Vec<TargetRun>,
    pub suppressions: Vec<SuppressionReport>,
    pub fail_on: FailOn,
    /// The config file, as named (SARIF locations point into it).
    pub config_path: Option<String>,
    pub stats: Stats,
    /// An audit of many paths: people's formats group them.
    pub audit: bool,
}

/// A validated suppression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SuppressionRule {
    pub check: String,
    pub resource: Option<String>,
    pub target: Option<String>,
    pub reason: String,
    /// Last day the suppression holds.
    pub expires: Option<Date>,
    pub line: Option<usize>,
}

impl Run {
    /// Whether this outcome makes the run exit 1.
    pub fn gates(&self, o: &Outcome) -> bool {
        self.fail_on.gates(o)
    }

    pub fn suppression_gates(&self, s: &SuppressionReport) -> bool {
        s.status() >= self.fail_on.threshold()
    }

    pub fn outcomes(&self) -> impl Iterator<Item = (&TargetRun, &Outcome)> {
        self.targets.iter().flat_map(|t| {
            t.result
                .iter()
                .flat_map(move |e| e.outcomes.iter().map(move |o| (t, o)))
        })
    }

    /// How many findings and suppression reports trip the gate.
    pub fn tripped(&self) -> usize {
        self.outcomes().filter(|(_, o)| self.gates(o)).count()
            + self
                .suppressions
                .iter()
                .filter(|s| self.suppression_gates(s))
                .count()
    }

    /// The targets that could not be checked, with why.
    pub fn not_checked(&self) -> Vec<(&str, &str)> {
        self.targets
            .iter()
            .filter_map(|t| {
                t.result
                    .as_ref()
                    .err()
                    .map(|why| (t.name.as_str(), why.as_str()))
            })
            .collect()
    }

    pub fn errors(&self) -> usize {
        self.targets.iter().filter(|t| t.result.is_err()).count()
    }

    pub fn exit_status(&self) -> u8 {
        if self.errors() > 0 {
            EXIT_ERROR
        } else if self.tripped() > 0 {
            EXIT_TRIPPED
        } else {
            EXIT_OK
        }
    }

    /// Counts over every target; suppressed findings are counted by status too.
    pub fn summary(&self) -> Summary {
        let mut all = Summary::default();
        for s in self
            .targets
            .iter()
            .filter_map(|t| t.result.as_ref().ok())
            .map(Evaluated::summary)
        {
            all.total += s.total;
            all.pass += s.pass;
            all.fail += s.fail;
            all.warn += s.warn;
            all.skip += s.skip;
            all.unknown += s.unknown;
        }
        all
    }

    pub fn suppressed(&self) -> usize {
        self.targets
            .iter()
            .filter_map(|t| t.result.as_ref().ok())
            .map(Evaluated::suppressed)
            .sum()
    }
}

/// What a report is about: the resolved target and where the data came from.
pub struct Context {
    /// The API's region and account.
    pub region: String,
    pub account: Option<String>,
    /// The client's region and account, when they are not the API's.
    pub client_region: Option<String>,
    pub client_account: Option<String>,
    /// The client's subnet and VPC (an audit groups clients by them).
    pub client_subnet: Option<String>,
    pub client_vpc: Option<String>,
    /// The estate findings of an audit: no path, no request.
    pub estate: bool,
    /// The ids the path picture names.
    pub ids: PathIds,
    pub api_id: String,
    pub instance_id: String,
    pub endpoint_id: Option<String>,
    /// `POST /items on stage prod`, when the method was found.
    pub method: Option<String>,
    /// The request that reaches the API from the client (URL and curl command).
    pub request: Option<WorkingRequest>,
    pub source: String,
    /// The Terraform plan the path was checked after, when the run had one.
    pub plan: Option<PlanInfo>,
}

/// A run's Terraform plan, as the reports name it.
#[derive(Clone, Debug)]
pub struct PlanInfo {
    /// The plan file, as named.
    pub file: String,
    /// `over live`, `over snapshot F`, `by itself`.
    pub over: String,
    pub summary: privpath_plan::PlanSummary,
    /// Why the plan was checked by itself when a live read was asked for.
    pub note: Option<String>,
}

impl PlanInfo {
    /// `1 to add, 0 to change, 1 to destroy, 1 to replace`, as `terraform plan` counts.
    pub fn changes(&self) -> String {
        let s = &self.summary;
        format!(
            "{} to add, {} to change, {} to destroy, {} to replace",
            s.create, s.update, s.delete, s.replace
        )
    }

    /// `aws_s3_bucket (2), aws_sqs_queue (1)`: what the plan holds and privpath does
    /// not map, when there is any.
    pub fn unmapped(&self) -> Option<String> {
        let u = &self.summary.unmapped;
        (!u.is_empty()).then(|| {
            u.iter()
                .map(|(t, n)| format!("{t} ({n})"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }
}

impl Context {
    pub fn new(path: &ResolvedPath<'_>, source: String) -> Context {
        Context {
            region: path.region.to_string(),
            account: path.api_scope.account.clone(),
            client_region: path
                .crosses_regions()
                .then(|| path.client_region().to_string()),
            client_account: match (&path.client_scope.account, &path.api_scope.account) {
                (Some(c), Some(a)) if c != a => Some(c.clone()),
                _ => None,
            },
            client_subnet: path.client.instance.subnet_id.clone(),
            client_vpc: path.client.vpc_id.map(str::to_string),
            estate: false,
            ids: PathIds::of(path),
            api_id: path.api.id.clone(),
            instance_id: path.client.id().to_string(),
            endpoint_id: path.endpoint.as_ref().map(|e| e.id().to_string()),
            method: match (path.method.path(), path.method.stage_name()) {
                (Some(p), Some(s)) => Some(format!("{} {p} on stage {s}", path.method.http_method)),
                _ => None,
            },
            request: working_request(path),
            source,
            plan: None,
        }
    }

    /// ` (account A, region R)` after the instance, when the client is not where the
    /// API is; empty when it is.
    pub fn client_place(&self) -> String {
        let parts: Vec<String> = self
            .client_account
            .iter()
            .map(|a| format!("account {a}"))
            .chain(self.client_region.iter().map(|r| format!("region {r}")))
            .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!(" ({})", parts.join(", "))
        }
    }

    /// The context of an audit's estate findings.
    pub fn estate(source: String) -> Context {
        Context {
            estate: true,
            source,
            ..Context::blank()
        }
    }

    fn blank() -> Context {
        Context {
            region: String::new(),
            account: None,
            client_region: None,
            client_account: None,
            client_subnet: None,
            client_vpc: None,
            estate: false,
            ids: PathIds::default(),
            api_id: String::new(),
            instance_id: String::new(),
            endpoint_id: None,
            method: None,
            request: None,
            source: String::new(),
            plan: None,
        }
    }

    #[cfg(test)]
    pub fn empty() -> Context {
        Context::blank()
    }
}

/// The ids a picture names, taken from the resolved path.
#[derive(Clone, Debug, Default)]
pub struct PathIds {
    pub instance: String,
    pub client_ip: Option<String>,
    pub client_subnet: Option<String>,
    pub route_table: Option<String>,
    pub peering: Option<String>,
    /// The transit gateway(s) carrying the request, when a TGW does.
    pub transit: Option<String>,
    pub endpoint: Option<String>,
    pub api: String,
    pub method: Option<String>,
    pub function: Option<String>,
    pub databases: Vec<String>,
    /// A private integration's VPC link and load balancer, when the backend is one.
    pub load_balancer: Option<String>,
    /// The custom domain name and base path the client calls, when it calls one.
    pub domain: Option<String>,
}

impl PathIds {
    pub fn of(p: &ResolvedPath<'_>) -> PathIds {
        PathIds {
            instance: p.client.id().to_string(),
            client_ip: p.client.instance.private_ip_address.clone(),
            client_subnet: p.client.instance.subnet_id.clone(),
            route_table: p.client.route_table.map(|(t, _)| t.route_table_id.clone()),
            peering: match p.carrier() {
                Carrier::Peering => p
                    .peerings()
                    .first()
                    .map(|x| x.vpc_peering_connection_id.clone()),
                _ => None,
            },
            transit: match p.carrier() {
                Carrier::Transit { tgw, hop: Some(t) } if !t.single() => {
                    Some(format!("{tgw} ⇄ {} (TGW peering)", t.api.tgw_id()))
                }
                Carrier::Transit { tgw, .. } => Some(tgw.to_string()),
                _ => None,
            },
            endpoint: p.endpoint.as_ref().map(|e| e.id().to_string()),
            api: p.api.id.clone(),
            method: match (p.method.stage_name(), p.method.path()) {
                (Some(s), Some(r)) => Some(format!("{} {r} on {s}", p.method.http_method)),
                _ => None,
            },
            function: p.backend.function_name.clone(),
            load_balancer: p.backend.private.as_ref().map(|x| x.describe()),
            databases: p
                .backend
                .databases
                .iter()
                .map(|d| d.db_instance_identifier.clone())
                .collect(),
            domain: p.domain.as_ref().map(|d| match d.url_base_path() {
                "" => d.name.clone(),
                base => format!("{}/{base}", d.name),
            }),
        }
    }
}
