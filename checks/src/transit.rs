//! A path through AWS Transit Gateway: the client VPC's attachment, the API VPC's, the
//! TGW (or the two TGWs and the peering attachment joining them across regions), and
//! the route tables the attachments are associated with. Everything is looked up by id
//! in the snapshot's index — the client's and the API's scopes first, then any scope
//! of the TGW's region, where a TGW shared through AWS RAM has its owner's records.
//!
//! AWS: each attachment is associated with one TGW route table, which decides where
//! traffic *from* that attachment goes (longest prefix; a static route beats a
//! propagated one of the same prefix, which then is not shown at all; a blackhole
//! drops). Route tables, their associations and routes are the TGW owner's; an
//! attachment is its VPC owner's. <https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html>

use crate::index::{Index, SnapshotIndex};
use crate::net::Cidr;
use crate::snapshot::*;

/// A VPC's attachment to a TGW, with the scope that recorded it.
#[derive(Clone, Copy)]
pub struct TgwEnd<'a> {
    pub vpc_id: &'a str,
    /// The VPC's own scope (its subnets and route tables).
    pub vpc_ix: &'a Index<'a>,
    pub attachment: &'a TransitGatewayVpcAttachment,
    /// The scope whose answer holds the attachment.
    pub found_in: &'a Index<'a>,
}

impl<'a> TgwEnd<'a> {
    pub fn id(&self) -> &'a str {
        &self.attachment.transit_gateway_attachment_id
    }

    pub fn tgw_id(&self) -> &'a str {
        &self.attachment.transit_gateway_id
    }

    pub fn region(&self) -> &'a str {
        &self.found_in.scope.region
    }

    pub fn state(&self) -> &'a str {
        self.attachment.state.as_deref().unwrap_or("unknown")
    }

    /// The Availability Zones the attachment has a subnet in, as the VPC's scope knows
    /// the subnets (an id when known, else a name), and the subnets it could not place.
    pub fn zones(&self) -> (Vec<&'a str>, Vec<&'a str>) {
        let mut zones = Vec::new();
        let mut unplaced = Vec::new();
        for s in &self.attachment.subnet_ids {
            match self.vpc_ix.subnets.get(s.as_str()).and_then(|s| zone_of(s)) {
                Some(z) => zones.push(z),
                None => unplaced.push(s.as_str()),
            }
        }
        (zones, unplaced)
    }
}

/// A subnet's Availability Zone: its id (the same zone in every account) when
/// recorded, else its name.
pub fn zone_of(s: &Subnet) -> Option<&str> {
    s.availability_zone_id
        .as_deref()
        .or(s.availability_zone.as_deref())
}

/// The TGW hop of a path: where each VPC is attached, and (when the two attachments
/// are on different TGWs) the TGW peering attachment joining them.
#[derive(Clone, Copy)]
pub struct Transit<'a> {
    pub client: TgwEnd<'a>,
    pub api: TgwEnd<'a>,
    pub peering: Option<&'a TransitGatewayPeeringAttachment>,
    ix: &'a SnapshotIndex<'a>,
}

/// A route table's routes as the snapshot holds them.
pub enum TableRoutes<'a> {
    Known(Vec<&'a TransitGatewayRoute>),
    /// The TGW owner's routes are not in the snapshot: why, and whose they are.
    Unknown {
        owner: Option<&'a str>,
        why: String,
    },
}

impl<'a> Transit<'a> {
    /// Whether both attachments are on one TGW.
    pub fn single(&self) -> bool {
        self.client.tgw_id() == self.api.tgw_id() && self.client.region() == self.api.region()
    }

