//! `route-endpoint-to-client`: every endpoint subnet routes the client back over the
//! peering connection.

use super::common::route_finding;
use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::net::Cidr;
use crate::path::{Carrier, ResolvedPath};
use crate::routes::{judge, Via};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "route-endpoint-to-client",
    title: "The endpoint subnets route the client back to the peering connection",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "For every subnet of the execute-api endpoint, takes its effective route table (explicit association, else the VPC's main table) and finds, by longest-prefix match, the route to the client instance's private address. It must target the peering connection and be `active`.",
    why: "Peering routes are not symmetric: each VPC needs its own route. Without the return route, the endpoint's replies never reach the client; the TCP handshake never completes and curl hangs.",
    fix: "In each endpoint subnet's route table, add a route for the client subnet (or VPC) CIDR to the peering connection: `aws ec2 create-route --route-table-id RTB --destination-cidr-block CLIENT_CIDR --vpc-peering-connection-id PCX`.",
    links: &["https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html"],
    needs: &[endpoint(Source::RouteTables), endpoint(Source::Subnets), client(Source::Subnets), endpoint(Source::VpcPeeringConnections)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the return route, the one most
/// often forgotten — a timeout looks the same whichever way the packets are lost.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "route-table-not-found",
        evidence: Evidence::Code,
        seen_in: "EC2 CreateRoute (CLI, Terraform, CloudFormation)",
        patterns: shared::ROUTE_TABLE_NOT_FOUND,
        meaning: "The route table is not in the account and region the call ran in: the return route lives in the endpoint's account and must be created with its credentials.",
        ..Symptom::BASE
    },
    Symptom {
        id: "blackhole-route",
        evidence: Evidence::State,
        likelihood: Likelihood::Possible,
        seen_in: "describe-route-tables, the VPC console",
        patterns: shared::BLACKHOLE,
        meaning: "A route's target is gone: on the endpoint's side, replies to the client are dropped.",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Replies from the endpoint may be what is lost: every endpoint subnet's route table must send the client's CIDR back over the peering connection.",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; a missing return route is one.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-route-table",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any text naming a route table",
        patterns: &[&["<rtb>"], &["route table"]],
        meaning: "The text names a route table; this check reads the endpoint subnets' tables.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, true) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    if p.same_vpc() {
        return vec![Finding::skip(
            id,
            format!(
                "the client and {} share a VPC: the local route carries the reply",
                ep.id()
            ),
        )];
    }
    // The reply goes to the client's own address; the fix routes its whole subnet.
    let (dest, fix_dest) = match (p.client.private_ip, p.client.subnet_cidr()) {
        (Some(ip), Some(subnet)) => (Cidr::host(ip), subnet),
        (Some(ip), None) => (Cidr::host(ip), Cidr::host(ip)),
        (None, Some(subnet)) => (subnet, subnet),
        (None, None) => {
            return vec![Finding::unknown(
                id,
                format!(
                    "neither the private address nor the subnet of {} is in the snapshot",
                    p.client.id()
                ),
            )
            .resource(p.client.id())
            .needs(Source::Instances.iam_action())]
        }
    };
    let what = format!("the client {}", p.client.id());
    let peerings = p.peerings();
    let pcx_ids: Vec<&str> = peerings
        .iter()
        .map(|x| x.vpc_peering_connection_id.as_str())
        .collect();
    // The endpoint VPC's own TGW: across regions it is the API's, peered with the
    // client's.
    let via = match p.carrier() {
        Carrier::Transit { tgw, hop } => Via::Transit(hop.map_or(tgw, |t| t.api.tgw_id())),
        _ => Via::Peering(&pcx_ids),
    };
    let mut verdicts = Vec::new();
    let mut resources = Vec::new();
    for s in &ep.subnets {
        resources.push(s.id.to_string());
        let Some((table, _)) = s.route_table else {
            return vec![Finding::unknown(id, format!("no route table for endpoint subnet {}: neither an explicit association nor the main table of {} is in the snapshot", s.id, ep.vpc_id()))
                .resources(resources)
                .needs(Source::RouteTables.iam_action())];
        };
        if !resources.contains(&table.route_table_id) {
            resources.push(table.route_table_id.clone());
        }
        verdicts
            .push(judge(table, dest, fix_dest, &what, &via).map(|ok| format!("{}: {ok}", s.id)));
    }
    match via {
        Via::Transit(tgw) => resources.push(tgw.to_string()),
        Via::Peering(ids) => resources.extend(ids.iter().map(|s| s.to_string())),
    }
    vec![route_finding(id, verdicts, resources)]
}
