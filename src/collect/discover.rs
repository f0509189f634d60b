//! An audit's discovery in one account and region: no ids to start from, so every
//! REST API, VPC endpoint, peering connection, managed node, usage plan and database is
//! listed, and the networks and instances of the VPCs that can hold a path are read —
//! declared as a graph of reads like a path's (`graph.rs`), three requests deep (up to
//! seven behind a VPC link V1 to a Network Load Balancer):
//!
//! 1. the lists: REST APIs, VPC endpoints, peering connections, transit gateways with
//!    their VPC attachments, attachment records (associations) and peering attachments,
//!    usage plans, API keys, DB instances, Systems Manager's managed nodes, the custom
//!    domain names the account owns and its endpoints' access associations, and — once
//!    per account, shared by its regions — IAM's roles, instance profiles and customer
//!    managed policies (`GetAccountAuthorizationDetails`);
//! 2. for the private custom domain names their policies (`GetDomainName`), base path
//!    mappings and certificates; for the audited APIs (PRIVATE, or a policy naming
//!    endpoints or VPCs) their stages,
//!    resources and usage plans' keys; for the VPCs that can hold a path (those of
//!    execute-api endpoints, those at either end of a live peering connection, those
//!    attached to a transit gateway, those of databases) their VPC records, subnets,
//!    route tables, security groups, network ACLs, DNS attributes and instances; the
//!    routes of the TGW route tables this account owns (only a TGW's owner can search
//!    them: a TGW shared through RAM has its routes read in the owner's scope, when the
//!    audit covers that account);
//! 3. the deployments the stages run, and the functions the methods invoke with their
//!    policies; where a method's integration goes through a VPC link, the links its
//!    `connectionId` names (literally or by a stage variable, as V1 and as V2 links),
//!    the load balancers behind them, their listeners, target groups and targets'
//!    health, and the network interfaces of targets behind a Network Load Balancer
//!    without security groups (none of these reads is made in an account-region
//!    without private integrations).
//!
//! The private hosted zones that answer the domain names are read after every
//! account-region, once per account (`discover_zones.rs`).
//!
//! A failed call leaves its array out and is recorded in the scope's `unavailable`, so
//! exactly the checks that need it report `unknown`; credentials that do not work
//! (a role not assumable, a region not enabled) fail the scope, which the audit reports
//! while the other scopes go on.

use super::calls::CallError;
use super::graph::{self, ask, Board, Decl, Order, Read, Side, Start};
use super::iam::AccountIam;
use super::{
    acm, all_at_once, apigateway, apigatewayv2, ec2, elbv2, lambda, rds, sorted_unique, ssm, tgw,
    CollectError, Ctx,
};
use privpath_checks::backend::{integration_function_arn, split_function_arn};
use privpath_checks::estate::policy_document;
use privpath_checks::path::execute_api_service;
use privpath_checks::policy::restricts_by_vpc;
use privpath_checks::snapshot::{self as m, Scope, Source, Unavailable};
use privpath_checks::vpc_link::{named_in, ungrouped_nlb_targets};
use std::sync::Arc;
use tokio::sync::OnceCell;

/// One account's IAM records, fetched by the first of its regions to ask and shared
/// with the others. Only a success is kept: a region whose credentials fail does not
/// leave its failure to the account's other regions, which then ask again.
pub type SharedIam = Arc<OnceCell<Arc<AccountIam>>>;

