//! The roles on the path — the instance's (through its profile, the client's), the one
//! Default Host Management Configuration names (the client's, when its setting names
//! one) and the function's (the API side's) — with their attached and inline policies, and the
//! default version of every attached policy privpath does not know by ARN. Each role is
//! asked of the side that owns it; a role both sides share is asked once.

use super::board::{Fact, PathBoard, RolePolicies, API, CLIENT};
use crate::collect::graph::{Decl, Read, Settle, Side, Start};
use crate::collect::{all_at_once, iam, Ctx};
use privpath_checks::known_policies;
use privpath_checks::snapshot::Source;
use std::collections::BTreeSet;

/// A role: (side its records go to, name, ARN).
type Role = (usize, String, Option<String>);

fn instance_role(b: &PathBoard) -> Option<Role> {
    let p = b.profile.as_ref()?.as_ref()?;
    let r = p.roles.first()?;
    Some((b.side(Side::Client), r.role_name.clone(), r.arn.clone()))
}

/// The function's role, unless it is the instance's (same name, same scope).
fn function_role(b: &PathBoard) -> Option<Role> {
    let arn = b.function.as_ref()?.as_ref()?.role.clone()?;
    let name = arn.rsplit('/').next()?.to_string();
    let role = (b.side(Side::Api), name, Some(arn));
    match instance_role(b) {
        Some(i) if i.0 == role.0 && i.1 == role.1 => None,
        _ => Some(role),
    }
}

/// The role Default Host Management Configuration's setting names (its value is the
/// role's path and name), unless it is the instance's.
fn dhmc_role(b: &PathBoard) -> Option<Role> {
    let value = b
        .service_settings
        .iter()
        .flatten()
        .find(|s| s.is_dhmc())?
        .configured_value()?;
    let name = value.rsplit('/').next()?.to_string();
    let role = (b.side(Side::Client), name, None);
    match instance_role(b) {
        Some(i) if i.0 == role.0 && i.1 == role.1 => None,
        _ => Some(role),
    }
}

fn entry<'b>(b: &'b mut PathBoard, role: &Role) -> &'b mut RolePolicies {
    let at = b
        .roles
        .iter()
        .position(|r| r.side == role.0 && r.name == role.1);
    match at {
        Some(i) => &mut b.roles[i],
        None => {
            b.roles.push(RolePolicies {
                side: role.0,
                name: role.1.clone(),
                arn: role.2.clone(),
                attached: None,
                inline_names: Vec::new(),
                inline: Vec::new(),
            });
            b.roles.last_mut().expect("just pushed")
        }
    }
}

/// A role's attached-policy list (`attached`) or inline policy names.
fn list(role: Option<Role>, c: &Ctx, attached: bool) -> Start<PathBoard> {
    let Some(role) = role else {
        return Start::Skip;
    };
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        let settle: Settle<PathBoard> = if attached {
            let found = iam::attached_policies(&c, &role.1).await?;
            Box::new(move |b: &mut PathBoard| {
                entry(b, &role).attached = Some(found);
                Ok(())
            })
        } else {
            let names = iam::inline_policy_names(&c, &role.1).await?;
            Box::new(move |b: &mut PathBoard| {
                entry(b, &role).inline_names = names;
                Ok(())
            })
        };
        Ok(settle)
    }))
}

/// A role's inline policy documents; each that fails is recorded on its own.
fn inline_documents(role: Option<Role>, b: &PathBoard, c: &Ctx) -> Start<PathBoard> {
    let Some(role) = role else {
        return Start::Skip;
    };
    let names: Vec<String> = b
        .roles
        .iter()
        .find(|r| r.side == role.0 && r.name == role.1)
        .map(|r| r.inline_names.clone())
        .unwrap_or_default();
    if names.is_empty() {
        return Start::Skip;
    }
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        let role_name = role.1.clone();
        let docs = all_at_once(&c, &names, |c, name| {
            let role = role_name.clone();
            async move { iam::inline_policy(&c, &role, &name).await }
        })
        .await;
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            for doc in docs {
                match doc {
                    Ok(p) => entry(b, &role).inline.push(p),
                    Err(e) => b.record(role.0, "iam:GetRolePolicy", e)?,
                }
            }
            Ok(())
        });
        Ok(settle)
    }))
}

/// The attached policies of a side's roles that privpath does not know by ARN.
fn unknown_attached(b: &PathBoard, side: usize) -> Vec<(String, String)> {
    b.roles
        .iter()
        .filter(|r| r.side == side)
        .flat_map(|r| r.attached.iter().flatten())
        .filter(|a| known_policies::document(&a.policy_arn).is_none())
        .map(|a| (a.policy_arn.clone(), a.policy_name.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The default version of each such policy (`iam:GetPolicy`), one side's.
fn versions(b: &PathBoard, c: &Ctx, side: usize) -> Start<PathBoard> {
    let wanted = unknown_attached(b, side);
    if wanted.is_empty() {
        return Start::Skip;
    }
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        let arns: Vec<String> = wanted.iter().map(|(arn, _)| arn.clone()).collect();
        let found = all_at_once(&c, &arns, |c, arn| async move {
            iam::managed_policy_default_version(&c, &arn).await
        })
        .await;
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            for ((arn, name), v) in wanted.into_iter().zip(found) {
                match v {
                    Ok(version) => b.unknown_policies.push((side, arn, name, Some(version))),
                    Err(e) => b.record(side, "iam:GetPolicy", e)?,
                }
            }
            Ok(())
        });
        Ok(settle)
    }))
}

