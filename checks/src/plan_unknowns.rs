//! On a run with a Terraform plan, two passes over the findings of a path, after every
//! check ran: a verdict that rests on a value known only after the apply becomes
//! `unknown`, naming `ADDRESS.attribute` (privpath never guesses such a value); and
//! every finding lists the Terraform addresses of the planned resources it names.
//!
//! A planned unknown matters to a finding when the finding's check is one of those the
//! unknown names (the plan crate says which checks read which attribute) and the record
//! it belongs to is on this path. The checks themselves stay unaware of plans: the
//! snapshot they read holds the plan's known values, and what is unknown is taken back
//! here.

use crate::finding::{Finding, Status};
use crate::path::ResolvedPath;
use crate::planned::{is_placeholder, PlanContext};
use std::collections::HashSet;

/// Every record id on the path: the instance, its subnet, route table, groups and ACL,
/// the endpoint with its subnets, their route tables and its groups, the peering
/// connections, the API with its stage, deployment and resource, the function, its
/// role and the databases.
fn path_ids<'a>(p: &'a ResolvedPath<'a>) -> HashSet<&'a str> {
    let mut ids: HashSet<&str> = HashSet::new();
    let c = &p.client;
    ids.insert(c.id());
    ids.extend(c.instance.subnet_id.as_deref());
    ids.extend(c.vpc_id);
    ids.extend(c.route_table.map(|(t, _)| t.route_table_id.as_str()));
    ids.extend(c.group_ids.iter().copied());
    ids.extend(c.network_acl.map(|a| a.network_acl_id.as_str()));
    ids.extend(
        c.instance
            .iam_instance_profile
            .as_ref()
            .and_then(|i| i.arn.rsplit('/').next()),
    );
    if let Some(ep) = &p.endpoint {
        ids.insert(ep.id());
        ids.insert(ep.vpc_id());
        for s in &ep.subnets {
            ids.insert(s.id);
            ids.extend(s.route_table.map(|(t, _)| t.route_table_id.as_str()));
        }
        ids.extend(ep.endpoint.groups.iter().map(|g| g.group_id.as_str()));
    }
    for pcx in p.peerings() {
        ids.insert(&pcx.vpc_peering_connection_id);
    }
    ids.insert(&p.api.id);
    if let Some(stage) = p.method.stage.found() {
        ids.insert(&stage.stage_name);
        ids.extend(stage.deployment_id.as_deref());
    }
    ids.extend(p.method.resource.found().map(|r| r.id.as_str()));
    let b = &p.backend;
    ids.extend(b.function_name.as_deref());
    ids.extend(b.role.map(|r| r.role_name.as_str()));
    ids.extend(
        b.databases
            .iter()
            .map(|d| d.db_instance_identifier.as_str()),
    );
    if let Some(f) = b.function {
        if let Some(vpc) = &f.vpc_config {
            ids.extend(vpc.subnet_ids.iter().map(String::as_str));
            ids.extend(vpc.security_group_ids.iter().map(String::as_str));
        }
    }
    for db in &b.databases {
        ids.extend(
            db.vpc_security_groups
                .iter()
                .map(|g| g.vpc_security_group_id.as_str()),
        );
    }
    if let Some(d) = &p.domain {
        ids.insert(&d.name);
    }
    ids
}

/// Turns every verdict that depends on a value unknown until the apply into `unknown`.
pub(crate) fn apply(p: &ResolvedPath<'_>, plan: &PlanContext, findings: &mut [Finding]) {
    if plan.unknowns.is_empty() {
        return;
    }
    let on_path = path_ids(p);
    for f in findings.iter_mut() {
        let mut whats: Vec<&str> = Vec::new();
        for u in &plan.unknowns {
            // A skip stands unless it is about the very record (an API whose policy is
            // unknown is not "without a policy"): most skips say the hop is not there.
            let named = f.resources.contains(&u.record);
            let on = if f.status == Status::Skip {
                named
            } else {
                named || on_path.contains(u.record.as_str())
            };
            let relevant = u.checks.contains(&f.check) && on;
            if relevant && !whats.contains(&u.what.as_str()) {
                whats.push(&u.what);
            }
        }
        if whats.is_empty() {
            continue;
        }
        let verb = if whats.len() == 1 { "is" } else { "are" };
        f.message = format!(
            "{} {verb} known only after the apply, and privpath does not guess — with what the plan knows: {}",
            whats.join(", "),
            f.message
        );
        f.status = Status::Unknown;
        // A fix worked out from a guess would mislead; nothing to grant either.
        f.remediation = None;
        f.needs.clear();
    }
}

/// Lists the Terraform address of every planned resource a finding names, and says in
/// the message which address a real id belongs to (a placeholder names its own).
pub(crate) fn name_addresses(plan: &PlanContext, findings: &mut [Finding]) {
    for f in findings.iter_mut() {
        let mut named = Vec::new();
        for r in &f.resources {
            if let Some(address) = plan.address_of(r) {
                if !f.addresses.iter().any(|a| a == address) {
                    f.addresses.push(address.to_string());
                }
                if !is_placeholder(r) {
                    // What the apply does to it, unless nothing.
                    match plan.actions.get(address).filter(|a| a.changes()) {
                        Some(a) => named.push(format!("{address} ({r}, {})", a.verb())),
                        None => named.push(format!("{address} ({r})")),
                    }
                }
            }
        }
        if !named.is_empty() {
            f.message
                .push_str(&format!("; in the plan: {}", named.join(", ")));
        }
    }
}
