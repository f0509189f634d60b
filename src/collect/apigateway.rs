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
        security_policy: out.security_policy().map(|v| v.as_str().to_string()),
        endpoint_access_mode: out.endpoint_access_mode().map(|v| v.as_str().to_string()),
        api_status: out.api_status().map(|v| v.as_str().to_string()),
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
            security_policy: a.security_policy().map(|v| v.as_str().to_string()),
            endpoint_access_mode: a.endpoint_access_mode().map(|v| v.as_str().to_string()),
            api_status: a.api_status().map(|v| v.as_str().to_string()),
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
            variables: s
                .variables()
                .map(|v| v.iter().map(|(k, x)| (k.clone(), x.clone())).collect())
                .unwrap_or_default(),
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
                            connection_type: i.connection_type().map(|c| c.as_str().to_string()),
                            connection_id: i.connection_id().map(str::to_string),
                            integration_target: i.integration_target().map(str::to_string),
                            // The SDK reads an absent timeout as 0: the default then.
                            timeout_in_millis: Some(i64::from(i.timeout_in_millis()))
                                .filter(|t| *t > 0),
                            response_transfer_mode: i
                                .response_transfer_mode()
                                .map(|m| m.as_str().to_string()),
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

fn domain_name(d: &aws_sdk_apigateway::types::DomainName) -> m::DomainName {
    m::DomainName {
        domain_name: d.domain_name().unwrap_or_default().to_string(),
        domain_name_id: d.domain_name_id().map(str::to_string),
        domain_name_arn: d.domain_name_arn().map(str::to_string),
        endpoint_configuration: d.endpoint_configuration().map(endpoint_configuration),
        domain_name_status: d.domain_name_status().map(|s| s.as_str().to_string()),
        domain_name_status_message: d.domain_name_status_message().map(str::to_string),
        certificate_arn: d.certificate_arn().map(str::to_string),
        policy: d.policy().map(|p| Value::from(p.to_string())),
        security_policy: d.security_policy().map(|v| v.as_str().to_string()),
        endpoint_access_mode: d.endpoint_access_mode().map(|v| v.as_str().to_string()),
    }
}

/// The custom domain names this account owns (`SELF`) or that others share with it
/// (`OTHER_ACCOUNTS`).
pub async fn domain_names(ctx: &Ctx, others: bool) -> Result<Vec<m::DomainName>, CallError> {
    use aws_sdk_apigateway::types::ResourceOwner;
    let owner = if others {
        ResourceOwner::OtherAccounts
    } else {
        ResourceOwner::SelfValue
    };
    let items: Vec<aws_sdk_apigateway::types::DomainName> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway
            .get_domain_names()
            .resource_owner(owner)
            .limit(500),
        items
    )?;
    Ok(items.iter().map(domain_name).collect())
}

/// One private domain name, with its resource policy (`GetDomainName` by its id).
pub async fn domain(ctx: &Ctx, name: &str, id: &str) -> Result<m::DomainName, CallError> {
    let out = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway
            .get_domain_name()
            .domain_name(name)
            .domain_name_id(id)
            .send()
    )?;
    Ok(m::DomainName {
        domain_name: out.domain_name().unwrap_or(name).to_string(),
        domain_name_id: out
            .domain_name_id()
            .map(str::to_string)
            .or(Some(id.to_string())),
        domain_name_arn: out.domain_name_arn().map(str::to_string),
        endpoint_configuration: out.endpoint_configuration().map(endpoint_configuration),
        domain_name_status: out.domain_name_status().map(|s| s.as_str().to_string()),
        domain_name_status_message: out.domain_name_status_message().map(str::to_string),
        certificate_arn: out.certificate_arn().map(str::to_string),
        policy: out.policy().map(|p| Value::from(p.to_string())),
        security_policy: out.security_policy().map(|v| v.as_str().to_string()),
        endpoint_access_mode: out.endpoint_access_mode().map(|v| v.as_str().to_string()),
    })
}

/// A domain's base path mappings, each marked with the domain it belongs to.
pub async fn base_path_mappings(
    ctx: &Ctx,
    name: &str,
    id: Option<&str>,
) -> Result<Vec<m::BasePathMapping>, CallError> {
    let items: Vec<aws_sdk_apigateway::types::BasePathMapping> = all_pages!(
        ctx,
        "apigateway:GET",
        ctx.apigateway
            .get_base_path_mappings()
            .domain_name(name)
            .set_domain_name_id(id.map(str::to_string))
            .limit(500),
        items
    )?;
    Ok(items
        .iter()
        .map(|b| m::BasePathMapping {
            domain_name: name.to_string(),
            domain_name_id: id.map(str::to_string),
            base_path: b.base_path().unwrap_or("(none)").to_string(),
            rest_api_id: b.rest_api_id().unwrap_or_default().to_string(),
            stage: b.stage().map(str::to_string),
        })
        .collect())
}

/// The domain name access associations this account owns (`SELF`: its endpoints'), or
/// those other accounts made with its domains (`OTHER_ACCOUNTS`).
pub async fn access_associations(
    ctx: &Ctx,
    others: bool,
) -> Result<Vec<m::DomainNameAccessAssociation>, CallError> {
    use aws_sdk_apigateway::types::ResourceOwner;
    let mut out = Vec::new();
    let mut position: Option<String> = None;
    loop {
        let page = logged!(
            ctx,
            "apigateway:GET",
            ctx.apigateway
                .get_domain_name_access_associations()
                .resource_owner(if others {
                    ResourceOwner::OtherAccounts
                } else {
                    ResourceOwner::SelfValue
                })
                .limit(500)
                .set_position(position.clone())
                .send()
        )?;
        out.extend(page.items().iter().map(|a| {
            m::DomainNameAccessAssociation {
                domain_name_access_association_arn: a
                    .domain_name_access_association_arn()
                    .unwrap_or_default()
                    .to_string(),
                domain_name_arn: a.domain_name_arn().unwrap_or_default().to_string(),
                access_association_source_type: a
                    .access_association_source_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                access_association_source: a
                    .access_association_source()
                    .unwrap_or_default()
                    .to_string(),
            }
        }));
        match page.position() {
            Some(p) if !p.is_empty() && Some(p) != position.as_deref() => {
                position = Some(p.to_string())
            }
            _ => break Ok(out),
        }
    }
}

/// A VPC link V1 by id; `None` when API Gateway has no V1 link of that id (it may be a
/// V2 link, which `apigatewayv2` answers).
pub async fn vpc_link(ctx: &Ctx, id: &str) -> Result<Option<m::VpcLink>, CallError> {
    let result = logged!(
        ctx,
        "apigateway:GET",
        ctx.apigateway.get_vpc_link().vpc_link_id(id).send()
    );
    match result {
        Ok(out) => Ok(Some(m::VpcLink {
            id: out.id().unwrap_or(id).to_string(),
            name: out.name().map(str::to_string),
            target_arns: out.target_arns().to_vec(),
            status: out.status().map(|s| s.as_str().to_string()),
            status_message: out.status_message().map(str::to_string),
        })),
        Err(CallError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}
