//! The check contract: stable id, metadata that is the check's documentation, the data
//! it reads, and a pure function from the resolved path to findings.

use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::Symptom;
use serde::{Deserialize, Serialize};

/// The hops of the request path, in the order an operator meets them: log in to the
/// client with Session Manager, send the request out of the client subnet, across the
/// peering, into the endpoint, to the API and on to the backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hop {
    OperatorAccess,
    ClientNetwork,
    Peering,
    Endpoint,
    Api,
    Backend,
    /// What only an audit of many paths shows.
    Estate,
}

impl Hop {
    pub fn title(self) -> &'static str {
        match self {
            Hop::OperatorAccess => "Operator access (Session Manager)",
            Hop::ClientNetwork => "Client subnet (VPC A)",
            Hop::Peering => "VPC peering",
            Hop::Endpoint => "execute-api endpoint (VPC B)",
            Hop::Api => "API Gateway",
            Hop::Backend => "Backend (Lambda, RDS, load balancer)",
            Hop::Estate => "Estate",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Hop::OperatorAccess => "operator-access",
            Hop::ClientNetwork => "client-network",
            Hop::Peering => "peering",
            Hop::Endpoint => "endpoint",
            Hop::Api => "api",
            Hop::Backend => "backend",
            Hop::Estate => "estate",
        }
    }
}

/// How much a check's failure matters. Checks ship as `high` or `medium`; a project
/// may override any check's severity in its config, and `low` makes a check advisory:
/// reported everywhere, never a reason for a non-zero exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Advisory: reported, never gates.
    Low,
    /// A failure breaks operator access or makes the path fragile.
    Medium,
    /// A failure breaks the request path.
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }
}

/// A check's metadata. `what`, `why` and `fix` are its documentation, shown by
/// `privpath checks` and written into the check catalog.
#[derive(Debug, Serialize)]
pub struct CheckMeta {
    pub id: &'static str,
    pub title: &'static str,
    pub hop: Hop,
    pub severity: Severity,
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    pub links: &'static [&'static str],
    /// Snapshot arrays the check reads, each in the scope of the side that owns it;
    /// when one is missing the engine reports `unknown` naming the IAM action (and, when
    /// the path crosses accounts or regions, the scope) instead of running the check.
    #[serde(skip)]
    pub needs: &'static [Need],
    /// What the check explains: the error codes, messages and log lines its failure
    /// shows as (`privpath explain` is generated from these). Declared next to `META`
    /// in the check's file; estate checks, which judge no single path, declare none.
    #[serde(skip)]
    pub symptoms: &'static [Symptom],
}

/// Whose scope an array is read in. On a path within one account and region all three
/// are the same scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    /// The client instance's account and region.
    Client,
    /// The scope holding the execute-api endpoint on the path (the API's, unless an
    /// endpoint of another account carries the request).
    Endpoint,
    /// The API's account and region: API Gateway, Lambda, RDS.
    Api,
}

/// One array a check reads, on one side.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Need {
    pub side: Side,
    pub source: Source,
}

pub const fn client(source: Source) -> Need {
    Need {
        side: Side::Client,
        source,
    }
}

pub const fn endpoint(source: Source) -> Need {
    Need {
        side: Side::Endpoint,
        source,
    }
}

pub const fn api(source: Source) -> Need {
    Need {
        side: Side::Api,
        source,
    }
}

impl CheckMeta {
    /// The arrays the check reads, each once, in the order `needs` names them.
    pub fn sources(&self) -> Vec<Source> {
        let mut out: Vec<Source> = Vec::with_capacity(self.needs.len());
        for n in self.needs {
            if !out.contains(&n.source) {
                out.push(n.source);
            }
        }
        out
    }
}

pub struct Check {
    pub meta: &'static CheckMeta,
    pub run: fn(&ResolvedPath<'_>) -> Vec<Finding>,
}
