//! `peering-active`: the client VPC and the endpoint VPC are joined by an active
//! peering connection whose CIDRs do not overlap.

use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{is_active, peering_status, ResolvedPath};
use crate::snapshot::Source;

pub static META: CheckMeta = CheckMeta {
    id: "peering-active",
    title: "A VPC peering connection joins the client and endpoint VPCs",
    hop: Hop::Peering,
    severity: Severity::High,
    what: "Finds the VPC peering connection between the client instance's VPC and the VPC of the execute-api endpoint, and checks that its status is `active` and that no CIDR block of one VPC overlaps one of the other.",
    why: "Without an active peering connection nothing routes between the VPCs: requests time out. A connection stays `pending-acceptance` until the accepter accepts it, and AWS does not route between overlapping CIDRs.",
    fix: "Accept a pending connection with `aws ec2 accept-vpc-peering-connection`; create one with `aws ec2 create-vpc-peering-connection` if none exists; re-address a VPC whose CIDR overlaps.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-basics.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html",
    ],
    needs: &[Source::VpcPeeringConnections],
};

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client_vpc = match super::client_vpc_or_unknown(id, p) {
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
    let peerings = p.peerings();
    let Some(pcx) = peerings.first() else {
        return vec![Finding::fail(id, format!("no VPC peering connection joins {client_vpc} (client) and {endpoint_vpc} (endpoint {})", ep.id()))
            .resources([client_vpc, endpoint_vpc])
            .fix(format!(
                "aws ec2 create-vpc-peering-connection --vpc-id {client_vpc} --peer-vpc-id {endpoint_vpc}\n\
                 aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id PCX_ID_FROM_ABOVE"
            ))];
    };
    let pcx_id = pcx.vpc_peering_connection_id.as_str();
    if !is_active(pcx) {
        let status = peering_status(pcx);
        let detail = pcx
            .status
            .as_ref()
            .and_then(|s| s.message.as_deref())
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        let fix = match status {
            "pending-acceptance" => format!("aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx_id}"),
            "initiating-request" | "provisioning" => {
                format!("wait for {pcx_id} to reach pending-acceptance, then: aws ec2 accept-vpc-peering-connection --vpc-peering-connection-id {pcx_id}")
            }
            _ => format!(
                "a {status} peering connection cannot be reused; create a new one:\n\
                 aws ec2 create-vpc-peering-connection --vpc-id {client_vpc} --peer-vpc-id {endpoint_vpc}"
            ),
        };
        return vec![Finding::fail(
            id,
            format!(
                "{pcx_id} between {client_vpc} and {endpoint_vpc} is {status}{detail}, not active"
            ),
        )
        .resources([pcx_id, client_vpc, endpoint_vpc])
        .fix(fix)];
    }
    let a = p.index.vpc_cidrs(client_vpc);
    let b = p.index.vpc_cidrs(endpoint_vpc);
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
    vec![Finding::pass(
        id,
        format!("{pcx_id} is active between {client_vpc} ({}) and {endpoint_vpc} ({}); no overlapping CIDRs", show(&a), show(&b)),
    )
    .resources([pcx_id, client_vpc, endpoint_vpc])]
}
