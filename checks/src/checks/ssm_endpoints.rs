//! `ssm-endpoints`: the client VPC has the interface endpoints Session Manager needs.

use super::common::compare_versions;
use crate::bpa;
use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::{Finding, Status};
use crate::net::{fmt_ipv4, Cidr};
use crate::path::ResolvedPath;
use crate::sg;
use crate::snapshot::{Source, VpcEndpoint};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use std::cmp::Ordering;

/// The services Session Manager reaches: ssm and ssmmessages always, ec2messages for
/// agents older than [`EC2MESSAGES_OPTIONAL_FROM`].
const SERVICES: [&str; 3] = ["ssm", "ssmmessages", "ec2messages"];

/// From this SSM Agent version on, the agent stops using ec2messages once ssmmessages
/// connects (release 3.3.40.0; "Endpoint connection precedence" in AWS's reference).
pub const EC2MESSAGES_OPTIONAL_FROM: &str = "3.3.40.0";

pub static META: CheckMeta = CheckMeta {
    id: "ssm-endpoints",
    title: "The client VPC has the Session Manager endpoints its agent needs",
    hop: Hop::OperatorAccess,
    severity: Severity::Medium,
    what: "Looks in the client instance's VPC for interface endpoints for `com.amazonaws.REGION.ssm` and `ssmmessages`, and `ec2messages` when the instance's SSM Agent is older than 3.3.40.0, and checks that each is `available`, has private DNS enabled, and that its security groups admit TCP 443 from the instance. Without them, a default route to a NAT or internet gateway is a way to the public endpoints — unless the region's VPC Block Public Access mode blocks that gateway for the subnet and no exclusion exempts it.",
    why: "An instance in a private subnet reaches Systems Manager only through these endpoints. Without private DNS, the agent resolves the public service names and its calls time out; without the 443 rule, they are dropped. SSM Agent 3.3.40.0 and later stop using ec2messages once ssmmessages connects, so ec2messages is required only for older agents (and a warning when the version is not known). A NAT or internet gateway route lets the agent use the public endpoints instead (missing endpoints are then warnings), but VPC Block Public Access in block-bidirectional mode blocks internet and NAT gateways, and block-ingress blocks internet gateways, for every VPC and subnet without an exclusion: then that way is closed too.",
    fix: "`aws ec2 create-vpc-endpoint --vpc-id VPC --vpc-endpoint-type Interface --service-name com.amazonaws.REGION.SERVICE --subnet-ids SUBNET --security-group-ids SG --private-dns-enabled`; turn private DNS on with `aws ec2 modify-vpc-endpoint --private-dns-enabled`; or, where VPC Block Public Access blocks the gateway, exempt the subnet: `aws ec2 create-vpc-block-public-access-exclusion --subnet-id SUBNET --internet-gateway-exclusion-mode allow-egress`.",
    links: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa-basics.html",
    ],
    needs: &[client(Source::VpcEndpoints), client(Source::SecurityGroups), client(Source::Instances)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the agent's way to ssm,
/// ssmmessages and ec2messages. A private address in `dial tcp 10.…:443: i/o timeout`
/// means private DNS sent the agent to an endpoint whose security group or subnets
/// do not admit it.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "agent-cannot-reach",
        seen_in: "the SSM Agent's log (/var/log/amazon/ssm/amazon-ssm-agent.log)",
        patterns: &[
            &["ssm.", "i/o timeout"],
            &["ssmmessages.", "i/o timeout"],
            &["ec2messages.", "i/o timeout"],
            &["ssm.", "dial tcp"],
            &["ssmmessages.", "dial tcp"],
            &["ec2messages.", "dial tcp"],
            &["ssm*", "timed out"],
            &["ec2messages*", "timed out"],
            &["ssm*", "could not connect to the endpoint url"],
            &["ssm*", "connect timeout on endpoint url"],
            &["ssm*", "send request failed"],
        ],
        meaning: "The agent cannot reach Systems Manager: in a private subnet that means no interface endpoint for ssm, ssmmessages or ec2messages, private DNS off on it, or its security group not admitting 443 from the instance — or no NAT route to the public endpoints.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-name-unresolved",
        evidence: Evidence::Code,
        seen_in: "the SSM Agent's log",
        patterns: &[&["ssm*", "no such host"], &["lookup ssm*", "i/o timeout"]],
        meaning: "The agent could not resolve a Systems Manager name: without private DNS on an ssm endpoint (and the VPC's DNS support), the name has no private answer.",
        ..Symptom::BASE
    },
    Symptom {
        id: "agent-not-online",
        seen_in: "the Session Manager console, Fleet Manager",
        patterns: shared::AGENT_NOT_ONLINE,
        meaning: "The agent could not register with Systems Manager: the endpoints it needs are missing or not reachable on 443.",
        ..Symptom::BASE
    },
    Symptom {
        id: "aws-api-error",
        seen_in: "the SSM Agent's log",
        patterns: &[&["error when calling aws apis"]],
        meaning: "The agent's calls to Systems Manager failed; a network error in the same lines is the endpoints.",
        ..Symptom::BASE
    },
    Symptom {
        id: "handshake-timed-out",
        seen_in: "session-manager-plugin",
        patterns: &[&["handshake timed out"], &["initiating handshake"]],
        meaning: "The session's data channel through ssmmessages never completed: the ssmmessages endpoint is missing or its security group does not admit 443 from the instance.",
        ..Symptom::BASE
    },
    Symptom {
        id: "control-channel-failed",
        likelihood: Likelihood::Possible,
        seen_in: "the SSM Agent's log",
        patterns: &[
            &["failed to get controlchannel token"],
            &["createcontrolchannel failed"],
            &["failed to create websocket"],
        ],
        meaning: "The agent could not open Session Manager's channel over ssmmessages; a network error in the same lines is the endpoint, a refusal the role.",
        ..Symptom::BASE
    },
    Symptom {
        id: "target-not-connected",
        evidence: Evidence::Code,
        seen_in: "aws ssm start-session",
        patterns: shared::TARGET_NOT_CONNECTED,
        meaning: "Session Manager has no live agent connection from the instance; in a private subnet, missing ssm/ssmmessages endpoints are a common reason.",
        ..Symptom::BASE
    },
    Symptom {
        id: "connection-lost",
        seen_in: "describe-instance-information, Fleet Manager",
        patterns: shared::CONNECTION_LOST,
        meaning: "Systems Manager stopped hearing from the agent: its way to the endpoints broke (an endpoint deleted, a security group changed).",
        ..Symptom::BASE
    },
    Symptom {
        id: "agent-hibernates",
        likelihood: Likelihood::Possible,
        seen_in: "the SSM Agent's log",
        patterns: shared::AGENT_HIBERNATES,
        meaning: "The agent could not register and went to sleep; a timeout in the same lines is the endpoints.",
        ..Symptom::BASE
    },
    Symptom {
        id: "block-public-access",
        evidence: Evidence::Hint,
        seen_in: "any text about VPC Block Public Access",
        patterns: &[&["block public access"], &["blockpublicaccess"], &["block-bidirectional"], &["block-ingress"]],
        meaning: "VPC Block Public Access blocks internet (and, bidirectionally, NAT) gateways for VPCs and subnets without an exclusion: an agent that reached Systems Manager's public endpoints through one loses them; this check judges the client subnet's default route under the region's mode.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-endpoints",
        evidence: Evidence::Hint,
        seen_in: "any text about the Systems Manager endpoints",
        patterns: &[&["ssmmessages*"], &["ec2messages*"]],
        meaning: "The text names a Systems Manager endpoint; this check finds the client VPC's interface endpoints for them.",
        ..Symptom::BASE
    },
];

