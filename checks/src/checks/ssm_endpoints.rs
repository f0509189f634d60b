//! `ssm-endpoints`: the client VPC has the interface endpoints Session Manager needs.

use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::{Finding, Status};
use crate::net::{fmt_ipv4, Cidr};
use crate::path::ResolvedPath;
use crate::sg;
use crate::snapshot::{Source, VpcEndpoint};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

/// The services Session Manager reaches; `required` is false for ec2messages, which
/// current agents use only when they cannot reach ssmmessages.
const SERVICES: [(&str, bool); 3] = [("ssm", true), ("ssmmessages", true), ("ec2messages", false)];

pub static META: CheckMeta = CheckMeta {
    id: "ssm-endpoints",
    title: "The client VPC has ssm, ssmmessages and ec2messages endpoints",
    hop: Hop::OperatorAccess,
    severity: Severity::Medium,
    what: "Looks in the client instance's VPC for interface endpoints for `com.amazonaws.REGION.ssm`, `ssmmessages` and `ec2messages`, and checks that each is `available`, has private DNS enabled, and that its security groups admit TCP 443 from the instance.",
    why: "An instance in a private subnet reaches Systems Manager only through these endpoints. Without private DNS, the agent resolves the public service names and its calls time out; without the 443 rule, they are dropped. SSM Agent sends its session traffic through ssmmessages and falls back to ec2messages, so a missing ec2messages endpoint is a warning while ssm and ssmmessages are required. When the subnet has a default route to a NAT or internet gateway the agent can use the public endpoints instead, and missing endpoints are warnings.",
    fix: "`aws ec2 create-vpc-endpoint --vpc-id VPC --vpc-endpoint-type Interface --service-name com.amazonaws.REGION.SERVICE --subnet-ids SUBNET --security-group-ids SG --private-dns-enabled`; turn private DNS on with `aws ec2 modify-vpc-endpoint --private-dns-enabled`.",
    links: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html",
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
    let egress = internet_route(p);
    let subnet = client.instance.subnet_id.as_deref().unwrap_or("SUBNET_ID");
    let client_group = client.group_ids.first().copied().unwrap_or("SG_ID");
    let source = client.subnet_cidr().or(client.private_ip.map(Cidr::host));

    let mut status = Status::Pass;
    let mut ok = Vec::new();
    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    let mut resources = vec![client.id().to_string(), vpc.to_string()];
    let raise = |s: Status, status: &mut Status| *status = (*status).max(s);

    for (service, required) in SERVICES {
        let name = format!("com.amazonaws.{}.{service}", p.client_region());
        let mut found: Vec<&VpcEndpoint> = in_vpc
            .iter()
            .copied()
            .filter(|e| e.service_name == name && e.is_interface())
            .collect();
        found.sort_by_key(|e| !e.is_available());
        let Some(e) = found.first() else {
            let severity = if required && egress.is_none() {
                Status::Fail
            } else {
                Status::Warn
            };
            raise(severity, &mut status);
            problems.push(match (&egress, required) {
                (Some(gw), _) => format!("no {service} endpoint in {vpc} (the agent can reach the public endpoint through {gw})"),
                (None, true) => format!("no {service} endpoint in {vpc}"),
                (None, false) => format!("no {service} endpoint in {vpc} (needed only when the agent falls back from ssmmessages)"),
            });
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
    let message = if problems.is_empty() {
        format!(
            "{vpc} has available endpoints with private DNS that admit the instance: {}",
            ok.join(", ")
        )
    } else {
        problems.join("; ")
    };
    let finding = Finding::new(id, status, message).resources(resources);
    vec![if fixes.is_empty() {
        finding
    } else {
        finding.fix(fixes.join("\n"))
    }]
}
