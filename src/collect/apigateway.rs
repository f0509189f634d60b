//! API Gateway reads: the REST API with its endpoint configuration and resource policy.
//! The policy is kept as API Gateway returns it (an escaped JSON string); the checks
//! crate decodes it.

use super::calls::{logged, CallError};
use super::Ctx;
use privpath_checks::snapshot as m;

pub async fn rest_api(ctx: &Ctx, api_id: &str) -> Result<m::RestApi, CallError> {
    let out = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_rest_api().rest_api_id(api_id).send()
    )?;
    Ok(m::RestApi {
        id: out.id().unwrap_or(api_id).to_string(),
        name: out.name().map(str::to_string),
        endpoint_configuration: out
            .endpoint_configuration()
            .map(|c| m::EndpointConfiguration {
                types: c.types().iter().map(|t| t.as_str().to_string()).collect(),
                vpc_endpoint_ids: c.vpc_endpoint_ids().to_vec(),
            }),
        policy: out.policy().map(|p| serde_json::Value::from(p.to_string())),
    })
}
