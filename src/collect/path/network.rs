//! The networks on the path: the VPC endpoints of the client VPC and those the API names
//! (by id, or by the VPCs its policy names), the peering connections of the client VPC
//! (and, on two sides, of the endpoint VPCs as the API side sees them), and the VPCs,
//! subnets, route tables, security groups, network ACLs and DNS attributes of the VPCs
//! on the path, each filtered to those VPCs and each asked of the side that owns them.

use super::board::{Fact, PathBoard, API, CLIENT};
use crate::collect::calls::CallError;
use crate::collect::graph::{ask, Decl, Read, Side, Start};
use crate::collect::{all_at_once, ec2, sorted_unique, Ctx};
use privpath_checks::path::execute_api_service;
use privpath_checks::policy;
use privpath_checks::snapshot::{self as m, Source};

/// The endpoint ids and VPCs the API names: associated endpoints and the policy's
/// `aws:SourceVpce` values, and the policy's `aws:SourceVpc` values.
fn named_by_api(b: &PathBoard) -> (Vec<String>, Vec<String>) {
    let Some(api) = b.api.as_ref() else {
        return (Vec::new(), Vec::new());
    };
    let (vpces, vpcs) = match api.policy.as_ref().map(policy::decode_document) {
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
    let ids = sorted_unique(api.associated_endpoint_ids().iter().cloned().chain(vpces));
    (ids, vpcs)
}

/// The VPCs whose endpoints the API side reads: those the policy names (and, on one
/// side, the client's).
fn endpoint_vpcs_of_api(b: &PathBoard) -> Vec<String> {
    let (_, vpcs) = named_by_api(b);
    let client = b.client_vpc().map(str::to_string);
    if b.split() {
        sorted_unique(vpcs.into_iter().filter(|v| Some(v) != client.as_ref()))
    } else {
        sorted_unique(client.into_iter().chain(vpcs))
    }
}

/// The client VPC, as a list, when the client side reads it itself.
fn client_side_vpcs(b: &PathBoard) -> Vec<String> {
    if b.split() {
        b.client_vpc().map(str::to_string).into_iter().collect()
    } else {
        Vec::new()
    }
}

/// The VPCs a side reads networks of: the API side's were derived from the endpoints,
/// the function and the databases; the client side reads its own VPC.
fn network_vpcs(b: &PathBoard, side: usize) -> Vec<String> {
    if side == API {
        b.network_vpcs[API].clone()
    } else {
        client_side_vpcs(b)
    }
}

fn dns_vpcs(b: &PathBoard, side: usize) -> Vec<String> {
    if side == API {
        b.dns_vpcs[API].clone()
    } else {
        client_side_vpcs(b)
    }
}

/// Nothing to ask, and "collected, none" for this array.
fn none_found(set: fn(&mut PathBoard)) -> Start<PathBoard> {
    Start::Now(Box::new(move |b: &mut PathBoard| {
        set(b);
        Ok(())
    }))
}

fn endpoints_in(
    c: &Ctx,
    vpcs: Vec<String>,
    store: fn(&mut PathBoard, Vec<m::VpcEndpoint>),
) -> Start<PathBoard> {
    let c = c.clone();
    ask(
        async move { ec2::endpoints(&c, "vpc-id", &vpcs).await },
        store,
    )
}

/// One of a side's five network reads, filtered to its VPCs (nothing asked for none).
macro_rules! network_read {
    ($name:expr, $action:expr, $side:expr, $needs:expr, $fact:expr, $array:expr, $call:path, $field:ident) => {
        Read {
            decl: Decl {
                name: $name,
                action: $action,
                side: $side,
                needs: $needs,
                fills: &[$fact],
                arrays: &[$array],
            },
            start: |b, c| {
                let side = if $side == Side::Api { API } else { CLIENT };
                let vpcs = network_vpcs(b, side);
                if vpcs.is_empty() {
                    return Start::Skip;
                }
                let c = c.clone();
                Start::Ask(Box::pin(async move {
                    let found = $call(&c, &vpcs).await?;
                    let settle: crate::collect::graph::Settle<PathBoard> =
                        Box::new(move |b: &mut PathBoard| {
                            b.networks[side].$field = Some(found);
                            Ok(())
                        });
                    Ok(settle)
                }))
            },
        }
    };
}

/// The five network reads and the DNS attributes of one side.
macro_rules! side_networks {
    ($side:expr, $needs:expr, $who:literal, [$vpcs:expr, $subnets:expr, $tables:expr, $groups:expr, $acls:expr, $dns:expr]) => {
        [
            network_read!(
                concat!("the VPCs on the path (", $who, ")"),
                "ec2:DescribeVpcs",
                $side,
                $needs,
                $vpcs,
                Source::Vpcs,
                ec2::vpcs,
                vpcs
            ),
            network_read!(
                concat!("their subnets (", $who, ")"),
                "ec2:DescribeSubnets",
                $side,
                $needs,
                $subnets,
                Source::Subnets,
                ec2::subnets,
                subnets
            ),
            network_read!(
                concat!("their route tables (", $who, ")"),
                "ec2:DescribeRouteTables",
                $side,
                $needs,
                $tables,
                Source::RouteTables,
                ec2::route_tables,
                route_tables
            ),
            network_read!(
                concat!("their security groups (", $who, ")"),
                "ec2:DescribeSecurityGroups",
                $side,
                $needs,
                $groups,
                Source::SecurityGroups,
                ec2::security_groups,
                security_groups
            ),
            network_read!(
                concat!("their network ACLs (", $who, ")"),
                "ec2:DescribeNetworkAcls",
                $side,
                $needs,
                $acls,
                Source::NetworkAcls,
                ec2::network_acls,
                network_acls
            ),
            Read {
                decl: Decl {
                    name: concat!(
                        "the DNS attributes of the client and endpoint VPCs (",
                        $who,
                        ")"
                    ),
                    action: "ec2:DescribeVpcAttribute",
                    side: $side,
                    needs: $needs,
                    fills: &[$dns],
                    arrays: &[Source::VpcAttributes],
                },
                start: |b, c| {
                    let side = if $side == Side::Api { API } else { CLIENT };
                    let vpcs = dns_vpcs(b, side);
                    if vpcs.is_empty() {
                        // Only the side that reads a network records "none".
                        if side == API || b.split() {
                            return none_found(if side == API {
                                |b| b.networks[API].vpc_attributes = Some(Vec::new())
                            } else {
                                |b| b.networks[CLIENT].vpc_attributes = Some(Vec::new())
                            });
                        }
                        return Start::Skip;
                    }
                    let c = c.clone();
                    Start::Ask(Box::pin(async move {
                        let found = all_at_once(&c, &vpcs, |c, vpc| async move {
                            ec2::vpc_dns_attributes(&c, &vpc).await
                        })
                        .await
                        .into_iter()
                        .collect::<Result<Vec<_>, CallError>>()?;
                        let settle: crate::collect::graph::Settle<PathBoard> =
                            Box::new(move |b: &mut PathBoard| {
                                b.networks[side].vpc_attributes = Some(found);
                                Ok(())
                            });
                        Ok(settle)
                    }))
                },
            },
        ]
    };
}

static API_NETWORKS: [Read<PathBoard>; 6] = side_networks!(
    Side::Api,
    &[Fact::NetworkVpcs],
    "API side",
    [
        Fact::Vpcs,
        Fact::Subnets,
        Fact::RouteTables,
        Fact::SecurityGroups,
        Fact::NetworkAcls,
        Fact::VpcAttributes
    ]
);

// The client side's own VPC (two sides only) is known as soon as the instance is.
static CLIENT_NETWORKS: [Read<PathBoard>; 6] = side_networks!(
    Side::Client,
    &[Fact::Instance, Fact::Sides],
    "client side",
    [
        Fact::ClientVpcs,
        Fact::ClientSubnets,
        Fact::ClientRouteTables,
        Fact::ClientSecurityGroups,
        Fact::ClientNetworkAcls,
        Fact::ClientVpcAttributes
    ]
);

/// The client VPC's peering connections, by the end it is at (EC2 ANDs filters on
/// different names, so "requester or accepter" is two calls).
macro_rules! peering_read {
    ($name:expr, $filter:literal, $fact:expr, $field:ident) => {
        Read {
            decl: Decl {
                name: $name,
                action: "ec2:DescribeVpcPeeringConnections",
                side: Side::Client,
                needs: &[Fact::Instance, Fact::Sides],
                fills: &[$fact],
                arrays: &[Source::VpcPeeringConnections],
            },
            start: |b, c| client_peerings(b, c, $filter, |b, v| b.$field = Some(v)),
        }
    };
}

/// The endpoint VPCs' peering connections as the API side sees them (two sides only).
macro_rules! api_peering_read {
    ($name:expr, $filter:literal, $fact:expr, $field:ident) => {
        Read {
            decl: Decl {
                name: $name,
                action: "ec2:DescribeVpcPeeringConnections",
                side: Side::Api,
                needs: &[Fact::Sides, Fact::EndpointsInVpcs, Fact::EndpointsNamed],
                fills: &[$fact],
                arrays: &[Source::VpcPeeringConnections],
            },
            start: |b, c| api_peerings(b, c, $filter, |b, v| b.$field = Some(v)),
        }
    };
}

pub(super) static READS: &[Read<PathBoard>] = &[
    Read {
        decl: Decl {
            name: "the VPC endpoints in the VPCs the API's policy names (and the client's)",
            action: "ec2:DescribeVpcEndpoints",
            side: Side::Api,
            needs: &[Fact::Ends, Fact::Sides],
            fills: &[Fact::EndpointsInVpcs],
            arrays: &[Source::VpcEndpoints],
        },
        start: |b, c| {
            let vpcs = endpoint_vpcs_of_api(b);
            if vpcs.is_empty() {
                return none_found(|b| b.endpoints_in_vpcs = Some(Vec::new()));
            }
            endpoints_in(c, vpcs, |b, v| b.endpoints_in_vpcs = Some(v))
        },
    },
    Read {
        decl: Decl {
            name: "the VPC endpoints the API names",
            action: "ec2:DescribeVpcEndpoints",
            side: Side::Api,
            needs: &[Fact::Ends, Fact::Sides],
            fills: &[Fact::EndpointsNamed],
            arrays: &[Source::VpcEndpoints],
        },
        start: |b, c| {
            let (ids, _) = named_by_api(b);
            // With no endpoint named and no VPC beyond the client's, every execute-api
            // endpoint of the API's side is a candidate the policy may still admit.
            let no_policy_vpcs = if b.split() {
                endpoint_vpcs_of_api(b).is_empty()
            } else {
                endpoint_vpcs_of_api(b).len() <= usize::from(b.client_vpc().is_some())
            };
            let (name, values) = if !ids.is_empty() {
                ("vpc-endpoint-id", ids)
            } else if no_policy_vpcs {
                ("service-name", vec![execute_api_service(b.api_region())])
            } else {
                return none_found(|b| b.endpoints_named = Some(Vec::new()));
            };
            let c = c.clone();
            ask(
                async move { ec2::endpoints(&c, name, &values).await },
                |b, v| b.endpoints_named = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the VPC endpoints of the client VPC (two sides only)",
            action: "ec2:DescribeVpcEndpoints",
            side: Side::Client,
            needs: &[Fact::Instance, Fact::Sides],
            fills: &[Fact::EndpointsOfClient],
            arrays: &[Source::VpcEndpoints],
        },
        start: |b, c| {
            if !b.split() {
                return Start::Skip;
            }
            let vpcs = client_side_vpcs(b);
            if vpcs.is_empty() {
                return none_found(|b| b.endpoints_client = Some(Vec::new()));
            }
            endpoints_in(c, vpcs, |b, v| b.endpoints_client = Some(v))
        },
    },
    peering_read!(
        "the peering connections the client VPC requested",
        "requester-vpc-info.vpc-id",
        Fact::PeeringsRequested,
        peerings_requested
    ),
    peering_read!(
        "the peering connections the client VPC accepted",
        "accepter-vpc-info.vpc-id",
        Fact::PeeringsAccepted,
        peerings_accepted
    ),
    Read::derived(
        "the VPCs whose networks the API side reads",
        &[
            Fact::Instance,
            Fact::Sides,
            Fact::EndpointsInVpcs,
            Fact::EndpointsNamed,
            Fact::Function,
            Fact::DbInstances,
            Fact::LoadBalancers,
            Fact::TargetGroups,
        ],
        &[Fact::NetworkVpcs],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| {
                choose_network_vpcs(b);
                Ok(())
            }))
        },
    ),
    api_peering_read!(
        "the peering connections the endpoint VPCs requested (API side, two sides only)",
        "requester-vpc-info.vpc-id",
        Fact::ApiPeeringsRequested,
        api_peerings_requested
    ),
    api_peering_read!(
        "the peering connections the endpoint VPCs accepted (API side, two sides only)",
        "accepter-vpc-info.vpc-id",
        Fact::ApiPeeringsAccepted,
        api_peerings_accepted
    ),
];

