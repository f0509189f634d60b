//! IAM reads: the instance profile, the roles' attached managed policies and inline
//! policies, and the documents of attached policies privpath does not know by ARN.
//! Documents stay URL-encoded as IAM returns them; the checks crate decodes them.

use super::calls::{all_pages, logged, CallError};
use super::Ctx;
use privpath_checks::snapshot as m;

/// The profile name of `arn:aws:iam::ACCOUNT:instance-profile/PATH/NAME`.
pub fn profile_name(arn: &str) -> Option<&str> {
    arn.split_once(":instance-profile/")
        .map(|(_, rest)| rest.rsplit('/').next().unwrap_or(rest))
        .filter(|n| !n.is_empty())
}

pub async fn instance_profile(ctx: &Ctx, name: &str) -> Result<m::InstanceProfile, CallError> {
    let out = logged!(
        ctx,
        "iam:GetInstanceProfile",
        ctx.iam
            .get_instance_profile()
            .instance_profile_name(name)
            .send()
    )?;
    let p = out.instance_profile().ok_or_else(|| {
        CallError::Malformed("GetInstanceProfile returned no InstanceProfile".into())
    })?;
    Ok(m::InstanceProfile {
        instance_profile_name: p.instance_profile_name().to_string(),
        arn: p.arn().to_string(),
        roles: p
            .roles()
            .iter()
            .map(|r| m::RoleRef {
                role_name: r.role_name().to_string(),
                arn: Some(r.arn().to_string()),
            })
            .collect(),
    })
}

pub async fn attached_policies(ctx: &Ctx, role: &str) -> Result<Vec<m::AttachedPolicy>, CallError> {
    let items: Vec<aws_sdk_iam::types::AttachedPolicy> = all_pages!(
        ctx,
        "iam:ListAttachedRolePolicies",
        ctx.iam.list_attached_role_policies().role_name(role),
        attached_policies
    )?;
    Ok(items
        .iter()
        .map(|a| m::AttachedPolicy {
            policy_name: a.policy_name().unwrap_or_default().to_string(),
            policy_arn: a.policy_arn().unwrap_or_default().to_string(),
        })
        .collect())
}

pub async fn inline_policy_names(ctx: &Ctx, role: &str) -> Result<Vec<String>, CallError> {
    all_pages!(
        ctx,
        "iam:ListRolePolicies",
        ctx.iam.list_role_policies().role_name(role),
        policy_names
    )
}

pub async fn inline_policy(
    ctx: &Ctx,
    role: &str,
    name: &str,
) -> Result<m::InlinePolicy, CallError> {
    let out = logged!(
        ctx,
        "iam:GetRolePolicy",
        ctx.iam
            .get_role_policy()
            .role_name(role)
            .policy_name(name)
            .send()
    )?;
    Ok(m::InlinePolicy {
        policy_name: out.policy_name().to_string(),
        policy_document: serde_json::Value::from(out.policy_document().to_string()),
    })
}

/// A managed policy's default version document, in two calls (GetPolicy names the
/// default version, GetPolicyVersion returns it URL-encoded).
pub async fn managed_policy_default_version(ctx: &Ctx, arn: &str) -> Result<String, CallError> {
    let out = logged!(
        ctx,
        "iam:GetPolicy",
        ctx.iam.get_policy().policy_arn(arn).send()
    )?;
    out.policy()
        .and_then(|p| p.default_version_id())
        .map(str::to_string)
        .ok_or_else(|| CallError::Malformed(format!("GetPolicy {arn} named no default version")))
}

pub async fn managed_policy(
    ctx: &Ctx,
    arn: &str,
    name: &str,
    version: &str,
) -> Result<m::ManagedPolicy, CallError> {
    let out = logged!(
        ctx,
        "iam:GetPolicyVersion",
        ctx.iam
            .get_policy_version()
            .policy_arn(arn)
            .version_id(version)
            .send()
    )?;
    let document = out
        .policy_version()
        .and_then(|v| v.document())
        .ok_or_else(|| {
            CallError::Malformed(format!(
                "GetPolicyVersion {arn} {version} returned no document"
            ))
        })?;
    Ok(m::ManagedPolicy {
        policy_name: name.to_string(),
        arn: arn.to_string(),
        default_version_id: Some(version.to_string()),
        policy_version_list: vec![m::PolicyVersion {
            document: serde_json::Value::from(document.to_string()),
            version_id: Some(version.to_string()),
            is_default_version: true,
        }],
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn profile_names_from_arns() {
        assert_eq!(
            super::profile_name("arn:aws:iam::1:instance-profile/web"),
            Some("web")
        );
        assert_eq!(
            super::profile_name("arn:aws:iam::1:instance-profile/team/a/web"),
            Some("web")
        );
        assert_eq!(super::profile_name("arn:aws:iam::1:role/web"), None);
    }
}
