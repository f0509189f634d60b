//! `ssm-instance-role`: the instance profile's role carries AmazonSSMManagedInstanceCore.

use super::common::compare_versions;
use crate::check::{client, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::known_policies::{SESSION_MANAGER_ACTIONS, SSM_DHMC};
use crate::path::ResolvedPath;
use crate::policy_eval::ActionsGrant;
use crate::snapshot::{ServiceSetting, Source, DHMC_SETTING_ID};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub const CORE_POLICY: &str = "AmazonSSMManagedInstanceCore";
/// The policy AWS replaced with AmazonSSMManagedInstanceCore; still works, grants too much.
pub const DEPRECATED_POLICY: &str = "AmazonEC2RoleforSSM";
/// Default Host Management Configuration's policy and the first agent that uses DHMC
/// (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html).
pub const DHMC_POLICY: &str = SSM_DHMC;
pub const DHMC_MIN_AGENT: &str = "3.2.582.0";

pub static META: CheckMeta = CheckMeta {
    id: "ssm-instance-role",
    title: "SSM Agent has credentials that grant what Session Manager needs",
    hop: Hop::OperatorAccess,
    severity: Severity::Medium,
    what: "Finds where SSM Agent's credentials come from and checks them. With an instance profile: its role has the AWS managed policy AmazonSSMManagedInstanceCore attached, or its other policies (managed, customer managed, inline) grant the same Session Manager actions (ssm:UpdateInstanceInformation and the four ssmmessages channel actions) with no explicit deny; the deprecated AmazonEC2RoleforSSM gives a warning. Without a profile (or with one whose role does not allow ssm:UpdateInstanceInformation, which is when the agent turns to it), Default Host Management Configuration: the account-region's service setting `/ssm/managed-instance/default-ec2-instance-management-role` names a role that carries AmazonSSMManagedEC2InstanceDefaultPolicy, the instance uses IMDSv2 (required: pass; optional: warning; metadata service disabled: failure) and runs SSM Agent 3.2.582.0 or later. The finding says which credential source the agent uses and, when DHMC fails, which of its conditions is missing; an instance with neither source whose agent is nevertheless Online is a warning (credentials privpath cannot see).",
    why: "SSM Agent authenticates with the instance profile's role, else with Default Host Management Configuration's. Without the permissions in AmazonSSMManagedInstanceCore (or DHMC's policy) the agent cannot register, the instance never shows up in Systems Manager, and Session Manager cannot connect. DHMC supports only IMDSv2 and agents from 3.2.582.0, and the agent uses it only when the profile does not allow ssm:UpdateInstanceInformation.",
    fix: "`aws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`; an instance without a profile needs `aws ec2 associate-iam-instance-profile`, or Default Host Management Configuration: `aws ssm update-service-setting --setting-id arn:aws:ssm:REGION:ACCOUNT:servicesetting/ssm/managed-instance/default-ec2-instance-management-role --setting-value service-role/ROLE` (the role with AmazonSSMManagedEC2InstanceDefaultPolicy), `aws ec2 modify-instance-metadata-options --http-tokens required`, and SSM Agent 3.2.582.0 or later.",
    links: &[
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-instance-permissions.html",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html",
        "https://docs.aws.amazon.com/systems-manager/latest/userguide/fleet-manager-default-host-management-configuration.html",
        "https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetServiceSetting.html",
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
            &["default-ec2-instance-management-role"],
            &["amazonssmmanagedec2instancedefaultpolicy"],
        ],
        meaning: "The agent turned to Default Host Management Configuration, which is off in this account and region, names a role without AmazonSSMManagedEC2InstanceDefaultPolicy, or cannot serve this instance (IMDSv1 only, or an agent older than 3.2.582.0).",
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

/// What one condition of Default Host Management Configuration came to.
enum Cond {
    Met(String),
    /// Works, but against AWS's guidance (IMDSv2 optional rather than required).
    Weak {
        what: String,
        fix: String,
    },
    Missing {
        what: String,
        fix: String,
    },
    Unknown {
        what: String,
        action: &'static str,
    },
}

/// The role a DHMC setting names: (IAM path + name as written, name). The value is the
/// role's name with its path and no leading slash (`service-role/NAME`); an ARN is taken
/// apart the same way.
fn dhmc_role(value: &str) -> (&str, &str) {
    let written = value
        .split_once(":role/")
        .map_or(value, |(_, rest)| rest)
        .trim_start_matches('/');
    (written, written.rsplit('/').next().unwrap_or(written))
}

fn dhmc_setting_arn(p: &ResolvedPath<'_>) -> String {
    match &p.client_scope.account {
        Some(a) => format!(
            "arn:{}:ssm:{}:{a}:servicesetting{DHMC_SETTING_ID}",
            p.partition(),
            p.client_region()
        ),
        None => DHMC_SETTING_ID.to_string(),
    }
}

/// The role DHMC names carries AmazonSSMManagedEC2InstanceDefaultPolicy, or grants the
/// same Session Manager actions.
fn dhmc_role_cond(p: &ResolvedPath<'_>, written: &str, name: &str) -> Cond {
    let Some(role) = p.client_ix.roles.get(name) else {
        return Cond::Unknown {
            what: format!("role {written}, which the setting names, is not in the snapshot (or does not exist)"),
            action: Source::RoleDetailList.iam_action(),
        };
    };
    if let Some(arn) = role
        .arn
        .as_deref()
        .filter(|a| !a.ends_with(&format!(":role/{written}")))
    {
        return Cond::Missing {
            what: format!("the setting names role {written}, but the role called {name} is {arn}: the value must be the role's path and name"),
            fix: format!("aws ssm update-service-setting --setting-id {} --setting-value {}", dhmc_setting_arn(p), arn.split_once(":role/").map_or(name, |(_, r)| r)),
        };
    }
    let attach = format!(
        "aws iam attach-role-policy --role-name {name} --policy-arn arn:{}:iam::aws:policy/{DHMC_POLICY}",
        p.partition()
    );
    if role
        .attached_managed_policies
        .iter()
        .any(|a| is_aws_managed(&a.policy_arn, DHMC_POLICY))
    {
        return Cond::Met(format!("role {written} has {DHMC_POLICY}"));
    }
    match p.client_ix.role_grants(role, SESSION_MANAGER_ACTIONS) {
        ActionsGrant::Granted { by } => Cond::Met(format!(
            "role {written} grants the agent's actions through {}",
            by.join(", ")
        )),
        ActionsGrant::Denied { action, by } => Cond::Missing {
            what: format!("{by} on role {written} explicitly denies {action}"),
            fix: attach,
        },
        ActionsGrant::NotGranted { missing } => Cond::Missing {
            what: format!(
                "role {written} lacks {DHMC_POLICY}, and nothing else grants {}",
                missing.join(", ")
            ),
            fix: attach,
        },
        ActionsGrant::Conditional { action, policy, why } => Cond::Unknown {
            what: format!("role {written} grants {action} only through {policy} under a condition privpath cannot evaluate ({why})"),
            action: Source::Policies.iam_action(),
        },
        ActionsGrant::Unread { missing, unread } => Cond::Unknown {
            what: format!("role {written} lacks {} in the policies privpath could read; {} are not in the snapshot", missing.join(", "), unread.join(", ")),
            action: Source::Policies.iam_action(),
        },
    }
}

/// The instance uses IMDSv2: "Default Host Management Configuration doesn't support
/// Instance Metadata Service Version 1"
/// (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html).
/// AWS asks that instances *use* IMDSv2; `HttpTokens=optional` still offers it, so that
/// is a warning, `required` a pass, a disabled metadata service a failure.
fn imds_cond(p: &ResolvedPath<'_>) -> Cond {
    let instance = p.client.id();
    let require = format!("aws ec2 modify-instance-metadata-options --instance-id {instance} --http-endpoint enabled --http-tokens required");
    let Some(m) = &p.client.instance.metadata_options else {
        return Cond::Unknown {
            what: format!("the metadata options of {instance} are not in the snapshot"),
            action: Source::Instances.iam_action(),
        };
    };
    if m.http_endpoint.as_deref() == Some("disabled") {
        return Cond::Missing {
            what: format!("{instance} has its instance metadata service disabled (HttpEndpoint disabled), so the agent cannot get DHMC's credentials"),
            fix: require,
        };
    }
    match m.http_tokens.as_deref() {
        Some("required") => Cond::Met("IMDSv2 required".to_string()),
        Some("optional") => Cond::Weak {
            what: format!("{instance} allows IMDSv1 too (HttpTokens optional): DHMC works only over IMDSv2, which the agent must then choose; require it"),
            fix: require,
        },
        other => Cond::Unknown {
            what: format!("{instance} reports HttpTokens {}", other.unwrap_or("(none)")),
            action: Source::Instances.iam_action(),
        },
    }
}

/// SSM Agent 3.2.582.0 or later (the DHMC page's prerequisite).
fn agent_cond(p: &ResolvedPath<'_>) -> Cond {
    let instance = p.client.id();
    if p.client_scope.instance_information_list.is_none() {
        return Cond::Unknown {
            what: format!("the SSM Agent version of {instance} was not read"),
            action: Source::InstanceInformationList.iam_action(),
        };
    }
    let version = p
        .client_ix
        .instance_information
        .get(instance)
        .and_then(|i| i.agent_version.as_deref());
    let Some(version) = version else {
        return Cond::Weak {
            what: format!("the agent of {instance} has not registered with Systems Manager, so its version is not known ({DHMC_MIN_AGENT} or later is needed)"),
            fix: format!("# on {instance}: sudo systemctl status amazon-ssm-agent; the agent must be {DHMC_MIN_AGENT} or later"),
        };
    };
    match compare_versions(version, DHMC_MIN_AGENT) {
        Some(std::cmp::Ordering::Less) => Cond::Missing {
            what: format!("{instance} runs SSM Agent {version}, older than {DHMC_MIN_AGENT}, the first that uses DHMC"),
            fix: format!("# update SSM Agent on {instance} to {DHMC_MIN_AGENT} or later (https://docs.aws.amazon.com/systems-manager/latest/userguide/ssm-agent-automatic-updates.html)"),
        },
        Some(_) => Cond::Met(format!("SSM Agent {version} (≥ {DHMC_MIN_AGENT})")),
        None => Cond::Unknown {
            what: format!("{instance} reports agent version {version:?}, which privpath cannot compare"),
            action: Source::InstanceInformationList.iam_action(),
        },
    }
}

/// The agent's credentials from Default Host Management Configuration: the setting
/// names a role, the role carries AmazonSSMManagedEC2InstanceDefaultPolicy, the
/// instance uses IMDSv2 and runs SSM Agent 3.2.582.0 or later. `why` says why the agent
/// looks there (no profile, or a profile whose role does not allow
/// ssm:UpdateInstanceInformation); `otherwise` is the finding when DHMC is off.
fn dhmc(p: &ResolvedPath<'_>, why: &str, otherwise: Finding) -> Vec<Finding> {
    let id = META.id;
    let instance = p.client.id();
    let place = p.client_scope.label();
    let setting = match p.client_ix.dhmc_setting() {
        None => {
            return vec![Finding::unknown(id, format!("{why}; whether Default Host Management Configuration gives the agent a role in {place} is not known: its service setting was not read"))
                .resource(instance)
                .needs(Source::ServiceSettings.iam_action())]
        }
        Some(s) => s,
    };
    let Some(value) = setting.and_then(ServiceSetting::configured_value) else {
        return vec![otherwise];
    };
    let (written, name) = dhmc_role(value);
    let conds = [
        dhmc_role_cond(p, written, name),
        imds_cond(p),
        agent_cond(p),
    ];
    let mut met = Vec::new();
    let mut weak = Vec::new();
    let mut missing = Vec::new();
    let mut unknown = Vec::new();
    let mut fixes = Vec::new();
    let mut actions = Vec::new();
    for c in conds {
        match c {
            Cond::Met(m) => met.push(m),
            Cond::Weak { what, fix } => {
                weak.push(what);
                fixes.push(fix);
            }
            Cond::Missing { what, fix } => {
                missing.push(what);
                fixes.push(fix);
            }
            Cond::Unknown { what, action } => {
                unknown.push(what);
                actions.push(action);
            }
        }
    }
    let resources = [instance, name];
    let source =
        format!("Default Host Management Configuration ({place}: {DHMC_SETTING_ID} = {value})");
    if !missing.is_empty() {
        return vec![Finding::fail(
            id,
            format!(
                "{why}, so the agent's credentials would come from {source}, but {}",
                missing.join("; ")
            ),
        )
        .resources(resources)
        .fix(fixes.join("\n"))];
    }
    if !unknown.is_empty() {
        let mut f = Finding::unknown(
            id,
            format!(
                "{why}; the agent's credentials would come from {source}, but {}",
                unknown.join("; ")
            ),
        )
        .resources(resources);
        for a in actions {
            f = f.needs(a);
        }
        return vec![f];
    }
    if !weak.is_empty() {
        return vec![Finding::warn(
            id,
            format!(
                "{why}; the agent's credentials come from {source} ({}), but {}",
                met.join(", "),
                weak.join("; ")
            ),
        )
        .resources(resources)
        .fix(fixes.join("\n"))];
    }
    vec![Finding::pass(
        id,
        format!(
            "{why}; the agent's credentials come from {source}: {}",
            met.join(", ")
        ),
    )
    .resources(resources)]
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let instance = p.client.id();
    let core = managed_arn(p.partition(), CORE_POLICY);
    let Some(profile_ref) = &p.client.instance.iam_instance_profile else {
        let fix = format!("aws ec2 associate-iam-instance-profile --instance-id {instance} --iam-instance-profile Name=PROFILE_WITH_{CORE_POLICY}\n# or turn on Default Host Management Configuration (its role needs {DHMC_POLICY}):\naws ssm update-service-setting --setting-id {} --setting-value service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole", dhmc_setting_arn(p));
        let place = p.client_scope.label();
        let online = p
            .client_ix
            .instance_information
            .get(instance)
            .is_some_and(|i| i.ping_status.as_deref() == Some("Online"));
        // Online without either source: the agent has credentials privpath does not see
        // (a hybrid activation, keys on the instance); the path depends on them.
        let off = if online {
            Finding::warn(id, format!("{instance} has no IAM instance profile and Default Host Management Configuration is off in {place}, yet its agent is Online: it registers with credentials privpath cannot see (a hybrid activation or keys on the instance), which the path then depends on"))
        } else {
            Finding::fail(id, format!("{instance} has no IAM instance profile and Default Host Management Configuration is off in {place}, so SSM Agent has no credentials to register with"))
        }
        .resource(instance)
        .fix(fix);
        return dhmc(p, &format!("{instance} has no instance profile"), off);
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
            let profile_fails = Finding::fail(id, format!("role {role_name} (profile {profile_name}) of {instance} has {has}: {CORE_POLICY} is not attached and nothing else grants {}", missing.join(", ")))
                .resources(resources)
                .fix(attach);
            // The agent tries the profile first and turns to DHMC only when the
            // profile's role may not call ssm:UpdateInstanceInformation
            // (https://docs.aws.amazon.com/systems-manager/latest/userguide/managed-instances-default-host-management.html).
            if missing.contains(&"ssm:UpdateInstanceInformation") {
                return dhmc(p, &format!("role {role_name} of profile {profile_name} does not allow ssm:UpdateInstanceInformation"), profile_fails);
            }
            vec![profile_fails]
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
