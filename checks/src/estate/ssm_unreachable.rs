//! `estate-ssm-unreachable`: instances in client VPCs that operators cannot reach with
//! Session Manager, gathered from every path's `ssm-agent-version`, `ssm-instance-role`
//! and `ssm-endpoints` findings.

use super::paths::Estate;
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::{Finding, Status};
use std::collections::BTreeMap;

pub static META: CheckMeta = CheckMeta {
    id: "estate-ssm-unreachable",
    title: "Operators can reach every client instance with Session Manager",
    hop: Hop::Estate,
    severity: Severity::Medium,
    what: "Gathers, over every path of the audit, the client instances whose Session Manager checks fail (`ssm-agent-version`, `ssm-instance-role`, `ssm-endpoints`), grouped by VPC and cause.",
    why: "The architecture's operators test the API from the client instance through Session Manager. An instance they cannot open a session on cannot be used to reproduce or debug a failing call.",
    fix: "Run `privpath check --api-id API --instance-id INSTANCE --only ssm-agent-version,ssm-instance-role,ssm-endpoints` for one instance of each group: it prints the fix (agent update, AmazonSSMManagedInstanceCore, the ssm/ssmmessages/ec2messages endpoints).",
    links: &["https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-prerequisites.html"],
    needs: &[],
    symptoms: &[],
};

const SSM_CHECKS: [&str; 3] = ["ssm-agent-version", "ssm-instance-role", "ssm-endpoints"];

pub fn run(e: &Estate<'_, '_>) -> Vec<Finding> {
    let id = META.id;
    // (client scope, VPC, check) → instances, each once.
    let mut groups: BTreeMap<(usize, String, &'static str), Vec<&str>> = BTreeMap::new();
    let mut clients: BTreeMap<(usize, &str), ()> = BTreeMap::new();
    for p in e.paths {
        let scope = p.path.client_scope;
        clients.insert((scope, p.path.instance_id), ());
        for f in p
            .findings
            .iter()
            .filter(|f| f.status == Status::Fail && SSM_CHECKS.contains(&f.check))
        {
            let Some(vpc) = e.ix.scopes[scope]
                .instances
                .get(p.path.instance_id)
                .and_then(|i| i.vpc_id.clone())
            else {
                continue;
            };
            let list = groups.entry((scope, vpc, f.check)).or_default();
            if !list.contains(&p.path.instance_id) {
                list.push(p.path.instance_id);
            }
        }
    }
    let mut out = Vec::new();
    for ((scope, vpc, check), instances) in &groups {
        let shown: Vec<&str> = instances.iter().take(5).copied().collect();
        let more = instances.len().saturating_sub(shown.len());
        let tail = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        out.push(
            Finding::fail(id, format!("{} instance(s) in {vpc} ({}) fail {check}: {}{tail}", instances.len(), e.scope(*scope).label(), shown.join(", ")))
                .resource(vpc.as_str())
                .resources(shown.iter().map(|s| s.to_string()))
                .fix(format!("privpath check --only {check} --instance-id {} --api-id API_ID   # prints the fix for this group", instances[0])),
        );
    }
    if out.is_empty() {
        out.push(Finding::pass(
            id,
            format!(
                "all {} client instance(s) pass the Session Manager checks",
                clients.len()
            ),
        ));
    }
    out
}
