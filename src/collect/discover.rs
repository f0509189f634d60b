//! An audit's discovery in one account and region: no ids to start from, so every
//! REST API, VPC endpoint, peering connection, managed node, usage plan and database is
//! listed, and the networks and instances of the VPCs that can hold a path are read.
//! Three waves:
//!
//! 1. the lists: REST APIs, VPC endpoints, peering connections, usage plans, API keys,
//!    DB instances, Systems Manager's managed nodes, and — once per account, shared by
//!    its regions — IAM's roles, instance profiles and customer managed policies
//!    (`GetAccountAuthorizationDetails`);
//! 2. for the audited APIs (PRIVATE, or a policy naming endpoints or VPCs) their stages,
//!    resources and usage plans' keys; for the VPCs that can hold a path (those of
//!    execute-api endpoints, those at either end of a live peering connection, those of
//!    databases) their VPC records, subnets, route tables, security groups, network
//!    ACLs, DNS attributes and instances;
//! 3. the deployments the stages run, and the functions the methods invoke with their
//!    policies.
//!
//! A failed call leaves its array out and is recorded in the scope's `unavailable`, so
//! exactly the checks that need it report `unknown`; credentials that do not work
//! (a role not assumable, a region not enabled) fail the scope, which the audit reports
//! while the other scopes go on.

use super::calls::CallError;
use super::iam::AccountIam;
use super::{
    all_at_once, apigateway, ec2, lambda, rds, settle, settle_all, sorted_unique, ssm,
    CollectError, Ctx,
};
use privpath_checks::backend::{integration_function_arn, split_function_arn};
use privpath_checks::estate::policy_document;
use privpath_checks::path::execute_api_service;
use privpath_checks::policy::restricts_by_vpc;
use privpath_checks::snapshot::{self as m, Scope, Unavailable};
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::OnceCell;

/// EC2 accepts at most 200 values in one filter.
const FILTER_VALUES: usize = 200;

/// One account's IAM records, fetched by the first of its regions to ask and shared
/// with the others. Only a success is kept: a region whose credentials fail does not
/// leave its failure to the account's other regions, which then ask again.
pub type SharedIam = Arc<OnceCell<Arc<AccountIam>>>;

/// Runs an EC2 call filtered by VPC ids in chunks the API accepts, all at once.
async fn by_vpc_chunks<T, F, Fut>(
    ctx: &Ctx,
    vpcs: &[String],
    call: F,
) -> Result<Option<Vec<T>>, CallError>
where
    F: Fn(Ctx, Vec<String>) -> Fut + Copy,
    Fut: std::future::Future<Output = Result<Vec<T>, CallError>> + Send + 'static,
    T: Send + 'static,
{
    if vpcs.is_empty() {
        return Ok(None);
    }
    let chunks: Vec<String> = vpcs.chunks(FILTER_VALUES).map(|c| c.join(",")).collect();
    let results = all_at_once(ctx, &chunks, move |c, joined| {
        call(c, joined.split(',').map(str::to_string).collect())
    })
    .await;
    let mut out = Vec::new();
    for r in results {
        out.extend(r?);
    }
    Ok(Some(out))
}

/// A chunked answer as the snapshot keeps it: `None` when the call failed, empty when
/// there was nothing to ask.
fn empty_if_none<T>(v: Option<Option<Vec<T>>>) -> Option<Vec<T>> {
    v.map(Option::unwrap_or_default)
}