/// Those versions' documents (`iam:GetPolicyVersion`), one side's.
fn documents(b: &PathBoard, c: &Ctx, side: usize) -> Start<PathBoard> {
    let wanted: Vec<(String, String, String)> = b
        .unknown_policies
        .iter()
        .filter(|p| p.0 == side)
        .filter_map(|(_, arn, name, v)| v.clone().map(|v| (arn.clone(), name.clone(), v)))
        .collect();
    if wanted.is_empty() {
        return Start::Skip;
    }
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        let keys: Vec<String> = (0..wanted.len()).map(|i| i.to_string()).collect();
        let asked = wanted.clone();
        let found = all_at_once(&c, &keys, move |c, i| {
            let (arn, name, version) = asked[i.parse::<usize>().unwrap_or(0)].clone();
            async move { iam::managed_policy(&c, &arn, &name, &version).await }
        })
        .await;
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            for doc in found {
                match doc {
                    Ok(p) => b.policies[side].push(p),
                    Err(e) => b.record(side, "iam:GetPolicyVersion", e)?,
                }
            }
            Ok(())
        });
        Ok(settle)
    }))
}

const ROLES_KNOWN: &[Fact] = &[Fact::InstanceProfile, Fact::Function, Fact::Sides];
const LISTS: &[Fact] = &[
    Fact::InstanceRoleAttached,
    Fact::FunctionRoleAttached,
    Fact::DhmcRoleAttached,
];
const DHMC_KNOWN: &[Fact] = &[Fact::ServiceSettings, Fact::InstanceProfile, Fact::Sides];

pub(super) static READS: &[Read<PathBoard>] = &[
    Read {
        decl: Decl {
            name: "the policies attached to the instance role",
            action: "iam:ListAttachedRolePolicies",
            side: Side::Client,
            needs: &[Fact::InstanceProfile, Fact::Sides],
            fills: &[Fact::InstanceRoleAttached],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(instance_role(b), c, true),
    },
    Read {
        decl: Decl {
            name: "the instance role's inline policy names",
            action: "iam:ListRolePolicies",
            side: Side::Client,
            needs: &[Fact::InstanceProfile, Fact::Sides],
            fills: &[Fact::InstanceRoleInline],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(instance_role(b), c, false),
    },
    Read {
        decl: Decl {
            name: "the policies attached to Default Host Management Configuration's role",
            action: "iam:ListAttachedRolePolicies",
            side: Side::Client,
            needs: DHMC_KNOWN,
            fills: &[Fact::DhmcRoleAttached],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(dhmc_role(b), c, true),
    },
    Read {
        decl: Decl {
            name: "the inline policy names of Default Host Management Configuration's role",
            action: "iam:ListRolePolicies",
            side: Side::Client,
            needs: DHMC_KNOWN,
            fills: &[Fact::DhmcRoleInline],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(dhmc_role(b), c, false),
    },
    Read {
        decl: Decl {
            name: "the inline policies of Default Host Management Configuration's role",
            action: "iam:GetRolePolicy",
            side: Side::Client,
            needs: &[Fact::DhmcRoleInline],
            fills: &[Fact::DhmcRoleInlineDocs],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| inline_documents(dhmc_role(b), b, c),
    },
    Read {
        decl: Decl {
            name: "the policies attached to the function's role",
            action: "iam:ListAttachedRolePolicies",
            side: Side::Api,
            needs: ROLES_KNOWN,
            fills: &[Fact::FunctionRoleAttached],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(function_role(b), c, true),
    },
    Read {
        decl: Decl {
            name: "the function role's inline policy names",
            action: "iam:ListRolePolicies",
            side: Side::Api,
            needs: ROLES_KNOWN,
            fills: &[Fact::FunctionRoleInline],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| list(function_role(b), c, false),
    },
    Read {
        decl: Decl {
            name: "the instance role's inline policies",
            action: "iam:GetRolePolicy",
            side: Side::Client,
            needs: &[Fact::InstanceRoleInline],
            fills: &[Fact::InstanceRoleInlineDocs],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| inline_documents(instance_role(b), b, c),
    },
    Read {
        decl: Decl {
            name: "the function role's inline policies",
            action: "iam:GetRolePolicy",
            side: Side::Api,
            needs: &[Fact::FunctionRoleInline],
            fills: &[Fact::FunctionRoleInlineDocs],
            arrays: &[Source::RoleDetailList],
        },
        start: |b, c| inline_documents(function_role(b), b, c),
    },
    Read {
        decl: Decl {
            name: "the default versions of attached policies not known by ARN (API side)",
            action: "iam:GetPolicy",
            side: Side::Api,
            needs: LISTS,
            fills: &[Fact::PolicyVersions],
            arrays: &[Source::Policies],
        },
        start: |b, c| versions(b, c, API),
    },
    Read {
        decl: Decl {
            name: "the default versions of attached policies not known by ARN (client side)",
            action: "iam:GetPolicy",
            side: Side::Client,
            needs: LISTS,
            fills: &[Fact::ClientPolicyVersions],
            arrays: &[Source::Policies],
        },
        start: |b, c| {
            if !b.split() {
                return Start::Skip;
            }
            versions(b, c, CLIENT)
        },
    },
    Read {
        decl: Decl {
            name: "those versions' documents (API side)",
            action: "iam:GetPolicyVersion",
            side: Side::Api,
            needs: &[Fact::PolicyVersions],
            fills: &[Fact::PolicyDocuments],
            arrays: &[Source::Policies],
        },
        start: |b, c| documents(b, c, API),
    },
    Read {
        decl: Decl {
            name: "those versions' documents (client side)",
            action: "iam:GetPolicyVersion",
            side: Side::Client,
            needs: &[Fact::ClientPolicyVersions],
            fills: &[Fact::ClientPolicyDocuments],
            arrays: &[Source::Policies],
        },
        start: |b, c| {
            if !b.split() {
                return Start::Skip;
            }
            documents(b, c, CLIENT)
        },
    },
];
