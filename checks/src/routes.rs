//! Route lookup as the VPC router does it: the most specific route wins. A destination
//! here is a range (an endpoint subnet), so besides the route that covers the whole
//! range, any more specific route inside it takes part of the traffic.

use crate::net::Cidr;
use crate::snapshot::{Route, RouteTable};

/// Where a route sends traffic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RouteTarget<'a> {
    Local,
    Peering(&'a str),
    Other { kind: &'static str, id: &'a str },
    Unknown,
}

impl std::fmt::Display for RouteTarget<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RouteTarget::Local => f.write_str("local"),
            RouteTarget::Peering(id) => f.write_str(id),
            RouteTarget::Other { kind, id } => write!(f, "{id} ({kind})"),
            RouteTarget::Unknown => f.write_str("an unknown target"),
        }
    }
}

pub fn route_target(r: &Route) -> RouteTarget<'_> {
    if let Some(id) = r.vpc_peering_connection_id.as_deref() {
        return RouteTarget::Peering(id);
    }
    let others: [(&Option<String>, &'static str); 8] = [
        (&r.nat_gateway_id, "NAT gateway"),
        (&r.transit_gateway_id, "transit gateway"),
        (&r.network_interface_id, "network interface"),
        (&r.instance_id, "instance"),
        (
            &r.egress_only_internet_gateway_id,
            "egress-only internet gateway",
        ),
        (&r.local_gateway_id, "local gateway"),
        (&r.carrier_gateway_id, "carrier gateway"),
        (&r.core_network_arn, "core network"),
    ];
    for (field, kind) in others {
        if let Some(id) = field.as_deref() {
            return RouteTarget::Other { kind, id };
        }
    }
    match r.gateway_id.as_deref() {
        Some("local") => RouteTarget::Local,
        Some(id) if id.starts_with("igw-") => RouteTarget::Other {
            kind: "internet gateway",
            id,
        },
        Some(id) if id.starts_with("vgw-") => RouteTarget::Other {
            kind: "virtual private gateway",
            id,
        },
        Some(id) if id.starts_with("vpce-") => RouteTarget::Other {
            kind: "gateway endpoint",
            id,
        },
        Some(id) => RouteTarget::Other {
            kind: "gateway",
            id,
        },
        None => RouteTarget::Unknown,
    }
}

/// The NAT or internet gateway a table's default route (0.0.0.0/0) uses, if any: the
/// subnet's instances can reach AWS's public endpoints and public APIs.
pub fn internet_route(table: &RouteTable) -> Option<String> {
    let (route, _) = lookup(table, Cidr::new(0, 0)).covering?;
    if is_blackhole(route) {
        return None;
    }
    match route_target(route) {
        RouteTarget::Other { kind, id } if kind == "NAT gateway" || kind == "internet gateway" => {
            Some(id.to_string())
        }
        _ => None,
    }
}

pub fn is_blackhole(r: &Route) -> bool {
    r.state.as_deref() == Some("blackhole")
}

/// The routes that carry traffic to a destination range.
#[derive(Debug)]
pub struct Lookup<'a> {
    /// The longest-prefix route containing the whole destination.
    pub covering: Option<(&'a Route, Cidr)>,
    /// More specific routes that take part of the destination away from `covering`.
    pub inside: Vec<(&'a Route, Cidr)>,
}

pub fn lookup(table: &RouteTable, dest: Cidr) -> Lookup<'_> {
    let mut covering: Option<(&Route, Cidr)> = None;
    let mut inside = Vec::new();
    for route in &table.routes {
        // IPv6 and prefix-list routes cannot match an IPv4 CIDR we can compare.
        let Some(cidr) = route
            .destination_cidr_block
            .as_deref()
            .and_then(Cidr::parse)
        else {
            continue;
        };
        if cidr.contains(dest) {
            if covering.is_none_or(|(_, best)| cidr.prefix_len() > best.prefix_len()) {
                covering = Some((route, cidr));
            }
        } else if dest.contains(cidr) {
            inside.push((route, cidr));
        }
    }
    inside.sort_by_key(|(_, c)| *c);
    Lookup { covering, inside }
}

