//! A path through a transit gateway. Read only when a route table on the path sends
//! traffic to a TGW — a peering path makes none of these calls — one round trip after
//! the route tables: each side's view of the TGWs named, its VPCs' attachments, the
//! attachments' records (with their route table association) and the TGW peering
//! attachments; then the routes of the route tables those attachments are associated
//! with, asked of the side that owns the TGW (the route tables are its owner's alone:
//! the API's or the client's account, or the network account given with
//! `--network-role-arn` / `--network-profile`).

use super::board::{Fact, PathBoard, TransitAnswers, API, CLIENT, NETWORK};
use crate::collect::calls::CallError;
use crate::collect::graph::{ask, Decl, Read, Settle, Side, Start};
use crate::collect::{all_at_once, sorted_unique, sts, tgw, Ctx};
use privpath_checks::snapshot::Source;

/// The VPCs on the path whose attachments a side reads: the client's, the endpoints'.
fn side_vpcs(b: &PathBoard, side: usize) -> Vec<String> {
    let client = b.client_vpc().map(str::to_string);
    match side {
        CLIENT => client.into_iter().collect(),
        _ if b.split() => b.dns_vpcs[API].clone(),
        _ => sorted_unique(client.into_iter().chain(b.dns_vpcs[API].iter().cloned())),
    }
}

/// Which of the board's transit answers a side's read fills.
fn slot(side: Side) -> usize {
    match side {
        Side::Api => API,
        Side::Client => CLIENT,
        Side::Network => NETWORK,
    }
}

/// Whether a side reads at all: the client side on two scopes only, the network side
/// when given, and only on a path whose route tables name a TGW.
fn reads(b: &PathBoard, side: Side) -> bool {
    !b.tgw_named.is_empty()
        && match side {
            Side::Api => true,
            Side::Client => b.split(),
            Side::Network => b.network.is_some() && !network_is_a_side(b),
        }
}

/// Whether the network credentials act in an account (and region) a side already
/// reads: then that side reads the routes, and no third scope is made.
pub(super) fn network_is_a_side(b: &PathBoard) -> bool {
    let Some(n) = b.network.as_ref() else {
        return false;
    };
    let account = b.network_account.as_deref();
    [
        (
            b.api_account.as_deref().or(b.client_account.as_deref()),
            b.api_region(),
        ),
        (b.client_account.as_deref(), b.client_region()),
    ]
    .into_iter()
    .any(|(a, r)| account.is_some() && a == account && r == n.region)
}

fn store<T: Send + 'static>(
    side: Side,
    fut: impl std::future::Future<Output = Result<Vec<T>, CallError>> + Send + 'static,
    put: fn(&mut TransitAnswers, Vec<T>),
) -> Start<PathBoard> {
    let i = slot(side);
    Start::Ask(Box::pin(async move {
        let found = fut.await?;
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            put(&mut b.transit[i], found);
            Ok(())
        });
        Ok(settle)
    }))
}

