//! Reporters: the same findings rendered for people (table) and for tools (JSON).

pub mod json;
pub mod table;

use privpath_checks::{Finding, ResolvedPath};

/// What a report is about: the resolved target and where the data came from.
pub struct Context {
    pub region: String,
    pub account: Option<String>,
    pub api_id: String,
    pub instance_id: String,
    pub endpoint_id: Option<String>,
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
            source,
        }
    }
}

pub struct Report<'a> {
    pub context: Context,
    pub findings: &'a [Finding],
}