/// Every network read: the endpoints and peerings, then each side's networks.
pub(super) fn reads() -> impl Iterator<Item = &'static Read<PathBoard>> {
    READS.iter().chain(&API_NETWORKS).chain(&CLIENT_NETWORKS)
}

fn client_peerings(
    b: &PathBoard,
    c: &Ctx,
    filter: &'static str,
    store: fn(&mut PathBoard, Vec<m::VpcPeeringConnection>),
) -> Start<PathBoard> {
    let Some(vpc) = b.client_vpc().map(str::to_string) else {
        return Start::Now(Box::new(move |b: &mut PathBoard| {
            store(b, Vec::new());
            Ok(())
        }));
    };
    let c = c.clone();
    ask(
        async move { ec2::peerings(&c, filter, &[vpc]).await },
        store,
    )
}

fn api_peerings(
    b: &PathBoard,
    c: &Ctx,
    filter: &'static str,
    store: fn(&mut PathBoard, Vec<m::VpcPeeringConnection>),
) -> Start<PathBoard> {
    if !b.split() {
        return Start::Skip;
    }
    let vpcs = sorted_unique(endpoint_vpc_ids(b));
    if vpcs.is_empty() {
        return Start::Now(Box::new(move |b: &mut PathBoard| {
            store(b, Vec::new());
            Ok(())
        }));
    }
    let c = c.clone();
    ask(async move { ec2::peerings(&c, filter, &vpcs).await }, store)
}