/// The facts of one account-region's discovery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    Apis,
    Endpoints,
    Peerings,
    TransitGateways,
    TgwVpcAttachments,
    TgwAttachments,
    TgwPeerings,
    TgwRoutes,
    UsagePlans,
    ApiKeys,
    DbInstances,
    InstanceInformation,
    ServiceSettings,
    BpaOptions,
    BpaExclusions,
    AccountIam,
    /// The audited APIs, the VPCs that can hold a path and the plans of those APIs.
    Audited,
    Stages,
    Resources,
    UsagePlanKeys,
    Vpcs,
    Subnets,
    RouteTables,
    SecurityGroups,
    NetworkAcls,
    Instances,
    VpcAttributes,
    Deployments,
    Functions,
    FunctionPolicies,
    /// The VPC links and load balancers the audited methods' private integrations name.
    PrivateNamed,
    VpcLinksV1,
    VpcLinksV2,
    /// Those load balancers, with the ones the V1 links target.
    LoadBalancerArns,
    LoadBalancers,
    Listeners,
    TargetGroups,
    TargetHealth,
    TargetInterfaces,
    DomainNames,
    DomainAssociations,
    DomainDetails,
    BasePathMappings,
    Certificates,
}

/// One account-region's answers, as its scope will hold them (`None`: not read).
pub struct DiscoveryBoard {
    ctx: Ctx,
    iam: SharedIam,
    scope: Scope,
    audited: Vec<String>,
    vpcs: Vec<String>,
    plans_of_audited: Vec<String>,
    /// Whether any audited method goes through a VPC link: without one, none of a
    /// private integration's reads is made (and no path needs their arrays).
    private: bool,
    links: Vec<String>,
    lb_arns: Vec<String>,
    /// `GetDomainNames`' answer: the snapshot takes it once the private ones' policies
    /// are read (`GetDomainName`), so a failed detail leaves the array out, not wrong.
    domain_list: Option<Vec<m::DomainName>>,
}

impl Board for DiscoveryBoard {
    type Fact = Fact;

    fn ctx(&self, _: Side) -> &Ctx {
        &self.ctx
    }

    fn failed(&mut self, decl: &Decl<Fact>, error: CallError) -> Result<(), CollectError> {
        let gaps = &mut self.scope.unavailable;
        let mut add = |action: &str| {
            if !gaps.iter().any(|g| g.action == action) {
                gaps.push(Unavailable {
                    action: action.to_string(),
                    error: error.to_string(),
                });
            }
        };
        add(decl.action);
        // One IAM call serves every IAM array; a denied one leaves them all out.
        if decl.action == "iam:GetAccountAuthorizationDetails" {
            for action in [
                "iam:GetInstanceProfile",
                "iam:ListAttachedRolePolicies",
                "iam:GetPolicyVersion",
            ] {
                add(action);
            }
        }
        Ok(())
    }
}

/// A list of the whole account-region (no filter).
macro_rules! list {
    ($name:expr, $action:expr, $fact:expr, $array:expr, $call:expr, $field:ident) => {
        Read {
            decl: Decl {
                name: $name,
                action: $action,
                side: Side::Api,
                needs: &[],
                fills: &[$fact],
                arrays: &[$array],
            },
            start: |_, c| {
                let c = c.clone();
                ask(
                    async move { ($call)(&c).await },
                    |b: &mut DiscoveryBoard, v| b.scope.$field = Some(v),
                )
            },
        }
    };
}

/// An EC2 read of the VPCs that can hold a path, in chunks the API accepts.
macro_rules! of_vpcs {
    ($name:expr, $action:expr, $fact:expr, $array:expr, $call:path, $field:ident) => {
        Read {
            decl: Decl {
                name: $name,
                action: $action,
                side: Side::Api,
                needs: &[Fact::Audited],
                fills: &[$fact],
                arrays: &[$array],
            },
            start: |b, c| {
                if b.vpcs.is_empty() {
                    return Start::Now(Box::new(|b: &mut DiscoveryBoard| {
                        b.scope.$field = Some(Vec::new());
                        Ok(())
                    }));
                }
                let (c, vpcs) = (c.clone(), b.vpcs.clone());
                ask(
                    async move {
                        let chunks: Vec<String> = vpcs
                            .chunks(ec2::FILTER_VALUES)
                            .map(|c| c.join(","))
                            .collect();
                        let found = all_at_once(&c, &chunks, |c, joined| async move {
                            let vpcs: Vec<String> = joined.split(',').map(str::to_string).collect();
                            $call(&c, &vpcs).await
                        })
                        .await;
                        let mut out = Vec::new();
                        for r in found {
                            out.extend(r?);
                        }
                        Ok(out)
                    },
                    |b: &mut DiscoveryBoard, v| b.scope.$field = Some(v),
                )
            },
        }
    };
}