/// What a route must send the traffic to: one of the peering connections joining the
/// two VPCs (the preferred first), or the transit gateway both are attached to.
#[derive(Clone, Copy, Debug)]
pub enum Via<'a> {
    Peering(&'a [&'a str]),
    Transit(&'a str),
}

impl Via<'_> {
    /// Whether the route targets it (blackhole or not).
    fn targets(&self, route: &Route) -> bool {
        match (self, route_target(route)) {
            (Via::Peering(ids), RouteTarget::Peering(id)) => ids.contains(&id),
            (Via::Transit(tgw), RouteTarget::Other { kind, id }) => {
                kind == "transit gateway" && id == *tgw
            }
            _ => false,
        }
    }

    /// The `create-route`/`replace-route` argument naming it.
    fn target_arg(&self) -> String {
        match self {
            Via::Peering(ids) => format!(
                "--vpc-peering-connection-id {}",
                ids.first().copied().unwrap_or("PCX_ID")
            ),
            Via::Transit(tgw) => format!("--transit-gateway-id {tgw}"),
        }
    }

    fn noun(&self) -> &'static str {
        match self {
            Via::Peering(_) => "the peering connection",
            Via::Transit(_) => "the transit gateway",
        }
    }
}

/// Whether a route carries traffic over `via`, active.
pub fn uses(route: &Route, via: &Via<'_>) -> bool {
    via.targets(route) && !is_blackhole(route)
}

/// The verdict on one destination: `Ok(description)` or `Err((problem, fix))`.
pub type RouteVerdict = Result<String, (String, String)>;