    /// The TGW's record, from any scope of its region that lists it.
    pub fn tgw(&self, id: &str, region: &str) -> Option<&'a TransitGateway> {
        self.ix
            .scopes_in(region)
            .find_map(|ix| ix.transit_gateways.get(id).copied())
    }

    /// Whether some scope of the region read the TGWs (so a missing one is absent, not
    /// unread).
    pub fn tgws_read(&self, region: &str) -> bool {
        self.ix
            .scopes_in(region)
            .any(|ix| ix.scope.transit_gateways.is_some())
    }

    /// The TGW owner: the TGW record's, else the attachment record's.
    pub fn owner(&self, tgw: &str, region: &str, attachment: &str) -> Option<&'a str> {
        self.tgw(tgw, region)
            .and_then(|t| t.owner_id.as_deref())
            .or_else(|| {
                self.record(attachment, region)
                    .and_then(|r| r.transit_gateway_owner_id.as_deref())
            })
    }

    /// An attachment's record (with its association), from any scope of its region.
    pub fn record(&self, attachment: &str, region: &str) -> Option<&'a TransitGatewayAttachment> {
        self.ix
            .scopes_in(region)
            .find_map(|ix| ix.tgw_attachment_records.get(attachment).copied())
    }

    /// Whether some scope of the region read the attachment records.
    pub fn records_read(&self, region: &str) -> bool {
        self.ix
            .scopes_in(region)
            .any(|ix| ix.scope.transit_gateway_attachments.is_some())
    }

    /// The id of the TGW peering attachment on `end`'s TGW: the accepter's own id when
    /// AWS gives the accepter one, else the attachment's.
    pub fn peering_attachment(&self, end: &TgwEnd<'a>) -> &'a str {
        let Some(p) = self.peering else {
            return "";
        };
        let accepter = p
            .accepter_tgw_info
            .as_ref()
            .and_then(|i| i.transit_gateway_id.as_deref());
        match (&p.accepter_transit_gateway_attachment_id, accepter) {
            (Some(own), Some(tgw)) if tgw == end.tgw_id() => own,
            _ => &p.transit_gateway_attachment_id,
        }
    }

    /// Another route table of `region` that routes `dest`, active, to `to`.
    pub fn table_routing(&self, region: &str, not: &str, dest: Cidr, to: &str) -> Option<&'a str> {
        for ix in self.ix.scopes_in(region) {
            let mut tables: Vec<(&&str, &Vec<&TransitGatewayRoute>)> =
                ix.tgw_routes_by_table.iter().collect();
            tables.sort_by_key(|(k, _)| **k);
            for (table, routes) in tables {
                if *table == not {
                    continue;
                }
                if let Some((r, _)) = tgw_lookup(routes, dest) {
                    if r.state.as_deref() != Some("blackhole") && route_attachments(r).contains(&to)
                    {
                        return Some(table);
                    }
                }
            }
        }
        None
    }

    /// The routes of a route table of a TGW owned by `owner` in `region`.
    pub fn routes(&self, table: &str, region: &str, owner: Option<&'a str>) -> TableRoutes<'a> {
        let mut read_by_owner = None;
        for ix in self.ix.scopes_in(region) {
            if let Some(routes) = ix.tgw_routes_by_table.get(table) {
                return TableRoutes::Known(routes.clone());
            }
            let is_owner = match (owner, ix.scope.account.as_deref()) {
                (Some(o), Some(a)) => o == a,
                _ => false,
            };
            if is_owner {
                read_by_owner = Some(ix);
            }
        }
        match read_by_owner {
            // The owner's scope read its routes and this table has none.
            Some(ix) if ix.scope.transit_gateway_routes.is_some() => TableRoutes::Known(Vec::new()),
            Some(ix) => TableRoutes::Unknown {
                owner,
                why: match ix.scope.unavailable_reason(Source::TransitGatewayRoutes) {
                    Some(e) => format!("the routes of {table} could not be read in {} (ec2:SearchTransitGatewayRoutes: {e})", ix.scope.label()),
                    None => format!("the routes of {table} were not read in {} (needs ec2:SearchTransitGatewayRoutes)", ix.scope.label()),
                },
            },
            None => TableRoutes::Unknown {
                owner,
                why: format!(
                    "the routes of {table} are visible only to the transit gateway's owner{}, and the snapshot holds no scope of that account in {region}: read them with read-only credentials there (check: --network-role-arn or --network-profile; audit: include that account)",
                    owner.map(|o| format!(", account {o}")).unwrap_or_default()
                ),
            },
        }
    }
}

/// The route a TGW route table uses for a destination range: the longest prefix
/// containing it (AWS shows only the preferred route of a prefix, so one route per
/// prefix is in the table).
pub fn tgw_lookup<'a>(
    routes: &[&'a TransitGatewayRoute],
    dest: Cidr,
) -> Option<(&'a TransitGatewayRoute, Cidr)> {
    let mut best: Option<(&TransitGatewayRoute, Cidr)> = None;
    for r in routes {
        let Some(c) = r.destination_cidr_block.as_deref().and_then(Cidr::parse) else {
            continue;
        };
        let better = best.is_none_or(|(b, bc)| {
            c.prefix_len() > bc.prefix_len()
                // Same prefix twice (a snapshot written by hand): the static one wins.
                || (c.prefix_len() == bc.prefix_len()
                    && r.route_type.as_deref() == Some("static")
                    && b.route_type.as_deref() != Some("static"))
        });
        if c.contains(dest) && better {
            best = Some((r, c));
        }
    }
    best
}

