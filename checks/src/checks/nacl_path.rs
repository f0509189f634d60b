//! `nacl-path`: the network ACLs of the client subnet and of every endpoint subnet let
//! HTTPS through both ways.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::nacl::{decide, Decision, Direction, Leg, EPHEMERAL};
use crate::net::Cidr;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "nacl-path",
    title: "Network ACLs let HTTPS through both ways",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "Evaluates the network ACL of the client subnet and of each endpoint subnet as AWS does — entries in rule-number order, the first match decides, the `*` rule denies the rest — for TCP 443 from the client to the endpoint subnets and for the return traffic to the client's ephemeral ports (1024–65535), in both directions of both ACLs.",
    why: "Network ACLs are stateless: the reply from the endpoint is a separate flow that needs its own allow rule. A deny (or a missing allow) on either side makes curl hang until it times out, with no error anywhere.",
    fix: "Add allow entries below the denying rule number: `aws ec2 create-network-acl-entry --network-acl-id ACL --rule-number N --protocol tcp --port-range From=443,To=443 --cidr-block CIDR --rule-action allow --egress|--ingress`, and the same for 1024–65535 on the return side.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html#nacl-ephemeral-ports",
    ],
    needs: &[client(Source::NetworkAcls), endpoint(Source::NetworkAcls), client(Source::Subnets), endpoint(Source::Subnets), endpoint(Source::VpcEndpoints), client(Source::Instances)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`). Network ACLs are stateless: the
/// replies to the client's ephemeral ports need rules of their own.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "reachability-acl",
        evidence: Evidence::Code,
        seen_in: "VPC Reachability Analyzer",
        patterns: &[&["subnet_acl_restriction"], &["network acl does not allow"]],
        meaning: "A network ACL on the path denies the traffic (or its reply).",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets are dropped silently; a network ACL on either subnet that denies 443 or the replies to ports 1024-65535 is one place.",
        ..Symptom::BASE
    },
    Symptom {
        id: "flow-log-reject",
        evidence: Evidence::State,
        likelihood: Likelihood::Possible,
        seen_in: "a VPC flow log record",
        patterns: shared::FLOW_LOG_REJECT_443,
        meaning: "A packet to or from port 443 was rejected: a REJECT of the reply, with an ACCEPT of the request, is a network ACL.",
        ..Symptom::BASE
    },
    Symptom {
        id: "any-timeout",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any client",
        patterns: shared::ANY_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "A timeout is a silent drop; a network ACL is one.",
    },
    Symptom {
        id: "names-a-network-acl",
        evidence: Evidence::Hint,
        seen_in: "any text naming a network ACL",
        patterns: &[&["<acl>"], &["network acl"], &["nacl"]],
        meaning: "The text names a network ACL; this check evaluates both subnets' ACLs in rule order.",
        ..Symptom::BASE
    },
];

/// What a Linux client actually uses (`net.ipv4.ip_local_port_range`).
const LINUX_EPHEMERAL: (u16, u16) = (32768, 60999);

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, true) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client = &p.client;
    let (Some(client_ip), Some(client_subnet)) =
        (client.private_ip, client.instance.subnet_id.as_deref())
    else {
        return vec![Finding::unknown(
            id,
            format!(
                "{} has no subnet or private address in the snapshot",
                client.id()
            ),
        )
        .resource(client.id())
        .needs(Source::Instances.iam_action())];
    };
    let Some(client_acl) = client.network_acl else {
        return vec![Finding::unknown(
            id,
            format!("no network ACL of the snapshot is associated with {client_subnet}"),
        )
        .resource(client_subnet)
        .needs(Source::NetworkAcls.iam_action())];
    };
    let client_host = Cidr::host(client_ip);
    let mut legs = Vec::new();
    let mut unknown = Vec::new();
    let mut acl_ids = vec![client_acl.network_acl_id.clone()];
    for es in &ep.subnets {
        if es.id == client_subnet {
            // Traffic within one subnet never crosses its ACL.
            continue;
        }
        let Some(cidr) = es.cidr() else {
            unknown.push(format!("subnet {} is not in the snapshot", es.id));
            continue;
        };
        let Some(ep_acl) = ep.ix.network_acls_by_subnet.get(es.id).copied() else {
            unknown.push(format!(
                "no network ACL of the snapshot is associated with {}",
                es.id
            ));
            continue;
        };
        if !acl_ids.contains(&ep_acl.network_acl_id) {
            acl_ids.push(ep_acl.network_acl_id.clone());
        }
        legs.push(Leg {
            acl: client_acl,
            direction: Direction::Outbound,
            remote: cidr,
            ports: (443, 443),
            what: format!("HTTPS from the client to {} ({cidr})", es.id),
        });
        legs.push(Leg {
            acl: client_acl,
            direction: Direction::Inbound,
            remote: cidr,
            ports: EPHEMERAL,
            what: format!(
                "replies from {} ({cidr}) to the client's ephemeral ports",
                es.id
            ),
        });
        legs.push(Leg {
            acl: ep_acl,
            direction: Direction::Inbound,
            remote: client_host,
            ports: (443, 443),
            what: format!("HTTPS from the client ({client_host}) into {}", es.id),
        });
        legs.push(Leg {
            acl: ep_acl,
            direction: Direction::Outbound,
            remote: client_host,
            ports: EPHEMERAL,
            what: format!("replies from {} to the client's ephemeral ports", es.id),
        });
    }
    let mut fails: Vec<(String, String)> = Vec::new();
    let mut warns: Vec<(String, String)> = Vec::new();
    let mut taken = Vec::new();
    for leg in &legs {
        let Some((text, fix)) = leg.blocked(&mut taken) else {
            continue;
        };
        // Return traffic: a Linux client only ever uses 32768–60999.
        let linux_ok = leg.ports == EPHEMERAL
            && matches!(
                decide(leg.acl, leg.direction, leg.remote, LINUX_EPHEMERAL),
                Decision::Allowed { .. }
            );
        if linux_ok {
            warns.push((
                format!(
                    "{text} (Linux clients use {}-{} and get through; other clients may not)",
                    LINUX_EPHEMERAL.0, LINUX_EPHEMERAL.1
                ),
                fix,
            ));
        } else {
            fails.push((text, fix));
        }
    }
    let mut resources = acl_ids.clone();
    resources.push(client_subnet.to_string());
    resources.extend(ep.subnets.iter().map(|s| s.id.to_string()));
    let report = |items: Vec<(String, String)>| {
        let (texts, fixes): (Vec<String>, Vec<String>) = items.into_iter().unzip();
        (
            super::common::dedup(texts).join("; "),
            super::common::dedup(fixes).join("\n"),
        )
    };
    if !fails.is_empty() {
        let (text, fix) = report(fails);
        return vec![Finding::fail(id, text).resources(resources).fix(fix)];
    }
    if !unknown.is_empty() {
        return vec![Finding::unknown(id, unknown.join("; "))
            .resources(resources)
            .needs(Source::Subnets.iam_action())
            .needs(Source::NetworkAcls.iam_action())];
    }
    if !warns.is_empty() {
        let (text, fix) = report(warns);
        return vec![Finding::warn(id, text).resources(resources).fix(fix)];
    }
    if legs.is_empty() {
        return vec![Finding::pass(
            id,
            format!(
                "the client and {} share subnet {client_subnet}: no ACL is crossed",
                ep.id()
            ),
        )
        .resources(resources)];
    }
    vec![Finding::pass(
        id,
        format!(
            "{} allow tcp/443 from {} to the endpoint subnets and the replies to ports {}-{}, both ways",
            acl_ids.join(" and "),
            client.id(),
            EPHEMERAL.0,
            EPHEMERAL.1
        ),
    )
    .resources(resources)]
}