/// Checks that `table` sends `dest` over `via`. `what` names the destination in
/// messages; a missing route is fixed with one for `fix_dest` (e.g. the client's subnet
/// rather than its address).
pub fn judge(
    table: &RouteTable,
    dest: Cidr,
    fix_dest: Cidr,
    what: &str,
    via: &Via<'_>,
) -> RouteVerdict {
    let rtb = &table.route_table_id;
    let arg = via.target_arg();
    let look = lookup(table, dest);
    let Some((route, cidr)) = look.covering else {
        let mut msg = format!("{rtb} has no route for {what} {dest}");
        if let Some((r, c)) = look.inside.first() {
            msg.push_str(&format!(" (only the narrower {c} → {})", route_target(r)));
        }
        return Err((
            msg,
            format!("aws ec2 create-route --route-table-id {rtb} --destination-cidr-block {fix_dest} {arg}"),
        ));
    };
    let target = route_target(route);
    let on_via = via.targets(route);
    if on_via && is_blackhole(route) {
        let gone = match via {
            Via::Peering(_) => "the peering connection is gone or not active",
            Via::Transit(_) => "the VPC's attachment to the transit gateway is gone",
        };
        return Err((
            format!("{rtb} sends {what} {dest} to {target} via {cidr}, but the route is a blackhole ({gone})"),
            format!("aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block {cidr} {arg}"),
        ));
    }
    if !on_via {
        let why = match &target {
            RouteTarget::Peering(id) if is_blackhole(route) => {
                format!("{id}, a blackhole (that peering connection no longer exists)")
            }
            RouteTarget::Peering(id) => {
                format!("{id}, a peering connection that does not join these VPCs")
            }
            RouteTarget::Other { kind, id } if *kind == "transit gateway" => {
                format!("{id}, a transit gateway that does not join these VPCs")
            }
            other => other.to_string(),
        };
        let fix = if cidr == dest {
            format!("aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block {dest} {arg}")
        } else {
            format!("aws ec2 create-route --route-table-id {rtb} --destination-cidr-block {fix_dest} {arg}")
        };
        return Err((
            format!(
                "{rtb} sends {what} {dest} to {why} (longest prefix match: {cidr}), not to {}",
                via.noun()
            ),
            fix,
        ));
    }
    for (inner, inner_cidr) in &look.inside {
        if !uses(inner, via) {
            return Err((
                format!(
                    "{rtb}: the more specific route {inner_cidr} → {}{} shadows the route {cidr} to {} for part of {what} {dest}",
                    route_target(inner),
                    if is_blackhole(inner) { " (blackhole)" } else { "" },
                    via.noun(),
                ),
                format!("aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block {inner_cidr} {arg}"),
            ));
        }
    }
    Ok(format!("{rtb} sends {what} {dest} to {target} via {cidr}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(dest: &str, target: &str, state: &str) -> Route {
        let mut r = Route {
            destination_cidr_block: Some(dest.to_string()),
            state: Some(state.to_string()),
            ..Route::default()
        };
        if target.starts_with("pcx-") {
            r.vpc_peering_connection_id = Some(target.to_string());
        } else if target.starts_with("nat-") {
            r.nat_gateway_id = Some(target.to_string());
        } else {
            r.gateway_id = Some(target.to_string());
        }
        r
    }

    fn table(routes: Vec<Route>) -> RouteTable {
        RouteTable {
            route_table_id: "rtb-1".into(),
            vpc_id: "vpc-a".into(),
            routes,
            ..RouteTable::default()
        }
    }

    fn dest() -> Cidr {
        Cidr::parse("10.1.1.0/24").unwrap()
    }

    #[test]
    fn peering_route_passes() {
        let t = table(vec![
            route("10.0.0.0/16", "local", "active"),
            route("10.1.0.0/16", "pcx-1", "active"),
        ]);
        assert!(judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"])).is_ok());
    }

    #[test]
    fn more_specific_route_to_internet_gateway_wins() {
        let t = table(vec![
            route("10.1.0.0/16", "pcx-1", "active"),
            route("10.1.1.0/24", "igw-1", "active"),
        ]);
        let (msg, fix) =
            judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"])).unwrap_err();
        assert!(msg.contains("igw-1 (internet gateway)"), "{msg}");
        assert!(
            fix.contains("replace-route") && fix.contains("10.1.1.0/24"),
            "{fix}"
        );
    }

    #[test]
    fn route_inside_the_subnet_shadows_part_of_it() {
        let t = table(vec![
            route("10.1.0.0/16", "pcx-1", "active"),
            route("10.1.1.128/25", "nat-1", "active"),
        ]);
        let (msg, _) = judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"])).unwrap_err();
        assert!(
            msg.contains("10.1.1.128/25") && msg.contains("shadows"),
            "{msg}"
        );
    }

    #[test]
    fn default_route_is_not_the_peering() {
        let t = table(vec![route("0.0.0.0/0", "nat-1", "active")]);
        let (msg, fix) =
            judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"])).unwrap_err();
        assert!(msg.contains("nat-1 (NAT gateway)"), "{msg}");
        assert!(
            fix.contains("create-route") && fix.contains("10.1.1.0/24"),
            "{fix}"
        );
    }

    #[test]
    fn blackhole_and_missing_routes_fail() {
        let t = table(vec![route("10.1.0.0/16", "pcx-1", "blackhole")]);
        assert!(
            judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"]))
                .unwrap_err()
                .0
                .contains("blackhole")
        );
        let t = table(vec![route("10.0.0.0/16", "local", "active")]);
        assert!(
            judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"]))
                .unwrap_err()
                .0
                .contains("no route")
        );
    }

    #[test]
    fn wrong_peering_fails() {
        let t = table(vec![route("10.1.0.0/16", "pcx-other", "active")]);
        let (msg, _) = judge(&t, dest(), dest(), "subnet", &Via::Peering(&["pcx-1"])).unwrap_err();
        assert!(msg.contains("does not join"), "{msg}");
    }
}
