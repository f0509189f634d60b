//! Reporters: the same findings rendered for people (table) and for tools (JSON).

pub mod json;
pub mod table;

use privpath_checks::checks::dns_resolution::{working_request, WorkingRequest};
use privpath_checks::{Finding, ResolvedPath};

/// What a report is about: the resolved target and where the data came from.
pub struct Context {
    pub region: String,
    pub account: Option<String>,
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
            account: path.snapshot.account.clone(),
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
}

pub struct Report<'a> {
    pub context: Context,
    pub findings: &'a [Finding],
}
