//! `api-policy-allows-endpoint`: the resource policy, evaluated, lets the client's
//! request through the endpoint.

use super::common::attach_commands;
use crate::api_target::api_arn;
use crate::check::{api, client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{PolicyState, ResolvedPath};
use crate::policy::{condition_values, statements};
use crate::policy_eval::{evaluate, Principal, Request, ResourceSpec, Verdict};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use serde_json::Value;

pub static META: CheckMeta = CheckMeta {
    id: "api-policy-allows-endpoint",
    title: "The resource policy allows the call from this endpoint",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Evaluates the API's resource policy as IAM does for the client's request — anonymous caller, `execute-api:Invoke` on `arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH`, with `aws:SourceVpce` = the endpoint, `aws:SourceVpc` = the endpoint's VPC, `aws:VpcSourceIp` = the client's address, no `aws:SourceIp`, and none of the keys API Gateway does not support (`aws:VpceOrgID`, `aws:VpceOrgPaths`, `aws:VpceAccount`, `aws:SourceVpcArn`: absent, judged by IAM's missing-key rules) — explicit Deny first, then Allow. Names the statement that decided, and the unsupported key with the supported one that does what was meant. Warns when no condition on `aws:SourceVpce`/`aws:SourceVpc` restricts the API to particular endpoints or VPCs, or when the deciding Allow holds only because an unsupported key is missing.",
    why: "A policy that does not allow the request, or denies it, answers 403 Forbidden (`User: anonymous is not authorized to perform: execute-api:Invoke`). The classic mistakes: `aws:SourceVpc` naming the client's VPC (it is the endpoint's VPC), an `aws:SourceVpce` of another endpoint, `aws:SourceIp` (not set through an endpoint; `aws:VpcSourceIp` is), a Resource for another stage or method, and keys API Gateway never sets — `aws:VpceOrgID`, `aws:VpceOrgPaths`, `aws:VpceAccount`, `aws:SourceVpcArn`, pasted from data-perimeter templates: an Allow conditioned on one never matches, a negated Deny without `IfExists` denies every call, and an `…IfExists` Allow admits everyone.",
    fix: "Allow `execute-api:Invoke` on `execute-api:/STAGE/METHOD/PATH` with `StringEquals aws:SourceVpce = VPCE_ID`, then redeploy: `aws apigateway update-rest-api … op=replace,path=/policy,…` and `aws apigateway create-deployment --rest-api-id API --stage-name STAGE`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-aws-condition-keys.html",
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
    ],
    needs: &[api(Source::RestApis), endpoint(Source::VpcEndpoints), client(Source::Instances), api(Source::Stages), api(Source::Resources)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the resource policy's refusal is
/// `AccessDeniedException` with "User: anonymous is not authorized to perform:
/// execute-api:Invoke"; a bare "Forbidden" is more often the API key or the request's
/// host, so it is only a possible cause of that.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "anonymous-not-authorized",
        evidence: Evidence::Code,
        seen_in: "the API's 403 response body",
        patterns: shared::ANONYMOUS_DENIED,
        meaning: "API Gateway reached the API and its resource policy denied the call: no Allow matched this endpoint, or a Deny did. aws:SourceVpce is the endpoint's id and aws:SourceVpc the endpoint's VPC, never the client's; a changed policy takes effect only after a new deployment.",
        ..Symptom::BASE
    },
    Symptom {
        id: "explicit-deny",
        seen_in: "the API's 403 response body",
        patterns: &[&["execute-api:invoke", "explicit deny"]],
        meaning: "A Deny statement of the policy matched the call.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Possible,
        seen_in: "curl against the API (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "The request reached API Gateway; the resource policy may not allow this endpoint (its refusal usually says \"User: anonymous is not authorized\").",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-condition-key",
        evidence: Evidence::Hint,
        seen_in: "any text about the policy's conditions",
        patterns: &[&["aws:sourcevpce"], &["aws:sourcevpc"], &["aws:vpcsourceip"], &["aws:vpceorgid"], &["aws:vpceorgpaths"], &["aws:vpceaccount"], &["aws:sourcevpcarn"]],
        meaning: "The text names a condition key of the policy; this check evaluates the policy with the keys a request through the endpoint carries.",
        ..Symptom::BASE
    },
];

/// The mistakes people make writing these policies, found in the document.
fn classic_mistakes(
    doc: &Value,
    client_vpc: Option<&str>,
    ep_vpc: &str,
    vpce: &str,
) -> Vec<String> {
    let mut out = Vec::new();
    for st in statements(doc) {
        for v in condition_values(st, "aws:SourceVpc") {
            if Some(v) == client_vpc && v != ep_vpc {
                out.push(format!("aws:SourceVpc names {v}, the client's VPC; through an endpoint it is the endpoint's VPC, {ep_vpc}"));
            }
        }
        for v in condition_values(st, "aws:SourceVpce") {
            if v != vpce && !v.contains('*') && v.starts_with("vpce-") {
                out.push(format!(
                    "aws:SourceVpce names {v}, not {vpce}, the endpoint the client uses"
                ));
            }
        }
        if !condition_values(st, "aws:SourceIp").is_empty() {
            out.push(
                "aws:SourceIp is not set for requests through a VPC endpoint; use aws:VpcSourceIp"
                    .to_string(),
            );
        }
    }
    out.extend(super::common::unset_key_mistakes(doc));
    super::common::dedup(out)
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    if let Some(skip) = super::common::skip_unless_private(id, p) {
        return skip;
    }
    let PolicyState::Present(doc) = &p.policy else {
        return vec![Finding::skip(
            id,
            format!("API {api} has no readable resource policy (see api-resource-policy)"),
        )
        .resource(api)];
    };
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    if let Some(why) = p.method.stage.problem().or(p.method.resource.problem()) {
        return vec![Finding::skip(
            id,
            format!("no method to evaluate the policy for: {why} (see api-deployed)"),
        )
        .resource(api)];
    }
    let (Some(stage), Some(path)) = (p.method.stage_name(), p.method.path()) else {
        return vec![Finding::skip(
            id,
            "no method to evaluate the policy for (see api-deployed)",
        )
        .resource(api)];
    };
    let Some(account) = p.api_account() else {
        return vec![Finding::unknown(
            id,
            "the snapshot has no account id, which the method ARN needs",
        )
        .resource(api)
        .needs("ec2:DescribeInstances")];
    };
    let client_ip = match super::common::client_ip_or_unknown(id, p) {
        Ok(ip) => ip,
        Err(unknown) => return unknown,
    };
    let method = p.method.http_method.as_str();
    let Some(arn) = p.method.arn(p.partition(), p.region, account, api) else {
        return vec![Finding::skip(
            id,
            "no method to evaluate the policy for (see api-deployed)",
        )
        .resource(api)];
    };
    // An AWS_IAM method is called with a signature privpath cannot know.
    let principal = match p
        .method
        .method()
        .and_then(|m| m.authorization_type.as_deref())
    {
        Some("AWS_IAM") => Principal::Unknown,
        _ => Principal::Anonymous,
    };
    let request = Request {
        principal,
        action: "execute-api:Invoke".into(),
        resource: ResourceSpec::Arn {
            arn: arn.clone(),
            shorthand_base: Some(api_arn(p.partition(), p.region, account, api)),
        },
        keys: super::common::keys_through_endpoint(ep, client_ip),
    };
    let eval = evaluate(doc, &request);
    let mistakes = classic_mistakes(doc, p.client.vpc_id, ep.vpc_id(), ep.id());
    let mistakes_text = if mistakes.is_empty() {
        String::new()
    } else {
        format!(". Likely cause: {}", mistakes.join("; "))
    };
    let resources = [api, ep.id(), ep.vpc_id()];
    let the_call = format!(
        "{method} {path} on stage {stage} from {} via {}",
        p.client.id(),
        ep.id()
    );
    let fix = attach_commands(
        api,
        ep.id(),
        &format!("execute-api:/{stage}/{method}{path}"),
        stage,
    );
    match eval.verdict {
        Verdict::Allowed { by } => {
            if let Some(keys) = super::common::allow_rests_on_unset_keys(doc, &by) {
                return vec![Finding::warn(id, format!("{by} allows {the_call} only because API Gateway never sets {keys} on an invocation: the restriction it was written to make does not apply, and any endpoint its other conditions admit can call API {api}"))
                    .resources(resources)
                    .fix(fix)];
            }
            if !crate::policy::restricts_by_vpc(doc) {
                return vec![Finding::warn(id, format!("{by} allows {the_call}, but no statement conditions on aws:SourceVpce or aws:SourceVpc: any VPC endpoint, in any account, can call API {api}"))
                    .resources(resources)
                    .fix(fix)];
            }
            vec![Finding::pass(
                id,
                format!("{by} allows {the_call} ({arn}); no Deny applies"),
            )
            .resources(resources)]
        }
        Verdict::ExplicitDeny { by } => {
            vec![Finding::fail(
                id,
                format!("{by} explicitly denies {the_call} ({arn}){mistakes_text}"),
            )
            .resources(resources)
            .fix(fix)]
        }
        Verdict::ImplicitDeny => {
            let misses = eval.allow_misses();
            let misses = if misses.is_empty() {
                "the policy has no Allow statement".to_string()
            } else {
                misses.join("; ")
            };
            vec![Finding::fail(
                id,
                format!("no statement allows {the_call} ({arn}): {misses}{mistakes_text}"),
            )
            .resources(resources)
            .fix(fix)]
        }
        Verdict::Unknown { reason } => vec![Finding::unknown(
            id,
            format!("privpath cannot evaluate the policy for {the_call}: {reason}"),
        )
        .resources(resources)],
    }
}
