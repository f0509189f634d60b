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

/// Condition keys IAM defines for requests through VPC endpoints that API Gateway never
/// puts in an invocation's request context — they are not in its table of supported
/// keys (https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-aws-condition-keys.html),
/// and IAM lists the services that set them without API Gateway
/// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html).
/// Data-perimeter templates paste them into API policies. Each comes with the supported
/// key that does what the policy meant.
pub(crate) const UNSET_KEYS: [(&str, &str); 4] = [
    ("aws:VpceOrgID", "aws:SourceVpce listing the organization's endpoints (or aws:SourceVpc their VPCs)"),
    ("aws:VpceOrgPaths", "aws:SourceVpce listing the endpoints of those organizational units (or aws:SourceVpc their VPCs)"),
    ("aws:VpceAccount", "aws:SourceVpce listing that account's endpoints (or aws:SourceVpc its VPCs)"),
    ("aws:SourceVpcArn", "aws:SourceVpc with the VPC's id (vpc-…), not its ARN"),
];

/// The condition keys of the client's request as it arrives through the endpoint:
/// `aws:SourceVpce` the endpoint, `aws:SourceVpc` its VPC (not the client's),
/// `aws:VpcSourceIp` the client's address, no `aws:SourceIp`, over TLS, and none of
/// [`UNSET_KEYS`] (absent, so IAM's missing-key rules decide their conditions).
pub(crate) fn keys_through_endpoint(
    ep: &EndpointHop<'_>,
    client_ip: u32,
) -> Vec<(String, crate::policy_eval::KeyValue)> {
    use crate::policy_eval::KeyValue;
    let present = |v: &str| KeyValue::Present(vec![v.to_string()]);
    let mut keys = vec![
        ("aws:sourcevpce".into(), present(ep.id())),
        ("aws:sourcevpc".into(), present(ep.vpc_id())),
        (
            "aws:vpcsourceip".into(),
            present(&crate::net::fmt_ipv4(client_ip)),
        ),
        ("aws:sourceip".into(), KeyValue::Absent),
        ("aws:securetransport".into(), present("true")),
    ];
    keys.extend(
        UNSET_KEYS
            .iter()
            .map(|(k, _)| (k.to_ascii_lowercase(), KeyValue::Absent)),
    );
    keys
}

/// Where a resource policy conditions on a key API Gateway never sets: (statement
/// label, key as written, the supported key to use instead), in document order.
pub(crate) fn unset_keys_in(doc: &serde_json::Value) -> Vec<(String, String, &'static str)> {
    let mut out = Vec::new();
    for (i, st) in crate::policy::statements(doc).into_iter().enumerate() {
        let Some(serde_json::Value::Object(operators)) = st.get("Condition") else {
            continue;
        };
        for keys in operators.values() {
            let serde_json::Value::Object(keys) = keys else {
                continue;
            };
            for key in keys.keys() {
                if let Some((_, instead)) =
                    UNSET_KEYS.iter().find(|(k, _)| k.eq_ignore_ascii_case(key))
                {
                    out.push((
                        crate::policy_eval::statement_label(i, st),
                        key.clone(),
                        *instead,
                    ));
                }
            }
        }
    }
    out
}

/// [`unset_keys_in`] as sentences for a finding: what the key does in an API policy.
pub(crate) fn unset_key_mistakes(doc: &serde_json::Value) -> Vec<String> {
    unset_keys_in(doc)
        .into_iter()
        .map(|(label, key, instead)| {
            format!("{label} conditions on {key}, which API Gateway never sets on an invocation (not among its supported condition keys), so IAM judges it as a missing key: a plain operator on it never matches, a negated or …IfExists one always does. Instead: {instead}")
        })
        .collect()
}

/// The keys API Gateway never sets that the statement `label` conditions on, each with
/// the supported key to use, when the decisive Allow is that statement: it allows only
/// because those keys are missing. `None` when it names none.
pub(crate) fn allow_rests_on_unset_keys(doc: &serde_json::Value, label: &str) -> Option<String> {
    let keys: Vec<String> = unset_keys_in(doc)
        .into_iter()
        .filter(|(l, _, _)| l == label)
        .map(|(_, key, instead)| format!("{key} (use {instead})"))
        .collect();
    (!keys.is_empty()).then(|| keys.join(", "))
}

/// The `skip` of a check that judges a private API's settings, when the API is not
/// PRIVATE (api-private-endpoint fails it).
pub(crate) fn skip_unless_private(id: &'static str, p: &ResolvedPath<'_>) -> Option<Vec<Finding>> {
    let api = p.api.id.as_str();
    (!p.api.is_private()).then(|| {
        vec![Finding::skip(
            id,
            format!("API {api} is not PRIVATE (see api-private-endpoint)"),
        )
        .resource(api)]
    })
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

/// Compares dotted version strings numerically; missing segments count as 0. `None`
/// when either is not a version number.
pub(crate) fn compare_versions(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let parse = |v: &str| -> Option<Vec<u64>> {
        v.trim().split('.').map(|s| s.parse::<u64>().ok()).collect()
    };
    let (mut x, mut y) = (parse(a)?, parse(b)?);
    let len = x.len().max(y.len());
    x.resize(len, 0);
    y.resize(len, 0);
    Some(x.cmp(&y))
}

/// A least-privilege policy admitting the endpoint on the path to `resource`
/// (`execute-api:/…`).
fn example_policy(vpce: &str, resource: &str) -> serde_json::Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": resource,
            "Condition": {"StringEquals": {"aws:SourceVpce": vpce}}
        }]
    })
}

/// The AWS CLI commands that attach [`example_policy`] and redeploy `stage` (a policy
/// takes effect only with a new deployment).
pub(crate) fn attach_commands(api: &str, vpce: &str, resource: &str, stage: &str) -> String {
    let patch = serde_json::json!([{ "op": "replace", "path": "/policy", "value": example_policy(vpce, resource).to_string() }]);
    format!(
        "aws apigateway update-rest-api --rest-api-id {api} --patch-operations '{patch}'\n\
         aws apigateway create-deployment --rest-api-id {api} --stage-name {stage}"
    )
}
