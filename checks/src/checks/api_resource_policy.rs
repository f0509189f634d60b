//! `api-resource-policy`: the private API has a resource policy.

use super::common::attach_commands;
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{PolicyState, ResolvedPath};
use crate::policy::statements;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use serde_json::Value;

/// What API Gateway answers when a private API without a policy is deployed.
pub const DEPLOY_ERROR: &str = "Private REST API doesn't have a resource policy attached to it";

pub static META: CheckMeta = CheckMeta {
    id: "api-resource-policy",
    title: "The private API has a resource policy",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Checks that the PRIVATE REST API has a resource policy that decodes (API Gateway returns it as an escaped JSON string) to a document with at least one statement.",
    why: "API Gateway refuses to deploy a private API without a resource policy (`Private REST API doesn't have a resource policy attached to it`), and a deployed one without a policy answers every call with 403 Forbidden.",
    fix: "Attach a policy that allows `execute-api:Invoke` from the endpoint with `aws apigateway update-rest-api --patch-operations op=replace,path=/policy,…`, then redeploy the stage: a policy takes effect only after a new deployment.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html",
    ],
    needs: &[api(Source::RestApis)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "no-resource-policy",
        evidence: Evidence::Code,
        seen_in: "API Gateway CreateDeployment / CreateStage (BadRequestException)",
        patterns: &[
            &["doesn't have a resource policy"],
            &["does not have a resource policy"],
            &["resource policy attached"],
        ],
        meaning: "A PRIVATE REST API cannot be deployed until it has a resource policy: without one nobody may invoke it, so API Gateway refuses the deployment. In Terraform and CloudFormation the deployment must depend on the policy: `privpath check --plan tfplan.json` finds a plan that creates the deployment first (plan-deployment-after-policy).",
        ..Symptom::BASE
    },
    Symptom {
        id: "anonymous-not-authorized",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "the API's 403 response body",
        patterns: shared::ANONYMOUS_DENIED,
        meaning: "The resource policy denied the call; a policy that was replaced (or removed) without a new deployment is one way.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-resource-policy",
        evidence: Evidence::Hint,
        seen_in: "any text about a resource policy",
        patterns: &[&["resource policy"], &["resource-based policy"]],
        meaning: "The text is about the API's resource policy; this check reads it.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    if !p.api.is_private() {
        return vec![Finding::skip(
            id,
            format!(
                "API {api} is {}, not PRIVATE: a resource policy is optional",
                p.api.endpoint_types()
            ),
        )
        .resource(api)];
    }
    let vpce = p.endpoint.as_ref().map_or("VPCE_ID", |e| e.id());
    let fix = || attach_commands(api, vpce, "execute-api:/*", "STAGE_NAME");
    match &p.policy {
        PolicyState::Absent => vec![Finding::fail(id, format!("API {api} has no resource policy: deploying it fails with \"{DEPLOY_ERROR}\", and calls get 403 Forbidden"))
            .resource(api)
            .fix(fix())],
        PolicyState::Malformed(why) => vec![Finding::fail(id, format!("the resource policy of API {api} cannot be read: {why}"))
            .resource(api)
            .fix(fix())],
        PolicyState::Present(doc) => {
            let all = statements(doc);
            if all.is_empty() {
                return vec![Finding::fail(id, format!("the resource policy of API {api} has no statements, so it allows nothing"))
                    .resource(api)
                    .fix(fix())];
            }
            let effect = |e: &str| all.iter().filter(|s| s.get("Effect").and_then(Value::as_str) == Some(e)).count();
            vec![Finding::pass(id, format!("API {api} has a resource policy with {} statement(s): {} Allow, {} Deny", all.len(), effect("Allow"), effect("Deny"))).resource(api)]
        }
    }
}