pub async fn discover(
    ctx: &Ctx,
    account: Option<String>,
    iam: SharedIam,
) -> Result<Scope, CollectError> {
    let log = ctx.log.clone();
    let region = ctx.region.clone();
    let mut gaps: Vec<Unavailable> = Vec::new();

    // Wave 1: the lists.
    let w = ctx.at(1);
    let start = Instant::now();
    let (apis, endpoints, peerings, usage_plans, api_keys, db_instances, info, account_iam) = tokio::join!(
        apigateway::rest_apis(&w),
        ec2::all_endpoints(&w),
        ec2::all_peerings(&w),
        apigateway::usage_plans(&w),
        apigateway::api_keys(&w),
        rds::db_instances(&w, None),
        ssm::all_instance_information(&w),
        async {
            iam.get_or_try_init(|| async { super::iam::account_iam(&w).await.map(Arc::new) })
                .await
                .cloned()
        },
    );
    log.wave_done(start.elapsed());
    let apis = settle(apis, "apigateway:GET", &mut gaps)?;
    let endpoints = settle(endpoints, "ec2:DescribeVpcEndpoints", &mut gaps)?;
    let peerings = settle(peerings, "ec2:DescribeVpcPeeringConnections", &mut gaps)?;
    let usage_plans = settle(usage_plans, "apigateway:GET", &mut gaps)?;
    let api_keys = settle(api_keys, "apigateway:GET", &mut gaps)?;
    let db_instances = settle(db_instances, "rds:DescribeDBInstances", &mut gaps)?;
    let info = settle(info, "ssm:DescribeInstanceInformation", &mut gaps)?;
    // One IAM call serves every IAM array; a denied one leaves them all out.
    let account_iam = settle(account_iam, "iam:GetAccountAuthorizationDetails", &mut gaps)?;
    if account_iam.is_none() {
        for action in [
            "iam:GetInstanceProfile",
            "iam:ListAttachedRolePolicies",
            "iam:GetPolicyVersion",
        ] {
            if let Some(g) = gaps
                .iter()
                .find(|g| g.action == "iam:GetAccountAuthorizationDetails")
                .cloned()
            {
                gaps.push(Unavailable {
                    action: action.to_string(),
                    error: g.error,
                });
            }
        }
    }

    // Wave 2: what the audited APIs have, and the VPCs that can hold a path.
    let audited: Vec<String> = apis
        .iter()
        .flatten()
        .filter(|a| a.is_private() || policy_document(a).is_some_and(|d| restricts_by_vpc(&d)))
        .map(|a| a.id.clone())
        .collect();
    let service = execute_api_service(&region);
    let here = |info: &m::PeeringVpcInfo| {
        info.region.as_deref().is_none_or(|r| r == region)
            && match (info.owner_id.as_deref(), account.as_deref()) {
                (Some(o), Some(a)) => o == a,
                _ => true,
            }
    };
    let vpcs = sorted_unique(
        endpoints
            .iter()
            .flatten()
            .filter(|e| e.service_name == service)
            .map(|e| e.vpc_id.clone())
            .chain(
                peerings
                    .iter()
                    .flatten()
                    .filter(|p| privpath_checks::path::peering_alive(p))
                    .flat_map(|p| [&p.requester_vpc_info, &p.accepter_vpc_info])
                    .flatten()
                    .filter(|i| here(i))
                    .filter_map(|i| i.vpc_id.clone()),
            )
            .chain(
                db_instances
                    .iter()
                    .flatten()
                    .filter_map(|d| d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone())),
            ),
    );
    let plans_of_audited: Vec<String> = usage_plans
        .iter()
        .flatten()
        .filter(|u| u.api_stages.iter().any(|s| audited.contains(&s.api_id)))
        .map(|u| u.id.clone())
        .collect();
    let w = ctx.at(2);
    let start = Instant::now();
    let (
        stages,
        resources,
        plan_keys,
        vpc_records,
        subnets,
        route_tables,
        security_groups,
        network_acls,
        instances,
        attributes,
    ) = tokio::join!(
        all_at_once(&w, &audited, |c, api| async move {
            apigateway::stages(&c, &api).await
        }),
        all_at_once(&w, &audited, |c, api| async move {
            apigateway::resources(&c, &api).await
        }),
        all_at_once(&w, &plans_of_audited, |c, plan| async move {
            apigateway::usage_plan_keys(&c, &plan).await
        }),
        by_vpc_chunks(&w, &vpcs, |c, v| async move { ec2::vpcs(&c, &v).await }),
        by_vpc_chunks(&w, &vpcs, |c, v| async move { ec2::subnets(&c, &v).await }),
        by_vpc_chunks(
            &w,
            &vpcs,
            |c, v| async move { ec2::route_tables(&c, &v).await }
        ),
        by_vpc_chunks(&w, &vpcs, |c, v| async move {
            ec2::security_groups(&c, &v).await
        }),
        by_vpc_chunks(
            &w,
            &vpcs,
            |c, v| async move { ec2::network_acls(&c, &v).await }
        ),
        by_vpc_chunks(&w, &vpcs, |c, v| async move {
            ec2::instances_in_vpcs(&c, &v).await
        }),
        all_at_once(&w, &vpcs, |c, vpc| async move {
            ec2::vpc_dns_attributes(&c, &vpc).await
        }),
    );
    log.wave_done(start.elapsed());
    let stages = settle_all(stages, "apigateway:GET", &mut gaps)?.map(|s| s.concat());
    let resources = settle_all(resources, "apigateway:GET", &mut gaps)?.map(|r| r.concat());
    let usage_plan_keys = settle_all(plan_keys, "apigateway:GET", &mut gaps)?.map(|k| k.concat());
    let vpc_records = empty_if_none(settle(vpc_records, "ec2:DescribeVpcs", &mut gaps)?);
    let subnets = empty_if_none(settle(subnets, "ec2:DescribeSubnets", &mut gaps)?);
    let route_tables = empty_if_none(settle(route_tables, "ec2:DescribeRouteTables", &mut gaps)?);
    let security_groups = empty_if_none(settle(
        security_groups,
        "ec2:DescribeSecurityGroups",
        &mut gaps,
    )?);
    let network_acls = empty_if_none(settle(network_acls, "ec2:DescribeNetworkAcls", &mut gaps)?);
    let instances = empty_if_none(settle(instances, "ec2:DescribeInstances", &mut gaps)?);
    let vpc_attributes = settle_all(attributes, "ec2:DescribeVpcAttribute", &mut gaps)?;

    // Wave 3: the deployments the stages run, the functions the methods invoke.
    let deployments_wanted: Vec<String> = stages
        .iter()
        .flatten()
        .filter_map(|s| {
            Some(format!(
                "{}\n{}",
                s.rest_api_id.as_deref()?,
                s.deployment_id.as_deref()?
            ))
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let functions_wanted = sorted_unique(
        resources
            .iter()
            .flatten()
            .flat_map(|r| r.resource_methods.values())
            .filter_map(|m| m.method_integration.as_ref())
            .filter_map(integration_function_arn)
            .map(str::to_string),
    );
    let function_names: Vec<String> = functions_wanted
        .iter()
        .filter_map(|arn| split_function_arn(arn).map(|(_, n)| n.to_string()))
        .collect();
    let mut deployments = Some(Vec::new());
    let mut functions = Some(Vec::new());
    let mut function_policies = Some(Vec::new());
    if !deployments_wanted.is_empty() || !functions_wanted.is_empty() {
        let w = ctx.at(3);
        let start = Instant::now();
        let (d, f, p) = tokio::join!(
            all_at_once(&w, &deployments_wanted, |c, key| async move {
                let (api, id) = key.split_once('\n').unwrap_or((&key, ""));
                apigateway::deployment(&c, api, id).await
            }),
            all_at_once(&w, &functions_wanted, |c, arn| async move {
                lambda::function(&c, &arn).await
            }),
            all_at_once(&w, &function_names, |c, name| async move {
                lambda::policy(&c, &name).await
            }),
        );
        log.wave_done(start.elapsed());
        deployments = settle_all(d, "apigateway:GET", &mut gaps)?;
        functions = settle_all(f, "lambda:GetFunctionConfiguration", &mut gaps)?;
        function_policies = settle_all(p, "lambda:GetPolicy", &mut gaps)?;
    }

    let (roles, profiles, policies) = match account_iam {
        Some(iam) => (
            Some(iam.roles.clone()),
            Some(iam.profiles.clone()),
            Some(iam.policies.clone()),
        ),
        None => (None, None, None),
    };
    Ok(Scope {
        account,
        region,
        vpcs: vpc_records,
        subnets,
        route_tables,
        security_groups,
        network_acls,
        vpc_peering_connections: peerings,
        vpc_endpoints: endpoints,
        instances,
        instance_information_list: info,
        instance_profiles: profiles,
        role_detail_list: roles,
        rest_apis: apis,
        vpc_attributes,
        policies,
        stages,
        resources,
        deployments,
        usage_plans,
        usage_plan_keys,
        api_keys,
        functions,
        function_policies,
        db_instances,
        unavailable: gaps,
        // Custom domain names are not discovered (yet): audited paths use the
        // execute-api names, and the domain checks skip on them.
        ..Scope::default()
    })
}
