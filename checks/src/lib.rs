//! privpath's pure core: the snapshot model, path resolution, every check and the
//! registry. No I/O, no async, no AWS SDK: a check sees a [`ResolvedPath`] and returns
//! findings, whether the data came from AWS or from a file.
//!
//! Data flows one way: snapshot → [`ResolvedPath::resolve`] → [`evaluate`] → findings.

pub mod access_mode;
pub mod api_target;
pub mod backend;
pub mod bpa;
pub mod check;
pub mod checks;
pub mod date;
pub mod dns_name;
pub mod domain;
pub mod estate;
pub mod explain;
pub mod finding;
pub mod index;
pub mod known_policies;
pub mod lambda_arn;
pub mod nacl;
pub mod net;
pub mod path;
pub mod plan_checks;
mod plan_unknowns;
pub mod planned;
pub mod policy;
pub mod policy_eval;
pub mod remediation;
pub mod request;
pub mod routes;
pub mod sg;
pub mod snapshot;
pub mod symptom;
pub mod target;
pub mod transit;
pub mod vpc_link;

pub use check::{Check, CheckMeta, Hop, Need, Severity, Side};
pub use checks::REGISTRY;
pub use finding::{Finding, Status};
pub use path::{ResolveError, ResolvedPath, ScopeFilter, SnapshotIndex, Target};
pub use snapshot::{Scope, Snapshot, SnapshotError, Source};

use serde::Serialize;
use thiserror::Error;

pub fn find_check(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().find(|c| c.meta.id == id)
}

/// The metadata of a path check, a plan-only check (`plan-…`, runs with a Terraform
/// plan only) or an estate check (`estate-…`, audits only).
pub fn find_meta(id: &str) -> Option<&'static CheckMeta> {
    find_check(id)
        .or_else(|| plan_checks::PLAN_REGISTRY.iter().find(|c| c.meta.id == id))
        .map(|c| c.meta)
        .or_else(|| {
            estate::ESTATE_REGISTRY
                .iter()
                .find(|c| c.meta.id == id)
                .map(|c| c.meta)
        })
}

/// The check with this id, or an error that lists every id (for CLI options and config
/// keys, where a typo must not silently check less).
pub fn require_check(id: &str) -> Result<&'static CheckMeta, UnknownCheck> {
    find_meta(id).ok_or_else(|| UnknownCheck {
        id: id.to_string(),
        known: all_metas().map(|m| m.id).collect::<Vec<_>>().join(", "),
    })
}

/// Every check's metadata: the path checks in path order, then the plan-only checks,
/// then the estate checks.
pub fn all_metas() -> impl Iterator<Item = &'static CheckMeta> {
    REGISTRY
        .iter()
        .chain(plan_checks::PLAN_REGISTRY.iter())
        .map(|c| c.meta)
        .chain(estate::ESTATE_REGISTRY.iter().map(|c| c.meta))
}

/// Which checks to run: `only` (when given) restricts, `skip` removes.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
}

#[derive(Debug, Error, PartialEq, Eq)]
#[error("unknown check id `{id}`; the check ids are: {known}")]
pub struct UnknownCheck {
    pub id: String,
    pub known: String,
}

impl Selection {
    /// Rejects ids that name no check, so a typo in a CI config does not silently
    /// disable nothing.
    pub fn validate(&self) -> Result<(), UnknownCheck> {
        for id in self.only.iter().chain(&self.skip) {
            require_check(id)?;
        }
        Ok(())
    }

    pub fn includes(&self, id: &str) -> bool {
        (self.only.is_empty() || self.only.iter().any(|o| o == id))
            && !self.skip.iter().any(|s| s == id)
    }
}

