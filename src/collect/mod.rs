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
//! A target with a private custom domain name (`--domain-name`) adds the domain names and
//! access associations to wave 1, the domain's policy, mappings and certificate and the
//! client VPC's private hosted zones to wave 2, and the zones' records to wave 3. Without
//! `--api-id` the domain's two steps come first instead (its mapping names the API):
//! two more round trips (`custom_domain`).
//!
//! A target has two sides: the client (instance, its SSM record, instance profile and
//! role, its VPC's endpoints, peerings and network) and the API (API Gateway, the
//! endpoints it names and their VPCs, Lambda, RDS). When the client side has
//! credentials or a region of its own, each request goes to its side's clients, in the
//! same waves (plus `sts:GetCallerIdentity` for the API's account in wave 1, and the
//! API side's view of the peering in wave 3), and the snapshot holds one scope per
//! side — unless both turn out to be one account and region, when the rest is read
//! with the API side's credentials into one scope.
//!
//! A failed call leaves its array out of the snapshot and is recorded in `unavailable`,
//! so exactly the checks that needed it report `unknown`; only failures that doom every
//! call (no credentials, endpoint unreachable) or leave no target to check stop the run.

pub mod acm;
pub mod apigateway;
pub mod calls;
mod custom_domain;
pub mod discover;
pub mod ec2;
pub mod iam;
pub mod lambda;
pub mod organizations;
pub mod rds;
pub mod route53;
pub mod ssm;
pub mod sts;

use aws_types::SdkConfig;
use calls::{CallError, CallLog};
use privpath_checks::api_target::MethodTarget;
use privpath_checks::backend::{integration_function_arn, split_function_arn};
use privpath_checks::known_policies;
use privpath_checks::path::execute_api_service;
use privpath_checks::policy;
use privpath_checks::snapshot::{self as m, Scope, Snapshot, Unavailable};
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Instant, SystemTime};

/// Every IAM action a live run may need; `privpath iam-policy` grants exactly these.
pub const ACTIONS: &[&str] = &[
    "acm:DescribeCertificate",
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
    "route53:ListHostedZonesByVPC",
    "route53:ListResourceRecordSets",
    "ssm:DescribeInstanceInformation",
    "sts:GetCallerIdentity",
];

/// What `privpath audit` calls beyond [`ACTIONS`]: the enabled regions, an account's IAM
/// in one paginated call, and (from the management account or a delegated
/// administrator) the Organization's accounts.
pub const AUDIT_ACTIONS: &[&str] = &[
    "ec2:DescribeRegions",
    "iam:GetAccountAuthorizationDetails",
    "organizations:ListAccounts",
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
    pub sts: aws_sdk_sts::Client,
    pub route53: aws_sdk_route53::Client,
    pub acm: aws_sdk_acm::Client,
    /// The region the clients send to.
    pub region: String,
    /// At most this many of the context's fanned-out requests in flight at once (an
    /// audit's bound per account-region, so a large one does not trip rate limits).
    pub limit: Option<Arc<tokio::sync::Semaphore>>,
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
            sts: aws_sdk_sts::Client::new(config),
            route53: aws_sdk_route53::Client::new(config),
            acm: aws_sdk_acm::Client::new(config),
            region: config.region().map(|r| r.to_string()).unwrap_or_default(),
            limit: None,
            log: Arc::new(CallLog::default()),
            wave: 0,
        }
    }

    pub(crate) fn at(&self, wave: usize) -> Ctx {
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
    #[error(
        "instance {id} does not exist in {region} (or is not visible to these credentials){hint}"
    )]
    InstanceNotFound {
        id: String,
        region: String,
        hint: &'static str,
    },
    #[error("REST API {id} does not exist in {region}: {detail}")]
    ApiNotFound {
        id: String,
        region: String,
        detail: String,
    },
    #[error("custom domain name {name}: {why}")]
    Domain { name: String, why: String },
    #[error("cannot read {what} ({action}): {error}")]
    Required {
        what: &'static str,
        action: &'static str,
        error: CallError,
    },
}