/// The four reads of one side, one round trip after the route tables.
macro_rules! side_reads {
    ($side:expr, $who:literal, [$tgws:expr, $attachments:expr, $records:expr, $peerings:expr]) => {
        [
            Read {
                decl: Decl {
                    name: concat!("the transit gateways the route tables name (", $who, ")"),
                    action: "ec2:DescribeTransitGateways",
                    side: $side,
                    needs: &[Fact::TgwNamed, Fact::Sides, Fact::NetworkAccount],
                    fills: &[$tgws],
                    arrays: &[Source::TransitGateways],
                },
                start: |b, c| {
                    if !reads(b, $side) {
                        return Start::Skip;
                    }
                    let (c2, ids) = (c.clone(), b.tgw_named.clone());
                    store(
                        $side,
                        async move { tgw::transit_gateways(&c2, Some(("transit-gateway-id", &ids))).await },
                        |t, v| t.tgws = Some(v),
                    )
                },
            },
            Read {
                decl: Decl {
                    name: concat!("the VPCs' attachments to transit gateways (", $who, ")"),
                    action: "ec2:DescribeTransitGatewayVpcAttachments",
                    side: $side,
                    needs: &[Fact::TgwNamed, Fact::Sides, Fact::NetworkAccount],
                    fills: &[$attachments],
                    arrays: &[Source::TransitGatewayVpcAttachments],
                },
                start: |b, c| {
                    let vpcs = side_vpcs(b, slot($side));
                    if !reads(b, $side) || vpcs.is_empty() {
                        return Start::Skip;
                    }
                    let c2 = c.clone();
                    store(
                        $side,
                        async move { tgw::vpc_attachments(&c2, Some(("vpc-id", &vpcs))).await },
                        |t, v| t.vpc_attachments = Some(v),
                    )
                },
            },
            Read {
                decl: Decl {
                    name: concat!(
                        "the transit gateways' attachments with their route table (",
                        $who,
                        ")"
                    ),
                    action: "ec2:DescribeTransitGatewayAttachments",
                    side: $side,
                    needs: &[Fact::TgwNamed, Fact::Sides, Fact::NetworkAccount],
                    fills: &[$records],
                    arrays: &[Source::TransitGatewayAttachments],
                },
                start: |b, c| {
                    if !reads(b, $side) {
                        return Start::Skip;
                    }
                    let (c2, ids) = (c.clone(), b.tgw_named.clone());
                    store(
                        $side,
                        async move { tgw::attachments(&c2, Some(("transit-gateway-id", &ids))).await },
                        |t, v| t.records = Some(v),
                    )
                },
            },
            Read {
                decl: Decl {
                    name: concat!("the TGW peering attachments between them (", $who, ")"),
                    action: "ec2:DescribeTransitGatewayPeeringAttachments",
                    side: $side,
                    needs: &[Fact::TgwNamed, Fact::Sides, Fact::NetworkAccount],
                    fills: &[$peerings],
                    arrays: &[Source::TransitGatewayPeeringAttachments],
                },
                start: |b, c| {
                    // One TGW: no peering between TGWs on the path.
                    if !reads(b, $side) || b.tgw_named.len() < 2 {
                        return Start::Skip;
                    }
                    let (c2, ids) = (c.clone(), b.tgw_named.clone());
                    store(
                        $side,
                        async move { tgw::peering_attachments(&c2, Some(("transit-gateway-id", &ids))).await },
                        |t, v| t.peerings = Some(v),
                    )
                },
            },
        ]
    };
}

static API_SIDE: [Read<PathBoard>; 4] = side_reads!(
    Side::Api,
    "API side",
    [
        Fact::ApiTgws,
        Fact::ApiTgwAttachments,
        Fact::ApiTgwRecords,
        Fact::ApiTgwPeerings
    ]
);

static CLIENT_SIDE: [Read<PathBoard>; 4] = side_reads!(
    Side::Client,
    "client side",
    [
        Fact::ClientTgws,
        Fact::ClientTgwAttachments,
        Fact::ClientTgwRecords,
        Fact::ClientTgwPeerings
    ]
);

static NETWORK_SIDE: [Read<PathBoard>; 4] = side_reads!(
    Side::Network,
    "network side",
    [
        Fact::NetworkTgws,
        Fact::NetworkTgwAttachments,
        Fact::NetworkTgwRecords,
        Fact::NetworkTgwPeerings
    ]
);

static READS: &[Read<PathBoard>] = &[
    Read::derived(
        "the transit gateways the route tables on the path name",
        &[Fact::RouteTables, Fact::ClientRouteTables],
        &[Fact::TgwNamed],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| {
                b.tgw_named = named_tgws(b);
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the network side's account (--network-role-arn / --network-profile)",
            action: "sts:GetCallerIdentity",
            side: Side::Network,
            needs: &[],
            fills: &[Fact::NetworkAccount],
            arrays: &[],
        },
        start: |b, c| {
            if b.network.is_none() {
                return Start::Skip;
            }
            let c = c.clone();
            ask(async move { sts::account(&c).await }, |b, a| b.network_account = a)
        },
    },
    Read {
        decl: Decl {
            name: "the routes of the route tables the attachments are associated with (the TGW owner's)",
            action: "ec2:SearchTransitGatewayRoutes",
            side: Side::Api,
            needs: &[
                Fact::ApiTgwRecords,
                Fact::ClientTgwRecords,
                Fact::NetworkTgwRecords,
                Fact::NetworkAccount,
                Fact::ApiTgwAttachments,
                Fact::ClientTgwAttachments,
            ],
            fills: &[Fact::TgwRoutes],
            arrays: &[Source::TransitGatewayRoutes],
        },
        start: routes,
    },
];

/// Every TGW read of a path.
pub(super) fn reads_all() -> impl Iterator<Item = &'static Read<PathBoard>> {
    READS
        .iter()
        .chain(&API_SIDE)
        .chain(&CLIENT_SIDE)
        .chain(&NETWORK_SIDE)
}

