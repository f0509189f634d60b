//! Live collection: from an API id and an instance id to a [`Snapshot`], one collector
//! module per AWS service. Requests go out in waves — everything that does not depend
//! on an earlier answer is sent at once — so the run takes about
//! `waves × round-trip latency`:
//!
//! 1. the instance, the REST API, the instance's SSM record;
//! 2. VPC endpoints (the client VPC's, and those the API names), peering connections of
//!    the client VPC, the instance profile;
//! 3. VPCs, subnets, route tables, security groups and network ACLs of the client and
//!    endpoint VPCs; the role's attached and inline policy names;
//! 4. inline policy documents (only when the role has any).
//!
//! A failed call leaves its array out of the snapshot and is recorded in `unavailable`,
//! so exactly the checks that needed it report `unknown`; only failures that doom every
//! call (no credentials, endpoint unreachable) or leave no target to check stop the run.

pub mod apigateway;
pub mod calls;
pub mod ec2;
pub mod iam;
pub mod ssm;

use aws_types::SdkConfig;
use calls::{CallError, CallLog};
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
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpcs",
    "iam:GetInstanceProfile",
    "iam:GetRolePolicy",
    "iam:ListAttachedRolePolicies",
    "iam:ListRolePolicies",
    "ssm:DescribeInstanceInformation",
];

/// The SDK clients and the call log, with the wave the next requests belong to.
#[derive(Clone)]
pub struct Ctx {
    pub ec2: aws_sdk_ec2::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub iam: aws_sdk_iam::Client,
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

pub async fn collect(
    ctx: &Ctx,
    region: &str,
    api_id: &str,
    instance_id: &str,
) -> Result<Snapshot, CollectError> {
    let mut gaps: Vec<Unavailable> = Vec::new();

    // Wave 1: what the ids name.
    let w = ctx.at(1);
    let start = Instant::now();
    let (instance, api, info) = tokio::join!(
        ec2::instance(&w, instance_id),
        apigateway::rest_api(&w, api_id),
        ssm::instance_information(&w, instance_id),
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
    let endpoint_ids: Vec<String> = api
        .associated_endpoint_ids()
        .iter()
        .cloned()
        .chain(policy_vpces)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let endpoint_vpcs: Vec<String> = client_vpc
        .iter()
        .cloned()
        .chain(policy_vpcs)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let profile = instance
        .iam_instance_profile
        .as_ref()
        .and_then(|p| iam::profile_name(&p.arn))
        .map(str::to_string);
    let service = execute_api_service(region);

    let w = ctx.at(2);
    let start = Instant::now();
    let (in_vpcs, named, requested, accepted, profile_record) = tokio::join!(
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

    // Wave 3: the networks on the path and the role's policies.
    let vpcs: Vec<String> = client_vpc
        .iter()
        .cloned()
        .chain(
            endpoints
                .iter()
                .flatten()
                .filter(|e| e.service_name == service)
                .map(|e| e.vpc_id.clone()),
        )
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let role = profile_record
        .as_ref()
        .and_then(|p| p.as_ref())
        .and_then(|p| p.roles.first())
        .cloned();
    let w = ctx.at(3);
    let start = Instant::now();
    let have_vpcs = !vpcs.is_empty();
    let (vpc_records, subnets, route_tables, security_groups, network_acls, attached, inline_names) = tokio::join!(
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
        async {
            match &role {
                Some(r) => iam::attached_policies(&w, &r.role_name).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match &role {
                Some(r) => iam::inline_policy_names(&w, &r.role_name).await,
                None => Ok(Vec::new()),
            }
        },
    );
    ctx.log.wave_done(start.elapsed());
    let vpc_records = settle(vpc_records, "ec2:DescribeVpcs", &mut gaps)?.flatten();
    let subnets = settle(subnets, "ec2:DescribeSubnets", &mut gaps)?.flatten();
    let route_tables = settle(route_tables, "ec2:DescribeRouteTables", &mut gaps)?.flatten();
    let security_groups =
        settle(security_groups, "ec2:DescribeSecurityGroups", &mut gaps)?.flatten();
    let network_acls = settle(network_acls, "ec2:DescribeNetworkAcls", &mut gaps)?.flatten();
    let attached = settle(attached, "iam:ListAttachedRolePolicies", &mut gaps)?;
    let inline_names = settle(inline_names, "iam:ListRolePolicies", &mut gaps)?.unwrap_or_default();

    // Wave 4: inline policy documents, all at once.
    let mut inline = Vec::new();
    if let (Some(r), false) = (&role, inline_names.is_empty()) {
        let w = ctx.at(4);
        let start = Instant::now();
        let mut set = tokio::task::JoinSet::new();
        for (i, name) in inline_names.iter().enumerate() {
            let (w, role, name) = (w.clone(), r.role_name.clone(), name.clone());
            set.spawn(async move { (i, iam::inline_policy(&w, &role, &name).await) });
        }
        let mut results = Vec::new();
        while let Some(joined) = set.join_next().await {
            // A panicked task is a bug in this module; treat its policy as unreadable.
            if let Ok(r) = joined {
                results.push(r);
            }
        }
        results.sort_by_key(|(i, _)| *i);
        for (_, r) in results {
            if let Some(p) = settle(r, "iam:GetRolePolicy", &mut gaps)? {
                inline.push(p);
            }
        }
        ctx.log.wave_done(start.elapsed());
    }

    let (instance_profiles, role_detail_list) = match profile_record {
        // The profile call failed: neither array is known.
        None => (None, None),
        Some(None) => (Some(Vec::new()), Some(Vec::new())),
        Some(Some(p)) => {
            let roles = match (&role, attached) {
                (Some(r), Some(Some(attached))) => Some(vec![m::RoleDetail {
                    role_name: r.role_name.clone(),
                    arn: r.arn.clone(),
                    attached_managed_policies: attached,
                    role_policy_list: inline,
                }]),
                (None, _) => Some(Vec::new()),
                _ => None,
            };
            (Some(vec![p]), roles)
        }
    };

    let snapshot = Snapshot {
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
        unavailable: gaps,
    };
    Ok(snapshot)
}
