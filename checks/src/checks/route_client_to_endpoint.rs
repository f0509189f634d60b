//! `route-client-to-endpoint`: the client subnet's effective route table sends every
//! endpoint subnet's CIDR to the peering connection.

use super::common::route_finding;
use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{Carrier, ResolvedPath};
use crate::routes::{judge, Via};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "route-client-to-endpoint",
    title: "The client subnet routes the endpoint subnets to the peering connection",
    hop: Hop::ClientNetwork,
    severity: Severity::High,
    what: "Takes the client subnet's effective route table (its explicit association, else the VPC's main table) and, for every subnet of the execute-api endpoint, finds the route the VPC router uses by longest-prefix match. That route must target the peering connection between the two VPCs and be `active`, and no more specific route may take part of the subnet elsewhere.",
    why: "The endpoint's network interfaces take their addresses from its subnets, and DNS hands out any of them. A missing route, a blackhole (peering deleted), or a more specific route to an internet or NAT gateway sends the request nowhere: curl hangs until it times out.",
    fix: "Add (or replace) a route for each endpoint subnet CIDR to the peering connection in the client subnet's route table: `aws ec2 create-route --route-table-id RTB --destination-cidr-block CIDR --vpc-peering-connection-id PCX`.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-routing.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/how-route-tables-work.html#route-tables-priority",
    ],
    needs: &[client(Source::RouteTables), client(Source::Subnets), endpoint(Source::Subnets), client(Source::VpcPeeringConnections)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): routes the client's subnet uses to
/// reach the endpoint's subnets, and the errors of creating them.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "route-target-not-found",
        evidence: Evidence::Code,
        seen_in: "EC2 CreateRoute / ReplaceRoute (CLI, Terraform, CloudFormation)",
        patterns: &[
            &["invalidvpcpeeringconnectionid.notfound"],
            &["invalidtransitgatewayid.notfound"],
            &["invalidgatewayid.notfound"],
        ],
        meaning: "The route names a target that does not exist where it is created: a peering connection or transit gateway deleted, mistyped, not yet shared to this account, or of another region.",
        ..Symptom::BASE
    },
    Symptom {
        id: "route-table-not-found",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "EC2 CreateRoute (CLI, Terraform, CloudFormation)",
        patterns: shared::ROUTE_TABLE_NOT_FOUND,
        meaning: "The route table is not in the account and region the call ran in: each side's routes are created with that side's credentials.",
        ..Symptom::BASE
    },
    Symptom {
        id: "route-already-exists",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "EC2 CreateRoute",
        patterns: &[&["routealreadyexists"]],
        meaning: "The table already has a route for that destination, perhaps to another target: the endpoint's subnets may be sent elsewhere.",
        ..Symptom::BASE
    },
    Symptom {
        id: "different-networks",
        seen_in: "EC2 CreateRoute",
        patterns: &[&["belong to different networks"]],
        meaning: "A route to a peering connection was put in a route table of a VPC that is not one of the connection's two VPCs.",
        ..Symptom::BASE
    },
    Symptom {
        id: "blackhole-route",
        evidence: Evidence::State,
        seen_in: "describe-route-tables, the VPC console",
        patterns: shared::BLACKHOLE,
        meaning: "A route's target is gone (a deleted or never-active peering connection): traffic to the endpoint's subnets is dropped.",
        ..Symptom::BASE
    },
    Symptom {
        id: "reachability-cannot-route",
        evidence: Evidence::Code,
        seen_in: "VPC Reachability Analyzer",
        patterns: &[&["cannot_route"]],
        meaning: "No route on the path matches the destination address.",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets to the endpoint are dropped silently: the client subnet's route table must send every endpoint subnet to the peering connection (its main table when no table is associated).",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; a missing or shadowed route is one.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-transit-gateway",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any text naming a transit gateway",
        patterns: &[&["<tgw>"], &["<tgw-attach>"], &["<tgw-rtb>"], &["transit gateway"]],
        meaning: "The text is about a transit gateway; whatever carries the traffic between the VPCs, the client subnet's route table must send the endpoint's subnets to it.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-route-table",
        evidence: Evidence::Hint,
        seen_in: "any text naming a route table",
        patterns: &[&["<rtb>"], &["route table"]],
        meaning: "The text names a route table; this check reads the client subnet's effective table.",
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
                "the client and {} share a VPC: the local route carries the request",
                ep.id()
            ),
        )];
    }
    let subnet_id = p
        .client
        .instance
        .subnet_id
        .as_deref()
        .unwrap_or("unknown subnet");
    let Some((table, explicit)) = p.client.route_table else {
        return vec![Finding::unknown(
            id,
            format!("no route table for the client subnet {subnet_id}: neither an explicit association nor the VPC's main table is in the snapshot"),
        )
        .resource(subnet_id)
        .needs(Source::RouteTables.iam_action())];
    };
    let peerings = p.peerings();
    let pcx_ids: Vec<&str> = peerings
        .iter()
        .map(|x| x.vpc_peering_connection_id.as_str())
        .collect();
    let via = match p.carrier() {
        Carrier::Transit { tgw, .. } => Via::Transit(tgw),
        _ => Via::Peering(&pcx_ids),
    };
    let mut verdicts = Vec::new();
    let mut resources = vec![subnet_id.to_string(), table.route_table_id.clone()];
    for s in &ep.subnets {
        resources.push(s.id.to_string());
        let Some(cidr) = s.cidr() else {
            return vec![Finding::unknown(
                id,
                format!(
                    "endpoint subnet {} (of {}) is not in the snapshot",
                    s.id,
                    ep.id()
                ),
            )
            .resources(resources)
            .needs(Source::Subnets.iam_action())];
        };
        verdicts.push(judge(
            table,
            cidr,
            cidr,
            &format!("endpoint subnet {}", s.id),
            &via,
        ));
    }
    match via {
        Via::Transit(tgw) => resources.push(tgw.to_string()),
        Via::Peering(ids) => resources.extend(ids.iter().map(|s| s.to_string())),
    }
    let mut finding = route_finding(id, verdicts, resources);
    if finding.status == crate::finding::Status::Pass && !explicit {
        finding.message.push_str(&format!(
            " ({} is the VPC's main route table: {subnet_id} has no explicit association)",
            table.route_table_id
        ));
    }
    vec![finding]
}
