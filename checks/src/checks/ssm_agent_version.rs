//! `ssm-agent-version`: the instance's SSM Agent is recent enough for Session Manager
//! and online.

use super::common::compare_versions;
use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use std::cmp::Ordering;

/// The first SSM Agent release that Session Manager supports.
pub const MIN_AGENT_VERSION: &str = "2.3.68.0";

pub static META: CheckMeta = CheckMeta {
    id: "ssm-agent-version",
    title: "SSM Agent is at least 2.3.68.0 and online",
    hop: Hop::OperatorAccess,
    severity: Severity::Medium,
    what: "Reads the instance's record from `ssm:DescribeInstanceInformation` and checks that its `AgentVersion` is at least 2.3.68.0, compared numerically segment by segment (2.3.100.0 is newer than 2.3.68.0), and that its `PingStatus` is `Online`.",
    why: "Session Manager needs SSM Agent 2.3.68.0 or later. An instance that is missing from Systems Manager, `ConnectionLost` or `Inactive` cannot be reached: `aws ssm start-session` fails with TargetNotConnected.",
    fix: "Update the agent (`aws ssm send-command --document-name AWS-UpdateSSMAgent --instance-ids ID`, or the OS package). An instance that is not online usually lacks the instance role or a path to the ssm, ssmmessages and ec2messages endpoints: see ssm-instance-role and ssm-endpoints.",
    links: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-prerequisites.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-status-and-restart.html",
    ],
    needs: &[client(Source::InstanceInformationList)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`). An old agent is rarely the first
/// suspect for a lost connection — the role and the endpoints are — unless the text
/// names an agent of the 2.x line or the feature it lacks.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "agent-too-old",
        evidence: Evidence::Code,
        seen_in: "aws ssm start-session, the Session Manager console",
        patterns: &[
            &["version of ssm agent on", "doesn't support"],
            &["version of ssm agent on", "does not support"],
            &["update to latest ssm agent"],
            &["requires ssm agent version"],
        ],
        meaning: "The instance's SSM Agent predates what Session Manager needs (2.3.68.0 or later; newer features need newer agents).",
        ..Symptom::BASE
    },
    Symptom {
        id: "agent-2x",
        seen_in: "describe-instance-information, Fleet Manager",
        patterns: &[&["agent version 2."], &["\"agentversion\":\"2."], &["ssm agent 2."]],
        meaning: "The agent is of the 2.x line; Session Manager needs 2.3.68.0 or later, and agents before 3.3.40.0 still need the ec2messages endpoint.",
        ..Symptom::BASE
    },
    Symptom {
        id: "control-channel-throttled",
        seen_in: "the SSM Agent's log (/var/log/amazon/ssm/amazon-ssm-agent.log)",
        patterns: &[&["unable to process due to throttling"]],
        meaning: "Agents before 2.3.68.0 opened Session Manager's control channel in a way the service throttles; the session never starts.",
        ..Symptom::BASE
    },
    Symptom {
        id: "target-not-connected",
        evidence: Evidence::Code,
        likelihood: Likelihood::Remote,
        seen_in: "aws ssm start-session",
        patterns: shared::TARGET_NOT_CONNECTED,
        meaning: "Session Manager has no live agent connection from the instance; an agent that is missing or too old is one reason, after the role and the endpoints.",
        ..Symptom::BASE
    },
    Symptom {
        id: "connection-lost",
        likelihood: Likelihood::Possible,
        seen_in: "describe-instance-information, Fleet Manager",
        patterns: shared::CONNECTION_LOST,
        meaning: "Systems Manager stopped hearing from the agent: it stopped, or is too old for the service.",
        ..Symptom::BASE
    },
    Symptom {
        id: "handshake-timed-out",
        likelihood: Likelihood::Remote,
        seen_in: "session-manager-plugin",
        patterns: &[&["handshake timed out"]],
        meaning: "The session's data channel never completed its handshake; an outdated agent (or plugin) is one reason.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-agent",
        evidence: Evidence::Hint,
        likelihood: Likelihood::Possible,
        seen_in: "any text about the agent",
        patterns: &[&["amazon-ssm-agent"], &["ssm agent"]],
        meaning: "The text is about the SSM Agent; this check reads its version and whether Systems Manager sees it Online.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let instance = p.client.id();
    let Some(info) = p.client_ix.instance_information.get(instance) else {
        return vec![Finding::fail(id, format!("{instance} is not registered with Systems Manager: its agent has never reached the ssm endpoint, or is not installed"))
            .resource(instance)
            .fix(format!(
                "check ssm-instance-role and ssm-endpoints first; then on the instance: sudo systemctl status amazon-ssm-agent\n\
                 aws ssm describe-instance-information --filters Key=InstanceIds,Values={instance}"
            ))];
    };
    let ping = info.ping_status.as_deref().unwrap_or("unknown");
    let Some(version) = info.agent_version.as_deref() else {
        return vec![Finding::unknown(
            id,
            format!("{instance} is {ping} but Systems Manager reports no agent version"),
        )
        .resource(instance)];
    };
    let update = format!(
        "aws ssm send-command --document-name AWS-UpdateSSMAgent --instance-ids {instance}"
    );
    match compare_versions(version, MIN_AGENT_VERSION) {
        None => {
            return vec![Finding::warn(id, format!("{instance} reports agent version {version:?}, which is not a version number"))
                .resource(instance)
                .fix(update)]
        }
        Some(Ordering::Less) => {
            return vec![Finding::fail(id, format!("{instance} runs SSM Agent {version}, older than {MIN_AGENT_VERSION}, the first that supports Session Manager (PingStatus {ping})"))
                .resource(instance)
                .fix(update)]
        }
        Some(_) => {}
    }
    if ping != "Online" {
        return vec![Finding::fail(id, format!("{instance} runs SSM Agent {version} but its PingStatus is {ping}: Session Manager cannot reach it (TargetNotConnected)"))
            .resource(instance)
            .fix(format!("check ssm-instance-role and ssm-endpoints; then restart the agent on the instance: sudo systemctl restart amazon-ssm-agent\naws ssm describe-instance-information --filters Key=InstanceIds,Values={instance}"))];
    }
    vec![Finding::pass(
        id,
        format!("{instance} runs SSM Agent {version} (≥ {MIN_AGENT_VERSION}) and is Online"),
    )
    .resource(instance)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_numerically() {
        assert_eq!(
            compare_versions("2.3.100.0", "2.3.68.0"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_versions("2.3.68.0", "2.3.68.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_versions("2.3.68", "2.3.68.0"),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare_versions("2.3.9.0", "2.3.68.0"),
            Some(Ordering::Less)
        );
        assert_eq!(
            compare_versions("3.0.0.0", "2.3.68.0"),
            Some(Ordering::Greater)
        );
        assert_eq!(
            compare_versions("2.10.0.0", "2.3.68.0"),
            Some(Ordering::Greater)
        );
        assert_eq!(compare_versions("latest", "2.3.68.0"), None);
        assert_eq!(compare_versions("", "2.3.68.0"), None);
    }
}
