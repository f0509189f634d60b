//! `sg-endpoint-ingress`: the endpoint's security groups admit HTTPS from the client.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::net::{fmt_ipv4, Cidr};
use crate::path::{Carrier, ResolvedPath};
use crate::sg;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "sg-endpoint-ingress",
    title: "The endpoint's security groups admit HTTPS from the client",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "Checks that an inbound rule of a security group attached to the execute-api endpoint allows TCP 443 (protocol `tcp` with a port range holding 443, or `-1`) from the client: a CIDR that contains the client's private address, or a reference to one of the client's security groups. Across accounts the reference must name the client's account (`UserIdGroupPairs` `UserId`) over an active same-region peering; across regions a group reference admits nothing (fail, with the CIDR rule as the fix); a reference to another account's group when the client's account is not known is `unknown`.",
    why: "Interface endpoints admit only what their security groups allow. Without the rule, the SYN from the client is dropped silently and curl hangs until it times out.",
    fix: "`aws ec2 authorize-security-group-ingress --group-id ENDPOINT_SG --protocol tcp --port 443 --cidr CLIENT_CIDR`.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-security-groups",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html",
    ],
    needs: &[endpoint(Source::SecurityGroups), endpoint(Source::VpcEndpoints), client(Source::Instances)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the most common drop on this path
/// is an endpoint security group that admits 443 from its own VPC only.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "client-timeout",
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets to the endpoint are dropped silently: the endpoint's security groups must admit TCP 443 from the client's address or security group (a peered VPC's CIDR is not its own).",
        ..Symptom::BASE
    },
    Symptom {
        id: "reachability-security-group",
        evidence: Evidence::Code,
        seen_in: "VPC Reachability Analyzer",
        patterns: shared::RA_SECURITY_GROUP,
        meaning: "A security group on the path does not allow the traffic: at the endpoint, its ingress rules.",
        ..Symptom::BASE
    },
    Symptom {
        id: "flow-log-reject",
        evidence: Evidence::State,
        seen_in: "a VPC flow log record",
        patterns: shared::FLOW_LOG_REJECT_443,
        meaning: "A packet to or from port 443 was rejected at a network interface: at the endpoint's, its security groups.",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; the endpoint's ingress rules are the most common one.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-security-group",
        evidence: Evidence::Hint,
        seen_in: "any text naming a security group",
        patterns: &[&["<sg>"], &["security group"], &["invalidgroup.notfound"]],
        unless: &["ec2 error code"],
        meaning: "The text names a security group; this check reads the endpoint's ingress rules.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client = &p.client;
    let Some(ip) = client.private_ip else {
        return vec![Finding::unknown(
            id,
            format!(
                "{} has no private IPv4 address in the snapshot",
                client.id()
            ),
        )
        .resource(client.id())
        .needs(Source::Instances.iam_action())];
    };
    let groups = ep.group_ids();
    if ep.security_groups.is_empty() {
        if groups.is_empty() {
            return vec![Finding::fail(
                id,
                format!("{} has no security group, so nothing is admitted", ep.id()),
            )
            .resource(ep.id())
            .fix(format!(
                "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-security-group-ids SG_ID",
                ep.id()
            ))];
        }
        return vec![Finding::unknown(
            id,
            format!(
                "the security groups of {} ({}) are not in the snapshot",
                ep.id(),
                ep.missing_groups.join(", ")
            ),
        )
        .resources(groups)
        .needs(Source::SecurityGroups.iam_action())];
    }
    let addr = fmt_ipv4(ip);
    let mut resources: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
    resources.push(ep.id().to_string());
    resources.push(client.id().to_string());
    let peer = sg::Peer {
        groups: &client.group_ids,
        account: p.client_scope.account.as_deref(),
        rule_account: ep.ix.scope.account.as_deref(),
        blocked: if matches!(p.carrier(), Carrier::Transit { .. }) {
            Some(sg::TGW_TO_ENDPOINT)
        } else if p.client_scope.region != ep.ix.scope.region {
            Some(sg::INTER_REGION)
        } else {
            None
        },
    };
    let admission = sg::ingress_from(&ep.security_groups, 443, ip, &peer);
    let other_region = match admission {
        sg::Admission::Admitted(rule) => {
            return vec![Finding::pass(
                id,
                format!("{rule}, which admits the client {} ({addr})", client.id()),
            )
            .resources(resources)];
        }
        sg::Admission::Undecided(why) => {
            return vec![Finding::unknown(
                id,
                format!(
                    "no rule of {} admits tcp/443 from {addr} by CIDR; {why}",
                    groups.join(", ")
                ),
            )
            .resources(resources)
            .needs(Source::Instances.iam_action())];
        }
        sg::Admission::ReferenceBlocked(why) => Some(why),
        sg::Admission::Denied => None,
    };
    let prefix_lists = sg::prefix_lists(&ep.security_groups, 443, sg::Direction::Ingress);
    if !prefix_lists.is_empty() {
        return vec![Finding::warn(
            id,
            format!("no rule of {} admits tcp/443 from {addr} by CIDR or group; only prefix list(s) {} might, and their entries are not in the snapshot", groups.join(", "), prefix_lists.join(", ")),
        )
        .resources(resources)
        .fix(format!("aws ec2 get-managed-prefix-list-entries --prefix-list-id {}", prefix_lists[0]))];
    }
    let source = client.subnet_cidr().unwrap_or(Cidr::host(ip));
    let message = match other_region {
        Some(why) if why.ends_with(sg::INTER_REGION) => format!("{why} (the client is in {}, the endpoint in {}); no CIDR rule admits the client {} ({addr})", p.client_region(), ep.ix.scope.region, client.id()),
        Some(why) => format!("{why}; no CIDR rule admits the client {} ({addr})", client.id()),
        None => format!("no inbound rule of {} ({}) admits tcp/443 from the client {} ({addr}, groups {})", groups.join(", "), ep.id(), client.id(), client.group_ids.join(", ")),
    };
    vec![Finding::fail(id, message)
    .resources(resources)
    .fix(format!("aws ec2 authorize-security-group-ingress --group-id {} --protocol tcp --port 443 --cidr {source}", groups[0]))]
}
