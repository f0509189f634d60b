//! Lambda reads: the integration's function configuration (never its environment, which
//! often holds secrets) and its resource policy.

use super::calls::{logged, CallError};
use super::Ctx;
use privpath_checks::snapshot as m;

pub async fn function(ctx: &Ctx, name_or_arn: &str) -> Result<m::Function, CallError> {
    let out = logged!(
        ctx,
        "lambda:GetFunctionConfiguration",
        ctx.lambda
            .get_function_configuration()
            .function_name(name_or_arn)
            .send()
    )?;
    Ok(m::Function {
        function_name: out.function_name().unwrap_or(name_or_arn).to_string(),
        function_arn: out.function_arn().unwrap_or_default().to_string(),
        role: out.role().map(str::to_string),
        vpc_config: out.vpc_config().map(|c| m::FunctionVpcConfig {
            subnet_ids: c.subnet_ids().to_vec(),
            security_group_ids: c.security_group_ids().to_vec(),
            vpc_id: c.vpc_id().filter(|v| !v.is_empty()).map(str::to_string),
        }),
        state: out.state().map(|s| s.as_str().to_string()),
        runtime: out.runtime().map(|r| r.as_str().to_string()),
        package_type: out.package_type().map(|p| p.as_str().to_string()),
        timeout: out.timeout().map(i64::from),
    })
}

/// The function's resource policy; a function without one is a record without
/// `Policy` (Lambda answers ResourceNotFoundException).
pub async fn policy(ctx: &Ctx, name: &str) -> Result<m::FunctionPolicy, CallError> {
    let result = logged!(
        ctx,
        "lambda:GetPolicy",
        ctx.lambda.get_policy().function_name(name).send()
    );
    match result {
        Ok(out) => Ok(m::FunctionPolicy {
            function_name: name.to_string(),
            policy: out.policy().map(serde_json::Value::from),
        }),
        Err(CallError::NotFound { .. }) => Ok(m::FunctionPolicy {
            function_name: name.to_string(),
            policy: None,
        }),
        Err(e) => Err(e),
    }
}
