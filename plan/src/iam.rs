//! IAM onto `RoleDetailList`, `InstanceProfiles` and `Policies`: `aws_iam_role` (its
//! `managed_policy_arns` and `inline_policy` blocks), `aws_iam_instance_profile`,
//! `aws_iam_policy`, and the patches `aws_iam_role_policy_attachment`,
//! `aws_iam_role_policy`. IAM is global; its records go to the scope of the provider
//! that manages them, which is where the path's checks read them.

use crate::known::known;
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{field_str, Got, View};
use privpath_checks::snapshot::*;
use serde_json::Value;

pub const RECORDS: &[&str] = &["aws_iam_role", "aws_iam_instance_profile", "aws_iam_policy"];
pub const PATCHES: &[&str] = &["aws_iam_role_policy_attachment", "aws_iam_role_policy"];
pub const IGNORED: &[&str] = &[
    "aws_iam_role_policy_attachments_exclusive",
    "aws_iam_policy_attachment",
];

/// A policy document as the plan holds it (a JSON string), as an object.
fn document(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// The last segment of an ARN's resource (`…:policy/path/NAME` → `NAME`).
fn arn_name(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

pub fn add_record(b: &mut Builder, v: &View) {
    let place = v.place();
    match v.res.rtype.as_str() {
        "aws_iam_role" => {
            let name = v.id();
            let arn = v.str("arn").known().or_else(|| {
                v.plan
                    .resolve_attr(v.res, "arn", 0)
                    .and_then(|a| a.as_str().map(str::to_string))
            });
            let mut attached: Vec<AttachedPolicy> = match v.strs("managed_policy_arns") {
                Got::Known(arns) => arns
                    .into_iter()
                    .map(|a| AttachedPolicy {
                        policy_name: arn_name(&a),
                        policy_arn: a,
                    })
                    .collect(),
                Got::Absent => Vec::new(),
                Got::Unknown(w) => {
                    if v.plan.expression(v.res, "managed_policy_arns").is_some() {
                        b.unknown(&name, w, readers::ROLE);
                    }
                    Vec::new()
                }
            };
            let (inline, whats) = v.blocks("inline_policy", &["name", "policy"]);
            if !whats.is_empty() && v.plan.expression(v.res, "inline_policy").is_some() {
                b.unknown(&name, whats, readers::ROLE);
            }
            let mut inline: Vec<InlinePolicy> = inline
                .iter()
                .filter_map(|p| {
                    Some(InlinePolicy {
                        policy_name: field_str(p, "name")?,
                        policy_document: document(&field_str(p, "policy")?),
                    })
                })
                .collect();
            // Attachments and inline policies of separate resources: keep the state's.
            if let Some(old) = b.find_mut::<RoleDetail>(&name) {
                for a in &old.attached_managed_policies {
                    if !attached.iter().any(|x| x.policy_arn == a.policy_arn) {
                        attached.push(a.clone());
                    }
                }
                for p in &old.role_policy_list {
                    if !inline.iter().any(|x| x.policy_name == p.policy_name) {
                        inline.push(p.clone());
                    }
                }
            }
            b.upsert(
                &place,
                RoleDetail {
                    role_name: name,
                    arn,
                    attached_managed_policies: attached,
                    role_policy_list: inline,
                },
            );
        }
        "aws_iam_instance_profile" => {
            let name = v.id();
            let arn = v
                .plan
                .resolve_attr(v.res, "arn", 0)
                .and_then(|a| a.as_str().map(str::to_string))
                .unwrap_or_default();
            let role = match v.str("role") {
                Got::Known(r) => Some(r),
                Got::Absent => None,
                Got::Unknown(w) => {
                    b.unknown(&name, w, readers::INSTANCE_ROLE);
                    None
                }
            };
            b.upsert(
                &place,
                InstanceProfile {
                    instance_profile_name: name,
                    arn,
                    roles: role
                        .into_iter()
                        .map(|r| RoleRef {
                            role_name: r,
                            arn: None,
                        })
                        .collect(),
                },
            );
        }
        "aws_iam_policy" => {
            let arn = v.id();
            let Some(text) = known(b, &arn, v.str("policy"), readers::ROLE) else {
                return;
            };
            b.upsert(
                &place,
                ManagedPolicy {
                    policy_name: v.str("name").known().unwrap_or_else(|| arn_name(&arn)),
                    arn,
                    default_version_id: Some("v1".into()),
                    policy_version_list: vec![PolicyVersion {
                        document: document(&text),
                        version_id: Some("v1".into()),
                        is_default_version: true,
                    }],
                },
            );
        }
        _ => {}
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let id = v.id();
    match v.res.rtype.as_str() {
        "aws_iam_role" => b.remove::<RoleDetail>(&id),
        "aws_iam_instance_profile" => b.remove::<InstanceProfile>(&id),
        "aws_iam_policy" => b.remove::<ManagedPolicy>(&id),
        _ => {}
    }
}

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let Some(role) = known(b, &v.id(), v.str("role"), readers::ROLE) else {
        return;
    };
    b.address(&role, v.address());
    match v.res.rtype.as_str() {
        "aws_iam_role_policy_attachment" => {
            let Some(arn) = known(b, &role, v.str("policy_arn"), readers::ROLE) else {
                return;
            };
            if let Some(r) = b.find_mut::<RoleDetail>(&role) {
                r.attached_managed_policies.retain(|p| p.policy_arn != arn);
                if add {
                    r.attached_managed_policies.push(AttachedPolicy {
                        policy_name: arn_name(&arn),
                        policy_arn: arn,
                    });
                }
            }
        }
        "aws_iam_role_policy" => {
            let name = v.str("name").known().unwrap_or_default();
            let doc = if add {
                match v.str("policy") {
                    Got::Known(t) => Some(document(&t)),
                    Got::Absent => None,
                    Got::Unknown(w) => {
                        b.unknown(&role, w, readers::ROLE);
                        None
                    }
                }
            } else {
                None
            };
            if let Some(r) = b.find_mut::<RoleDetail>(&role) {
                r.role_policy_list.retain(|p| p.policy_name != name);
                if let Some(doc) = doc {
                    r.role_policy_list.push(InlinePolicy {
                        policy_name: name,
                        policy_document: doc,
                    });
                }
            }
        }
        _ => {}
    }
}

/// An instance profile's ARN, from its name: the snapshot's record, the plan's
/// resource, or derived from the account.
pub fn profile_arn(b: &mut Builder, v: &View, name: &str) -> Option<String> {
    if let Some(p) = b.find_mut::<InstanceProfile>(name) {
        if !p.arn.is_empty() {
            return Some(p.arn.clone());
        }
    }
    let plan = v.plan;
    if let Some(r) = plan
        .resources
        .iter()
        .find(|r| r.rtype == "aws_iam_instance_profile" && !r.deposed && plan.id_of(r) == name)
    {
        if let Some(Value::String(arn)) = plan.resolve_attr(r, "arn", 0) {
            return Some(arn);
        }
    }
    let place = v.place();
    let p = crate::resolve::partition(place.region.as_deref().unwrap_or(""));
    place
        .account
        .map(|a| format!("arn:{p}:iam::{a}:instance-profile/{name}"))
}