/// The NAT or internet gateway the client's default route uses, if any.
fn internet_route(p: &ResolvedPath<'_>) -> Option<String> {
    let (table, _) = p.client.route_table?;
    crate::routes::internet_route(table)
}

/// Whether the agent needs ec2messages: SSM Agent 3.3.40.0 and later switch it off
/// once ssmmessages connects
/// (https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html),
/// older agents use it. `None` when the agent's version is not known.
fn ec2messages_needed(p: &ResolvedPath<'_>) -> Option<(bool, String)> {
    let version = p
        .client_ix
        .instance_information
        .get(p.client.id())?
        .agent_version
        .as_deref()?;
    let older = compare_versions(version, EC2MESSAGES_OPTIONAL_FROM)? == Ordering::Less;
    Some((older, version.to_string()))
}

/// The way out through a NAT or internet gateway, as VPC Block Public Access leaves it.
enum Way {
    None,
    Open(String),
    Blocked {
        why: String,
        exclusion: Option<String>,
    },
    Unsure(String),
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let client = &p.client;
    let vpc = match super::common::client_vpc_or_unknown(id, p) {
        Ok(vpc) => vpc,
        Err(unknown) => return unknown,
    };
    let in_vpc: &[&VpcEndpoint] = p
        .client_ix
        .endpoints_by_vpc
        .get(vpc)
        .map_or(&[], Vec::as_slice);
    let subnet_id = client.instance.subnet_id.as_deref();
    let way = match internet_route(p) {
        None => Way::None,
        Some(gw) => match bpa::egress(p.client_ix, vpc, subnet_id, &gw) {
            bpa::Egress::Open(_) => Way::Open(format!("the agent can reach the public endpoint through {gw}")),
            bpa::Egress::Blocked { why, exclusion, .. } => Way::Blocked {
                why: format!("the default route goes to {gw}, but {why}: the agent cannot reach the public endpoint either"),
                exclusion,
            },
            bpa::Egress::Unsure { why } => Way::Unsure(format!("the default route goes to {gw}; {why}")),
            bpa::Egress::Unread => Way::Unsure(format!(
                "the agent may reach the public endpoint through {gw}, unless VPC Block Public Access blocks it (not read: {})",
                Source::VpcBlockPublicAccessOptions.iam_action()
            )),
        },
    };
    let ec2messages = ec2messages_needed(p);
    let subnet = subnet_id.unwrap_or("SUBNET_ID");
    let client_group = client.group_ids.first().copied().unwrap_or("SG_ID");
    let source = client.subnet_cidr().or(client.private_ip.map(Cidr::host));

