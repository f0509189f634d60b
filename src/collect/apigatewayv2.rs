//! API Gateway V2 reads: a VPC link V2 (the kind a REST API's private integration may
//! use since November 2025), by id. API Gateway authorizes it as `apigateway:GET` on
//! `/vpclinks/ID`, as it does a V1 link.

use super::calls::{logged, CallError};
use super::Ctx;
use privpath_checks::snapshot as m;

/// A VPC link V2 by id; `None` when there is no V2 link of that id (it may be a V1
/// link).
pub async fn vpc_link(ctx: &Ctx, id: &str) -> Result<Option<m::VpcLinkV2>, CallError> {
    let result = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigatewayv2.get_vpc_link().vpc_link_id(id).send()
    );
    match result {
        Ok(out) => Ok(Some(m::VpcLinkV2 {
            vpc_link_id: out.vpc_link_id().unwrap_or(id).to_string(),
            name: out.name().map(str::to_string),
            security_group_ids: out.security_group_ids().to_vec(),
            subnet_ids: out.subnet_ids().to_vec(),
            vpc_link_status: out.vpc_link_status().map(|s| s.as_str().to_string()),
            vpc_link_status_message: out.vpc_link_status_message().map(str::to_string),
            vpc_link_version: out.vpc_link_version().map(|v| v.as_str().to_string()),
        })),
        Err(CallError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
