//! `lambda-vpc-role`: the function's role may manage the network interfaces that
//! attach it to its VPC.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::known_policies::{LAMBDA_VPC, LAMBDA_VPC_ACTIONS};
use crate::path::ResolvedPath;
use crate::policy_eval::{grants_all, ActionsGrant};
use crate::snapshot::Source;

pub static META: CheckMeta = CheckMeta {
    id: "lambda-vpc-role",
    title: "The Lambda role can manage its network interfaces",
    hop: Hop::Backend,
    severity: Severity::High,
    what: "For a function attached to a VPC, checks that its execution role grants ec2:CreateNetworkInterface, ec2:DescribeNetworkInterfaces and ec2:DeleteNetworkInterface (as AWSLambdaVPCAccessExecutionRole does) through any of its policies, with no explicit deny.",
    why: "Lambda creates the function's network interfaces with the execution role. Without these permissions updates fail and the function cannot get an interface in the VPC, so it never reaches the database.",
    fix: "`aws iam attach-role-policy --role-name ROLE --policy-arn arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole`.",
    links: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions",
        "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html",
    ],
    needs: &[api(Source::Functions), api(Source::RoleDetailList)],
};

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (name, function) = match super::common::function_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    if function.vpc_id().is_none() {
        return vec![Finding::skip(
            id,
            format!(
                "function {name} is not attached to a VPC: it has no network interfaces to manage"
            ),
        )
        .resource(name)];
    }
    let role_arn = function.role.as_deref().unwrap_or("no role");
    let Some(role) = p.backend.role else {
        return vec![Finding::unknown(
            id,
            format!("role {role_arn} of {name} is not in the snapshot"),
        )
        .resources([name, role_arn])
        .needs(Source::RoleDetailList.iam_action())];
    };
    let role_name = role.role_name.as_str();
    let attach = format!("aws iam attach-role-policy --role-name {role_name} --policy-arn arn:{}:iam::aws:policy/service-role/{LAMBDA_VPC}", p.partition());
    let (docs, unread) = p.api_ix.role_policies(role);
    let grant = grants_all(&docs, unread, LAMBDA_VPC_ACTIONS);
    let resources = vec![name.to_string(), role_name.to_string()];
    match grant {
        ActionsGrant::Denied { action, by } => vec![Finding::fail(
            id,
            format!("{by} on role {role_name} of {name} explicitly denies {action}"),
        )
        .resources(resources)
        .fix(format!("Remove the Deny of {action} from {by}"))],
        ActionsGrant::Granted { by } => vec![Finding::pass(
            id,
            format!(
                "role {role_name} of {name} grants {} through {}",
                LAMBDA_VPC_ACTIONS.join(", "),
                by.join(", ")
            ),
        )
        .resources(resources)],
        ActionsGrant::NotGranted { missing } => vec![Finding::fail(id, format!("role {role_name} of {name} does not grant {}: Lambda cannot manage the function's network interfaces in {}", missing.join(", "), function.vpc_id().unwrap_or("its VPC")))
            .resources(resources)
            .fix(attach)],
        undecided => super::common::undecided_grant(id, role_name, &undecided, resources)
            .into_iter()
            .collect(),
    }
}
