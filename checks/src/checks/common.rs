//! What several checks share: the route verdicts' finding, the endpoint, client, function
//! and domain a check needs (or the skip or unknown finding that says why it cannot
//! judge), and the grant and key decisions two policy checks both make.

use crate::domain::DomainHop;
use crate::finding::Finding;
use crate::path::{EndpointHop, ResolvedPath};
use crate::policy_eval::ActionsGrant;
use crate::routes::RouteVerdict;
use crate::snapshot::{DomainName, Function, Source};

/// One finding from several route verdicts: fail with every problem and fix when any
/// destination is misrouted, else pass with what carries each one.
pub(crate) fn route_finding(
    id: &'static str,
    verdicts: Vec<RouteVerdict>,
    resources: Vec<String>,
) -> Finding {
    let (ok, bad): (Vec<_>, Vec<_>) = verdicts.into_iter().partition(Result::is_ok);
    if bad.is_empty() {
        let lines: Vec<String> = ok.into_iter().flatten().collect();
        return Finding::pass(id, lines.join("; ")).resources(resources);
    }
    let (problems, fixes): (Vec<String>, Vec<String>) =
        bad.into_iter().filter_map(Result::err).unzip();
    // Subnets that share a route table share its problem: say it once.
    let problems = dedup(problems);
    let fixes = dedup(fixes);
    Finding::fail(id, problems.join("; "))
        .resources(resources)
        .fix(fixes.join("\n"))
}

pub(crate) fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// The endpoint on the path, or the `skip` that every check about it reports when there
/// is none (`execute-api-endpoint` says why). With `need_subnets`, an endpoint without
/// subnets is skipped the same way.
pub(crate) fn endpoint_or_skip<'p, 'a>(
    id: &'static str,
    p: &'p ResolvedPath<'a>,
    need_subnets: bool,
) -> Result<&'p EndpointHop<'a>, Vec<Finding>> {
    let Some(ep) = &p.endpoint else {
        return Err(vec![Finding::skip(
            id,
            "no execute-api endpoint on the path (see execute-api-endpoint)",
        )]);
    };
    if need_subnets && ep.subnets.is_empty() {
        return Err(vec![Finding::skip(
            id,
            format!("{} has no subnets (see execute-api-endpoint)", ep.id()),
        )]);
    }
    Ok(ep)
}

/// The client's VPC, or the `unknown` finding a check that needs it reports: the
/// instance was described without one.
pub(crate) fn client_vpc_or_unknown<'a>(
    id: &'static str,
    p: &ResolvedPath<'a>,
) -> Result<&'a str, Vec<Finding>> {
    p.client.vpc_id.ok_or_else(|| {
        vec![Finding::unknown(
            id,
            format!("the VPC of {} is not in the snapshot", p.client.id()),
        )
        .resource(p.client.id())
        .needs(Source::Instances.iam_action())]
    })
}

/// The client's private address (a policy's `aws:VpcSourceIp`), or the `unknown` the
/// policy checks report when the instance was described without one.
pub(crate) fn client_ip_or_unknown(
    id: &'static str,
    p: &ResolvedPath<'_>,
) -> Result<u32, Vec<Finding>> {
    p.client.private_ip.ok_or_else(|| {
        vec![Finding::unknown(
            id,
            format!(
                "{} has no private address in the snapshot (aws:VpcSourceIp)",
                p.client.id()
            ),
        )
        .resource(p.client.id())
        .needs(Source::Instances.iam_action())]
    })
}

/// The Lambda function behind the method, with its name, or the finding every backend
/// check reports without one: `skip` when the method invokes no function, `unknown`
/// when the function is not in the snapshot.
pub(crate) fn function_or_skip<'p, 'a>(
    id: &'static str,
    p: &'p ResolvedPath<'a>,
) -> Result<(&'p str, &'a Function), Vec<Finding>> {
    let b = &p.backend;
    if let Some(skip) = load_balancer_skip(id, p) {
        return Err(vec![skip]);
    }
    let Some(name) = b.function_name.as_deref() else {
        return Err(vec![Finding::skip(
            id,
            "the method does not invoke a Lambda function (see lambda-invoke-permission)",
        )]);
    };
    let Some(function) = b.function else {
        return Err(vec![Finding::unknown(
            id,
            format!("function {name} is not in the snapshot"),
        )
        .resource(name)
        .needs(Source::Functions.iam_action())]);
    };
    Ok((name, function))
}

