//! `sg-client-egress`: the client's security groups let HTTPS out to the endpoint.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{Carrier, ResolvedPath};
use crate::sg;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "sg-client-egress",
    title: "The client's security groups allow HTTPS out to the endpoint",
    hop: Hop::ClientNetwork,
    severity: Severity::High,
    what: "Checks that the outbound rules of the client instance's security groups allow TCP 443 to every address of every endpoint subnet (rules may split a subnet between them), or to one of the endpoint's security groups by reference. A reference to a group of another account counts only for that account's group (`UserId`), and across regions not at all: an inter-region peering admits no group references.",
    why: "The endpoint's network interfaces may hold any address of its subnets, and DNS returns one per Availability Zone. If egress covers only some of them, requests hang some of the time; if none, always.",
    fix: "`aws ec2 authorize-security-group-egress --group-id CLIENT_SG --protocol tcp --port 443 --cidr ENDPOINT_SUBNET_CIDR` for each endpoint subnet.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
        "https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html",
    ],
    needs: &[client(Source::SecurityGroups), endpoint(Source::Subnets), endpoint(Source::VpcEndpoints), client(Source::Instances)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`). Default security groups allow all
/// egress, so the client's own rules are a less common cause of a timeout than the
/// endpoint's or the routes.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "client-timeout",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets to the endpoint are dropped silently; one place is the client's own security groups, when their egress does not allow TCP 443 to the endpoint's subnets.",
        ..Symptom::BASE
    },
    Symptom {
        id: "reachability-security-group",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "VPC Reachability Analyzer",
        patterns: shared::RA_SECURITY_GROUP,
        meaning: "A security group on the path does not allow the traffic: on the way out, the client's egress rules.",
        ..Symptom::BASE
    },
    Symptom {
        id: "flow-log-reject",
        evidence: Evidence::State,
        likelihood: Likelihood::Possible,
        seen_in: "a VPC flow log record",
        patterns: shared::FLOW_LOG_REJECT_443,
        meaning: "A packet to or from port 443 was rejected at a network interface: a security group or a network ACL.",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; the client's egress rules are one hop that drops.",
    },
    Symptom {
        id: "names-a-security-group",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any text naming a security group",
        patterns: &[&["<sg>"], &["security group"]],
        meaning: "The text names a security group; this check reads the client's egress rules.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, true) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client = &p.client;
    if client.security_groups.is_empty() {
        return vec![Finding::unknown(
            id,
            format!(
                "the security groups of {} ({}) are not in the snapshot",
                client.id(),
                client.group_ids.join(", ")
            ),
        )
        .resource(client.id())
        .needs(Source::SecurityGroups.iam_action())];
    }
    let endpoint_groups = ep.group_ids();
    let mut resources: Vec<String> = client.group_ids.iter().map(|g| g.to_string()).collect();
    let peer = sg::Peer {
        groups: &endpoint_groups,
        account: ep.ix.scope.account.as_deref(),
        rule_account: p.client_scope.account.as_deref(),
        blocked: if matches!(p.carrier(), Carrier::Transit { .. }) {
            Some(sg::TGW_OUTBOUND)
        } else if p.client_scope.region != ep.ix.scope.region {
            Some(sg::INTER_REGION)
        } else {
            None
        },
    };
    let mut allowed = Vec::new();
    let mut blocked = Vec::new();
    let mut other_region = None;
    for s in &ep.subnets {
        resources.push(s.id.to_string());
        let Some(cidr) = s.cidr() else {
            return vec![Finding::unknown(
                id,
                format!("endpoint subnet {} is not in the snapshot", s.id),
            )
            .resources(resources)
            .needs(Source::Subnets.iam_action())];
        };
        match sg::egress_to(&client.security_groups, 443, cidr, &peer) {
            sg::Admission::Admitted(how) => allowed.push(format!("{} ({cidr}): {how}", s.id)),
            sg::Admission::Undecided(why) => {
                return vec![Finding::unknown(
                    id,
                    format!(
                        "no egress rule of {} covers tcp/443 to {} ({cidr}) by CIDR; {why}",
                        client.group_ids.join(", "),
                        s.id
                    ),
                )
                .resources(resources)
                .needs(Source::SecurityGroups.iam_action())]
            }
            sg::Admission::ReferenceBlocked(why) => {
                other_region.get_or_insert(why);
                blocked.push((s.id, cidr));
            }
            sg::Admission::Denied => blocked.push((s.id, cidr)),
        }
    }
    if blocked.is_empty() {
        return vec![Finding::pass(
            id,
            format!(
                "the client's groups allow HTTPS to every endpoint subnet: {}",
                allowed.join("; ")
            ),
        )
        .resources(resources)];
    }
    let names: Vec<String> = blocked.iter().map(|(s, c)| format!("{s} ({c})")).collect();
    let prefix_lists = sg::prefix_lists(&client.security_groups, 443, sg::Direction::Egress);
    if !prefix_lists.is_empty() {
        return vec![Finding::warn(
            id,
            format!("no egress rule of {} covers tcp/443 to {} by CIDR or group; only prefix list(s) {} might, and their entries are not in the snapshot", client.group_ids.join(", "), names.join(", "), prefix_lists.join(", ")),
        )
        .resources(resources)
        .fix(format!("aws ec2 get-managed-prefix-list-entries --prefix-list-id {}", prefix_lists[0]))];
    }
    let group = client.group_ids[0];
    let fix: Vec<String> = blocked
        .iter()
        .map(|(_, c)| format!("aws ec2 authorize-security-group-egress --group-id {group} --protocol tcp --port 443 --cidr {c}"))
        .collect();
    let message = match other_region {
        Some(why) if !why.ends_with(sg::INTER_REGION) => format!(
            "{why}; no CIDR rule of {} allows tcp/443 out to endpoint subnet(s) {}",
            client.group_ids.join(", "),
            names.join(", ")
        ),
        Some(why) => format!(
            "{why} (the client is in {}, the endpoint in {}); no CIDR rule of {} allows tcp/443 out to endpoint subnet(s) {}",
            p.client_region(),
            ep.ix.scope.region,
            client.group_ids.join(", "),
            names.join(", ")
        ),
        None => format!(
            "the client's groups {} do not allow tcp/443 out to endpoint subnet(s) {}",
            client.group_ids.join(", "),
            names.join(", ")
        ),
    };
    vec![Finding::fail(id, message)
        .resources(resources)
        .fix(fix.join("\n"))]
}
