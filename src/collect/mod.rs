//! Live collection: from an API id and an instance id to a [`Snapshot`], one collector
//! module per AWS service. Requests go out in waves — everything that does not depend
//! on an earlier answer is sent at once — so the run takes about
//! `waves × round-trip latency`:
//!
//! 1. what the ids name: the instance, its SSM record, the REST API with its stages,
//!    resources (with methods), usage plans and API keys; the DB instances;
//! 2. what those point to: VPC endpoints (the client VPC's, and those the API names),
//!    peering connections of the client VPC, the instance profile, the stage's
//!    deployment, the keys of the API's usage plans, the integration's Lambda function
//!    and its resource policy;
//! 3. the networks on the path — VPCs, subnets, route tables, security groups and
//!    network ACLs of the client, endpoint, function and DB VPCs, and the DNS attributes
//!    of the client and endpoint VPCs — and the attached and inline policy names of the
//!    instance role and the function role;
//! 4. inline policy documents, and the default version of attached policies privpath
//!    does not know by ARN (only when there are any);
//! 5. those versions' documents (only after 4 asked for any).
//!
//! A failed call leaves its array out of the snapshot and is recorded in `unavailable`,
//! so exactly the checks that needed it report `unknown`; only failures that doom every
//! call (no credentials, endpoint unreachable) or leave no target to check stop the run.

pub mod apigateway;
pub mod calls;
pub mod ec2;
pub mod iam;
pub mod lambda;
pub mod rds;
pub mod ssm;

use aws_types::SdkConfig;
use calls::{CallError, CallLog};
use privpath_checks::api_target::MethodTarget;
use privpath_checks::backend::{integration_function_arn, split_function_arn};
use privpath_checks::known_policies;
use privpath_checks::path::execute_api_service;
use privpath_checks::policy;
use privpath_checks::snapshot::{self as m, Snapshot, Unavailable, FORMAT_VERSION};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Every IAM action a live run may need; `privpath iam-policy` grants exactly these.
pub const ACTIONS: &[&str] = &[
    "apigateway:GET",
    "ec2:DescribeInstances",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeVpcAttribute",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpcs",
    "iam:GetInstanceProfile",
    "iam:GetPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "lambda:GetFunctionConfiguration",
    "lambda:GetPolicy",
    "rds:DescribeDBInstances",
    "ssm:DescribeInstanceInformation",
];

/// The SDK clients and the call log, with the wave the next requests belong to.
#[derive(Clone)]
pub struct Ctx {
    pub ec2: aws_sdk_ec2::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub iam: aws_sdk_iam::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub rds: aws_sdk_rds::Client,
    pub log: Arc<CallLog>,
    pub wave: usize,
}

impl Ctx {
    pub fn new(config: &SdkConfig) -> Ctx {
        Ctx {
            ec2: aws_sdk_ec2::Client::new(config),
            ssm: aws_sdk_ssm::Client::new(config),
            apigateway: aws_sdk_apigateway::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            lambda: aws_sdk_lambda::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            log: Arc::new(CallLog::default()),
            wave: 0,
        }
    }

    fn at(&self, wave: usize) -> Ctx {
        Ctx {
            wave,
            ..self.clone()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{0}")]
    Global(CallError),
    #[error("instance {id} does not exist in {region} (or is not visible to these credentials)")]
    InstanceNotFound { id: String, region: String },
    #[error("REST API {id} does not exist in {region}: {detail}")]
    ApiNotFound {
        id: String,
        region: String,
        detail: String,
    },
    #[error("cannot read {what} ({action}): {error}")]
    Required {
        what: &'static str,
        action: &'static str,
        error: CallError,
    },
}

/// Sorts a call's outcome: data, a recorded gap, or a reason to stop.
fn settle<T>(
    result: Result<T, CallError>,
    action: &str,
    gaps: &mut Vec<Unavailable>,
) -> Result<Option<T>, CollectError> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_global() => Err(CollectError::Global(e)),
        Err(e) => {
            if !gaps.iter().any(|g| g.action == action) {
                gaps.push(Unavailable {
                    action: action.to_string(),
                    error: e.to_string(),
                });
            }
            Ok(None)
        }
    }
}