/// Sorts a call's outcome: data, a recorded gap, or a reason to stop.
pub(crate) fn settle<T>(
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

pub(crate) fn now_rfc3339() -> String {
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
    /// `None`: the custom domain's base path mapping names it.
    pub api_id: Option<&'a str>,
    pub instance_id: &'a str,
    pub stage: Option<&'a str>,
    pub http_method: Option<&'a str>,
    pub resource_path: Option<&'a str>,
    pub db_instance_id: Option<&'a str>,
    /// The private custom domain name the client calls, and the base path under it.
    pub domain_name: Option<&'a str>,
    pub base_path: Option<&'a str>,
}

/// Runs `call` for every item at once and returns the results in the items' order.
pub(crate) async fn all_at_once<T, F, Fut>(
    ctx: &Ctx,
    items: &[String],
    call: F,
) -> Vec<Result<T, CallError>>
where
    F: Fn(Ctx, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
    T: Send + 'static,
{
    let on: Vec<(&Ctx, String)> = items.iter().map(|i| (ctx, i.clone())).collect();
    all_at_once_on(&on, call).await
}

/// [`all_at_once`] where each item names the side (clients) it is asked of.
async fn all_at_once_on<T, F, Fut>(items: &[(&Ctx, String)], call: F) -> Vec<Result<T, CallError>>
where
    F: Fn(Ctx, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for (i, (ctx, item)) in items.iter().enumerate() {
        let fut = call((*ctx).clone(), item.clone());
        let limit = ctx.limit.clone();
        set.spawn(async move {
            // A closed semaphore only means no bound.
            let _permit = match &limit {
                Some(l) => l.clone().acquire_owned().await.ok(),
                None => None,
            };
            (i, fut.await)
        });
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
pub(crate) fn settle_all<T>(
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

pub(crate) fn sorted_unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Which side a request or a record belongs to: an index into [`Sides`]' arrays.
const API: usize = 0;
const CLIENT: usize = 1;

/// The two sides' clients (the same clients twice when the client side has no
/// credentials or region of its own) and, per side, the calls that failed.
struct Sides<'c> {
    ctx: [&'c Ctx; 2],
    gaps: [Vec<Unavailable>; 2],
    /// Whether the two sides are two scopes (accounts or regions) of the snapshot.
    split: bool,
    /// Waves already spent before the main ones (a custom domain's two).
    offset: usize,
}

impl<'c> Sides<'c> {
    /// Where a side's requests go now: once both sides turned out to be one scope,
    /// everything is the API side's.
    fn side(&self, side: usize) -> usize {
        if self.split {
            side
        } else {
            API
        }
    }

    fn at(&self, side: usize, wave: usize) -> Ctx {
        self.ctx[self.side(side)].at(wave + self.offset)
    }

    fn settle<T>(
        &mut self,
        side: usize,
        result: Result<T, CallError>,
        action: &str,
    ) -> Result<Option<T>, CollectError> {
        let side = self.side(side);
        settle(result, action, &mut self.gaps[side])
    }

    pub(crate) fn settle_all<T>(
        &mut self,
        side: usize,
        results: Vec<Result<T, CallError>>,
        action: &str,
    ) -> Result<Option<Vec<T>>, CollectError> {
        let side = self.side(side);
        settle_all(results, action, &mut self.gaps[side])
    }
}

/// A role's policies as collected: attached list and inline names (wave 3), inline
/// documents (wave 4).
struct RolePolicies {
    side: usize,
    name: String,
    arn: Option<String>,
    attached: Option<Vec<m::AttachedPolicy>>,
    inline_names: Vec<String>,
    inline: Vec<m::InlinePolicy>,
}

/// A side's networks as answered (wave 3).
type Answer<T> = Result<Option<Vec<T>>, CallError>;
struct NetworkAnswers {
    vpcs: Answer<m::Vpc>,
    subnets: Answer<m::Subnet>,
    route_tables: Answer<m::RouteTable>,
    security_groups: Answer<m::SecurityGroup>,
    network_acls: Answer<m::NetworkAcl>,
    vpc_attributes: Vec<Result<m::VpcAttribute, CallError>>,
}

/// A side's networks as the snapshot keeps them.
#[derive(Default)]
struct Networks {
    vpcs: Option<Vec<m::Vpc>>,
    subnets: Option<Vec<m::Subnet>>,
    route_tables: Option<Vec<m::RouteTable>>,
    security_groups: Option<Vec<m::SecurityGroup>>,
    network_acls: Option<Vec<m::NetworkAcl>>,
    vpc_attributes: Option<Vec<m::VpcAttribute>>,
}

/// VPCs, subnets, route tables, security groups and network ACLs of `vpcs`, and the DNS
/// attributes of `dns_vpcs`, all at once; nothing is asked for an empty list.
async fn networks(w: &Ctx, vpcs: &[String], dns_vpcs: &[String]) -> NetworkAnswers {
    let have = !vpcs.is_empty();
    let (vpc_records, subnets, route_tables, security_groups, network_acls, vpc_attributes) = tokio::join!(
        async {
            if have {
                ec2::vpcs(w, vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have {
                ec2::subnets(w, vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have {
                ec2::route_tables(w, vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have {
                ec2::security_groups(w, vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        async {
            if have {
                ec2::network_acls(w, vpcs).await.map(Some)
            } else {
                Ok(None)
            }
        },
        all_at_once(w, dns_vpcs, |c, vpc| async move {
            ec2::vpc_dns_attributes(&c, &vpc).await
        }),
    );
    NetworkAnswers {
        vpcs: vpc_records,
        subnets,
        route_tables,
        security_groups,
        network_acls,
        vpc_attributes,
    }
}

impl Sides<'_> {
    fn settle_networks(
        &mut self,
        side: usize,
        a: NetworkAnswers,
    ) -> Result<Networks, CollectError> {
        Ok(Networks {
            vpcs: self.settle(side, a.vpcs, "ec2:DescribeVpcs")?.flatten(),
            subnets: self
                .settle(side, a.subnets, "ec2:DescribeSubnets")?
                .flatten(),
            route_tables: self
                .settle(side, a.route_tables, "ec2:DescribeRouteTables")?
                .flatten(),
            security_groups: self
                .settle(side, a.security_groups, "ec2:DescribeSecurityGroups")?
                .flatten(),
            network_acls: self
                .settle(side, a.network_acls, "ec2:DescribeNetworkAcls")?
                .flatten(),
            vpc_attributes: self.settle_all(side, a.vpc_attributes, "ec2:DescribeVpcAttribute")?,
        })
    }
}

/// Collects one target. `client` is the client side's clients when it has credentials
/// or a region of its own; `None` reads both sides with `api`'s.
pub async fn collect(
    api_ctx: &Ctx,
    client: Option<&Ctx>,
    want: &Wanted<'_>,
) -> Result<Snapshot, CollectError> {
    let mut sides = Sides {
        ctx: [api_ctx, client.unwrap_or(api_ctx)],
        gaps: [Vec::new(), Vec::new()],
        split: client.is_some(),
        offset: 0,
    };
    // Both sides share one log: their requests go out in the same waves.
    let log = api_ctx.log.clone();
    // A custom domain without --api-id first: its mapping names the API (and stage)
    // the waves read. With --api-id its two steps ride in waves 1 and 2.
    let early = want.domain_name.is_some() && want.api_id.is_none();
    let mut domain: Option<custom_domain::DomainPart> = None;
    if let (Some(name), true) = (want.domain_name, early) {
        let (wa, wc) = (sides.at(API, 1), sides.at(CLIENT, 1));
        let start = Instant::now();
        let lists = custom_domain::lists(&wa, sides.split.then_some(&wc)).await;
        log.wave_done(start.elapsed());
        let part = sides.settle_lists(name, lists)?;
        sides.offset = 1;
        let detail = if part.chosen() {
            let wa = sides.at(API, 1);
            let start = Instant::now();
            let d = custom_domain::detail(&wa, &part).await;
            log.wave_done(start.elapsed());
            sides.offset = 2;
            d
        } else {
            custom_domain::Detail::none()
        };
        domain = Some(sides.settle_detail(part, detail, want.base_path, None)?);
    }
    let api_id: String = match (want.api_id, domain.as_ref().and_then(|d| d.api_id.clone())) {
        (Some(id), _) => id.to_string(),
        (None, Some(id)) => id,
        (None, None) => {
            return Err(custom_domain::unmapped(
                want.domain_name.unwrap_or_default(),
                want.base_path,
                domain.as_ref(),
                &api_ctx.region,
            ))
        }
    };
    let stage_from_domain = domain.as_ref().and_then(|d| d.stage.clone());
    let stage = want.stage.map(str::to_string).or(stage_from_domain);
    let (api_id, instance_id) = (api_id.as_str(), want.instance_id);
    let api_region = api_ctx.region.clone();
    let client_region = sides.ctx[CLIENT].region.clone();

    // Wave 1: what the ids name, and (two sides only) the API side's account.
    let (wa, wc) = (sides.at(API, 1), sides.at(CLIENT, 1));
    let split = sides.split;
    let start = Instant::now();
    let domain_lists_wanted = want.domain_name.is_some() && !early;
    let (
        instance,
        api,
        info,
        stages,
        resources,
        usage_plans,
        api_keys,
        db_instances,
        api_account,
        domain_lists,
    ) = tokio::join!(
        ec2::instance(&wc, instance_id),
        apigateway::rest_api(&wa, api_id),
        ssm::instance_information(&wc, instance_id),
        apigateway::stages(&wa, api_id),
        apigateway::resources(&wa, api_id),
        apigateway::usage_plans(&wa),
        apigateway::api_keys(&wa),
        rds::db_instances(&wa, want.db_instance_id),
        async {
            if split {
                sts::account(&wa).await
            } else {
                Ok(None)
            }
        },
        async {
            if domain_lists_wanted {
                Some(custom_domain::lists(&wa, split.then_some(&wc)).await)
            } else {
                None
            }
        },
    );
    log.wave_done(start.elapsed());
    let (instance, client_account) = match instance {
        Ok(Some(found)) => found,
        Ok(None) => {
            return Err(CollectError::InstanceNotFound {
                id: instance_id.to_string(),
                region: client_region,
                hint: if split {
                    " with the client side's credentials (--client-profile, --client-role-arn)"
                } else {
                    "; if it lives in another account or region, name that side with \
                     --client-profile, --client-region or --client-role-arn (and --client-external-id)"
                },
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
                region: api_region,
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
    let api_account = match api_account {
        Ok(a) => a,
        Err(e) if e.is_global() => return Err(CollectError::Global(e)),
        // The account is then taken as unknown; nothing else depends on the call.
        Err(_) => None,
    };
    // Two sides in one account and region are one scope: read the rest with the API
    // side's credentials, as one snapshot scope.
    if split
        && client_region == api_region
        && api_account.is_some()
        && api_account == client_account
    {
        sides.split = false;
        let client_gaps = std::mem::take(&mut sides.gaps[CLIENT]);
        sides.gaps[API].extend(client_gaps);
    }
    if let (Some(name), Some(lists)) = (want.domain_name, domain_lists) {
        domain = Some(sides.settle_lists(name, lists)?);
    }
    let info = sides.settle(CLIENT, info, "ssm:DescribeInstanceInformation")?;
    let stages = sides.settle(API, stages, "apigateway:GET")?;
    let resources = sides.settle(API, resources, "apigateway:GET")?;
    let usage_plans = sides.settle(API, usage_plans, "apigateway:GET")?;
    let api_keys = sides.settle(API, api_keys, "apigateway:GET")?;
    let db_instances = sides.settle(API, db_instances, "rds:DescribeDBInstances")?;

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
    // Endpoints in the client VPC (Session Manager's, and an execute-api endpoint there)
    // are the client side's; those in VPCs the policy names are the API side's.
    let (endpoint_vpcs_api, endpoint_vpcs_client) = if sides.split {
        (
            sorted_unique(
                policy_vpcs
                    .into_iter()
                    .filter(|v| Some(v) != client_vpc.as_ref()),
            ),
            client_vpc.iter().cloned().collect::<Vec<_>>(),
        )
    } else {
        (
            sorted_unique(client_vpc.iter().cloned().chain(policy_vpcs)),
            Vec::new(),
        )
    };
    // Whether the policy names no VPC beyond the client's: then, with no endpoint named
    // either, every execute-api endpoint of the API's side is a candidate.
    let no_policy_vpcs = if sides.split {
        endpoint_vpcs_api.is_empty()
    } else {
        endpoint_vpcs_api.len() <= client_vpc.iter().count()
    };
    let profile = instance
        .iam_instance_profile
        .as_ref()
        .and_then(|p| iam::profile_name(&p.arn))
        .map(str::to_string);
    let service = execute_api_service(&api_region);
    // The method, stage and function the checks will look at, chosen by the same
    // rules the checks use.
    let partial = Scope {
        stages: stages.clone(),
        resources: resources.clone(),
        ..Scope::default()
    };
    let method = MethodTarget::resolve(
        &partial,
        &api,
        stage.as_deref(),
        want.http_method,
        want.resource_path,
    );
    // Through a domain whose mapping is read in this wave, the stage is not known yet:
    // every stage's deployment is read (an API has a few).
    let deployment_ids: Vec<String> = if domain.is_some() && !early && stage.is_none() {
        sorted_unique(
            stages
                .iter()
                .flatten()
                .filter_map(|s| s.deployment_id.clone()),
        )
    } else {
        method
            .stage
            .found()
            .and_then(|s| s.deployment_id.clone())
            .into_iter()
            .collect()
    };
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

    let (wa, wc) = (sides.at(API, 2), sides.at(CLIENT, 2));
    let client_vpcs: Vec<String> = client_vpc.iter().cloned().collect();
    let start = Instant::now();
    let (
        in_vpcs_api,
        in_vpcs_client,
        named,
        requested,
        accepted,
        profile_record,
        deployments,
        plan_keys,
        function,
        function_policy,
        zones,
        domain_detail,
    ) = tokio::join!(
        async {
            if endpoint_vpcs_api.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::endpoints(&wa, "vpc-id", &endpoint_vpcs_api).await
            }
        },
        async {
            if endpoint_vpcs_client.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::endpoints(&wc, "vpc-id", &endpoint_vpcs_client).await
            }
        },
        async {
            // Endpoints the API names; with none named, every execute-api endpoint, one of
            // which may still carry the request if the policy admits it.
            if !endpoint_ids.is_empty() {
                ec2::endpoints(&wa, "vpc-endpoint-id", &endpoint_ids).await
            } else if no_policy_vpcs {
                ec2::endpoints(&wa, "service-name", std::slice::from_ref(&service)).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if client_vpcs.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::peerings(&wc, "requester-vpc-info.vpc-id", &client_vpcs).await
            }
        },
        async {
            if client_vpcs.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::peerings(&wc, "accepter-vpc-info.vpc-id", &client_vpcs).await
            }
        },
        async {
            match &profile {
                Some(name) => iam::instance_profile(&wc, name).await.map(Some),
                None => Ok(None),
            }
        },
        all_at_once(&wa, &deployment_ids, |c, id| {
            let api = api_id.to_string();
            async move { apigateway::deployment(&c, &api, &id).await }
        }),
        all_at_once(&wa, &plans_of_api, |c, plan| async move {
            apigateway::usage_plan_keys(&c, &plan).await
        }),
        async {
            match &function_arn {
                Some(f) => lambda::function(&wa, f).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match function_arn.as_deref().and_then(split_function_arn) {
                Some((_, name)) => lambda::policy(&wa, name).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            // The private hosted zones that answer the domain's name in the client VPC.
            match (&domain, &client_vpc) {
                (Some(_), Some(vpc)) => route53::zones_of_vpc(&wc, vpc, &wc.region).await.map(Some),
                _ => Ok(None),
            }
        },
        async {
            match &domain {
                Some(part) if !early => Some(custom_domain::detail(&wa, part).await),
                _ => None,
            }
        },
    );
    log.wave_done(start.elapsed());
    let endpoints_api = sides.settle(
        API,
        in_vpcs_api.and_then(|a| named.map(|b| merge_endpoints([a, b]))),
        "ec2:DescribeVpcEndpoints",
    )?;
    let endpoints_client = if sides.split {
        sides.settle(CLIENT, in_vpcs_client, "ec2:DescribeVpcEndpoints")?
    } else {
        None
    };
    let peerings_client = sides.settle(
        CLIENT,
        requested.and_then(|a| accepted.map(|b| merge_peerings(a, b))),
        "ec2:DescribeVpcPeeringConnections",
    )?;
    let profile_record = sides.settle(CLIENT, profile_record, "iam:GetInstanceProfile")?;
    let deployments = sides.settle_all(API, deployments, "apigateway:GET")?;
    let usage_plan_keys = sides
        .settle_all(API, plan_keys, "apigateway:GET")?
        .map(|k| k.concat());
    let function = sides.settle(API, function, "lambda:GetFunctionConfiguration")?;
    let zones = sides
        .settle(CLIENT, zones, "route53:ListHostedZonesByVPC")?
        .flatten();
    if let Some(detail) = domain_detail {
        if let Some(part) = domain.take() {
            domain = Some(sides.settle_detail(part, detail, want.base_path, Some(api_id))?);
        }
    }
    let function_policy = sides.settle(API, function_policy, "lambda:GetPolicy")?;

    // Wave 3: the networks on the path (each side's own), the API side's view of the
    // peering, and the roles' policies.
    let function_record = function.as_ref().and_then(|f| f.as_ref());
    let function_vpc = function_record.and_then(|f| f.vpc_id()).map(str::to_string);
    let db_vpcs: Vec<String> = db_instances
        .iter()
        .flatten()
        .filter_map(|d| d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone()))
        .filter(|v| want.db_instance_id.is_some() || Some(v) == function_vpc.as_ref())
        .collect();
    let endpoint_vpc_ids: Vec<String> = endpoints_api
        .iter()
        .flatten()
        .filter(|e| e.service_name == service)
        .map(|e| e.vpc_id.clone())
        .collect();
    let (dns_api, dns_client) = if sides.split {
        (
            sorted_unique(endpoint_vpc_ids.iter().cloned()),
            client_vpcs.clone(),
        )
    } else {
        (
            sorted_unique(
                client_vpc
                    .iter()
                    .cloned()
                    .chain(endpoint_vpc_ids.iter().cloned()),
            ),
            Vec::new(),
        )
    };
    let vpcs_api = sorted_unique(
        dns_api
            .iter()
            .cloned()
            .chain(function_vpc.clone())
            .chain(db_vpcs),
    );
    let peer_vpcs_api: Vec<String> = if sides.split {
        sorted_unique(endpoint_vpc_ids.iter().cloned())
    } else {
        Vec::new()
    };
    let instance_role = profile_record
        .as_ref()
        .and_then(|p| p.as_ref())
        .and_then(|p| p.roles.first())
        .map(|r| (CLIENT, r.role_name.clone(), r.arn.clone()));
    let function_role = function_record
        .and_then(|f| f.role.as_deref())
        .and_then(|arn| {
            arn.rsplit('/')
                .next()
                .map(|n| (API, n.to_string(), Some(arn.to_string())))
        });
    let roles: Vec<(usize, String, Option<String>)> = instance_role
        .into_iter()
        .chain(function_role)
        .map(|(side, n, a)| (sides.side(side), n, a))
        .fold(Vec::new(), |mut acc, r| {
            if !acc.iter().any(|(s, n, _)| *s == r.0 && *n == r.1) {
                acc.push(r);
            }
            acc
        });
    let (wa, wc) = (sides.at(API, 3), sides.at(CLIENT, 3));
    let role_calls: Vec<(&Ctx, String)> = roles
        .iter()
        .map(|(s, n, _)| (if *s == API { &wa } else { &wc }, n.clone()))
        .collect();
    // Only the zones that can answer the name: a VPC's zones may be many.
    let zone_ids: Vec<String> = sorted_unique(
        zones
            .iter()
            .flatten()
            .filter(|z| {
                want.domain_name
                    .is_some_and(|n| custom_domain::zone_covers(&z.name, n))
            })
            .map(|z| z.hosted_zone_id.clone()),
    );
    let start = Instant::now();
    let (net_api, net_client, peer_requested, peer_accepted, attached, inline_names, records) = tokio::join!(
        networks(&wa, &vpcs_api, &dns_api),
        networks(&wc, &dns_client, &dns_client),
        async {
            if peer_vpcs_api.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::peerings(&wa, "requester-vpc-info.vpc-id", &peer_vpcs_api).await
            }
        },
        async {
            if peer_vpcs_api.is_empty() {
                Ok(Vec::new())
            } else {
                ec2::peerings(&wa, "accepter-vpc-info.vpc-id", &peer_vpcs_api).await
            }
        },
        all_at_once_on(&role_calls, |c, role| async move {
            iam::attached_policies(&c, &role).await
        }),
        all_at_once_on(&role_calls, |c, role| async move {
            iam::inline_policy_names(&c, &role).await
        }),
        all_at_once(&wc, &zone_ids, |c, zone| async move {
            route53::records(&c, &zone).await
        }),
    );
    log.wave_done(start.elapsed());
    let records = if domain.is_some() {
        sides
            .settle_all(CLIENT, records, "route53:ListResourceRecordSets")?
            .map(|r| r.concat())
    } else {
        None
    };
    let networks_api = sides.settle_networks(API, net_api)?;
    let networks_client = if sides.split {
        sides.settle_networks(CLIENT, net_client)?
    } else {
        Networks::default()
    };
    let peerings_api = if sides.split {
        sides.settle(
            API,
            peer_requested.and_then(|a| peer_accepted.map(|b| merge_peerings(a, b))),
            "ec2:DescribeVpcPeeringConnections",
        )?
    } else {
        None
    };
    let mut role_policies: Vec<RolePolicies> = Vec::new();
    for (((side, name, arn), attached), inline_names) in
        roles.into_iter().zip(attached).zip(inline_names)
    {
        role_policies.push(RolePolicies {
            side,
            name,
            arn,
            attached: sides.settle(side, attached, "iam:ListAttachedRolePolicies")?,
            inline_names: sides
                .settle(side, inline_names, "iam:ListRolePolicies")?
                .unwrap_or_default(),
            inline: Vec::new(),
        });
    }

    // Wave 4: inline documents and the default versions of unknown managed policies,
    // each asked of the side that owns the role.
    let (wa, wc) = (sides.at(API, 4), sides.at(CLIENT, 4));
    let on = |side: usize| if side == API { &wa } else { &wc };
    let inline_wanted: Vec<(&Ctx, String)> = role_policies
        .iter()
        .flat_map(|r| {
            r.inline_names
                .iter()
                .map(move |n| (on(r.side), format!("{}\n{}\n{n}", r.side, r.name)))
        })
        .collect();
    let managed_wanted: Vec<(usize, String, String)> = role_policies
        .iter()
        .flat_map(|r| r.attached.iter().flatten().map(move |a| (r.side, a)))
        .filter(|(_, a)| known_policies::document(&a.policy_arn).is_none())
        .map(|(side, a)| (side, a.policy_arn.clone(), a.policy_name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let managed_calls: Vec<(&Ctx, String)> = managed_wanted
        .iter()
        .map(|(side, arn, _)| (on(*side), arn.clone()))
        .collect();
    let mut policies: [Vec<m::ManagedPolicy>; 2] = [Vec::new(), Vec::new()];
    if !inline_wanted.is_empty() || !managed_calls.is_empty() {
        let start = Instant::now();
        let (inline, versions) = tokio::join!(
            all_at_once_on(&inline_wanted, |c, key| async move {
                let mut parts = key.splitn(3, '\n');
                let (side, role, name) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                let side: usize = side.parse().unwrap_or(API);
                iam::inline_policy(&c, role, name)
                    .await
                    .map(|p| (side, role.to_string(), p))
            }),
            all_at_once_on(&managed_calls, |c, arn| async move {
                iam::managed_policy_default_version(&c, &arn).await
            }),
        );
        log.wave_done(start.elapsed());
        for ((_, key), r) in inline_wanted.iter().zip(inline) {
            let side: usize = key
                .split('\n')
                .next()
                .and_then(|s| s.parse().ok())
                .unwrap_or(API);
            if let Some((side, role, p)) = sides.settle(side, r, "iam:GetRolePolicy")? {
                if let Some(rp) = role_policies
                    .iter_mut()
                    .find(|x| x.side == side && x.name == role)
                {
                    rp.inline.push(p);
                }
            }
        }
        // Wave 5: the documents of those versions.
        let (wa, wc) = (sides.at(API, 5), sides.at(CLIENT, 5));
        let mut version_calls: Vec<(&Ctx, String)> = Vec::new();
        let mut version_sides: Vec<usize> = Vec::new();
        for ((side, arn, name), v) in managed_wanted.iter().zip(versions) {
            if let Some(version) = sides.settle(*side, v, "iam:GetPolicy")? {
                version_calls.push((
                    if *side == API { &wa } else { &wc },
                    format!("{arn}\n{name}\n{version}"),
                ));
                version_sides.push(*side);
            }
        }
        if !version_calls.is_empty() {
            let start = Instant::now();
            let docs = all_at_once_on(&version_calls, |c, key| async move {
                let mut parts = key.splitn(3, '\n');
                let (arn, name, version) = (
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                    parts.next().unwrap_or_default(),
                );
                iam::managed_policy(&c, arn, name, version).await
            })
            .await;
            log.wave_done(start.elapsed());
            for (side, d) in version_sides.into_iter().zip(docs) {
                if let Some(p) = sides.settle(side, d, "iam:GetPolicyVersion")? {
                    policies[sides.side(side)].push(p);
                }
            }
        }
    }

    let mut role_details: [Vec<m::RoleDetail>; 2] = [Vec::new(), Vec::new()];
    for r in role_policies {
        // A role whose attached list could not be read is left out: its checks say so.
        if let Some(attached) = r.attached {
            role_details[r.side].push(m::RoleDetail {
                role_name: r.name,
                arn: r.arn,
                attached_managed_policies: attached,
                role_policy_list: r.inline,
            });
        }
    }
    let instance_profiles = match &profile_record {
        // The profile call failed: the profile is not known.
        None => None,
        Some(None) => Some(Vec::new()),
        Some(Some(p)) => Some(vec![p.clone()]),
    };
    // Roles are unknown only when nothing about them could be read.
    let [api_roles, client_roles] = role_details;
    let roles_known = |roles: Vec<m::RoleDetail>, gaps: &[Unavailable], profile_read: bool| {
        if roles.is_empty()
            && (!profile_read
                || gaps
                    .iter()
                    .any(|g| g.action == "iam:ListAttachedRolePolicies"))
        {
            None
        } else {
            Some(roles)
        }
    };
    let [api_policies, client_policies] = policies;
    let [api_gaps, client_gaps] = sides.gaps;
    let split = sides.split;
    let mut api_scope = Scope {
        // One scope: the account that owns the instance, as a single-side run always had.
        account: if split {
            api_account
        } else {
            client_account.clone().or(api_account)
        },
        region: api_region,
        vpcs: networks_api.vpcs,
        subnets: networks_api.subnets,
        route_tables: networks_api.route_tables,
        security_groups: networks_api.security_groups,
        network_acls: networks_api.network_acls,
        vpc_peering_connections: if split {
            peerings_api
        } else {
            peerings_client.clone()
        },
        vpc_endpoints: endpoints_api,
        rest_apis: Some(vec![api]),
        vpc_attributes: networks_api.vpc_attributes,
        policies: Some(api_policies),
        stages,
        resources,
        deployments,
        usage_plans,
        usage_plan_keys,
        api_keys,
        functions: function.clone().map(|f| f.into_iter().collect()),
        function_policies: function_policy.map(|p| p.into_iter().collect()),
        db_instances,
        ..Scope::default()
    };
    let mut client_scope = Scope {
        account: client_account,
        region: client_region,
        vpcs: networks_client.vpcs,
        subnets: networks_client.subnets,
        route_tables: networks_client.route_tables,
        security_groups: networks_client.security_groups,
        network_acls: networks_client.network_acls,
        vpc_peering_connections: peerings_client,
        vpc_endpoints: endpoints_client,
        instances: Some(vec![instance]),
        instance_information_list: info,
        instance_profiles,
        vpc_attributes: networks_client.vpc_attributes,
        policies: Some(client_policies),
        ..Scope::default()
    };
    // The domain, its mappings, certificate and the API side's associations are the
    // API's scope; the client's zones, records and associations the client's.
    if let Some(d) = domain {
        api_scope.domain_names = d.domain_names;
        api_scope.base_path_mappings = d.mappings;
        api_scope.certificates = d.certificates;
        api_scope.domain_name_access_associations = d.associations_api;
        client_scope.hosted_zones = zones;
        client_scope.resource_record_sets = records;
        client_scope.domain_name_access_associations = d.associations_client;
    }
    let scopes = if split {
        api_scope.role_detail_list = roles_known(api_roles, &api_gaps, function_record.is_some());
        api_scope.unavailable = api_gaps;
        client_scope.role_detail_list =
            roles_known(client_roles, &client_gaps, profile_record.is_some());
        client_scope.unavailable = client_gaps;
        vec![api_scope, client_scope]
    } else {
        api_scope.instances = client_scope.instances;
        api_scope.instance_information_list = client_scope.instance_information_list;
        api_scope.instance_profiles = client_scope.instance_profiles;
        api_scope.hosted_zones = client_scope.hosted_zones;
        api_scope.resource_record_sets = client_scope.resource_record_sets;
        api_scope.role_detail_list = roles_known(api_roles, &api_gaps, profile_record.is_some());
        api_scope.unavailable = api_gaps;
        vec![api_scope]
    };
    Ok(Snapshot {
        captured_at: Some(now_rfc3339()),
        tool_version: Some(format!("privpath {}", env!("CARGO_PKG_VERSION"))),
        scopes,
        ..Snapshot::single(Scope::default())
    })
}
