//! `plan-redeployment-trigger`: when the plan changes the API's methods, it also
//! replaces the deployment the stage serves.

use super::common::{named, plan_or_skip};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;

pub static META: CheckMeta = CheckMeta {
    id: "plan-redeployment-trigger",
    title: "A plan that changes the API's methods redeploys it",
    hop: Hop::Api,
    severity: Severity::Medium,
    what: "With a Terraform plan that creates, changes or destroys methods, integrations or resources of the path's API (or its OpenAPI `body`): checks that the plan also creates or replaces an `aws_api_gateway_deployment` of that API — typically through `triggers = { redeployment = sha1(jsonencode([...])) }` with `create_before_destroy`. Warns when the API's deployments are all left as they are, with or without `triggers` (then they do not cover what changed).",
    why: "A stage serves a deployment: a snapshot of the API taken when the deployment was created. Changing a method in Terraform changes the API's working copy only; without a new deployment the stage keeps serving the old methods after the apply, and the change seems to have no effect (or a new method answers 403 `Missing Authentication Token`).",
    fix: "Give the deployment `triggers = { redeployment = sha1(jsonencode([aws_api_gateway_resource.X, aws_api_gateway_method.X, aws_api_gateway_integration.X])) }` and `lifecycle { create_before_destroy = true }`, or run `aws apigateway create-deployment --rest-api-id API --stage-name STAGE` after the apply.",
    links: &[
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/api_gateway_deployment",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-deployments.html",
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
    let changes: Vec<&String> = plan
        .api_changes
        .iter()
        .filter(|c| c.rest_api_id == api)
        .flat_map(|c| c.changes.iter())
        .collect();
    if changes.is_empty() {
        return vec![Finding::pass(
            id,
            format!("the plan changes no method, integration or resource of API {api}"),
        )
        .resource(api)];
    }
    let shown = |list: &[&String]| {
        let mut text = list
            .iter()
            .take(3)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        if list.len() > 3 {
            text.push_str(&format!(" and {} more", list.len() - 3));
        }
        text
    };
    let mine: Vec<_> = plan
        .deployments
        .iter()
        .filter(|d| d.rest_api_id.as_deref() == Some(api))
        .collect();
    if let Some(d) = mine.iter().find(|d| d.action.creates()) {
        let verb = if d.action == crate::planned::PlannedAction::Create {
            "creates"
        } else {
            "replaces"
        };
        return vec![Finding::pass(
            id,
            format!(
                "the plan changes {} and {verb} {}, so the stage serves the new methods",
                shown(&changes),
                named(&d.address, &d.id)
            ),
        )
        .resources([d.id.as_str(), api])];
    }
    let stage = p.method.stage_name().unwrap_or("STAGE");
    let redeploy =
        format!("aws apigateway create-deployment --rest-api-id {api} --stage-name {stage}");
    let Some(d) = mine.first() else {
        return vec![Finding::warn(
            id,
            format!(
                "the plan changes {} but manages no deployment of API {api}: stage {stage} keeps serving its old deployment after the apply, unless something outside this plan redeploys",
                shown(&changes)
            ),
        )
        .resource(api)
        .fix(redeploy)];
    };
    let why = if d.has_triggers {
        "its triggers do not change with them (they hash something else)"
    } else {
        "it has no triggers"
    };
    vec![Finding::warn(
        id,
        format!(
            "the plan changes {} but leaves {} as it is — {why}: stage {stage} keeps serving the old deployment after the apply",
            shown(&changes),
            named(&d.address, &d.id)
        ),
    )
    .resources([d.id.as_str(), api])
    .fix(format!(
        "# in the resource block of {}:\ntriggers = {{ redeployment = sha1(jsonencode([{}])) }}\nlifecycle {{ create_before_destroy = true }}\n# or, after the apply:\n{redeploy}",
        d.address,
        changes
            .iter()
            .filter_map(|c| c.split(' ').next())
            .take(3)
            .collect::<Vec<_>>()
            .join(", ")
    ))]
}