fn now_rfc3339() -> String {
    aws_smithy_types::DateTime::from(SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

fn merge_endpoints(lists: impl IntoIterator<Item = Vec<m::VpcEndpoint>>) -> Vec<m::VpcEndpoint> {
    let mut out: Vec<m::VpcEndpoint> = Vec::new();
    for e in lists.into_iter().flatten() {
        if !out.iter().any(|x| x.vpc_endpoint_id == e.vpc_endpoint_id) {
            out.push(e);
        }
    }
    out
}

fn merge_peerings(
    mut a: Vec<m::VpcPeeringConnection>,
    b: Vec<m::VpcPeeringConnection>,
) -> Vec<m::VpcPeeringConnection> {
    for p in b {
        if !a
            .iter()
            .any(|x| x.vpc_peering_connection_id == p.vpc_peering_connection_id)
        {
            a.push(p);
        }
    }
    a
}

/// What to collect: the ids given on the command line.
pub struct Wanted<'a> {
    pub api_id: &'a str,
    pub instance_id: &'a str,
    pub stage: Option<&'a str>,
    pub http_method: Option<&'a str>,
    pub resource_path: Option<&'a str>,
    pub db_instance_id: Option<&'a str>,
}

/// Runs `call` for every item at once and returns the results in the items' order.
async fn all_at_once<T, F, Fut>(ctx: &Ctx, items: &[String], call: F) -> Vec<Result<T, CallError>>
where
    F: Fn(Ctx, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for (i, item) in items.iter().enumerate() {
        let fut = call(ctx.clone(), item.clone());
        set.spawn(async move { (i, fut.await) });
    }
    let mut results = Vec::with_capacity(items.len());
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            // A panicked task is a bug here; report the call as failed, not the run.
            Err(e) => results.push((
                usize::MAX,
                Err(CallError::Malformed(format!("collector task failed: {e}"))),
            )),
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// Many results for one array: all of them, or `None` (with the gap recorded) when any
/// call failed.
fn settle_all<T>(
    results: Vec<Result<T, CallError>>,
    action: &str,
    gaps: &mut Vec<Unavailable>,
) -> Result<Option<Vec<T>>, CollectError> {
    let mut out = Vec::with_capacity(results.len());
    for r in results {
        match settle(r, action, gaps)? {
            Some(v) => out.push(v),
            None => return Ok(None),
        }
    }
    Ok(Some(out))
}

fn sorted_unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// A role's policies as collected: attached list and inline names (wave 3), inline
/// documents (wave 4).
struct RolePolicies {
    name: String,
    arn: Option<String>,
    attached: Option<Vec<m::AttachedPolicy>>,
    inline_names: Vec<String>,
    inline: Vec<m::InlinePolicy>,
}

pub async fn collect(ctx: &Ctx, region: &str, want: &Wanted<'_>) -> Result<Snapshot, CollectError> {
    let mut gaps: Vec<Unavailable> = Vec::new();
    let (api_id, instance_id) = (want.api_id, want.instance_id);

    // Wave 1: what the ids name.
    let w = ctx.at(1);
    let start = Instant::now();
    let (instance, api, info, stages, resources, usage_plans, api_keys, db_instances) = tokio::join!(
        ec2::instance(&w, instance_id),
        apigateway::rest_api(&w, api_id),
        ssm::instance_information(&w, instance_id),
        apigateway::stages(&w, api_id),
        apigateway::resources(&w, api_id),
        apigateway::usage_plans(&w),
        apigateway::api_keys(&w),
        rds::db_instances(&w, want.db_instance_id),
    );
    ctx.log.wave_done(start.elapsed());
    let (instance, account) = match instance {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(CollectError::InstanceNotFound {
                id: instance_id.to_string(),
                region: region.to_string(),
            })
        }
        Err(e) if e.is_global() => return Err(CollectError::Global(e)),
        Err(error) => {
            return Err(CollectError::Required {
                what: "the client instance",
                action: "ec2:DescribeInstances",
                error,
            })
        }
    };
    let api = match api {
        Ok(api) => api,
        Err(e) if e.is_global() => return Err(CollectError::Global(e)),
        Err(CallError::NotFound { message, .. }) => {
            return Err(CollectError::ApiNotFound {
                id: api_id.to_string(),
                region: region.to_string(),
                detail: message,
            })
        }
        Err(error) => {
            return Err(CollectError::Required {
                what: "the REST API",
                action: "apigateway:GET",
                error,
            })
        }
    };
    let info = settle(info, "ssm:DescribeInstanceInformation", &mut gaps)?;
    let stages = settle(stages, "apigateway:GET", &mut gaps)?;
    let resources = settle(resources, "apigateway:GET", &mut gaps)?;
    let usage_plans = settle(usage_plans, "apigateway:GET", &mut gaps)?;
    let api_keys = settle(api_keys, "apigateway:GET", &mut gaps)?;
    let db_instances = settle(db_instances, "rds:DescribeDBInstances", &mut gaps)?;

    // Wave 2: what the instance and the API point to.
    let client_vpc = instance.vpc_id.clone();
    let (policy_vpces, policy_vpcs) = match api.policy.as_ref().map(policy::decode_document) {
        Some(Ok(doc)) => {
            let ids = |key| -> Vec<String> {
                policy::allowed_literal_values(&doc, key)
                    .into_iter()
                    .map(str::to_string)
                    .collect()
            };
            (ids("aws:SourceVpce"), ids("aws:SourceVpc"))
        }
        _ => (Vec::new(), Vec::new()),
    };
    let endpoint_ids = sorted_unique(
        api.associated_endpoint_ids()
            .iter()
            .cloned()
            .chain(policy_vpces),
    );
    let endpoint_vpcs = sorted_unique(client_vpc.iter().cloned().chain(policy_vpcs));
    let profile = instance
        .iam_instance_profile
        .as_ref()
        .and_then(|p| iam::profile_name(&p.arn))
        .map(str::to_string);
    let service = execute_api_service(region);
    // The method, stage and function the checks will look at, chosen by the same
    // rules the checks use.
    let partial = Snapshot {
        stages: stages.clone(),
        resources: resources.clone(),
        ..Snapshot::default()
    };
    let method = MethodTarget::resolve(
        &partial,
        &api,
        want.stage,
        want.http_method,
        want.resource_path,
    );
    let deployment_ids: Vec<String> = method
        .stage
        .found()
        .and_then(|s| s.deployment_id.clone())
        .into_iter()
        .collect();
    let function_arn = method
        .method()
        .and_then(|m| m.method_integration.as_ref())
        .and_then(integration_function_arn)
        .map(str::to_string);
    let plans_of_api: Vec<String> = usage_plans
        .iter()
        .flatten()
        .filter(|u| u.api_stages.iter().any(|s| s.api_id == api.id))
        .map(|u| u.id.clone())
        .collect();

    let w = ctx.at(2);
    let start = Instant::now();
    let (
        in_vpcs,
        named,
        requested,
        accepted,
        profile_record,
        deployments,
        plan_keys,
        function,
        function_policy,
    ) = tokio::join!(
        async {
            if endpoint_vpcs.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::endpoints(&w, "vpc-id", &endpoint_vpcs).await
            }
        },
        async {
            // Endpoints the API names; with none named, every execute-api endpoint, one of
            // which may still carry the request if the policy admits it.
            if !endpoint_ids.is_empty() {
                ec2::endpoints(&w, "vpc-endpoint-id", &endpoint_ids).await
            } else if endpoint_vpcs.len() <= client_vpc.iter().count() {
                ec2::endpoints(&w, "service-name", std::slice::from_ref(&service)).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            match &client_vpc {
                Some(v) => ec2::peerings(&w, "requester-vpc-info.vpc-id", v).await,
                None => Ok(Vec::new()),
            }
        },
        async {
            match &client_vpc {
                Some(v) => ec2::peerings(&w, "accepter-vpc-info.vpc-id", v).await,
                None => Ok(Vec::new()),
            }
        },
        async {
            match &profile {
                Some(name) => iam::instance_profile(&w, name).await.map(Some),
                None => Ok(None),
            }
        },
        all_at_once(&w, &deployment_ids, |c, id| {
            let api = api_id.to_string();
            async move { apigateway::deployment(&c, &api, &id).await }
        }),
        all_at_once(&w, &plans_of_api, |c, plan| async move {
            apigateway::usage_plan_keys(&c, &plan).await
        }),
        async {
            match &function_arn {
                Some(f) => lambda::function(&w, f).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match function_arn.as_deref().and_then(split_function_arn) {
                Some((_, name)) => lambda::policy(&w, name).await.map(Some),
                None => Ok(None),
            }
        },
    );
    ctx.log.wave_done(start.elapsed());
    let endpoints = settle(
        in_vpcs.and_then(|a| named.map(|b| merge_endpoints([a, b]))),
        "ec2:DescribeVpcEndpoints",
        &mut gaps,
    )?;
    let peerings = settle(
        requested.and_then(|a| accepted.map(|b| merge_peerings(a, b))),
        "ec2:DescribeVpcPeeringConnections",
        &mut gaps,
    )?;
    let profile_record = settle(profile_record, "iam:GetInstanceProfile", &mut gaps)?;
    let deployments = settle_all(deployments, "apigateway:GET", &mut gaps)?;
    let usage_plan_keys = settle_all(plan_keys, "apigateway:GET", &mut gaps)?.map(|k| k.concat());
    let function = settle(function, "lambda:GetFunctionConfiguration", &mut gaps)?;
    let function_policy = settle(function_policy, "lambda:GetPolicy", &mut gaps)?;

    // Wave 3: the networks on the path and the roles' policies.
    let function_record = function.as_ref().and_then(|f| f.as_ref());
    let function_vpc = function_record.and_then(|f| f.vpc_id()).map(str::to_string);
    let db_vpcs: Vec<String> = db_instances
        .iter()
        .flatten()
        .filter_map(|d| d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone()))
        .filter(|v| want.db_instance_id.is_some() || Some(v) == function_vpc.as_ref())
        .collect();
    let endpoint_vpc_ids: Vec<String> = endpoints
        .iter()
        .flatten()
        .filter(|e| e.service_name == service)
        .map(|e| e.vpc_id.clone())
        .collect();
    let dns_vpcs = sorted_unique(
        client_vpc
            .iter()
            .cloned()
            .chain(endpoint_vpc_ids.iter().cloned()),
    );
    let vpcs = sorted_unique(
        dns_vpcs
            .iter()
            .cloned()
            .chain(function_vpc.clone())
            .chain(db_vpcs),
    );
    let instance_role = profile_record
        .as_ref()
        .and_then(|p| p.as_ref())
        .and_then(|p| p.roles.first())
        .map(|r| (r.role_name.clone(), r.arn.clone()));
    let function_role = function_record
        .and_then(|f| f.role.as_deref())
        .and_then(|arn| {
            arn.rsplit('/')
                .next()
                .map(|n| (n.to_string(), Some(arn.to_string())))
        });
    let roles: Vec<(String, Option<String>)> =
        instance_role
            .into_iter()
            .chain(function_role)
            .fold(Vec::new(), |mut acc, r| {
                if !acc.iter().any(|(n, _)| *n == r.0) {
                    acc.push(r);
                }
                acc
            });
    let role_names: Vec<String> = roles.iter().map(|(n, _)| n.clone()).collect();
    let w = ctx.at(3);
    let start = Instant::now();
    let have_vpcs = !vpcs.is_empty();
    let (
        vpc_records,
        subnets,
        route_tables,
        security_groups,
        network_acls,
        vpc_attributes,
        attached,
        inline_names,
    ) = tokio::join!(
        async {
            if have_vpcs {
                ec2::vpcs(&w, &vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have_vpcs {
                ec2::subnets(&w, &vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have_vpcs {
                ec2::route_tables(&w, &vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have_vpcs {
                ec2::security_groups(&w, &vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have_vpcs {
                ec2::network_acls(&w, &vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        all_at_once(&w, &dns_vpcs, |c, vpc| async move {
            ec2::vpc_dns_attributes(&c, &vpc).await
        }),
        all_at_once(&w, &role_names, |c, role| async move {
            iam::attached_policies(&c, &role).await
        }),
        all_at_once(&w, &role_names, |c, role| async move {
            iam::inline_policy_names(&c, &role).await
        }),
    );
    ctx.log.wave_done(start.elapsed());
    let vpc_records = settle(vpc_records, "ec2:DescribeVpcs", &mut gaps)?.flatten();
    let subnets = settle(subnets, "ec2:DescribeSubnets", &mut gaps)?.flatten();
    let route_tables = settle(route_tables, "ec2:DescribeRouteTables", &mut gaps)?.flatten();
    let security_groups =
        settle(security_groups, "ec2:DescribeSecurityGroups", &mut gaps)?.flatten();
    let network_acls = settle(network_acls, "ec2:DescribeNetworkAcls", &mut gaps)?.flatten();
    let vpc_attributes = settle_all(vpc_attributes, "ec2:DescribeVpcAttribute", &mut gaps)?;
    let mut role_policies: Vec<RolePolicies> = Vec::new();
    for (((name, arn), attached), inline_names) in roles.into_iter().zip(attached).zip(inline_names)
    {
        role_policies.push(RolePolicies {
            name,
            arn,
            attached: settle(attached, "iam:ListAttachedRolePolicies", &mut gaps)?,
            inline_names: settle(inline_names, "iam:ListRolePolicies", &mut gaps)?
                .unwrap_or_default(),
            inline: Vec::new(),
        });
    }

    // Wave 4: inline documents and the default versions of unknown managed policies.
    let inline_wanted: Vec<String> = role_policies
        .iter()
        .flat_map(|r| {
            r.inline_names
                .iter()
                .map(move |n| format!("{}\n{n}", r.name))
        })
        .collect();
    let managed_wanted: Vec<(String, String)> = role_policies
        .iter()
        .flat_map(|r| r.attached.iter().flatten())
        .filter(|a| known_policies::document(&a.policy_arn).is_none())
        .map(|a| (a.policy_arn.clone(), a.policy_name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let managed_arns: Vec<String> = managed_wanted.iter().map(|(a, _)| a.clone()).collect();
    let mut policies = Vec::new();
    if !inline_wanted.is_empty() || !managed_arns.is_empty() {
        let w = ctx.at(4);
        let start = Instant::now();
        let (inline, versions) = tokio::join!(
            all_at_once(&w, &inline_wanted, |c, key| async move {
                let (role, name) = key.split_once('\n').unwrap_or((&key, ""));
                iam::inline_policy(&c, role, name)
                    .await
                    .map(|p| (role.to_string(), p))
            }),
            all_at_once(&w, &managed_arns, |c, arn| async move {
                iam::managed_policy_default_version(&c, &arn).await
            }),
        );
        ctx.log.wave_done(start.elapsed());
        for r in inline {
            if let Some((role, p)) = settle(r, "iam:GetRolePolicy", &mut gaps)? {
                if let Some(rp) = role_policies.iter_mut().find(|x| x.name == role) {
                    rp.inline.push(p);
                }
            }
        }
        // Wave 5: the documents of those versions.
        let mut version_keys = Vec::new();
        for ((arn, name), v) in managed_wanted.iter().zip(versions) {
            if let Some(version) = settle(v, "iam:GetPolicy", &mut gaps)? {
                version_keys.push(format!("{arn}\n{name}\n{version}"));
            }
        }
        if !version_keys.is_empty() {
            let w = ctx.at(5);
            let start = Instant::now();
            let docs = all_at_once(&w, &version_keys, |c, key| async move {
                let mut parts = key.splitn(3, '\n');
                let (arn, name, version) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                iam::managed_policy(&c, arn, name, version).await
            })
            .await;
            ctx.log.wave_done(start.elapsed());
            for d in docs {
                if let Some(p) = settle(d, "iam:GetPolicyVersion", &mut gaps)? {
                    policies.push(p);
                }
            }
        }
    }

    let role_details: Vec<m::RoleDetail> = role_policies
        .into_iter()
        .filter_map(|r| {
            // A role whose attached list could not be read is left out: its checks say so.
            Some(m::RoleDetail {
                role_name: r.name,
                arn: r.arn,
                attached_managed_policies: r.attached?,
                role_policy_list: r.inline,
            })
        })
        .collect();
    let instance_profiles = match &profile_record {
        // The profile call failed: the profile is not known.
        None => None,
        Some(None) => Some(Vec::new()),
        Some(Some(p)) => Some(vec![p.clone()]),
    };
    // Roles are unknown only when nothing about them could be read.
    let role_detail_list = if role_details.is_empty()
        && (profile_record.is_none()
            || gaps
                .iter()
                .any(|g| g.action == "iam:ListAttachedRolePolicies"))
    {
        None
    } else {
        Some(role_details)
    };

    Ok(Snapshot {
        format: FORMAT_VERSION,
        region: region.to_string(),
        account,
        captured_at: Some(now_rfc3339()),
        tool_version: Some(format!("privpath {}", env!("CARGO_PKG_VERSION"))),
        vpcs: vpc_records,
        subnets,
        route_tables,
        security_groups,
        network_acls,
        vpc_peering_connections: peerings,
        vpc_endpoints: endpoints,
        instances: Some(vec![instance]),
        instance_information_list: info,
        instance_profiles,
        role_detail_list,
        rest_apis: Some(vec![api]),
        vpc_attributes,
        policies: Some(policies),
        stages,
        resources,
        deployments,
        usage_plans,
        usage_plan_keys,
        api_keys,
        functions: function.map(|f| f.into_iter().collect()),
        function_policies: function_policy.map(|p| p.into_iter().collect()),
        db_instances,
        unavailable: gaps,
    })
}
