//! `ssm-instance-role`: the instance profile's role carries AmazonSSMManagedInstanceCore.

use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::known_policies::SESSION_MANAGER_ACTIONS;
use crate::path::ResolvedPath;
use crate::policy_eval::ActionsGrant;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub const CORE_POLICY: &str = "AmazonSSMManagedInstanceCore";
/// The policy AWS replaced with AmazonSSMManagedInstanceCore; still works, grants too much.
pub const DEPRECATED_POLICY: &str = "AmazonEC2RoleforSSM";

pub static META: CheckMeta = CheckMeta {
    id: "ssm-instance-role",
    title: "The instance role grants what Session Manager needs",
    hop: Hop::OperatorAccess,
    severity: Severity::Medium,
    what: "Follows the instance's IAM instance profile to its role and checks that the AWS managed policy AmazonSSMManagedInstanceCore is attached, or that the role's other policies (managed, customer managed, inline) grant the same Session Manager actions (ssm:UpdateInstanceInformation and the four ssmmessages channel actions) with no explicit deny. The deprecated AmazonEC2RoleforSSM gives a warning.",
    why: "SSM Agent authenticates with the instance role. Without the permissions in AmazonSSMManagedInstanceCore the agent cannot register, the instance never shows up in Systems Manager, and Session Manager cannot connect.",
    fix: "`aws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`; an instance without a profile needs `aws ec2 associate-iam-instance-profile`.",
    links: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html",
    ],
    needs: &[client(Source::Instances), client(Source::InstanceProfiles), client(Source::RoleDetailList)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the agent's credentials — an
/// instance profile, or Default Host Management's role — and what they may do.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "no-instance-role",
        evidence: Evidence::Code,
        seen_in: "the SSM Agent's log (/var/log/amazon/ssm/amazon-ssm-agent.log)",
        patterns: &[
            &["ec2rolerequesterror"],
            &["no ec2 instance role found"],
            &["no valid credentials could be retrieved"],
            &["retrieve credentials produced error"],
            &["ec2roleprovider"],
        ],
        meaning: "The agent found no credentials: the instance has no instance profile, and Default Host Management Configuration does not give it a role either.",
        ..Symptom::BASE
    },
    Symptom {
        id: "default-host-management",
        evidence: Evidence::Code,
        seen_in: "the SSM Agent's log",
        patterns: &[
            &["requestmanagedinstanceroletoken"],
            &["default host management"],
            &["instance management role is not configured"],
        ],
        meaning: "The agent fell back to Default Host Management Configuration, which is off in this account and region or whose role lacks AmazonSSMManagedEC2InstanceDefaultPolicy.",
        ..Symptom::BASE
    },
    Symptom {
        id: "ssm-access-denied",
        evidence: Evidence::Code,
        seen_in: "the SSM Agent's log, CloudTrail",
        patterns: &[
            &["not authorized to perform", "ssm:*"],
            &["not authorized to perform", "ssmmessages:*"],
            &["not authorized to perform", "ec2messages:*"],
            &["accessdeniedexception", "ssm*"],
        ],
        meaning: "The agent's role may not call Systems Manager: it lacks AmazonSSMManagedInstanceCore (or equal grants), or a permissions boundary or SCP denies them.",
        ..Symptom::BASE
    },
    Symptom {
        id: "not-configured-for-ssm",
        evidence: Evidence::Code,
        seen_in: "aws ssm start-session, the Session Manager console",
        patterns: &[&["not configured for use with aws systems manager"]],
        meaning: "Systems Manager does not manage the instance: usually its instance profile lacks the required permissions.",
        ..Symptom::BASE
    },
    Symptom {
        id: "channel-not-authenticated",
        seen_in: "the SSM Agent's log, session-manager-plugin",
        patterns: &[
            &["createdatachannel", "not authenticated"],
            &["createcontrolchannel", "not authenticated"],
            &["createdatachannel", "unauthorized"],
            &["createcontrolchannel", "unauthorized"],
        ],
        meaning: "Session Manager refused the agent's channel: the role lacks ssmmessages:CreateControlChannel, CreateDataChannel, OpenControlChannel or OpenDataChannel.",
        ..Symptom::BASE
    },
    Symptom {
        id: "channel-refused",
        likelihood: Likelihood::Possible,
        seen_in: "the SSM Agent's log",
        patterns: &[
            &["createcontrolchannel", "unexpected response from the service"],
            &["createdatachannel", "unexpected response from the service"],
        ],
        meaning: "Session Manager answered the agent's channel request with an error: missing ssmmessages permissions are the usual reason.",
        ..Symptom::BASE
    },
    Symptom {
        id: "target-not-connected",
        evidence: Evidence::Code,
        seen_in: "aws ssm start-session",
        patterns: shared::TARGET_NOT_CONNECTED,
        meaning: "Session Manager has no live agent connection from the instance; a role without AmazonSSMManagedInstanceCore (or no role at all) is the most common reason.",
        ..Symptom::BASE
    },
    Symptom {
        id: "connection-lost",
        seen_in: "describe-instance-information, Fleet Manager",
        patterns: shared::CONNECTION_LOST,
        meaning: "Systems Manager stopped hearing from the agent: a role that was detached or lost its grants is a common reason.",
        ..Symptom::BASE
    },
    Symptom {
        id: "agent-hibernates",
        likelihood: Likelihood::Possible,
        seen_in: "the SSM Agent's log",
        patterns: shared::AGENT_HIBERNATES,
        meaning: "The agent could not register and went to sleep; with no credentials in the same lines, it is the path to Systems Manager instead.",
        ..Symptom::BASE
    },
    Symptom {
        id: "agent-not-online",
        likelihood: Likelihood::Possible,
        seen_in: "the Session Manager console, Fleet Manager",
        patterns: shared::AGENT_NOT_ONLINE,
        meaning: "The agent could not register with Systems Manager; credentials are one reason, reaching the endpoints another.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-profile",
        evidence: Evidence::Hint,
        seen_in: "any text about the instance's role",
        patterns: &[&["instance profile"], &["amazonssmmanagedinstancecore"]],
        meaning: "The text is about the instance's role; this check reads its policies for the Session Manager actions.",
        ..Symptom::BASE
    },
];

