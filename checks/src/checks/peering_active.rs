//! `peering-active`: the client VPC and the endpoint VPC are joined by an active
//! peering connection whose CIDRs do not overlap.

use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{is_active, peering_status, Carrier, ResolvedPath};
use crate::snapshot::{Scope, Source, VpcPeeringConnection};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

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
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): a peering connection's state, and
/// the errors of creating, accepting and configuring one. A `pcx-…` with a state word
/// is this check, whatever tool printed it.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "peering-error-code",
        evidence: Evidence::Code,
        seen_in: "EC2 Create/Accept/ModifyVpcPeeringConnection (CLI, Terraform, CloudFormation)",
        patterns: &[
            &["vpcpeeringconnectionalreadyexists"],
            &["invalidvpcpeeringconnectionid.notfound"],
            &["invalidstatetransition", "<pcx>"],
            &["invalidvpcpeeringconnectionstate*"],
            &["operationnotpermitted", "peering"],
            &["cannot accept peering"],
            &["vpc peering connection", "invalidvpcid.notfound"],
            &["vpcpeeringconnection", "invalidvpcid.notfound"],
        ],
        meaning: "The peering connection could not be created, accepted or configured: one already joins the two VPCs, the peer VPC was looked up in the wrong account or region (peer owner and peer region missing), the accept ran in the requester's account, or the connection is not active yet.",
        ..Symptom::BASE
    },
    Symptom {
        id: "peering-waiter",
        seen_in: "Terraform, CloudFormation",
        patterns: &[
            &["vpc peering connection", "unexpected state"],
            &["vpcpeeringconnection", "failed to stabilize"],
            &["only to active peerings"],
        ],
        meaning: "The peering connection did not reach the expected state: it was rejected, failed (overlapping CIDRs, an invalid peer) or expired unaccepted, or is still pending acceptance by the other account.",
        ..Symptom::BASE
    },
    Symptom {
        id: "peering-not-active",
        evidence: Evidence::State,
        seen_in: "describe-vpc-peering-connections, the VPC console, any tool",
        patterns: &[
            &["<pcx>", "not active"],
            &["<pcx>", "pending-acceptance"],
            &["<pcx>", "pendingacceptance"],
            &["<pcx>", "pending acceptance"],
            &["<pcx>", "failed"],
            &["<pcx>", "expired"],
            &["<pcx>", "rejected"],
            &["<pcx>", "deleted"],
            &["<pcx>", "blackhole"],
            &["peering", "not active"],
            &["peering", "pending-acceptance"],
            &["peering", "pending acceptance"],
            &["peering", "expired"],
            &["peering", "rejected"],
        ],
        meaning: "The peering connection is not active, so nothing routes between the VPCs: a pending connection waits for the accepter's account (in the accepter's region), and failed, expired, rejected or deleted ones must be requested again.",
        ..Symptom::BASE
    },
    Symptom {
        id: "overlapping-cidrs",
        seen_in: "the VPC console, EC2 CreateVpcPeeringConnection",
        patterns: &[&["overlapping cidr"], &["cidr", "overlap*"]],
        meaning: "The two VPCs' CIDR blocks overlap: AWS does not peer them.",
        ..Symptom::BASE
    },
    Symptom {
        id: "different-networks",
        likelihood: Likelihood::Possible,
        seen_in: "EC2 CreateRoute",
        patterns: &[&["belong to different networks"]],
        meaning: "A route names a peering connection that does not join the route table's VPC: the connection may join other VPCs than the client's and the endpoint's.",
        ..Symptom::BASE
    },
    Symptom {
        id: "blackhole-route",
        evidence: Evidence::State,
        likelihood: Likelihood::Possible,
        seen_in: "describe-route-tables",
        patterns: shared::BLACKHOLE,
        meaning: "A route is a blackhole when its peering connection was deleted or never became active.",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets between the VPCs are dropped; without an active peering connection nothing crosses.",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; a peering connection that is not active drops everything.",
    },
    Symptom {
        id: "names-a-peering-connection",
        evidence: Evidence::Hint,
        seen_in: "any text naming a peering connection",
        patterns: &[&["<pcx>"], &["peering"]],
        meaning: "The text names a peering connection; this check finds the one joining the two VPCs and reads its state.",
        ..Symptom::BASE
    },
];

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
