//! `lambda-timeout-fits`: the function's timeout fits within the integration's: API
//! Gateway waits `timeoutInMillis` (29 s by default) for the function, then answers 504
//! while the function keeps running.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "lambda-timeout-fits",
    title: "The Lambda function's timeout fits the integration's",
    hop: Hop::Backend,
    severity: Severity::Medium,
    what: "Compares the integration function's timeout (`Timeout`, seconds) with the method integration's `timeoutInMillis` (29,000 ms when absent). A function that may run longer than API Gateway waits warns. A streaming integration (`responseTransferMode` `STREAM`, the `…/2021-11-15/functions/ARN/response-streaming-invocations` URI) is bounded by the stream's 15 minutes instead.",
    why: "API Gateway gives up on the integration after its timeout and answers the client 504 with `{\"message\": \"Endpoint request timed out\"}`, while the function keeps running (and may still write to the database): the caller retries, and the work is done twice. Regional and private REST APIs may raise the integration timeout above 29 s after a quota increase; edge-optimized ones cannot.",
    fix: "Either keep the function within the integration's timeout (`aws lambda update-function-configuration --function-name FUNCTION --timeout SECONDS`), or raise the integration's (`aws apigateway update-integration … --patch-operations op=replace,path=/timeoutInMillis,value=MS`, above 29,000 after a Service Quotas increase of \"Maximum integration timeout in milliseconds\", then redeploy the stage), or stream the response.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/api/API_Integration.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-execution-service-limits-table.html",
        "https://aws.amazon.com/about-aws/whats-new/2024/06/amazon-api-gateway-integration-timeout-limit-29-seconds/",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html",
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    ],
    needs: &[api(Source::Resources), api(Source::Functions)],
    symptoms: SYMPTOMS,
};

/// What this check explains (`privpath explain`): the 504 a caller gets when the
/// integration gives up first. The same text is more often a function waiting on a
/// database it cannot reach (`lambda-vpc-to-rds`), so it is only possible here.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "endpoint-request-timed-out",
        likelihood: Likelihood::Possible,
        seen_in: "the API's 504 response body, API Gateway execution log",
        patterns: shared::ENDPOINT_REQUEST_TIMED_OUT,
        meaning: "API Gateway stopped waiting for the integration (29 s by default): a function whose own timeout is longer keeps running after the caller got its 504.",
        ..Symptom::BASE
    },
    Symptom {
        id: "integration-timeout-setting",
        evidence: Evidence::Hint,
        seen_in: "an integration's settings, Terraform, CloudFormation",
        patterns: &[
            &["timeoutinmillis"],
            &["timeout_milliseconds"],
            &["integration timeout"],
            &["29 seconds"],
            &["29000"],
        ],
        meaning: "The text is about the integration's timeout; this check compares it with the function's.",
        ..Symptom::BASE
    },
    Symptom {
        id: "gateway-timeout",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "the client: an HTTP 504",
        patterns: &[&["504 gateway timeout"], &["http/1.1 504"], &["http/2 504"], &["status: 504"]],
        meaning: "A 504 from API Gateway is its integration timing out.",
        ..Symptom::BASE
    },
];

/// API Gateway's integration timeout when `timeoutInMillis` is absent (or 0, as the
/// SDK reads an absent field).
pub const DEFAULT_INTEGRATION_TIMEOUT_MS: i64 = 29_000;

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (name, function) = match super::common::function_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let Some(integration) = p
        .method
        .method()
        .and_then(|m| m.method_integration.as_ref())
    else {
        return vec![Finding::skip(
            id,
            "no method integration to check (see api-deployed)",
        )];
    };
    let Some(seconds) = function.timeout else {
        return vec![
            Finding::unknown(id, format!("the timeout of {name} is not in the snapshot"))
                .resource(name)
                .needs(Source::Functions.iam_action()),
        ];
    };
    let streaming = integration.streams() || crate::backend::invokes_streaming(integration);
    if streaming {
        // https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode.html
        // A stream may last 15 minutes, which bounds any function (900 s at most).
        return vec![Finding::pass(
            id,
            format!("{name} (timeout {seconds} s) streams its response: API Gateway keeps a stream open up to 15 minutes, so the 29 s integration timeout does not cut it"),
        )
        .resource(name)];
    }
    let (millis, default) = match integration.timeout_in_millis.filter(|t| *t > 0) {
        Some(t) => (t, false),
        None => (DEFAULT_INTEGRATION_TIMEOUT_MS, true),
    };
    let waits = format!(
        "{} s (timeoutInMillis {millis}{})",
        fmt_seconds(millis),
        if default { ", the default" } else { "" }
    );
    if seconds.saturating_mul(1000) <= millis {
        return vec![Finding::pass(
            id,
            format!("{name} times out after {seconds} s, within the {waits} API Gateway waits"),
        )
        .resource(name)];
    }
    let api = p.api.id.as_str();
    let resource = p
        .method
        .resource
        .found()
        .map_or("RESOURCE_ID", |r| r.id.as_str());
    let verb = p.method.http_method.as_str();
    let stage = p.method.stage_name().unwrap_or("STAGE");
    // A function timeout a second under the integration's leaves room for the invoke.
    let fits = (millis / 1000 - 1).max(1);
    let wanted = seconds.saturating_mul(1000).min(900_000);
    vec![Finding::warn(
        id,
        format!("{name} may run {seconds} s but API Gateway waits {waits}: past that the caller gets 504 {{\"message\": \"Endpoint request timed out\"}} while the function keeps running"),
    )
    .resources([name, api])
    .fix(format!(
        "aws lambda update-function-configuration --function-name {name} --timeout {fits}  # within the integration's {millis} ms\n\
         # or let API Gateway wait {seconds} s (above 29,000 ms needs a Service Quotas increase of \"Maximum integration timeout in milliseconds\", Regional and private APIs only):\n\
         aws apigateway update-integration --rest-api-id {api} --resource-id {resource} --http-method {verb} --patch-operations op=replace,path=/timeoutInMillis,value={wanted}\n\
         aws apigateway create-deployment --rest-api-id {api} --stage-name {stage}"
    ))]
}

/// Milliseconds as seconds, without a fraction when whole.
fn fmt_seconds(ms: i64) -> String {
    if ms % 1000 == 0 {
        (ms / 1000).to_string()
    } else {
        format!("{:.1}", ms as f64 / 1000.0)
    }
}
