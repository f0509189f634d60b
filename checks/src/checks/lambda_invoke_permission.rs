//! `lambda-invoke-permission`: the integration's function lets API Gateway invoke it
//! for this API and method.

use crate::api_target::api_arn;
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::policy::decode_document;
use crate::policy_eval::{evaluate, KeyValue, Principal, Request, ResourceSpec, Verdict};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "lambda-invoke-permission",
    title: "The Lambda function lets API Gateway invoke it",
    hop: Hop::Api,
    severity: Severity::High,
    what: "For a method integrated with Lambda (`AWS_PROXY` or `AWS`), evaluates the function's resource policy for `lambda:InvokeFunction` by the service principal `apigateway.amazonaws.com` with `AWS:SourceArn` = this method's ARN (`arn:aws:execute-api:REGION:ACCOUNT:API/STAGE/METHOD/PATH`).",
    why: "Without that permission API Gateway cannot call the function: the client gets 500 Internal Server Error and the execution log says `Invalid permissions on Lambda function`.",
    fix: "`aws lambda add-permission --function-name FUNCTION --statement-id apigateway-invoke --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn arn:aws:execute-api:REGION:ACCOUNT:API/*/METHOD/PATH`.",
    links: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html#apigateway-permissions",
        "https://repost.aws/knowledge-center/api-gateway-rest-api-lambda-integrations",
    ],
    needs: &[api(Source::RestApis), api(Source::Stages), api(Source::Resources), api(Source::FunctionPolicies)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): a client sees only "Internal server
/// error"; the execution log says "Invalid permissions on Lambda function".
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "invalid-permissions",
        evidence: Evidence::Code,
        seen_in: "API Gateway execution log (the client sees 500 Internal server error)",
        patterns: &[
            &["invalid permissions on lambda function"],
            &["lambda invocation failed with status: 403"],
        ],
        meaning: "API Gateway may not invoke the integration's function: its resource-based policy has no statement for apigateway.amazonaws.com with this API's execution ARN (a permission for another API id or stage does not count).",
        ..Symptom::BASE
    },
    Symptom {
        id: "internal-server-error",
        likelihood: Likelihood::Possible,
        seen_in: "the API's 500 response body",
        patterns: shared::INTERNAL_SERVER_ERROR,
        meaning: "API Gateway reached the API and the integration failed; a function API Gateway may not invoke answers exactly this.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-function",
        evidence: Evidence::Hint,
        seen_in: "any text naming a function",
        patterns: &[&["<arn:lambda:function>"], &["add-permission"], &["lambda:invokefunction"]],
        meaning: "The text names a Lambda function or its permissions; this check reads the function's resource-based policy.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    let Some(integration) = p
        .method
        .method()
        .and_then(|m| m.method_integration.as_ref())
    else {
        return vec![
            Finding::skip(id, "no method integration to check (see api-deployed)").resource(api),
        ];
    };
    if let Some(skip) = super::common::load_balancer_skip(id, p) {
        return vec![skip.resource(api)];
    }
    let b = &p.backend;
    let (Some(function_arn), Some(name)) = (b.function_arn.as_deref(), b.function_name.as_deref())
    else {
        let uri = integration.uri.as_deref().unwrap_or("no URI");
        if uri.contains("${stageVariables.") {
            return vec![Finding::unknown(id, format!("the integration names its function through a stage variable ({uri}), which privpath does not resolve")).resource(api)];
        }
        return vec![Finding::skip(
            id,
            format!(
                "the {} integration ({uri}) does not invoke Lambda",
                integration.integration_type
            ),
        )
        .resource(api)];
    };
    let (Some(stage), Some(path), Some(account)) =
        (p.method.stage_name(), p.method.path(), p.api_account())
    else {
        return vec![Finding::skip(
            id,
            "no stage, path or account to build the method ARN from (see api-deployed)",
        )
        .resource(api)];
    };
    let verb = p.method.http_method.as_str();
    let source_arn = format!(
        "{}/{stage}/{verb}{path}",
        api_arn(p.partition(), p.region, account, api)
    );
    let grant_arn = format!(
        "{}/*/{verb}{path}",
        api_arn(p.partition(), p.region, account, api)
    );
    let fix = format!("aws lambda add-permission --function-name {name} --statement-id apigateway-{api}-invoke --action lambda:InvokeFunction --principal apigateway.amazonaws.com --source-arn '{grant_arn}'");
    let Some(record) = b.policy else {
        return vec![Finding::unknown(
            id,
            format!("the resource policy of {name} is not in the snapshot"),
        )
        .resource(name)
        .needs(Source::FunctionPolicies.iam_action())];
    };
    let Some(raw) = &record.policy else {
        return vec![Finding::fail(id, format!("function {name} has no resource policy, so API Gateway may not invoke it: calls get 500 and the log says \"Invalid permissions on Lambda function\""))
            .resources([name, api])
            .fix(fix)];
    };
    let doc = match decode_document(raw) {
        Ok(doc) => doc,
        Err(why) => {
            return vec![Finding::fail(
                id,
                format!("the resource policy of {name} cannot be read: {why}"),
            )
            .resource(name)
            .fix(fix)]
        }
    };
    let request = Request {
        principal: Principal::Service("apigateway.amazonaws.com".into()),
        action: "lambda:InvokeFunction".into(),
        resource: ResourceSpec::Arn {
            arn: function_arn.to_string(),
            shorthand_base: None,
        },
        keys: vec![
            (
                "aws:sourcearn".into(),
                KeyValue::Present(vec![source_arn.clone()]),
            ),
            (
                "aws:sourceaccount".into(),
                KeyValue::Present(vec![account.to_string()]),
            ),
        ],
    };
    let eval = evaluate(&doc, &request);
    match eval.verdict {
        Verdict::Allowed { by } => vec![Finding::pass(id, format!("{by} of {name}'s policy lets apigateway.amazonaws.com invoke it for {source_arn}")).resources([name, api])],
        Verdict::ExplicitDeny { by } => vec![Finding::fail(id, format!("{by} of {name}'s policy denies apigateway.amazonaws.com for {source_arn}: calls get 500 (\"Invalid permissions on Lambda function\")"))
            .resources([name, api])
            .fix(fix)],
        Verdict::ImplicitDeny => {
            let misses = eval.allow_misses();
            vec![Finding::fail(id, format!("no statement of {name}'s policy lets apigateway.amazonaws.com invoke it for {source_arn}: {}; calls get 500 (\"Invalid permissions on Lambda function\")", if misses.is_empty() { "it has no Allow".to_string() } else { misses.join("; ") }))
                .resources([name, api])
                .fix(fix)]
        }
        Verdict::Unknown { reason } => vec![Finding::unknown(id, format!("privpath cannot evaluate {name}'s policy: {reason}")).resources([name, api])],
    }
}