/// The VPCs of the execute-api endpoints the API side found.
fn endpoint_vpc_ids(b: &PathBoard) -> Vec<String> {
    let service = execute_api_service(b.api_region());
    b.endpoints_in_vpcs
        .iter()
        .chain(b.endpoints_named.iter())
        .flatten()
        .filter(|e| e.service_name == service)
        .map(|e| e.vpc_id.clone())
        .collect()
}

/// The API side's network VPCs: the endpoint VPCs (and, on one side, the client's),
/// the function's and the databases', a private integration's load balancer's and
/// targets'; DNS attributes for the client and endpoint VPCs.
fn choose_network_vpcs(b: &mut PathBoard) {
    // Endpoints count only when both endpoint reads answered (as the snapshot keeps them).
    let endpoint_vpcs = if b.endpoints_in_vpcs.is_some() && b.endpoints_named.is_some() {
        endpoint_vpc_ids(b)
    } else {
        Vec::new()
    };
    let function_vpc = b
        .function
        .as_ref()
        .and_then(|f| f.as_ref())
        .and_then(|f| f.vpc_id())
        .map(str::to_string);
    let db_vpcs: Vec<String> = b
        .db_instances
        .iter()
        .flatten()
        .filter_map(|d| d.db_subnet_group.as_ref().and_then(|g| g.vpc_id.clone()))
        .filter(|v| b.want.db_instance_id.is_some() || Some(v) == function_vpc.as_ref())
        .collect();
    let dns = if b.split() {
        sorted_unique(endpoint_vpcs)
    } else {
        sorted_unique(
            b.client_vpc()
                .map(str::to_string)
                .into_iter()
                .chain(endpoint_vpcs),
        )
    };
    // A private integration's load balancer and its targets: their groups and subnets.
    let backend_vpcs: Vec<String> = b
        .private
        .load_balancers
        .iter()
        .flatten()
        .filter_map(|lb| lb.vpc_id.clone())
        .chain(
            b.private
                .target_groups
                .iter()
                .flatten()
                .filter_map(|g| g.vpc_id.clone()),
        )
        .collect();
    b.network_vpcs[API] = sorted_unique(
        dns.iter()
            .cloned()
            .chain(function_vpc)
            .chain(db_vpcs)
            .chain(backend_vpcs),
    );
    b.dns_vpcs[API] = dns;
}