/// The `skip` every Lambda check reports on a private integration: the backend is a
/// load balancer behind a VPC link, which `backend-vpc-link` checks.
pub(crate) fn load_balancer_skip(id: &'static str, p: &ResolvedPath<'_>) -> Option<Finding> {
    let private = p.backend.private.as_ref()?;
    Some(Finding::skip(
        id,
        format!(
            "the backend is a load balancer, not a Lambda function: {} (see backend-vpc-link)",
            private.describe()
        ),
    ))
}

/// The finding for a role's grant privpath cannot decide — only under a condition it
/// cannot evaluate, or perhaps in policies whose documents it lacks — shared by the
/// role checks; `None` when the grant is decided.
pub(crate) fn undecided_grant(
    id: &'static str,
    role_name: &str,
    grant: &ActionsGrant<'_>,
    resources: Vec<String>,
) -> Option<Finding> {
    match grant {
        ActionsGrant::Conditional { action, policy, why } => Some(
            Finding::unknown(id, format!("role {role_name} grants {action} only through {policy} under a condition privpath cannot evaluate ({why})"))
                .resources(resources),
        ),
        ActionsGrant::Unread { missing, unread } => Some(
            Finding::unknown(id, format!("role {role_name} lacks {} in the policies privpath could read; the documents of {} are not in the snapshot", missing.join(", "), unread.join(", ")))
                .resources(resources)
                .needs("iam:GetPolicy")
                .needs(Source::Policies.iam_action()),
        ),
        _ => None,
    }
}

/// The condition keys of the client's request as it arrives through the endpoint:
/// `aws:SourceVpce` the endpoint, `aws:SourceVpc` its VPC (not the client's),
/// `aws:VpcSourceIp` the client's address, no `aws:SourceIp`, over TLS.
pub(crate) fn keys_through_endpoint(
    ep: &EndpointHop<'_>,
    client_ip: u32,
) -> Vec<(String, crate::policy_eval::KeyValue)> {
    use crate::policy_eval::KeyValue;
    let present = |v: &str| KeyValue::Present(vec![v.to_string()]);
    vec![
        ("aws:sourcevpce".into(), present(ep.id())),
        ("aws:sourcevpc".into(), present(ep.vpc_id())),
        (
            "aws:vpcsourceip".into(),
            present(&crate::net::fmt_ipv4(client_ip)),
        ),
        ("aws:sourceip".into(), KeyValue::Absent),
        ("aws:securetransport".into(), present("true")),
    ]
}

/// The domain the client calls, or the `skip` of every domain check when it calls the
/// execute-api name.
pub(crate) fn domain_or_skip<'p, 'a>(
    id: &'static str,
    p: &'p ResolvedPath<'a>,
) -> Result<&'p DomainHop<'a>, Vec<Finding>> {
    p.domain.as_ref().ok_or_else(|| {
        vec![Finding::skip(
            id,
            "the client calls the execute-api name, not a custom domain name",
        )]
    })
}

/// The domain the client calls with its private record, or the `skip` of the checks
/// that judge that record when there is none (`domain-private` says why).
pub(crate) fn private_domain_or_skip<'p, 'a>(
    id: &'static str,
    p: &'p ResolvedPath<'a>,
) -> Result<(&'p DomainHop<'a>, &'a DomainName), Vec<Finding>> {
    let d = domain_or_skip(id, p)?;
    match d.record {
        Some(r) if r.is_private() => Ok((d, r)),
        _ => Err(vec![Finding::skip(
            id,
            format!(
                "no private custom domain name {} (see domain-private)",
                d.name
            ),
        )
        .resource(d.name.clone())]),
    }
}