/// A fan-out over a list the board derived: all of it, or nothing.
fn each<T, F, Fut>(
    c: &Ctx,
    items: Vec<String>,
    call: F,
    store: fn(&mut DiscoveryBoard, Vec<T>),
) -> Start<DiscoveryBoard>
where
    T: Send + 'static,
    F: Fn(Ctx, String) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
{
    if items.is_empty() {
        return Start::Now(Box::new(move |b: &mut DiscoveryBoard| {
            store(b, Vec::new());
            Ok(())
        }));
    }
    let c = c.clone();
    ask(
        async move {
            all_at_once(&c, &items, call)
                .await
                .into_iter()
                .collect::<Result<Vec<T>, CallError>>()
        },
        store,
    )
}

/// Every read of an account-region's discovery.
pub static READS: &[Read<DiscoveryBoard>] = &[
    list!("every REST API", "apigateway:GET", Fact::Apis, Source::RestApis, apigateway::rest_apis, rest_apis),
    list!("every VPC endpoint", "ec2:DescribeVpcEndpoints", Fact::Endpoints, Source::VpcEndpoints, ec2::all_endpoints, vpc_endpoints),
    list!("every peering connection", "ec2:DescribeVpcPeeringConnections", Fact::Peerings, Source::VpcPeeringConnections, ec2::all_peerings, vpc_peering_connections),
    list!("every transit gateway (owned or shared)", "ec2:DescribeTransitGateways", Fact::TransitGateways, Source::TransitGateways, |c| tgw::transit_gateways(c, None), transit_gateways),
    list!("every transit gateway VPC attachment", "ec2:DescribeTransitGatewayVpcAttachments", Fact::TgwVpcAttachments, Source::TransitGatewayVpcAttachments, |c| tgw::vpc_attachments(c, None), transit_gateway_vpc_attachments),
    list!("every transit gateway attachment with its association", "ec2:DescribeTransitGatewayAttachments", Fact::TgwAttachments, Source::TransitGatewayAttachments, |c| tgw::attachments(c, None), transit_gateway_attachments),
    list!("every transit gateway peering attachment", "ec2:DescribeTransitGatewayPeeringAttachments", Fact::TgwPeerings, Source::TransitGatewayPeeringAttachments, |c| tgw::peering_attachments(c, None), transit_gateway_peering_attachments),
    list!("every usage plan", "apigateway:GET", Fact::UsagePlans, Source::UsagePlans, apigateway::usage_plans, usage_plans),
    list!("every API key (without values)", "apigateway:GET", Fact::ApiKeys, Source::ApiKeys, apigateway::api_keys, api_keys),
    list!("every DB instance", "rds:DescribeDBInstances", Fact::DbInstances, Source::DBInstances, |c| rds::db_instances(c, None), db_instances),
    list!("every managed node", "ssm:DescribeInstanceInformation", Fact::InstanceInformation, Source::InstanceInformationList, ssm::all_instance_information, instance_information_list),
    list!("Default Host Management Configuration's service setting", "ssm:GetServiceSetting", Fact::ServiceSettings, Source::ServiceSettings, ssm::dhmc_setting, service_settings),
    list!("the region's VPC Block Public Access options", "ec2:DescribeVpcBlockPublicAccessOptions", Fact::BpaOptions, Source::VpcBlockPublicAccessOptions, ec2::vpc_block_public_access_options, vpc_block_public_access_options),
    list!("the region's VPC Block Public Access exclusions", "ec2:DescribeVpcBlockPublicAccessExclusions", Fact::BpaExclusions, Source::VpcBlockPublicAccessExclusions, ec2::vpc_block_public_access_exclusions, vpc_block_public_access_exclusions),
    Read {
        decl: Decl {
            name: "the account's roles, instance profiles and customer managed policies (once per account)",
            action: "iam:GetAccountAuthorizationDetails",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::AccountIam],
            arrays: &[Source::RoleDetailList, Source::InstanceProfiles, Source::Policies],
        },
        start: |b, c| {
            let (c, shared) = (c.clone(), b.iam.clone());
            ask(
                async move {
                    shared
                        .get_or_try_init(|| async { super::iam::account_iam(&c).await.map(Arc::new) })
                        .await
                        .cloned()
                },
                |b, iam| {
                    b.scope.role_detail_list = Some(iam.roles.clone());
                    b.scope.instance_profiles = Some(iam.profiles.clone());
                    b.scope.policies = Some(iam.policies.clone());
                },
            )
        },
    },
    Read {
        decl: Decl {
            name: "the routes of the transit gateway route tables this account owns",
            action: "ec2:SearchTransitGatewayRoutes",
            side: Side::Api,
            needs: &[Fact::TransitGateways, Fact::TgwAttachments],
            fills: &[Fact::TgwRoutes],
            arrays: &[Source::TransitGatewayRoutes],
        },
        start: |b, c| {
            // Without the TGWs or their associations, which tables are this account's
            // is not known: leave the routes unread rather than read as none.
            if b.scope.transit_gateways.is_none() || b.scope.transit_gateway_attachments.is_none() {
                return Start::Skip;
            }
            each(c, owned_route_tables(&b.scope), |c, table| async move { tgw::routes(&c, &table).await }, |b, v| {
                b.scope.transit_gateway_routes = Some(v.concat())
            })
        },
    },
    Read::derived(
        "the audited APIs and the VPCs that can hold a path",
        &[Fact::Apis, Fact::Endpoints, Fact::Peerings, Fact::TgwVpcAttachments, Fact::UsagePlans, Fact::DbInstances],
        &[Fact::Audited],
        |_, _| {
            Start::Now(Box::new(|b: &mut DiscoveryBoard| {
                choose_audited(b);
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the audited APIs' stages",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Audited],
            fills: &[Fact::Stages],
            arrays: &[Source::Stages],
        },
        start: |b, c| {
            each(c, b.audited.clone(), |c, api| async move { apigateway::stages(&c, &api).await }, |b, v| {
                b.scope.stages = Some(v.concat())
            })
        },
    },
    Read {
        decl: Decl {
            name: "the audited APIs' resources and methods",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Audited],
            fills: &[Fact::Resources],
            arrays: &[Source::Resources],
        },
        start: |b, c| {
            each(c, b.audited.clone(), |c, api| async move { apigateway::resources(&c, &api).await }, |b, v| {
                b.scope.resources = Some(v.concat())
            })
        },
    },
    Read {
        decl: Decl {
            name: "the keys of the audited APIs' usage plans",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Audited],
            fills: &[Fact::UsagePlanKeys],
            arrays: &[Source::UsagePlanKeys],
        },
        start: |b, c| {
            each(c, b.plans_of_audited.clone(), |c, plan| async move { apigateway::usage_plan_keys(&c, &plan).await }, |b, v| {
                b.scope.usage_plan_keys = Some(v.concat())
            })
        },
    },
    of_vpcs!("the VPCs that can hold a path", "ec2:DescribeVpcs", Fact::Vpcs, Source::Vpcs, ec2::vpcs, vpcs),
    of_vpcs!("their subnets", "ec2:DescribeSubnets", Fact::Subnets, Source::Subnets, ec2::subnets, subnets),
    of_vpcs!("their route tables", "ec2:DescribeRouteTables", Fact::RouteTables, Source::RouteTables, ec2::route_tables, route_tables),
    of_vpcs!("their security groups", "ec2:DescribeSecurityGroups", Fact::SecurityGroups, Source::SecurityGroups, ec2::security_groups, security_groups),
    of_vpcs!("their network ACLs", "ec2:DescribeNetworkAcls", Fact::NetworkAcls, Source::NetworkAcls, ec2::network_acls, network_acls),
    of_vpcs!("their instances", "ec2:DescribeInstances", Fact::Instances, Source::Instances, ec2::instances_in_vpcs, instances),
    Read {
        decl: Decl {
            name: "their DNS attributes",
            action: "ec2:DescribeVpcAttribute",
            side: Side::Api,
            needs: &[Fact::Audited],
            fills: &[Fact::VpcAttributes],
            arrays: &[Source::VpcAttributes],
        },
        start: |b, c| {
            each(c, b.vpcs.clone(), |c, vpc| async move { ec2::vpc_dns_attributes(&c, &vpc).await }, |b, v| {
                b.scope.vpc_attributes = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "the deployments the stages run",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Stages],
            fills: &[Fact::Deployments],
            arrays: &[Source::Deployments],
        },
        start: |b, c| {
            let wanted: Vec<String> = sorted_unique(b.scope.stages.iter().flatten().filter_map(|s| {
                Some(format!("{}\n{}", s.rest_api_id.as_deref()?, s.deployment_id.as_deref()?))
            }));
            each(c, wanted, |c, key| async move {
                let (api, id) = key.split_once('\n').unwrap_or((&key, ""));
                apigateway::deployment(&c, api, id).await
            }, |b, v| b.scope.deployments = Some(v))
        },
    },
    Read {
        decl: Decl {
            name: "the functions the methods invoke",
            action: "lambda:GetFunctionConfiguration",
            side: Side::Api,
            needs: &[Fact::Resources],
            fills: &[Fact::Functions],
            arrays: &[Source::Functions],
        },
        start: |b, c| {
            each(c, functions_wanted(&b.scope), |c, arn| async move { lambda::function(&c, &arn).await }, |b, v| {
                b.scope.functions = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "those functions' resource policies",
            action: "lambda:GetPolicy",
            side: Side::Api,
            needs: &[Fact::Resources],
            fills: &[Fact::FunctionPolicies],
            arrays: &[Source::FunctionPolicies],
        },
        start: |b, c| {
            let names: Vec<String> = functions_wanted(&b.scope)
                .iter()
                .filter_map(|arn| split_function_arn(arn).map(|(_, n)| n.to_string()))
                .collect();
            each(c, names, |c, name| async move { lambda::policy(&c, &name).await }, |b, v| {
                b.scope.function_policies = Some(v)
            })
        },
    },    Read::derived(
        "the VPC links and load balancers the private integrations name",
        &[Fact::Resources, Fact::Stages],
        &[Fact::PrivateNamed],
        |_, _| {
            Start::Now(Box::new(|b: &mut DiscoveryBoard| {
                let named = named_in(&b.scope);
                b.private = named.is_some();
                (b.links, b.lb_arns) = named.unwrap_or_default();
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "those VPC links, as V1 links",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::PrivateNamed],
            fills: &[Fact::VpcLinksV1],
            arrays: &[Source::VpcLinks],
        },
        start: |b, c| {
            if !b.private {
                return Start::Skip;
            }
            each(c, b.links.clone(), |c, id| async move { apigateway::vpc_link(&c, &id).await }, |b, v| {
                b.scope.vpc_links = Some(v.into_iter().flatten().collect())
            })
        },
    },
    Read {
        decl: Decl {
            name: "those VPC links, as V2 links",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::PrivateNamed],
            fills: &[Fact::VpcLinksV2],
            arrays: &[Source::VpcLinksV2],
        },
        start: |b, c| {
            if !b.private {
                return Start::Skip;
            }
            each(c, b.links.clone(), |c, id| async move { apigatewayv2::vpc_link(&c, &id).await }, |b, v| {
                b.scope.vpc_links_v2 = Some(v.into_iter().flatten().collect())
            })
        },
    },
    Read::derived(
        "the load balancers behind them",
        &[Fact::PrivateNamed, Fact::VpcLinksV1],
        &[Fact::LoadBalancerArns],
        |_, _| {
            Start::Now(Box::new(|b: &mut DiscoveryBoard| {
                let of_v1 = b.scope.vpc_links.iter().flatten().flat_map(|l| l.target_arns.iter().cloned());
                b.lb_arns = sorted_unique(b.lb_arns.iter().cloned().chain(of_v1));
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "those load balancers",
            action: "elasticloadbalancing:DescribeLoadBalancers",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArns],
            fills: &[Fact::LoadBalancers],
            arrays: &[Source::LoadBalancers],
        },
        start: |b, c| {
            if !b.private {
                return Start::Skip;
            }
            // One call per load balancer: AWS answers LoadBalancerNotFound for a whole
            // request that names one that does not exist.
            each(c, b.lb_arns.clone(), |c, arn| async move { elbv2::load_balancers(&c, &[arn]).await }, |b, v| {
                b.scope.load_balancers = Some(v.concat())
            })
        },
    },
    Read {
        decl: Decl {
            name: "their listeners",
            action: "elasticloadbalancing:DescribeListeners",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArns],
            fills: &[Fact::Listeners],
            arrays: &[Source::Listeners],
        },
        start: |b, c| {
            if !b.private {
                return Start::Skip;
            }
            each(c, b.lb_arns.clone(), |c, arn| async move { elbv2::listeners(&c, &arn).await }, |b, v| {
                b.scope.listeners = Some(v.concat())
            })
        },
    },
    Read {
        decl: Decl {
            name: "their target groups",
            action: "elasticloadbalancing:DescribeTargetGroups",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArns],
            fills: &[Fact::TargetGroups],
            arrays: &[Source::TargetGroups],
        },
        start: |b, c| {
            if !b.private {
                return Start::Skip;
            }
            each(c, b.lb_arns.clone(), |c, arn| async move { elbv2::target_groups(&c, &arn).await }, |b, v| {
                let mut groups: Vec<m::TargetGroup> = v.concat();
                groups.sort_by(|x, y| x.target_group_arn.cmp(&y.target_group_arn));
                groups.dedup_by(|x, y| x.target_group_arn == y.target_group_arn);
                b.scope.target_groups = Some(groups)
            })
        },
    },
    Read {
        decl: Decl {
            name: "the health of their targets",
            action: "elasticloadbalancing:DescribeTargetHealth",
            side: Side::Api,
            needs: &[Fact::TargetGroups],
            fills: &[Fact::TargetHealth],
            arrays: &[Source::TargetHealthDescriptions],
        },
        start: |b, c| {
            if !b.private || b.scope.target_groups.is_none() {
                return Start::Skip;
            }
            let groups = b.scope.target_groups.iter().flatten().map(|g| g.target_group_arn.clone()).collect();
            each(c, groups, |c, tg| async move { elbv2::target_health(&c, &tg).await }, |b, v| {
                b.scope.target_health_descriptions = Some(v.concat())
            })
        },
    },
    Read {
        decl: Decl {
            name: "the targets' network interfaces (behind a Network Load Balancer without security groups)",
            action: "ec2:DescribeNetworkInterfaces",
            side: Side::Api,
            needs: &[Fact::LoadBalancers, Fact::TargetGroups, Fact::TargetHealth],
            fills: &[Fact::TargetInterfaces],
            arrays: &[Source::NetworkInterfaces],
        },
        start: |b, c| {
            let s = &b.scope;
            let (Some(lbs), Some(groups), Some(health)) =
                (&s.load_balancers, &s.target_groups, &s.target_health_descriptions)
            else {
                return Start::Skip;
            };
            let (instances, addresses) = ungrouped_nlb_targets(lbs, groups, health);
            let c = c.clone();
            ask(
                async move { ec2::target_interfaces(&c, &instances, &addresses).await },
                |b: &mut DiscoveryBoard, v| b.scope.network_interfaces = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the custom domain names this account owns",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::DomainNames],
            arrays: &[Source::DomainNames],
        },
        start: |_, c| {
            let c = c.clone();
            ask(async move { apigateway::domain_names(&c, false).await }, |b: &mut DiscoveryBoard, v| {
                b.domain_list = Some(v)
            })
        },
    },
    list!("the access associations of this account's endpoints", "apigateway:GET", Fact::DomainAssociations, Source::DomainNameAccessAssociations, |c| apigateway::access_associations(c, false), domain_name_access_associations),
    Read {
        decl: Decl {
            name: "the private domain names' resource policies",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::DomainNames],
            fills: &[Fact::DomainDetails],
            arrays: &[Source::DomainNames],
        },
        start: |b, c| {
            if b.domain_list.is_none() {
                return Start::Skip;
            }
            each(c, private_domains(b), |c, key| async move {
                let (name, id) = key.split_once('\n').unwrap_or((&key, ""));
                apigateway::domain(&c, name, id).await
            }, |b, details| {
                let mut all = b.domain_list.take().unwrap_or_default();
                for d in &mut all {
                    if let Some(x) = details.iter().find(|x| x.domain_name == d.domain_name && x.domain_name_id == d.domain_name_id) {
                        d.policy = x.policy.clone().or(d.policy.take());
                    }
                }
                b.scope.domain_names = Some(all);
            })
        },
    },
    Read {
        decl: Decl {
            name: "their base path mappings",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::DomainNames],
            fills: &[Fact::BasePathMappings],
            arrays: &[Source::BasePathMappings],
        },
        start: |b, c| {
            if b.domain_list.is_none() {
                return Start::Skip;
            }
            each(c, private_domains(b), |c, key| async move {
                let (name, id) = key.split_once('\n').unwrap_or((&key, ""));
                apigateway::base_path_mappings(&c, name, Some(id)).await
            }, |b, v| b.scope.base_path_mappings = Some(v.concat()))
        },
    },
    Read {
        decl: Decl {
            name: "their certificates",
            action: "acm:DescribeCertificate",
            side: Side::Api,
            needs: &[Fact::DomainNames],
            fills: &[Fact::Certificates],
            arrays: &[Source::Certificates],
        },
        start: |b, c| {
            let Some(list) = &b.domain_list else {
                return Start::Skip;
            };
            let arns = sorted_unique(list.iter().filter(|d| d.is_private()).filter_map(|d| d.certificate_arn.clone()));
            each(c, arns, |c, arn| async move { acm::certificate(&c, &arn).await }, |b, v| {
                b.scope.certificates = Some(v)
            })
        },
    },
];

/// The private custom domain names of the list, as `NAME\nID` (only they map private
/// APIs; a private one is always identified by its `domainNameId` too).
fn private_domains(b: &DiscoveryBoard) -> Vec<String> {
    sorted_unique(
        b.domain_list
            .iter()
            .flatten()
            .filter(|d| d.is_private())
            .filter_map(|d| {
                Some(format!(
                    "{}\n{}",
                    d.domain_name,
                    d.domain_name_id.as_deref()?
                ))
            }),
    )
}

/// The route tables of the transit gateways this account owns that some attachment is
/// associated with (only they decide where an attachment's traffic goes).
fn owned_route_tables(scope: &Scope) -> Vec<String> {
    let mine = |owner: Option<&str>| match (owner, scope.account.as_deref()) {
        (Some(o), Some(a)) => o == a,
        _ => true,
    };
    let owned: Vec<&str> = scope
        .transit_gateways
        .iter()
        .flatten()
        .filter(|t| mine(t.owner_id.as_deref()))
        .map(|t| t.transit_gateway_id.as_str())
        .collect();
    sorted_unique(
        scope
            .transit_gateway_attachments
            .iter()
            .flatten()
            .filter(|a| {
                a.transit_gateway_id
                    .as_deref()
                    .is_some_and(|t| owned.contains(&t))
            })
            .filter_map(|a| a.association.as_ref())
            .filter_map(|x| x.transit_gateway_route_table_id.clone()),
    )
}

fn functions_wanted(scope: &Scope) -> Vec<String> {
    sorted_unique(
        scope
            .resources
            .iter()
            .flatten()
            .flat_map(|r| r.resource_methods.values())
            .filter_map(|m| m.method_integration.as_ref())
            .filter_map(integration_function_arn)
            .map(str::to_string),
    )
}

/// The APIs an audit looks at (PRIVATE, or a policy restricting by VPC), the VPCs that
/// can hold a path into them, and the usage plans of those APIs.
fn choose_audited(b: &mut DiscoveryBoard) {
    let s = &b.scope;
    b.audited = s
        .rest_apis
        .iter()
        .flatten()
        .filter(|a| a.is_private() || policy_document(a).is_some_and(|d| restricts_by_vpc(&d)))
        .map(|a| a.id.clone())
        .collect();
    let service = execute_api_service(&s.region);
    let here = |info: &m::PeeringVpcInfo| {
        info.region.as_deref().is_none_or(|r| r == s.region)
            && match (info.owner_id.as_deref(), s.account.as_deref()) {
                (Some(o), Some(a)) => o == a,
                _ => true,
            }
    };
    b.vpcs = sorted_unique(
        s.vpc_endpoints
            .iter()
            .flatten()
            .filter(|e| e.service_name == service)
            .map(|e| e.vpc_id.clone())
            .chain(
                s.vpc_peering_connections
                    .iter()
                    .flatten()
                    .filter(|p| privpath_checks::path::peering_alive(p))
                    .flat_map(|p| [&p.requester_vpc_info, &p.accepter_vpc_info])
                    .flatten()
                    .filter(|i| here(i))
                    .filter_map(|i| i.vpc_id.clone()),
            )
            .chain(
                // This account's VPCs on a transit gateway (the TGW's owner also lists
                // other accounts' attachments: their VPCs are read in their scopes).
                s.transit_gateway_vpc_attachments
                    .iter()
                    .flatten()
                    .filter(
                        |a| match (a.vpc_owner_id.as_deref(), s.account.as_deref()) {
                            (Some(o), Some(me)) => o == me,
                            _ => true,
                        },
                    )
                    .map(|a| a.vpc_id.clone()),
            )
            .chain(
                s.db_instances
                    .iter()
                    .flatten()
                    .filter_map(|d| d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone())),
            ),
    );
    let audited = &b.audited;
    b.plans_of_audited = s
        .usage_plans
        .iter()
        .flatten()
        .filter(|u| u.api_stages.iter().any(|st| audited.contains(&st.api_id)))
        .map(|u| u.id.clone())
        .collect();
}

/// Discovers one account-region into its scope.
pub async fn discover(
    ctx: &Ctx,
    account: Option<String>,
    iam: SharedIam,
    order: Order,
) -> Result<Scope, CollectError> {
    let mut board = DiscoveryBoard {
        ctx: ctx.clone(),
        iam,
        scope: Scope {
            account,
            region: ctx.region.clone(),
            ..Scope::default()
        },
        audited: Vec::new(),
        vpcs: Vec::new(),
        plans_of_audited: Vec::new(),
        private: false,
        links: Vec::new(),
        lb_arns: Vec::new(),
        domain_list: None,
    };
    let reads: Vec<&Read<DiscoveryBoard>> = READS.iter().collect();
    graph::run(&mut board, &reads, order, &ctx.log).await?;
    Ok(board.scope)
}
