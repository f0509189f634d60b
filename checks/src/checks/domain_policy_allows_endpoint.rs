//! `domain-policy-allows-endpoint`: the private custom domain name's own resource policy,
//! evaluated, lets the client's request through the endpoint.

use crate::check::{api, client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::policy::decode_document;
use crate::policy_eval::{evaluate, Principal, Request, ResourceSpec, Verdict};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use serde_json::json;

use crate::path::ResolvedPath;

pub static META: CheckMeta = CheckMeta {
    id: "domain-policy-allows-endpoint",
    title: "The domain's resource policy allows the call from this endpoint",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Evaluates the private custom domain name's `policy` (the execute-api one, not the managementPolicy) with the same evaluator as the API's: anonymous caller, `execute-api:Invoke` on `arn:aws:execute-api:REGION:ACCOUNT:/domainnames/NAME+ID` (`execute-api:/*` covers it), `aws:SourceVpce` = the endpoint, `aws:SourceVpc` = its VPC, `aws:VpcSourceIp` = the client's address, and the keys API Gateway does not set (`aws:VpceOrgID`, `aws:VpceOrgPaths`, `aws:VpceAccount`, `aws:SourceVpcArn`) absent. Explicit Deny first, then Allow; a failure names an unsupported key and the supported one that does what was meant. The API's own policy is judged separately by api-policy-allows-endpoint: both must allow.",
    why: "API Gateway creates a private domain name with a deny-all policy; until it allows the caller's endpoint, every call through the domain gets 403 Forbidden even when the API's own policy allows it. The usual slip: the domain's policy names the provider's endpoint and not the consumer's.",
    fix: "Allow `execute-api:Invoke` on `execute-api:/*` with `StringEquals aws:SourceVpce = VPCE_ID`: `aws apigateway update-domain-name --domain-name NAME --domain-name-id ID --patch-operations op=replace,path=/policy,value='…'`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-tutorial.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-provider-share-cli.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-aws-condition-keys.html",
    ],
    needs: &[api(Source::DomainNames), endpoint(Source::VpcEndpoints), client(Source::Instances)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the domain's own resource policy's
/// refusal names the domain's ARN (`…:/domainnames/NAME+ID`).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "domain-policy-denied",
        evidence: Evidence::Code,
        seen_in: "the domain's 403 response body",
        patterns: &[&["execute-api:invoke", "<arn:execute-api:domainname>"]],
        meaning: "The private domain name's own resource policy does not allow this endpoint (a new private domain denies everything).",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Remote,
        seen_in: "curl against the domain (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "Through a custom domain name, the domain's own resource policy may refuse the endpoint.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (d, record) = match super::common::private_domain_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let qualified = record.qualified();
    let Some(arn) = d.execute_api_arn(p.partition()) else {
        return vec![Finding::unknown(
            id,
            format!("the snapshot has no account id for {qualified}, which its ARN needs"),
        )
        .resource(qualified)
        .needs("sts:GetCallerIdentity")];
    };
    let resources = vec![qualified.clone(), ep.id().to_string()];
    let allow = json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"StringEquals": {"aws:SourceVpce": ep.id()}}
        }]
    });
    let patch = json!([{ "op": "replace", "path": "/policy", "value": allow.to_string() }]);
    let fix = format!(
        "aws apigateway update-domain-name {} --patch-operations '{patch}'",
        record.cli_args()
    );
    let Some(raw) = record.policy.as_ref() else {
        return vec![Finding::unknown(
            id,
            format!("the resource policy of {qualified} is not in the snapshot (get-domain-name with its --domain-name-id returns it)"),
        )
        .resources(resources)
        .needs(Source::DomainNames.iam_action())];
    };
    let doc = match decode_document(raw) {
        Ok(doc) => doc,
        Err(why) => {
            return vec![Finding::fail(
                id,
                format!("the resource policy of {qualified} cannot be read: {why}"),
            )
            .resources(resources)
            .fix(fix)]
        }
    };
    let client_ip = match super::common::client_ip_or_unknown(id, p) {
        Ok(ip) => ip,
        Err(unknown) => return unknown,
    };
    let request = Request {
        principal: Principal::Anonymous,
        action: "execute-api:Invoke".into(),
        resource: ResourceSpec::Arn {
            arn: arn.clone(),
            shorthand_base: Some(arn.clone()),
        },
        keys: super::common::keys_through_endpoint(ep, client_ip),
    };
    let the_call = format!(
        "the call to {} from {} via {}",
        d.name,
        p.client.id(),
        ep.id()
    );
    let mistakes = super::common::unset_key_mistakes(&doc);
    let likely = if mistakes.is_empty() {
        String::new()
    } else {
        format!(". Likely cause: {}", mistakes.join("; "))
    };
    match evaluate(&doc, &request).verdict {
        Verdict::Allowed { by } => {
            if let Some(keys) = super::common::allow_rests_on_unset_keys(&doc, &by) {
                return vec![Finding::warn(id, format!("{by} of {qualified}'s policy allows {the_call} only because API Gateway never sets {keys} on an invocation: the restriction it was written to make does not apply"))
                    .resources(resources)
                    .fix(fix)];
            }
            vec![Finding::pass(
                id,
                format!("{by} of {qualified}'s policy allows {the_call}; no Deny applies"),
            )
            .resources(resources)]
        }
        Verdict::ExplicitDeny { by } => vec![Finding::fail(
            id,
            format!("{by} of {qualified}'s policy explicitly denies {the_call} ({arn}): 403 Forbidden{likely}"),
        )
        .resources(resources)
        .fix(fix)],
        Verdict::ImplicitDeny => vec![Finding::fail(
            id,
            format!("no statement of {qualified}'s policy allows {the_call} ({arn}): 403 Forbidden (a new private domain name denies everything until its policy allows an endpoint){likely}"),
        )
        .resources(resources)
        .fix(fix)],
        Verdict::Unknown { reason } => vec![Finding::unknown(
            id,
            format!("privpath cannot evaluate the policy of {qualified} for {the_call}: {reason}"),
        )
        .resources(resources)],
    }
}
