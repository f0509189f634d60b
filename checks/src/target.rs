//! What a run asks to check — a client instance calling a private REST API, each
//! narrowed to some scopes — and why a snapshot cannot answer it.

use crate::snapshot::{Scope, Source};
use thiserror::Error;

/// What to check: a client instance calling a private REST API. `None` means "the only
/// one in the snapshot".
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub api_id: Option<String>,
    pub instance_id: Option<String>,
    /// The stage the client calls; `None`: the API's only stage.
    pub stage: Option<String>,
    /// The HTTP method; `None`: POST.
    pub http_method: Option<String>,
    /// The resource path (`/orders`); `None`: the only resource with the method.
    pub resource_path: Option<String>,
    /// The database the function writes to; `None`: every DB instance in its VPC.
    pub db_instance_id: Option<String>,
    /// Where the instance is: `None` looks in every scope of the snapshot.
    pub client_scope: ScopeFilter,
    /// Where the API is: `None` looks in every scope of the snapshot.
    pub api_scope: ScopeFilter,
    /// Today (`YYYY-MM-DD`), for a snapshot that does not say when it was captured.
    pub today: Option<String>,
    /// The private custom domain name the client calls; `None`: the snapshot's only
    /// private domain name, if it holds any. Its base path mapping then gives the API
    /// and stage when they are not named.
    pub domain_name: Option<String>,
    /// The base path under the domain (`orders` in `https://NAME/orders/…`); `None`: the
    /// domain's only mapping (or its only one to the API), else the empty base path.
    pub base_path: Option<String>,
    /// The client calls the API's execute-api name even though the snapshot holds
    /// custom domain names: no domain is looked for. An audit's execute-api paths set
    /// it, so a domain mapped to the API does not turn them into domain paths.
    pub execute_api_name: bool,
}

/// Narrows the scopes a side's record is looked for in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScopeFilter {
    pub account: Option<String>,
    pub region: Option<String>,
}

impl ScopeFilter {
    pub(crate) fn admits(&self, scope: &Scope) -> bool {
        self.region.as_ref().is_none_or(|r| *r == scope.region)
            && match (&self.account, &scope.account) {
                (Some(want), Some(have)) => want == have,
                _ => true,
            }
    }
}

#[derive(Debug, Error, PartialEq, Eq)]
pub enum ResolveError {
    #[error("the snapshot has no {array} array, so {what} cannot be found (a live run needs {action})", action = array.iam_action())]
    MissingSource { array: Source, what: &'static str },
    #[error("instance {id} is in several scopes of the snapshot ({found}); choose one with --client-region when their regions differ, or check every path with privpath audit --snapshot FILE")]
    InstanceInSeveralScopes { id: String, found: String },
    #[error(
        "REST API {id} is in several scopes of the snapshot ({found}); choose one with --region when their regions differ, or check every path with privpath audit --snapshot FILE"
    )]
    ApiInSeveralScopes { id: String, found: String },
    #[error("the snapshot holds no scope in {wanted} for the {side} (its scopes: {found})")]
    NoScopeThere {
        side: &'static str,
        wanted: String,
        found: String,
    },
    #[error("instance {id} is not in the snapshot; it holds {found}{audit}")]
    InstanceNotFound {
        id: String,
        found: String,
        audit: AuditHint,
    },
    #[error("the snapshot holds no EC2 instance")]
    NoInstance,
    #[error(
        "the snapshot holds {count} instances ({found}); choose one with --instance-id{audit}"
    )]
    AmbiguousInstance {
        count: usize,
        found: String,
        audit: AuditHint,
    },
    #[error("REST API {id} is not in the snapshot; it holds {found}{audit}")]
    ApiNotFound {
        id: String,
        found: String,
        audit: AuditHint,
    },
    #[error("the snapshot holds no PRIVATE REST API (found {found}); name one with --api-id")]
    NoPrivateApi { found: String },
    #[error(
        "the snapshot holds {count} PRIVATE REST APIs ({found}); choose one with --api-id{audit}"
    )]
    AmbiguousApi {
        count: usize,
        found: String,
        audit: AuditHint,
    },
    #[error("the snapshot holds {count} private custom domain names ({found}); choose one with --domain-name")]
    AmbiguousDomain { count: usize, found: String },
}

/// On a snapshot of several accounts or regions, where one path is one of many:
/// `privpath audit` checks them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditHint(pub bool);

impl std::fmt::Display for AuditHint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0 {
            f.write_str(
                " (with --region or --client-region for the scope); to check every path of a snapshot of several accounts or regions, run privpath audit --snapshot FILE",
            )
        } else {
            Ok(())
        }
    }
}

/// How many ids an error names before it says how many more there are.
const LISTED: usize = 10;

/// Ids for an error message, each with its account and region when the snapshot has
/// several scopes (the same id may be in two), the first few only.
pub(crate) fn list_ids<'a>(ids: impl Iterator<Item = (&'a str, Option<String>)>) -> String {
    let mut shown = Vec::new();
    let mut more = 0usize;
    for (id, scope) in ids {
        if shown.len() == LISTED {
            more += 1;
            continue;
        }
        shown.push(match scope {
            Some(s) => format!("{id} in {s}"),
            None => id.to_string(),
        });
    }
    if shown.is_empty() {
        return "none".to_string();
    }
    let mut out = shown.join(", ");
    if more > 0 {
        out.push_str(&format!(", and {more} more"));
    }
    out
}
