//! API Gateway reads: the REST API with its endpoint configuration and resource policy,
//! its stages, resources with their methods, the deployment a stage runs (with its API
//! summary), usage plans, their keys and the keys' enabled flags. The policy is kept as
//! API Gateway returns it (an escaped JSON string); the checks crate decodes it. Key
//! values are never requested (`includeValues` stays off) and never kept.

use super::calls::{all_pages, logged, CallError};
use super::Ctx;
use aws_smithy_types::date_time::Format;
use aws_smithy_types::DateTime;
use privpath_checks::snapshot as m;
use serde_json::Value;
use std::collections::BTreeMap;

fn date(d: Option<&DateTime>) -> Option<Value> {
    d.and_then(|d| d.fmt(Format::DateTime).ok())
        .map(Value::from)
}

fn endpoint_configuration(
    c: &aws_sdk_apigateway::types::EndpointConfiguration,
) -> m::EndpointConfiguration {
    m::EndpointConfiguration {
        types: c.types().iter().map(|t| t.as_str().to_string()).collect(),
        vpc_endpoint_ids: c.vpc_endpoint_ids().to_vec(),
    }
}

pub async fn rest_api(ctx: &Ctx, api_id: &str) -> Result<m::RestApi, CallError> {
    let out = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_rest_api().rest_api_id(api_id).send()
    )?;
    Ok(m::RestApi {
        id: out.id().unwrap_or(api_id).to_string(),
        name: out.name().map(str::to_string),
        endpoint_configuration: out.endpoint_configuration().map(endpoint_configuration),
        policy: out.policy().map(|p| serde_json::Value::from(p.to_string())),
    })
}

/// Every REST API of the account and region (an audit's discovery).
pub async fn rest_apis(ctx: &Ctx) -> Result<Vec<m::RestApi>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::RestApi> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_rest_apis().limit(500),
        items
    )?;
    Ok(items
        .iter()
        .map(|a| m::RestApi {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().map(str::to_string),
            endpoint_configuration: a.endpoint_configuration().map(endpoint_configuration),
            policy: a.policy().map(|p| serde_json::Value::from(p.to_string())),
        })
        .collect())
}

pub async fn stages(ctx: &Ctx, api_id: &str) -> Result<Vec<m::Stage>, CallError> {
    let out = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_stages().rest_api_id(api_id).send()
    )?;
    Ok(out
        .item()
        .iter()
        .map(|s| m::Stage {
            stage_name: s.stage_name().unwrap_or_default().to_string(),
            deployment_id: s.deployment_id().map(str::to_string),
            rest_api_id: Some(api_id.to_string()),
            created_date: date(s.created_date()),
            last_updated_date: date(s.last_updated_date()),
        })
        .collect())
}

pub async fn resources(ctx: &Ctx, api_id: &str) -> Result<Vec<m::ApiResource>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::Resource> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway
            .get_resources()
            .rest_api_id(api_id)
            .embed("methods"),
        items
    )?;
    Ok(items
        .iter()
        .map(|r| m::ApiResource {
            id: r.id().unwrap_or_default().to_string(),
            path: r.path().unwrap_or_default().to_string(),
            rest_api_id: Some(api_id.to_string()),
            resource_methods: r
                .resource_methods()
                .into_iter()
                .flatten()
                .map(|(verb, method)| {
                    let record = m::Method {
                        http_method: method.http_method().unwrap_or(verb).to_string(),
                        authorization_type: method.authorization_type().map(str::to_string),
                        api_key_required: method.api_key_required().unwrap_or(false),
                        method_integration: method.method_integration().map(|i| m::Integration {
                            integration_type: i
                                .r#type()
                                .map(|t| t.as_str().to_string())
                                .unwrap_or_default(),
                            uri: i.uri().map(str::to_string),
                            http_method: i.http_method().map(str::to_string),
                        }),
                    };
                    (verb.clone(), record)
                })
                .collect(),
        })
        .collect())
}

pub async fn deployment(ctx: &Ctx, api_id: &str, id: &str) -> Result<m::Deployment, CallError> {
    let out = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway
            .get_deployment()
            .rest_api_id(api_id)
            .deployment_id(id)
            .embed("apisummary")
            .send()
    )?;
    let summary = out.api_summary().map(|paths| {
        paths
            .iter()
            .map(|(path, methods)| {
                let methods: BTreeMap<String, m::MethodSnapshot> = methods
                    .iter()
                    .map(|(verb, s)| {
                        (
                            verb.clone(),
                            m::MethodSnapshot {
                                authorization_type: s.authorization_type().map(str::to_string),
                                api_key_required: s.api_key_required(),
                            },
                        )
                    })
                    .collect();
                (path.clone(), methods)
            })
            .collect()
    });
    Ok(m::Deployment {
        id: out.id().unwrap_or(id).to_string(),
        rest_api_id: Some(api_id.to_string()),
        created_date: date(out.created_date()),
        api_summary: summary,
    })
}

pub async fn usage_plans(ctx: &Ctx) -> Result<Vec<m::UsagePlan>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::UsagePlan> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_usage_plans(),
        items
    )?;
    Ok(items
        .iter()
        .map(|u| m::UsagePlan {
            id: u.id().unwrap_or_default().to_string(),
            name: u.name().map(str::to_string),
            api_stages: u
                .api_stages()
                .iter()
                .map(|s| m::ApiStage {
                    api_id: s.api_id().unwrap_or_default().to_string(),
                    stage: s.stage().unwrap_or_default().to_string(),
                })
                .collect(),
        })
        .collect())
}

pub async fn usage_plan_keys(ctx: &Ctx, plan: &str) -> Result<Vec<m::UsagePlanKey>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::UsagePlanKey> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_usage_plan_keys().usage_plan_id(plan),
        items
    )?;
    // The response carries each key's value; only id, type and name are kept.
    Ok(items
        .iter()
        .map(|k| m::UsagePlanKey {
            id: k.id().unwrap_or_default().to_string(),
            usage_plan_id: plan.to_string(),
            key_type: k.r#type().map(str::to_string),
            name: k.name().map(str::to_string),
        })
        .collect())
}

pub async fn api_keys(ctx: &Ctx) -> Result<Vec<m::ApiKey>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::ApiKey> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_api_keys().include_values(false),
        items
    )?;
    Ok(items
        .iter()
        .map(|k| m::ApiKey {
            id: k.id().unwrap_or_default().to_string(),
            name: k.name().map(str::to_string),
            enabled: k.enabled(),
        })
        .collect())
}