/// The attachment ids a TGW route sends to.
pub fn route_attachments(r: &TransitGatewayRoute) -> Vec<&str> {
    r.transit_gateway_attachments
        .iter()
        .filter_map(|a| a.transit_gateway_attachment_id.as_deref())
        .collect()
}

fn attachments_of<'a>(
    ix: &'a SnapshotIndex<'a>,
    home: &'a Index<'a>,
    vpc: &str,
) -> Vec<(&'a Index<'a>, &'a TransitGatewayVpcAttachment)> {
    // The VPC's own scope first; then another scope of its region that lists an
    // attachment of this VPC owned by the VPC's account (a TGW owner sees them all).
    let mut out: Vec<(&Index, &TransitGatewayVpcAttachment)> = home
        .tgw_attachments_by_vpc
        .get(vpc)
        .into_iter()
        .flatten()
        .map(|a| (home, *a))
        .collect();
    if out.is_empty() {
        let account = home.scope.account.as_deref();
        for other in ix.scopes_in(&home.scope.region) {
            for a in other.tgw_attachments_by_vpc.get(vpc).into_iter().flatten() {
                let same_owner = match (a.vpc_owner_id.as_deref(), account) {
                    (Some(o), Some(h)) => o == h,
                    _ => true,
                };
                if same_owner {
                    out.push((other, *a));
                }
            }
        }
    }
    // An attachment that carries (or will carry) traffic first.
    out.sort_by_key(|(_, a)| match a.state.as_deref() {
        Some("available") => 0,
        Some("pendingAcceptance" | "pending" | "modifying" | "initiatingRequest") => 1,
        _ => 2,
    });
    out
}

fn alive(a: &TransitGatewayVpcAttachment) -> bool {
    !matches!(
        a.state.as_deref(),
        Some("deleted" | "deleting" | "failed" | "rejected" | "rejecting" | "failing")
    )
}

/// The TGW peering attachment joining two TGWs, from either side's scopes.
fn peering_between<'a>(
    ix: &'a SnapshotIndex<'a>,
    a: &TgwEnd<'a>,
    b: &TgwEnd<'a>,
) -> Option<&'a TransitGatewayPeeringAttachment> {
    let joins = |p: &TransitGatewayPeeringAttachment| {
        let ends: Vec<(&str, Option<&str>)> = [&p.requester_tgw_info, &p.accepter_tgw_info]
            .into_iter()
            .flatten()
            .filter_map(|i| Some((i.transit_gateway_id.as_deref()?, i.region.as_deref())))
            .collect();
        let has = |tgw: &str, region: &str| {
            ends.iter()
                .any(|(t, r)| *t == tgw && r.is_none_or(|r| r == region))
        };
        has(a.tgw_id(), a.region()) && has(b.tgw_id(), b.region())
    };
    [a.region(), b.region()]
        .into_iter()
        .flat_map(|r| ix.scopes_in(r))
        .flat_map(|s| s.tgw_peerings_by_tgw.get(a.tgw_id()).into_iter().flatten())
        .copied()
        .find(|p| joins(p))
}

/// The TGW hop between the client VPC and the endpoint VPC, when both are attached to
/// one TGW or to two peered ones; `preferred` is the TGW the client's route table sends
/// the endpoint's subnets to, when it names one.
pub fn locate<'a>(
    ix: &'a SnapshotIndex<'a>,
    client_ix: &'a Index<'a>,
    client_vpc: &str,
    endpoint_ix: &'a Index<'a>,
    endpoint_vpc: &str,
    preferred: Option<&str>,
) -> Option<Transit<'a>> {
    let ends = |home: &'a Index<'a>, vpc: &str| -> Vec<TgwEnd<'a>> {
        attachments_of(ix, home, vpc)
            .into_iter()
            .filter(|(_, a)| alive(a))
            .map(|(found_in, attachment)| TgwEnd {
                vpc_id: &attachment.vpc_id,
                vpc_ix: home,
                attachment,
                found_in,
            })
            .collect()
    };
    let clients = ends(client_ix, client_vpc);
    let apis = ends(endpoint_ix, endpoint_vpc);
    let mut candidates: Vec<Transit<'a>> = Vec::new();
    for c in &clients {
        for a in &apis {
            let peering = if c.tgw_id() == a.tgw_id() && c.region() == a.region() {
                None
            } else {
                match peering_between(ix, c, a) {
                    Some(p) => Some(p),
                    None => continue,
                }
            };
            candidates.push(Transit {
                client: *c,
                api: *a,
                peering,
                ix,
            });
        }
    }
    // The TGW the route names, then one TGW over two, in attachment order.
    candidates.sort_by_key(|t| {
        (
            preferred.is_some_and(|p| p != t.client.tgw_id()),
            t.peering.is_some(),
        )
    });
    candidates.into_iter().next()
}

