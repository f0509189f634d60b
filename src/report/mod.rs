//! Reporters: one [`Run`] rendered for people (table, markdown for a CI step summary)
//! and for tools (JSON, JUnit XML, SARIF). Every format is made from the same outcomes;
//! none collects or decides anything of its own.

pub mod audit;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod picture;
pub mod sarif;
pub mod table;
pub mod text;

use crate::gate::Run;

use privpath_checks::checks::dns_resolution::{working_request, WorkingRequest};
use privpath_checks::ResolvedPath;

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
    pub ids: picture::PathIds,
    pub api_id: String,
    pub instance_id: String,
    pub endpoint_id: Option<String>,
    /// `POST /items on stage prod`, when the method was found.
    pub method: Option<String>,
    /// The request that reaches the API from the client (URL and curl command).
    pub request: Option<WorkingRequest>,
    pub source: String,
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
            ids: picture::PathIds::of(path),
            api_id: path.api.id.clone(),
            instance_id: path.client.id().to_string(),
            endpoint_id: path.endpoint.as_ref().map(|e| e.id().to_string()),
            method: match (path.method.path(), path.method.stage_name()) {
                (Some(p), Some(s)) => Some(format!("{} {p} on stage {s}", path.method.http_method)),
                _ => None,
            },
            request: working_request(path),
            source,
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
            ids: picture::PathIds::default(),
            api_id: String::new(),
            instance_id: String::new(),
            endpoint_id: None,
            method: None,
            request: None,
            source: String::new(),
        }
    }

    #[cfg(test)]
    pub fn empty() -> Context {
        Context::blank()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per target, for people at a terminal.
    Table,
    /// One JSON document (docs/json-schema.json).
    Json,
    /// JUnit XML: a test suite per target, a test case per check.
    Junit,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a merge-request note.
    Markdown,
    /// One self-contained HTML page: the matrix, the path pictures, filters.
    Html,
}

impl Format {
    pub fn render(self, run: &Run, style: &table::Style) -> String {
        match self {
            Format::Table if run.audit => audit::table(run, style.width),
            Format::Markdown if run.audit => audit::markdown(run),
            Format::Table => table::render(run, style),
            Format::Json => json::render(run),
            Format::Junit => junit::render(run),
            Format::Sarif => sarif::render(run),
            Format::Markdown => markdown::render(run),
            Format::Html => html::render(run),
        }
    }
}

/// The status as people read it: suppressed findings say so.
pub fn status_label(o: &crate::gate::Outcome) -> String {
    match o.suppressed {
        Some(_) => format!("{} (suppressed)", o.finding.status),
        None => o.finding.status.to_string(),
    }
}
