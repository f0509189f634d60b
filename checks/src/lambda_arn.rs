//! Lambda function names out of ARNs and integration URIs: a leaf, so that the index
//! (which keys functions by name) and the backend (which resolves over the index) share
//! it without importing each other.

use crate::snapshot::Integration;

/// The function an `AWS_PROXY`/`AWS` integration URI names: the classic
/// `arn:aws:apigateway:R:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`, or
/// the response-streaming one (InvokeWithResponseStream),
/// `…:lambda:path/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations`
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
pub fn integration_function_arn(integration: &Integration) -> Option<&str> {
    let uri = integration.uri.as_deref()?;
    let (_, rest) = uri.split_once(":lambda:path/")?;
    let (_, rest) = rest.split_once("/functions/")?;
    rest.strip_suffix("/response-streaming-invocations")
        .or_else(|| rest.strip_suffix("/invocations"))
}

/// Whether the integration invokes its function with response streaming (the
/// `response-streaming-invocations` URI).
pub fn invokes_streaming(integration: &Integration) -> bool {
    integration
        .uri
        .as_deref()
        .is_some_and(|u| u.ends_with("/response-streaming-invocations"))
}

/// `arn:aws:lambda:R:ACCOUNT:function:NAME[:QUALIFIER]` → (unqualified ARN, name).
pub fn split_function_arn(arn: &str) -> Option<(String, &str)> {
    let (head, rest) = arn.split_once(":function:")?;
    let name = rest.split(':').next().filter(|n| !n.is_empty())?;
    Some((format!("{head}:function:{name}"), name))
}