/// The TGWs that routes of the path's route tables send to.
fn named_tgws(b: &PathBoard) -> Vec<String> {
    sorted_unique(
        b.networks
            .iter()
            .flat_map(|n| n.route_tables.iter().flatten())
            .flat_map(|t| t.routes.iter())
            .filter_map(|r| r.transit_gateway_id.clone()),
    )
}

/// The side whose account owns a TGW route table in `region`: the one that can read
/// its routes.
fn owner_side(b: &PathBoard, owner: Option<&str>, region: &str) -> Option<usize> {
    let owner = owner?;
    let account = |i: usize| match i {
        API if b.split() => b.api_account.as_deref(),
        API => b.client_account.as_deref().or(b.api_account.as_deref()),
        CLIENT => b.client_account.as_deref(),
        _ => b.network_account.as_deref(),
    };
    [API, CLIENT, NETWORK]
        .into_iter()
        .filter(|i| match *i {
            CLIENT => b.split(),
            NETWORK => b.network.is_some() && !network_is_a_side(b),
            _ => true,
        })
        .find(|i| account(*i) == Some(owner) && side_region(b, *i) == region)
}

fn side_region(b: &PathBoard, side: usize) -> &str {
    match side {
        CLIENT => b.client_region(),
        NETWORK => b
            .network
            .as_ref()
            .map_or(b.api_region(), |n| n.region.as_str()),
        _ => b.api_region(),
    }
}

/// The route tables the path's attachments are associated with (its VPCs' and the TGW
/// peering attachments'), each with the side that reads it.
fn tables(b: &PathBoard) -> Vec<(usize, String)> {
    let vpcs: Vec<String> = side_vpcs(b, API)
        .into_iter()
        .chain(side_vpcs(b, CLIENT))
        .collect();
    let mut out: Vec<(usize, String)> = Vec::new();
    for (side, t) in b.transit.iter().enumerate() {
        let region = side_region(b, side);
        for r in t.records.iter().flatten() {
            let on_path = match r.resource_type.as_deref() {
                Some("vpc") => r.resource_id.as_ref().is_some_and(|v| vpcs.contains(v)),
                Some("peering" | "tgw-peering") => true,
                _ => false,
            };
            let table = r
                .association
                .as_ref()
                .and_then(|a| a.transit_gateway_route_table_id.clone());
            let (Some(table), true) = (table, on_path) else {
                continue;
            };
            if let Some(side) = owner_side(b, r.transit_gateway_owner_id.as_deref(), region) {
                if !out.iter().any(|(_, t)| *t == table) {
                    out.push((side, table));
                }
            }
        }
    }
    out
}

/// Each table's routes, asked of its owner's side; per side, all of them or none.
fn routes(b: &PathBoard, c: &Ctx) -> Start<PathBoard> {
    let wanted = tables(b);
    if wanted.is_empty() {
        return Start::Skip;
    }
    let ctxs: Vec<(usize, Ctx, Vec<String>)> = [API, CLIENT, NETWORK]
        .into_iter()
        .filter_map(|side| {
            let tables: Vec<String> = wanted
                .iter()
                .filter(|(s, _)| *s == side)
                .map(|(_, t)| t.clone())
                .collect();
            // The requests belong to this read's wave, whichever side asks.
            let ctx = match side {
                NETWORK => b.network.as_ref()?.at(c.wave),
                i => b.ctx[i].at(c.wave),
            };
            (!tables.is_empty()).then_some((side, ctx, tables))
        })
        .collect();
    Start::Ask(Box::pin(async move {
        let mut set = tokio::task::JoinSet::new();
        for (side, ctx, tables) in ctxs {
            set.spawn(async move {
                let found = all_at_once(
                    &ctx,
                    &tables,
                    |c, t| async move { tgw::routes(&c, &t).await },
                )
                .await;
                (side, found)
            });
        }
        let mut answers = Vec::new();
        while let Some(joined) = set.join_next().await {
            answers.push(
                joined.map_err(|e| CallError::Malformed(format!("collector task failed: {e}")))?,
            );
        }
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            for (side, found) in answers {
                let mut routes = Vec::new();
                let mut failed = None;
                for r in found {
                    match r {
                        Ok(v) => routes.extend(v),
                        Err(e) => failed = Some(e),
                    }
                }
                match failed {
                    Some(e) => b.record(side, "ec2:SearchTransitGatewayRoutes", e)?,
                    None => b.transit[side].routes = Some(routes),
                }
            }
            Ok(())
        });
        Ok(settle)
    }))
}