fn managed_arn(partition: &str, name: &str) -> String {
    format!("arn:{partition}:iam::aws:policy/{name}")
}

/// AWS managed policy ARNs are `arn:PARTITION:iam::aws:policy/NAME`, whatever the path.
fn is_aws_managed(arn: &str, name: &str) -> bool {
    arn.starts_with("arn:")
        && arn.contains(":iam::aws:policy/")
        && arn.rsplit('/').next() == Some(name)
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let instance = p.client.id();
    let core = managed_arn(p.partition(), CORE_POLICY);
    let Some(profile_ref) = &p.client.instance.iam_instance_profile else {
        let online = p
            .client_ix
            .instance_information
            .get(instance)
            .is_some_and(|i| i.ping_status.as_deref() == Some("Online"));
        let fix = format!("aws ec2 associate-iam-instance-profile --instance-id {instance} --iam-instance-profile Name=PROFILE_WITH_{CORE_POLICY}");
        if online {
            // Default Host Management Configuration lets the agent register without a
            // profile; the instance being online shows that something works.
            return vec![Finding::warn(id, format!("{instance} has no instance profile but is Online in Systems Manager (Default Host Management Configuration?); the path depends on that account setting"))
                .resource(instance)
                .fix(fix)];
        }
        return vec![Finding::fail(id, format!("{instance} has no IAM instance profile, so SSM Agent has no credentials to register with"))
            .resource(instance)
            .fix(fix)];
    };
    let Some(profile) = p.client_ix.instance_profiles.get(profile_ref.arn.as_str()) else {
        return vec![Finding::unknown(
            id,
            format!(
                "instance profile {} of {instance} is not in the snapshot",
                profile_ref.arn
            ),
        )
        .resources([instance, profile_ref.arn.as_str()])
        .needs(Source::InstanceProfiles.iam_action())];
    };
    let profile_name = &profile.instance_profile_name;
    let Some(role_ref) = profile.roles.first() else {
        return vec![Finding::fail(id, format!("instance profile {profile_name} of {instance} holds no role"))
            .resources([instance, profile_name.as_str()])
            .fix(format!("aws iam add-role-to-instance-profile --instance-profile-name {profile_name} --role-name ROLE_WITH_{CORE_POLICY}"))];
    };
    let role_name = role_ref.role_name.as_str();
    let Some(role) = p.client_ix.roles.get(role_name) else {
        return vec![Finding::unknown(
            id,
            format!("role {role_name} (profile {profile_name}) is not in the snapshot"),
        )
        .resources([instance, role_name])
        .needs(Source::RoleDetailList.iam_action())];
    };
    let attached = &role.attached_managed_policies;
    let resources = [instance, profile_name.as_str(), role_name];
    let attach = format!("aws iam attach-role-policy --role-name {role_name} --policy-arn {core}");
    let grant = p.client_ix.role_grants(role, SESSION_MANAGER_ACTIONS);
    if let ActionsGrant::Denied { action, by } = &grant {
        return vec![Finding::fail(id, format!("{by} on role {role_name} explicitly denies {action}, which SSM Agent needs for Session Manager"))
            .resources(resources)
            .fix(format!("Remove the Deny of {action} from {by} (aws iam get-role-policy / get-policy-version --role-name {role_name} to find it)"))];
    }
    if attached
        .iter()
        .any(|a| is_aws_managed(&a.policy_arn, CORE_POLICY))
    {
        return vec![Finding::pass(
            id,
            format!("role {role_name} (profile {profile_name}) has {CORE_POLICY} attached"),
        )
        .resources(resources)];
    }
    if let Some(old) = attached
        .iter()
        .find(|a| is_aws_managed(&a.policy_arn, DEPRECATED_POLICY))
    {
        return vec![Finding::warn(id, format!("role {role_name} relies on the deprecated {DEPRECATED_POLICY}, which AWS replaced with {CORE_POLICY} and which grants far more (s3:*, ssm:* …)"))
            .resources(resources)
            .fix(format!("{attach}\naws iam detach-role-policy --role-name {role_name} --policy-arn {}", old.policy_arn))];
    }
    match grant {
        ActionsGrant::Granted { by } => vec![Finding::pass(
            id,
            format!(
                "role {role_name} (profile {profile_name}) grants what Session Manager needs ({}) through {} instead of {CORE_POLICY}",
                SESSION_MANAGER_ACTIONS.join(", "),
                by.join(", ")
            ),
        )
        .resources(resources)],
        ActionsGrant::NotGranted { missing } => {
            let mut names: Vec<&str> = attached.iter().map(|a| a.policy_name.as_str()).collect();
            names.extend(role.role_policy_list.iter().map(|i| i.policy_name.as_str()));
            let has = if names.is_empty() {
                "no policies".to_string()
            } else {
                format!("only {}", names.join(", "))
            };
            vec![Finding::fail(id, format!("role {role_name} (profile {profile_name}) of {instance} has {has}: {CORE_POLICY} is not attached and nothing else grants {}", missing.join(", ")))
                .resources(resources)
                .fix(attach)]
        }
        undecided => super::common::undecided_grant(
            id,
            role_name,
            &undecided,
            resources.iter().map(|r| r.to_string()).collect(),
        )
        .into_iter()
        .collect(),
    }
}
