//! `estate-peering-route-too-wide`: a route to a peering connection whose destination is
//! wider than the peer VPC's CIDRs (CIS AWS Foundations, "least access" routing for VPC
//! peering).

use super::paths::Estate;
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::net::Cidr;

pub static META: CheckMeta = CheckMeta {
    id: "estate-peering-route-too-wide",
    title: "Peering routes are no wider than the peer VPC",
    hop: Hop::Estate,
    severity: Severity::Low,
    what: "For every route whose target is a VPC peering connection, checks that its destination lies inside one of the peer VPC's CIDR blocks (as the connection records them).",
    why: "A route wider than the peer (say 10.0.0.0/8 to a /16 VPC) sends traffic for addresses the peer does not own into the peering, where it is dropped — and hides which VPCs a subnet is meant to reach. The CIS AWS Foundations Benchmark asks for least-access routing tables for peering.",
    fix: "Replace the route with one per peer CIDR block: `aws ec2 delete-route --route-table-id RTB --destination-cidr-block WIDE` and `aws ec2 create-route --route-table-id RTB --destination-cidr-block PEER_CIDR --vpc-peering-connection-id PCX`.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/peering/peering-configurations-partial-access.html",
        "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html",
    ],
    needs: &[],
    symptoms: &[],
};

pub fn run(e: &Estate<'_, '_>) -> Vec<Finding> {
    let id = META.id;
    let mut out = Vec::new();
    for ix in &e.ix.scopes {
        let mut tables: Vec<_> = ix.scope.route_tables.iter().flatten().collect();
        tables.sort_by(|a, b| a.route_table_id.cmp(&b.route_table_id));
        for rt in tables {
            for route in &rt.routes {
                let (Some(pcx_id), Some(dest)) = (
                    route.vpc_peering_connection_id.as_deref(),
                    route
                        .destination_cidr_block
                        .as_deref()
                        .and_then(Cidr::parse),
                ) else {
                    continue;
                };
                let Some(pcx) = ix
                    .peerings_by_vpc
                    .get(rt.vpc_id.as_str())
                    .into_iter()
                    .flatten()
                    .find(|p| p.vpc_peering_connection_id == pcx_id)
                else {
                    continue;
                };
                // The peer is the end that is not this table's VPC.
                let peer = [&pcx.requester_vpc_info, &pcx.accepter_vpc_info]
                    .into_iter()
                    .flatten()
                    .find(|i| i.vpc_id.as_deref() != Some(rt.vpc_id.as_str()));
                let Some(peer) = peer else { continue };
                let mut blocks: Vec<Cidr> = peer
                    .cidr_block_set
                    .iter()
                    .filter_map(|c| Cidr::parse(&c.cidr_block))
                    .collect();
                blocks.extend(peer.cidr_block.as_deref().and_then(Cidr::parse));
                blocks.sort();
                blocks.dedup();
                if blocks.is_empty() || blocks.iter().any(|b| b.contains(dest)) {
                    continue;
                }
                let shown: Vec<String> = blocks.iter().map(|b| b.to_string()).collect();
                out.push(
                    Finding::warn(id, format!("{} ({}, {}) sends {dest} to {pcx_id}, wider than the peer VPC {} ({})", rt.route_table_id, rt.vpc_id, ix.scope.label(), peer.vpc_id.as_deref().unwrap_or("?"), shown.join(", ")))
                        .resources([rt.route_table_id.as_str(), pcx_id])
                        .fix(format!(
                            "aws ec2 delete-route --route-table-id {} --destination-cidr-block {dest} --region {}\n{}",
                            rt.route_table_id,
                            ix.scope.region,
                            shown
                                .iter()
                                .map(|b| format!("aws ec2 create-route --route-table-id {} --destination-cidr-block {b} --vpc-peering-connection-id {pcx_id} --region {}", rt.route_table_id, ix.scope.region))
                                .collect::<Vec<_>>()
                                .join("\n")
                        )),
                );
            }
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(
            id,
            "every route to a peering connection stays within the peer VPC's CIDR blocks",
        ));
    }
    out
}
