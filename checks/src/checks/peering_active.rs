//! `peering-active`: the client VPC and the endpoint VPC are joined by an active
//! peering connection whose CIDRs do not overlap.

use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{is_active, peering_status, Carrier, ResolvedPath};
use crate::snapshot::{Scope, Source, VpcPeeringConnection};

pub static META: CheckMeta = CheckMeta {
    id: "peering-active",
    title: "A VPC peering connection joins the client and endpoint VPCs",
    hop: Hop::Peering,
    severity: Severity::High,
    what: "Finds the VPC peering connection between the client instance's VPC and the VPC of the execute-api endpoint, and checks that its status is `active` and that no CIDR block of one VPC overlaps one of the other.",
    why: "Without an active peering connection nothing routes between the VPCs: requests time out. A connection stays `pending-acceptance` until the accepter accepts it, and AWS does not route between overlapping CIDRs.",
    fix: "Accept a pending connection with `aws ec2 accept-vpc-peering-connection`, run by the accepter's account in the accepter's region; create one with `aws ec2 create-vpc-peering-connection` (with `--peer-owner-id` and `--peer-region` when the endpoint's VPC is in another account or region) if none exists; re-address a VPC whose CIDR overlaps.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/create-vpc-peering-connection.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html#vpc-peering-limitations",
    ],
    needs: &[client(Source::VpcPeeringConnections)],
};

/// `  # in account A`, after a command that must run in that account.
fn in_account(account: Option<&str>) -> String {
    account
        .map(|a| format!("  # in account {a}"))
        .unwrap_or_default()
}