/// The attachment id a TGW peering has on `tgw`'s side: AWS gives both TGWs one id,
/// unless it reports the accepter's own.
fn peering_id_on<'a>(p: &'a TransitGatewayPeeringAttachment, tgw: &str) -> &'a str {
    let accepter = p
        .accepter_tgw_info
        .as_ref()
        .and_then(|i| i.transit_gateway_id.as_deref());
    match (&p.accepter_transit_gateway_attachment_id, accepter) {
        (Some(own), Some(t)) if t == tgw => own,
        _ => &p.transit_gateway_attachment_id,
    }
}

/// An audit's question, the other way round from [`locate`]: the VPCs a transit
/// gateway routes to this VPC — those whose attachment is associated with a route table
/// holding a live route to this VPC's attachment, on the same TGW or on one peered with
/// it (one peering: AWS does not route across two). Each with the position of its
/// scope; a VPC of an account or region the snapshot lacks is not a client it can
/// check. Linear in the routes and associations it meets, through the index.
pub fn clients_of<'a>(
    ix: &'a SnapshotIndex<'a>,
    home: &'a Index<'a>,
    vpc: &str,
) -> Vec<(usize, &'a str)> {
    let mut out = Vec::new();
    for (found_in, a) in attachments_of(ix, home, vpc) {
        if alive(a) {
            senders(
                ix,
                &found_in.scope.region,
                a.transit_gateway_attachment_id.as_str(),
                true,
                &mut out,
            );
        }
    }
    out.sort_unstable();
    out.dedup();
    out.retain(|(pos, v)| !(*pos == home.position && *v == vpc));
    out
}

/// The VPCs whose attachments' route tables (in `region`) route to `target`; through a
/// TGW peering attachment associated with such a table, once, the VPCs on the far side.
fn senders<'a>(
    ix: &'a SnapshotIndex<'a>,
    region: &str,
    target: &str,
    follow_peering: bool,
    out: &mut Vec<(usize, &'a str)>,
) {
    let tables = ix
        .scopes_in(region)
        .flat_map(|s| s.tgw_tables_routing_to.get(target).into_iter().flatten());
    for table in tables {
        for seen_in in ix.scopes_in(region) {
            for rec in seen_in
                .tgw_attachments_by_table
                .get(table)
                .into_iter()
                .flatten()
            {
                match rec.resource_type.as_deref() {
                    Some("vpc") => {
                        let Some(vpc) = rec.resource_id.as_deref() else {
                            continue;
                        };
                        let owner = rec.resource_owner_id.as_deref();
                        let scope = match owner {
                            // An account the snapshot lacks has no client it can check.
                            Some(o) => ix
                                .scope(Some(o), region)
                                .filter(|s| s.scope.account.as_deref().is_none_or(|a| a == o)),
                            None => Some(seen_in),
                        };
                        if let Some(s) = scope {
                            out.push((s.position, vpc));
                        }
                    }
                    Some("peering") if follow_peering => {
                        let Some(tgw) = rec.transit_gateway_id.as_deref() else {
                            continue;
                        };
                        let id = rec.transit_gateway_attachment_id.as_str();
                        let peering = ix
                            .scopes_in(region)
                            .flat_map(|s| s.tgw_peerings_by_tgw.get(tgw).into_iter().flatten())
                            .find(|p| peering_id_on(p, tgw) == id);
                        let Some(p) = peering else {
                            continue;
                        };
                        let far = [&p.requester_tgw_info, &p.accepter_tgw_info]
                            .into_iter()
                            .flatten()
                            .find(|i| i.transit_gateway_id.as_deref() != Some(tgw));
                        let Some(far_tgw) = far.and_then(|i| i.transit_gateway_id.as_deref())
                        else {
                            continue;
                        };
                        let far_region = far.and_then(|i| i.region.as_deref()).unwrap_or(region);
                        senders(ix, far_region, peering_id_on(p, far_tgw), false, out);
                    }
                    _ => {}
                }
            }
        }
    }
}
