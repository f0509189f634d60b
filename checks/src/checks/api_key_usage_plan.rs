//! `api-key-usage-plan`: a method that requires an API key is in a usage plan with an
//! enabled key.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::{ApiKey, Source, UsagePlan};
use crate::symptom::{shared, Evidence, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "api-key-usage-plan",
    title: "A usage plan with an enabled key covers the stage",
    hop: Hop::Api,
    severity: Severity::High,
    what: "When the method has `apiKeyRequired`, checks that a usage plan lists this API and stage in its `apiStages` and holds at least one enabled API key. Key values are never read.",
    why: "API Gateway accepts an `x-api-key` only if the key is enabled and belongs to a usage plan that includes the stage; otherwise every call returns 403 Forbidden, whatever the key.",
    fix: "`aws apigateway update-usage-plan --usage-plan-id PLAN --patch-operations op=add,path=/apiStages,value=API:STAGE` and `aws apigateway create-usage-plan-key --usage-plan-id PLAN --key-id KEY --key-type API_KEY`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-usage-plan-create-and-configure.html",
    ],
    needs: &[api(Source::RestApis), api(Source::Stages), api(Source::Resources), api(Source::UsagePlans), api(Source::UsagePlanKeys), api(Source::ApiKeys)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): AWS documents a bare
/// `{"message":"Forbidden"}` (`ForbiddenException`) first for an API key that is
/// missing, wrong or not in a usage plan of the stage; 429s are the plan's throttle
/// and quota.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "key-not-in-usage-plan",
        evidence: Evidence::Code,
        seen_in: "API Gateway execution log, the API's 403",
        patterns: &[
            &["not associated with a usage plan"],
            &["is not in a usage plan"],
            &["invalid api key"],
        ],
        meaning: "The method requires an API key and the key is not in a usage plan that includes this stage (or is disabled): API keys work only through a usage plan.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden-exception",
        seen_in: "the API's 403 response (x-amzn-ErrorType)",
        patterns: &[&["forbiddenexception"]],
        meaning: "ForbiddenException is API Gateway's answer to a missing or invalid API key, or one whose usage plan does not include the stage.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        seen_in: "curl against the API (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "A key-protected method answers Forbidden when the request has no x-api-key header, a wrong or disabled key, or a key whose usage plan does not include the stage.",
        ..Symptom::BASE
    },
    Symptom {
        id: "throttled",
        evidence: Evidence::Code,
        seen_in: "curl against the API (HTTP 429)",
        patterns: &[
            &["too many requests"],
            &["\"message\":\"limit exceeded\""],
            &["http/1.1 429"],
            &["http/2 429"],
            &["toomanyrequestsexception"],
            &["limitexceededexception"],
        ],
        unless: &["lambda invocation failed", "invoke operation"],
        meaning: "API Gateway refused the call before the integration: the usage plan (or the stage or method) throttles it (\"Too Many Requests\": rate or burst) or the key's quota for the period is used up (\"Limit Exceeded\"). The network path and the policy are fine.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-an-api-key",
        evidence: Evidence::Hint,
        seen_in: "any text about API keys",
        patterns: &[&["x-api-key"], &["usage plan"], &["api key"]],
        meaning: "The text is about API keys; this check reads the method's key requirement and the stage's usage plans.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    let (Some(stage), Some(method)) = (p.method.stage_name(), p.method.method()) else {
        return vec![
            Finding::skip(id, "no stage or method to check (see api-deployed)").resource(api),
        ];
    };
    let path = p.method.path().unwrap_or("/");
    let verb = p.method.http_method.as_str();
    if !method.api_key_required {
        return vec![
            Finding::skip(id, format!("{verb} {path} does not require an API key")).resource(api),
        ];
    }
    let records = &p.api_ix.api_records;
    let plans: Vec<&UsagePlan> = records
        .usage_plans(api)
        .iter()
        .copied()
        .filter(|u| {
            u.api_stages
                .iter()
                .any(|s| s.api_id == api && s.stage == stage)
        })
        .collect();
    if plans.is_empty() {
        return vec![Finding::fail(id, format!("{verb} {path} requires an API key, but no usage plan includes {api}/{stage}: every call gets 403 Forbidden, with any key"))
            .resources([api, stage])
            .fix(format!("aws apigateway create-usage-plan --name {api}-{stage} --api-stages apiId={api},stage={stage}\naws apigateway create-usage-plan-key --usage-plan-id PLAN_ID --key-id KEY_ID --key-type API_KEY"))];
    }
    let find_key = |key_id: &str| -> Option<&ApiKey> { records.api_key(key_id) };
    let mut disabled = Vec::new();
    let mut unknown_keys = Vec::new();
    for plan in &plans {
        for pk in records.plan_keys(&plan.id) {
            match find_key(&pk.id) {
                Some(k) if k.enabled => {
                    let name = k
                        .name
                        .as_deref()
                        .map(|n| format!(" ({n})"))
                        .unwrap_or_default();
                    return vec![Finding::pass(id, format!("usage plan {} includes {api}/{stage} and holds enabled key {}{name}; send it as x-api-key", plan.id, k.id))
                        .resources([api, stage, plan.id.as_str(), k.id.as_str()])];
                }
                Some(k) => disabled.push(k.id.as_str()),
                None => unknown_keys.push(pk.id.as_str()),
            }
        }
    }
    let plan_ids: Vec<&str> = plans.iter().map(|u| u.id.as_str()).collect();
    let mut resources = vec![api.to_string(), stage.to_string()];
    resources.extend(plan_ids.iter().map(|s| s.to_string()));
    if !unknown_keys.is_empty() {
        return vec![Finding::unknown(
            id,
            format!(
                "keys {} of usage plan(s) {} are not in the snapshot",
                unknown_keys.join(", "),
                plan_ids.join(", ")
            ),
        )
        .resources(resources)
        .needs(Source::ApiKeys.iam_action())];
    }
    if !disabled.is_empty() {
        return vec![Finding::fail(id, format!("usage plan(s) {} include {api}/{stage} but their keys {} are disabled: calls get 403 Forbidden", plan_ids.join(", "), disabled.join(", ")))
            .resources(resources)
            .fix(format!("aws apigateway update-api-key --api-key {} --patch-operations op=replace,path=/enabled,value=true", disabled[0]))];
    }
    vec![Finding::fail(id, format!("usage plan(s) {} include {api}/{stage} but hold no API key: no x-api-key is accepted", plan_ids.join(", ")))
        .resources(resources)
        .fix(format!("aws apigateway create-api-key --name {api}-client --enabled\naws apigateway create-usage-plan-key --usage-plan-id {} --key-id KEY_ID --key-type API_KEY", plan_ids[0]))]
}
