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

/// An account's roles (with their instance profiles, attached and inline policies) and
/// its customer managed policies (with every version's document), as one paginated
/// `GetAccountAuthorizationDetails`: what an audit of the account needs from IAM, in
/// one request stream rather than several per role.
pub struct AccountIam {
    pub roles: Vec<m::RoleDetail>,
    pub profiles: Vec<m::InstanceProfile>,
    pub policies: Vec<m::ManagedPolicy>,
}

pub async fn account_iam(ctx: &Ctx) -> Result<AccountIam, CallError> {
    use aws_sdk_iam::types::EntityType;
    let mut stream = ctx
        .iam
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .filter(EntityType::LocalManagedPolicy)
        .into_paginator()
        .send();
    let mut out = AccountIam {
        roles: Vec::new(),
        profiles: Vec::new(),
        policies: Vec::new(),
    };
    loop {
        let start = std::time::Instant::now();
        let page = match stream.next().await {
            None => break,
            Some(Ok(page)) => {
                ctx.log.record(
                    ctx.wave,
                    "iam:GetAccountAuthorizationDetails",
                    start.elapsed(),
                    None,
                );
                page
            }
            Some(Err(e)) => {
                let err = super::calls::classify(&e);
                ctx.log.record(
                    ctx.wave,
                    "iam:GetAccountAuthorizationDetails",
                    start.elapsed(),
                    Some(&err),
                );
                return Err(err);
            }
        };
        for r in page.role_detail_list() {
            let role = r.role_name().unwrap_or_default().to_string();
            for p in r.instance_profile_list() {
                if !out.profiles.iter().any(|x| x.arn == p.arn()) {
                    out.profiles.push(m::InstanceProfile {
                        instance_profile_name: p.instance_profile_name().to_string(),
                        arn: p.arn().to_string(),
                        roles: p
                            .roles()
                            .iter()
                            .map(|x| m::RoleRef {
                                role_name: x.role_name().to_string(),
                                arn: Some(x.arn().to_string()),
                            })
                            .collect(),
                    });
                }
            }
            out.roles.push(m::RoleDetail {
                role_name: role,
                arn: r.arn().map(str::to_string),
                attached_managed_policies: r
                    .attached_managed_policies()
                    .iter()
                    .map(|a| m::AttachedPolicy {
                        policy_name: a.policy_name().unwrap_or_default().to_string(),
                        policy_arn: a.policy_arn().unwrap_or_default().to_string(),
                    })
                    .collect(),
                role_policy_list: r
                    .role_policy_list()
                    .iter()
                    .map(|p| m::InlinePolicy {
                        policy_name: p.policy_name().unwrap_or_default().to_string(),
                        policy_document: serde_json::Value::from(
                            p.policy_document().unwrap_or_default().to_string(),
                        ),
                    })
                    .collect(),
            });
        }
        for p in page.policies() {
            out.policies.push(m::ManagedPolicy {
                policy_name: p.policy_name().unwrap_or_default().to_string(),
                arn: p.arn().unwrap_or_default().to_string(),
                default_version_id: p.default_version_id().map(str::to_string),
                policy_version_list: p
                    .policy_version_list()
                    .iter()
                    .filter(|v| v.is_default_version())
                    .map(|v| m::PolicyVersion {
                        document: serde_json::Value::from(
                            v.document().unwrap_or_default().to_string(),
                        ),
                        version_id: v.version_id().map(str::to_string),
                        is_default_version: true,
                    })
                    .collect(),
            });
        }
    }
    Ok(out)
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