/// Why the connection's two ends are not the client's VPC and the endpoint's, in their
/// accounts and regions, as far as the connection records them; `None` when they are.
fn sides_mismatch(
    pcx: &VpcPeeringConnection,
    client_vpc: &str,
    client: &Scope,
    endpoint_vpc: &str,
    endpoint: &Scope,
) -> Option<String> {
    let ends = [
        pcx.requester_vpc_info.as_ref(),
        pcx.accepter_vpc_info.as_ref(),
    ];
    let end_of = |vpc: &str| {
        ends.into_iter()
            .flatten()
            .find(|i| i.vpc_id.as_deref() == Some(vpc))
    };
    for (vpc, scope, role) in [
        (client_vpc, client, "client"),
        (endpoint_vpc, endpoint, "endpoint"),
    ] {
        let Some(info) = end_of(vpc) else { continue };
        if let (Some(owner), Some(account)) = (info.owner_id.as_deref(), scope.account.as_deref()) {
            if owner != account {
                return Some(format!("its end {vpc} belongs to account {owner}, but the {role}'s {vpc} is in account {account}"));
            }
        }
        if let Some(region) = info.region.as_deref() {
            if region != scope.region {
                return Some(format!(
                    "its end {vpc} is in {region}, but the {role}'s {vpc} is in {}",
                    scope.region
                ));
            }
        }
    }
    None
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client_vpc = match super::common::client_vpc_or_unknown(id, p) {
        Ok(vpc) => vpc,
        Err(unknown) => return unknown,
    };
    let endpoint_vpc = ep.vpc_id();
    if p.same_vpc() {
        return vec![Finding::skip(
            id,
            format!(
                "the client and {} are both in {client_vpc}: no peering on the path",
                ep.id()
            ),
        )];
    }
    if let Carrier::Transit { tgw, .. } = p.carrier() {
        return vec![Finding::skip(
            id,
            format!("the path crosses the transit gateway {tgw}, not a peering connection (tgw-path checks it)"),
        )
        .resource(tgw)];
    }
    let peerings = p.peerings();
    // Where the endpoint's side is, when it is not the client's: creating a peering
    // across accounts or regions names the accepter's, and only it can accept.
    let peer_scope = ep.ix.scope;
    let crossing = !p.client_scope.same_place(peer_scope);
    let create = if crossing {
        format!(
            "aws ec2 create-vpc-peering-connection --vpc-id {client_vpc} --peer-vpc-id {endpoint_vpc}{} --peer-region {} --region {}{}",
            peer_scope
                .account
                .as_deref()
                .map(|a| format!(" --peer-owner-id {a}"))
                .unwrap_or_default(),
            peer_scope.region,
            p.client_region(),
            in_account(p.client_scope.account.as_deref()),
        )
    } else {
        format!("aws ec2 create-vpc-peering-connection --vpc-id {client_vpc} --peer-vpc-id {endpoint_vpc}")
    };
    let accept = |pcx: &str, owner: Option<&str>, region: Option<&str>| {
        match region {
        Some(r) if crossing => format!(
            "aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx} --region {r}{}",
            in_account(owner)
        ),
        _ => format!("aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx}"),
    }
    };
    let Some(pcx) = peerings.first() else {
        return vec![Finding::fail(id, format!("no VPC peering connection joins {client_vpc} (client) and {endpoint_vpc} (endpoint {})", ep.id()))
            .resources([client_vpc, endpoint_vpc])
            .fix(format!(
                "{create}\n{}",
                accept(
                    "PCX_ID_FROM_ABOVE",
                    peer_scope.account.as_deref(),
                    Some(&peer_scope.region)
                )
            ))];
    };
    let pcx_id = pcx.vpc_peering_connection_id.as_str();
    if let Some(mismatch) =
        sides_mismatch(pcx, client_vpc, p.client_scope, endpoint_vpc, peer_scope)
    {
        return vec![Finding::fail(
            id,
            format!("{pcx_id} does not join the two sides of this path: {mismatch}"),
        )
        .resources([pcx_id, client_vpc, endpoint_vpc])
        .fix(create)];
    }
    let accepter = pcx.accepter_vpc_info.as_ref();
    let accepter_owner = accepter.and_then(|a| a.owner_id.as_deref());
    let accepter_region = accepter.and_then(|a| a.region.as_deref());
    if !is_active(pcx) {
        let status = peering_status(pcx);
        let detail = pcx
            .status
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        let accept_here = accept(pcx_id, accepter_owner, accepter_region);
        let fix = match status {
            "pending-acceptance" => accept_here,
            "initiating-request" | "provisioning" => {
                format!("wait for {pcx_id} to reach pending-acceptance, then: {accept_here}")
            }
            _ => format!(
                "a {status} peering connection cannot be reused; create a new one:\n{create}"
            ),
        };
        // Across accounts or regions, say who must act: only the accepter can accept.
        let who = match (status, crossing) {
            ("pending-acceptance", true) => format!(
                "; it must be accepted by {} in {}",
                accepter_owner.map_or("the accepter's account".to_string(), |a| format!(
                    "account {a}"
                )),
                accepter_region.unwrap_or(&peer_scope.region)
            ),
            _ => String::new(),
        };
        return vec![Finding::fail(
            id,
            format!(
                "{pcx_id} between {client_vpc} and {endpoint_vpc} is {status}{detail}, not active{who}"
            ),
        )
        .resources([pcx_id, client_vpc, endpoint_vpc])
        .fix(fix)];
    }
    let a = p.vpc_cidrs(p.client_ix, client_vpc);
    let b = p.vpc_cidrs(ep.ix, endpoint_vpc);
    let overlaps: Vec<String> = a
        .iter()
        .flat_map(|x| {
            b.iter()
                .filter(move |y| x.overlaps(**y))
                .map(move |y| format!("{x} ({client_vpc}) overlaps {y} ({endpoint_vpc})"))
        })
        .collect();
    if !overlaps.is_empty() {
        return vec![Finding::fail(id, format!("{pcx_id} is active but the VPCs' CIDRs overlap: {}", overlaps.join("; ")))
            .resources([pcx_id, client_vpc, endpoint_vpc])
            .fix("Peering cannot route overlapping ranges: re-address one VPC (or add a non-overlapping secondary CIDR and move the subnets), then recreate the peering connection.")];
    }
    let show = |c: &[crate::net::Cidr]| {
        if c.is_empty() {
            "CIDR unknown".to_string()
        } else {
            c.iter()
                .map(|x| x.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    // Across accounts or regions, say where each end is.
    let place = |scope: &Scope| {
        if crossing {
            format!(" in {}", scope.label())
        } else {
            String::new()
        }
    };
    vec![Finding::pass(
        id,
        format!("{pcx_id} is active between {client_vpc} ({}){} and {endpoint_vpc} ({}){}; no overlapping CIDRs", show(&a), place(p.client_scope), show(&b), place(peer_scope)),
    )
    .resources([pcx_id, client_vpc, endpoint_vpc])]
}