/// Runs the selected checks over a resolved path, in registry (path) order. A check
/// whose data is missing from the snapshot is not run: it is reported `unknown`,
/// naming the IAM actions that would have collected the data (and, on a path across
/// accounts or regions, in which scope). On such a path, or in a snapshot of several
/// scopes, every AWS CLI line of a fix is told where to run: `--region` and the account
/// that owns the resource it names.
pub fn evaluate(path: &ResolvedPath<'_>, selection: &Selection) -> Vec<Finding> {
    let mut findings = Vec::new();
    for check in REGISTRY.iter().filter(|c| selection.includes(c.meta.id)) {
        let mut missing: Vec<(&path::Index<'_>, Source)> = Vec::new();
        // A path without a custom domain needs none of a domain check's data, nor one
        // without a transit gateway a TGW check's, nor a Lambda path a VPC link's (and
        // the other way round).
        let private = path.backend.private.is_some();
        let off_path = (path.domain.is_none() && checks::DOMAIN_CHECKS.contains(&check.meta.id))
            || (!matches!(path.carrier(), path::Carrier::Transit { .. })
                && checks::TRANSIT_CHECKS.contains(&check.meta.id))
            || (!private && checks::VPC_LINK_CHECKS.contains(&check.meta.id))
            || (private && checks::LAMBDA_CHECKS.contains(&check.meta.id));
        let needs = if off_path { &[] } else { check.meta.needs };
        for need in needs {
            let ix = match need.side {
                Side::Client => path.client_ix,
                Side::Endpoint => path.endpoint_ix(),
                Side::Api => path.api_ix,
            };
            let seen = missing
                .iter()
                .any(|(i, s)| std::ptr::eq(*i, ix) && *s == need.source);
            if !seen && !need.source.is_present(ix.scope) {
                missing.push((ix, need.source));
            }
        }
        if missing.is_empty() {
            findings.extend((check.run)(path));
        } else {
            findings.push(missing_data(check.meta.id, path, &missing));
        }
    }
    // What only a plan shows: with a plan, every selected plan check; without one, only
    // those `--only` names (each says it skips), so a run without a plan lists nothing
    // extra.
    for check in plan_checks::PLAN_REGISTRY.iter().filter(|c| {
        selection.includes(c.meta.id)
            && (path.plan.is_some() || selection.only.iter().any(|o| o == c.meta.id))
    }) {
        findings.extend((check.run)(path));
    }
    if let Some(plan) = path.plan {
        plan_unknowns::apply(path, plan, &mut findings);
        plan_unknowns::name_addresses(plan, &mut findings);
    }
    // In a snapshot of several scopes a bare `aws …` line does not say where it runs.
    if path.crosses_scopes() || path.many_scopes {
        for f in &mut findings {
            if let Some(fix) = &f.remediation {
                f.remediation = Some(remediation::place_commands(path, fix));
            }
        }
    }
    findings
}

fn missing_data(
    id: &'static str,
    path: &ResolvedPath<'_>,
    missing: &[(&path::Index<'_>, Source)],
) -> Finding {
    let cross = path.crosses_scopes();
    let parts: Vec<String> = missing
        .iter()
        .map(|(ix, s)| {
            let place = if cross {
                format!(" in {}", ix.scope.label())
            } else {
                String::new()
            };
            match ix.scope.unavailable_reason(*s) {
                Some(why) => format!("{s}{place} ({}: {why})", s.iam_action()),
                None => format!("{s}{place} (needs {})", s.iam_action()),
            }
        })
        .collect();
    let mut message = format!("not collected: {}", parts.join("; "));
    if cross
        && missing
            .iter()
            .any(|(ix, _)| std::ptr::eq(*ix, path.client_ix))
    {
        message.push_str(&format!(
            "; the client side ({}) is read with --client-profile / --client-role-arn: those credentials need these actions there",
            path.client_scope.label()
        ));
    }
    let mut f = Finding::unknown(id, message);
    for (_, s) in missing {
        f = f.needs(s.iam_action());
    }
    f
}

/// Counts of findings by status.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub total: usize,
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub skip: usize,
    pub unknown: usize,
}

impl Summary {
    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            s.total += 1;
            *match f.status {
                Status::Pass => &mut s.pass,
                Status::Fail => &mut s.fail,
                Status::Warn => &mut s.warn,
                Status::Skip => &mut s.skip,
                Status::Unknown => &mut s.unknown,
            } += 1;
        }
        s
    }
}
