//! `plan-endpoint-dns-replacement`: an interface endpoint with private DNS is not
//! replaced create-before-destroy.

use super::common::{named, plan_or_skip};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::planned::PlannedAction;

pub static META: CheckMeta = CheckMeta {
    id: "plan-endpoint-dns-replacement",
    title: "No endpoint with private DNS is replaced create-before-destroy",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "With a Terraform plan: among the VPC endpoints the plan manages in the client's VPC and the execute-api endpoint's VPC (execute-api, ssm, ssmmessages, ec2messages, …), fails when one with `private_dns_enabled = true` is replaced with the actions `[\"create\", \"delete\"]` — `lifecycle { create_before_destroy = true }`, the only way the plan JSON shows it.",
    why: "Private DNS gives the endpoint the service's own name in its VPC, and only one endpoint per VPC can hold it. Created before the old one is destroyed, the new endpoint cannot enable private DNS while the old one still holds the name: AWS refuses it (a conflicting DNS domain), the apply fails, and the old endpoint stays.",
    fix: "Remove `create_before_destroy` from the endpoint (the replacement then destroys the old one first: calls through it fail for the minutes it takes), or create the new endpoint with `private_dns_enabled = false` and turn it on once the old one is gone.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/privatelink/manage-dns-names.html",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_endpoint",
        "https://developer.hashicorp.com/terraform/language/meta-arguments/lifecycle#create_before_destroy",
    ],
    needs: &[],
    // Plan-only checks explain no error text: what they catch has not happened yet.
    symptoms: &[],
};

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let plan = match plan_or_skip(id, p) {
        Ok(plan) => plan,
        Err(skip) => return skip,
    };
    let mut vpcs: Vec<&str> = p.client.vpc_id.into_iter().collect();
    if let Some(ep) = &p.endpoint {
        vpcs.push(ep.vpc_id());
    }
    let mine: Vec<_> = plan
        .endpoints
        .iter()
        .filter(|e| vpcs.contains(&e.vpc_id.as_str()))
        .collect();
    if mine.is_empty() {
        return vec![Finding::skip(
            id,
            format!("the plan manages no VPC endpoint in {}", vpcs.join(" or ")),
        )];
    }
    let bad: Vec<_> = mine
        .iter()
        .filter(|e| e.action == PlannedAction::CreateThenDelete && e.private_dns)
        .collect();
    if bad.is_empty() {
        let replaced = mine
            .iter()
            .filter(|e| e.action.creates() && e.old_id.is_some())
            .count();
        return vec![Finding::pass(
            id,
            format!(
                "{} endpoint(s) of the path's VPCs in the plan, {replaced} replaced; none with private DNS is replaced create-before-destroy",
                mine.len()
            ),
        )
        .resources(mine.iter().map(|e| e.id.as_str()))];
    }
    let message = bad
        .iter()
        .map(|e| {
            format!(
                "{} ({}) is replaced create-before-destroy with private DNS on: the new endpoint cannot enable private DNS while {} still holds the name in {}, and the apply fails",
                named(&e.address, &e.id),
                e.service_name,
                e.old_id.as_deref().unwrap_or("the old endpoint"),
                e.vpc_id
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let fix = bad
        .iter()
        .map(|e| format!("# in the resource block of {}: remove lifecycle {{ create_before_destroy = true }}, or create it with private_dns_enabled = false and enable private DNS after the old endpoint is destroyed", e.address))
        .collect::<Vec<_>>()
        .join("\n");
    let mut resources: Vec<&str> = Vec::new();
    for e in &bad {
        resources.push(&e.id);
        resources.extend(e.old_id.as_deref());
    }
    vec![Finding::fail(id, message).resources(resources).fix(fix)]
}
