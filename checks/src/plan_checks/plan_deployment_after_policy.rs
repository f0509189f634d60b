//! `plan-deployment-after-policy`: a PRIVATE API's new deployment depends on the
//! resource policy the same plan attaches, so Terraform creates the policy first.

use super::common::{depends_on_reference, named, plan_or_skip};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;

pub static META: CheckMeta = CheckMeta {
    id: "plan-deployment-after-policy",
    title: "The plan creates the private API's deployment after its resource policy",
    hop: Hop::Api,
    severity: Severity::High,
    what: "With a Terraform plan: for every `aws_api_gateway_deployment` of the path's PRIVATE API that the plan creates or replaces, while the same plan creates (or replaces) the API's `aws_api_gateway_rest_api_policy`, checks that the deployment depends on that policy resource, directly or transitively, through its expressions' references (`rest_api_id`, `triggers`, …) or `depends_on`. A policy given inline in the API's own `policy` is attached with the API, which every deployment references, and passes.",
    why: "Terraform creates resources that do not depend on each other in parallel, in no set order. When the deployment is created before the policy is attached, API Gateway refuses it: `Private REST API doesn't have a resource policy attached to it`, and the apply stops halfway — the seed architecture's deploy error, found before the apply.",
    fix: "Add the policy to the deployment's `depends_on` (`depends_on = [aws_api_gateway_rest_api_policy.NAME]`), or hash the policy into its `triggers`; or give the policy inline in the REST API's `policy` argument.",
    links: &[
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_rest_api_policy",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_deployment",
        "https://developer.hashicorp.com/terraform/language/meta-arguments/depends_on",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-create.html",
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
    let api = p.api.id.as_str();
    if !p.api.is_private() {
        return vec![Finding::skip(
            id,
            format!("API {api} is not PRIVATE after this plan: API Gateway deploys it without a resource policy"),
        )
        .resource(api)];
    }
    let mine: Vec<_> = plan
        .deployments
        .iter()
        .filter(|d| d.rest_api_id.as_deref() == Some(api))
        .collect();
    let Some(first) = mine.first() else {
        return vec![
            Finding::skip(id, format!("the plan manages no deployment of API {api}")).resource(api),
        ];
    };
    let created: Vec<_> = mine.iter().filter(|d| d.action.creates()).collect();
    if created.is_empty() {
        return vec![Finding::pass(
            id,
            format!(
                "the plan creates no deployment of API {api}: {} is {}",
                named(&first.address, &first.id),
                first.action.verb()
            ),
        )
        .resource(api)];
    }
    let mut failing = Vec::new();
    let mut fixes = Vec::new();
    let mut fine = Vec::new();
    for d in &created {
        match &d.policy {
            Some(policy) if !policy.depended_on => {
                failing.push(format!(
                    "{} is {} and does not depend on {}, which the plan {} too: Terraform may create the deployment first, and API Gateway then refuses it with \"Private REST API doesn't have a resource policy attached to it\"",
                    named(&d.address, &d.id),
                    d.action.verb(),
                    policy.address,
                    match policy.action.verb() {
                        "created" => "creates",
                        _ => "replaces",
                    }
                ));
                fixes.push(format!(
                    "# in the resource block of {}:\ndepends_on = [{}]",
                    d.address,
                    depends_on_reference(&d.address, &policy.address)
                ));
            }
            Some(policy) => fine.push(format!(
                "{} depends on {}",
                named(&d.address, &d.id),
                policy.address
            )),
            None => fine.push(format!(
                "{} is {}; the plan attaches no separate resource policy to API {api} that it could overtake",
                named(&d.address, &d.id),
                d.action.verb()
            )),
        }
    }
    let resources: Vec<&str> = created.iter().map(|d| d.id.as_str()).chain([api]).collect();
    if failing.is_empty() {
        return vec![Finding::pass(id, fine.join("; ")).resources(resources)];
    }
    vec![Finding::fail(id, failing.join("; "))
        .resources(resources)
        .fix(fixes.join("\n"))]
}