    let mut status = Status::Pass;
    let mut ok = Vec::new();
    let mut notes = Vec::new();
    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    let mut resources = vec![client.id().to_string(), vpc.to_string()];
    let raise = |s: Status, status: &mut Status| *status = (*status).max(s);
    let mut blocked_way = false;

    for service in SERVICES {
        let name = format!("com.amazonaws.{}.{service}", p.client_region());
        // ssm and ssmmessages always; ec2messages by the agent's version (warn when
        // the version is not known, as a missing fallback).
        let required = match (service, &ec2messages) {
            ("ec2messages", Some((false, version))) => {
                notes.push(format!("ec2messages is not needed: SSM Agent {version} (≥ {EC2MESSAGES_OPTIONAL_FROM}) stops using it once ssmmessages connects"));
                continue;
            }
            ("ec2messages", Some((true, _))) => true,
            ("ec2messages", None) => false,
            _ => true,
        };
        let mut found: Vec<&VpcEndpoint> = in_vpc
            .iter()
            .copied()
            .filter(|e| e.service_name == name && e.is_interface())
            // DescribeVpcEndpoints keeps listing a deleted endpoint for a while: it is
            // gone, and a way out through a gateway may stand in for it.
            .filter(|e| !e.state_str().eq_ignore_ascii_case("deleted"))
            .collect();
        found.sort_by_key(|e| !e.is_available());
        let Some(e) = found.first() else {
            let (severity, because) = match (&way, required) {
                (Way::Open(how), _) => (Status::Warn, format!(" ({how})")),
                (Way::Unsure(how), _) => (Status::Warn, format!(" ({how})")),
                // The block is told once; later endpoints refer to it.
                (Way::Blocked { .. }, true) if blocked_way => (
                    Status::Fail,
                    "; the same block closes the gateway to it".to_string(),
                ),
                (Way::Blocked { why, .. }, true) => {
                    blocked_way = true;
                    (Status::Fail, format!("; {why}"))
                }
                (Way::Blocked { why, .. }, false) => (Status::Warn, format!(" (needed only when the agent falls back from ssmmessages; its version is not known); {why}")),
                (Way::None, true) => (Status::Fail, String::new()),
                (Way::None, false) => (Status::Warn, " (needed only by agents older than 3.3.40.0, when they fall back from ssmmessages; the agent's version is not known)".to_string()),
            };
            raise(severity, &mut status);
            let why_needed = match (service, &ec2messages) {
                ("ec2messages", Some((true, version))) => format!(", which SSM Agent {version} (older than {EC2MESSAGES_OPTIONAL_FROM}) uses for its messages"),
                _ => String::new(),
            };
            problems.push(format!(
                "no {service} endpoint in {vpc}{why_needed}{because}"
            ));
            fixes.push(format!(
                "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name {name} --subnet-ids {subnet} --security-group-ids {client_group} --private-dns-enabled"
            ));
            continue;
        };
        let vpce = e.vpc_endpoint_id.as_str();
        resources.push(vpce.to_string());
        let mut fine = true;
        if !e.is_available() {
            fine = false;
            problems.push(format!("{vpce} ({service}) is {}", e.state_str()));
            fixes.push(format!("aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {vpce} --query 'VpcEndpoints[0].[State,LastError]'"));
        }
        if e.private_dns_enabled != Some(true) {
            fine = false;
            problems.push(format!("{vpce} ({service}) has private DNS disabled, so the agent resolves the public name and cannot reach it"));
            fixes.push(format!(
                "aws ec2 modify-vpc-endpoint --vpc-endpoint-id {vpce} --private-dns-enabled"
            ));
        }
        let groups: Vec<_> = e
            .groups
            .iter()
            .filter_map(|g| {
                p.client_ix
                    .security_groups
                    .get(g.group_id.as_str())
                    .copied()
            })
            .collect();
        // Groups not collected or no address: the rest of the verdict stands.
        if let Some(ip) = client.private_ip.filter(|_| !groups.is_empty()) {
            if !sg::ingress_from(&groups, 443, ip, &sg::Peer::local(&client.group_ids))
                .is_admitted()
            {
                fine = false;
                let group = e.groups[0].group_id.as_str();
                problems.push(format!(
                    "the security groups of {vpce} ({service}) do not admit tcp/443 from {} ({})",
                    client.id(),
                    fmt_ipv4(ip)
                ));
                let cidr = source.map_or_else(|| "CLIENT_CIDR".to_string(), |c| c.to_string());
                fixes.push(format!(
                    "aws ec2 authorize-security-group-ingress --group-id {group} --protocol tcp --port 443 --cidr {cidr}"
                ));
            }
        }
        if fine {
            ok.push(format!("{service} {vpce}"));
        } else {
            raise(
                if required { Status::Fail } else { Status::Warn },
                &mut status,
            );
        }
    }
    if blocked_way {
        if let Way::Blocked { exclusion, .. } = &way {
            match exclusion {
                Some(cmd) => fixes.push(format!(
                    "# or let the agent out through the gateway again:\n{cmd}"
                )),
                None => fixes.push(
                    "# exclusions are not allowed in this region: the endpoints are the only way"
                        .to_string(),
                ),
            }
        }
    }
    let notes = if notes.is_empty() {
        String::new()
    } else {
        format!("; {}", notes.join("; "))
    };
    let message = if problems.is_empty() {
        format!(
            "{vpc} has available endpoints with private DNS that admit the instance: {}{notes}",
            ok.join(", ")
        )
    } else {
        format!("{}{notes}", problems.join("; "))
    };
    let finding = Finding::new(id, status, message).resources(resources);
    vec![if fixes.is_empty() {
        finding
    } else {
        finding.fix(fixes.join("\n"))
    }]
}
