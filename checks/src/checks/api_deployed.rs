//! `api-deployed`: the stage exists and its deployment contains the method.

use crate::api_target::Pick;
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use serde_json::Value;

pub static META: CheckMeta = CheckMeta {
    id: "api-deployed",
    title: "The stage's deployment contains the method",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Finds the stage (`--stage`, else the API's only stage) and the resource with the method (`--path`/`--method`, else the only resource with a POST), then reads the API summary of the stage's deployment: the method must be in it. Warns when the method's API-key or authorization setting differs from what was deployed.",
    why: "Clients call deployments, not the API as edited. A method added (or a resource policy changed) after the last deployment does not exist for callers: the call returns 403 `Missing Authentication Token` (or the old policy's answer) until a new deployment.",
    fix: "`aws apigateway create-deployment --rest-api-id API --stage-name STAGE` after every change to methods, integrations or the resource policy.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-deployments.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Deployment.html",
    ],
    needs: &[api(Source::RestApis), api(Source::Stages), api(Source::Resources), api(Source::Deployments)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "missing-authentication-token",
        evidence: Evidence::Code,
        seen_in: "curl against the API (HTTP 403, MissingAuthenticationTokenException)",
        patterns: shared::MISSING_AUTHENTICATION_TOKEN,
        meaning: "API Gateway has no such method on the deployed stage: a wrong stage or path, a method added after the last deployment, or a URL that does not name the API.",
        ..Symptom::BASE
    },
    Symptom {
        id: "deployment-refused",
        evidence: Evidence::Code,
        seen_in: "API Gateway CreateDeployment, GetStage",
        patterns: &[
            &["no integration defined for method"],
            &["doesn't contain any methods"],
            &["invalid stage identifier specified"],
        ],
        meaning: "The deployment or the stage is not what the client calls: a method without an integration, an API without methods, or a stage that does not exist.",
        ..Symptom::BASE
    },
    Symptom {
        id: "anonymous-not-authorized",
        evidence: Evidence::Code,
        likelihood: Likelihood::Remote,
        seen_in: "the API's 403 response body",
        patterns: shared::ANONYMOUS_DENIED,
        meaning: "A policy fixed but not redeployed still refuses: the stage serves the policy of its last deployment.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-deployment",
        evidence: Evidence::Hint,
        seen_in: "any text about deployments",
        patterns: &[&["deployment"], &["redeploy*"], &["stage"]],
        meaning: "The text is about a deployment or a stage; this check compares the stage's deployment with the method.",
        ..Symptom::BASE
    },
];

fn date(v: &Option<Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => format!("epoch {n}"),
        _ => "an unknown date".to_string(),
    }
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    let method = p.method.http_method.as_str();
    let deploy = |stage: &str| {
        format!("aws apigateway create-deployment --rest-api-id {api} --stage-name {stage}")
    };
    let stage = match &p.method.stage {
        Pick::Found(s) => *s,
        Pick::Missing(why) => {
            return vec![
                Finding::fail(id, format!("{why}: every call gets 403 Forbidden"))
                    .resource(api)
                    .fix(deploy("STAGE_NAME")),
            ]
        }
        Pick::Ambiguous(why) => {
            return vec![Finding::warn(id, why.clone())
                .resource(api)
                .fix(format!("privpath check --api-id {api} --stage STAGE_NAME"))]
        }
        Pick::NotCollected => {
            return vec![
                Finding::unknown(id, "stages not collected").needs(Source::Stages.iam_action())
            ]
        }
    };
    let stage_name = stage.stage_name.as_str();
    let resource = match &p.method.resource {
        Pick::Found(r) => *r,
        Pick::Missing(why) => {
            return vec![Finding::fail(id, why.clone())
                .resource(api)
                .fix(format!("aws apigateway put-method --rest-api-id {api} --resource-id RESOURCE_ID --http-method {method} --authorization-type NONE --api-key-required\n{}", deploy(stage_name)))]
        }
        Pick::Ambiguous(why) => {
            return vec![Finding::warn(id, why.clone()).resource(api).fix(format!("privpath check --api-id {api} --path /RESOURCE_PATH"))]
        }
        Pick::NotCollected => return vec![Finding::unknown(id, "resources not collected").needs(Source::Resources.iam_action())],
    };
    let path = resource.path.as_str();
    let Some(current) = p.method.method() else {
        return vec![Finding::fail(id, format!("resource {path} of API {api} has no {method} method"))
            .resources([api, resource.id.as_str()])
            .fix(format!("aws apigateway put-method --rest-api-id {api} --resource-id {} --http-method {method} --authorization-type NONE\n{}", resource.id, deploy(stage_name)))];
    };
    let Some(deployment_id) = stage.deployment_id.as_deref() else {
        return vec![Finding::fail(
            id,
            format!("stage {stage_name} of API {api} points to no deployment"),
        )
        .resource(api)
        .fix(deploy(stage_name))];
    };
    let resources = [api, stage_name, deployment_id];
    let Some(deployment) = p.api_ix.api_records.deployment(api, deployment_id) else {
        return vec![Finding::unknown(
            id,
            format!("deployment {deployment_id} of stage {stage_name} is not in the snapshot"),
        )
        .resources(resources)
        .needs(Source::Deployments.iam_action())];
    };
    let Some(summary) = &deployment.api_summary else {
        return vec![Finding::unknown(id, format!("deployment {deployment_id} has no API summary in the snapshot (get-deployment --embed apisummary)"))
            .resources(resources)
            .needs(Source::Deployments.iam_action())];
    };
    let created = date(&deployment.created_date);
    let deployed = summary.get(path).and_then(|m| {
        m.get(current.http_method.as_str())
            .or_else(|| m.get(method))
            .or_else(|| m.get("ANY"))
    });
    let Some(deployed) = deployed else {
        return vec![Finding::fail(id, format!("stage {stage_name} runs deployment {deployment_id} (created {created}), which does not contain {method} {path}: the method was added after the last deployment, and calls get 403 \"Missing Authentication Token\""))
            .resources(resources)
            .fix(deploy(stage_name))];
    };
    let mut changed = Vec::new();
    if deployed.api_key_required != current.api_key_required {
        changed.push(format!(
            "apiKeyRequired {} deployed, {} now",
            deployed.api_key_required, current.api_key_required
        ));
    }
    let (was, now) = (
        deployed.authorization_type.as_deref(),
        current.authorization_type.as_deref(),
    );
    if was.is_some() && now.is_some() && was != now {
        changed.push(format!(
            "authorizationType {} deployed, {} now",
            was.unwrap_or("NONE"),
            now.unwrap_or("NONE")
        ));
    }
    if !changed.is_empty() {
        return vec![Finding::warn(id, format!("{method} {path} changed after deployment {deployment_id} (created {created}): {}; callers still get the deployed behaviour", changed.join(", ")))
            .resources(resources)
            .fix(deploy(stage_name))];
    }
    vec![Finding::pass(id, format!("stage {stage_name} runs deployment {deployment_id} (created {created}), which contains {method} {path}; a resource-policy change since then would need a new deployment (AWS does not date policy changes)"))
        .resources(resources)]
}
