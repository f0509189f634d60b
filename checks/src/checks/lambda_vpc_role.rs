//! `lambda-vpc-role`: the function's role may manage the network interfaces that
//! attach it to its VPC.

use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::known_policies::{LAMBDA_VPC, LAMBDA_VPC_ACTIONS};
use crate::path::ResolvedPath;
use crate::policy_eval::{grants, Grant};
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
    needs: &[Source::Functions, Source::RoleDetailList],
};

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let b = &p.backend;
    let Some(name) = b.function_name.as_deref() else {
        return vec![Finding::skip(
            id,
            "the method does not invoke a Lambda function (see lambda-invoke-permission)",
        )];
    };
    let Some(function) = b.function else {
        return vec![
            Finding::unknown(id, format!("function {name} is not in the snapshot"))
                .resource(name)
                .needs(Source::Functions.iam_action()),
        ];
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
    let Some(role) = b.role else {
        return vec![Finding::unknown(
            id,
            format!("role {role_arn} of {name} is not in the snapshot"),
        )
        .resources([name, role_arn])
        .needs(Source::RoleDetailList.iam_action())];
    };
    let role_name = role.role_name.as_str();
    let attach = format!("aws iam attach-role-policy --role-name {role_name} --policy-arn arn:{}:iam::aws:policy/service-role/{LAMBDA_VPC}", p.partition());
    let (docs, unread) = p.role_policies(role);
    let results: Vec<(&str, Grant)> = LAMBDA_VPC_ACTIONS
        .iter()
        .map(|a| (*a, grants(&docs, a)))
        .collect();
    if let Some((action, Grant::Denied(by))) =
        results.iter().find(|(_, g)| matches!(g, Grant::Denied(_)))
    {
        return vec![Finding::fail(
            id,
            format!("{by} on role {role_name} of {name} explicitly denies {action}"),
        )
        .resources([name, role_name])
        .fix(format!("Remove the Deny of {action} from {by}"))];
    }
    let missing: Vec<&str> = results
        .iter()
        .filter(|(_, g)| !matches!(g, Grant::Granted(_)))
        .map(|(a, _)| *a)
        .collect();
    if missing.is_empty() {
        let mut by: Vec<&str> = results
            .iter()
            .filter_map(|(_, g)| match g {
                Grant::Granted(n) => Some(n.as_str()),
                _ => None,
            })
            .collect();
        by.sort_unstable();
        by.dedup();
        return vec![Finding::pass(
            id,
            format!(
                "role {role_name} of {name} grants {} through {}",
                LAMBDA_VPC_ACTIONS.join(", "),
                by.join(", ")
            ),
        )
        .resources([name, role_name])];
    }
    if let Some((action, Grant::Unknown(policy, why))) = results
        .iter()
        .find(|(_, g)| matches!(g, Grant::Unknown(..)))
    {
        return vec![Finding::unknown(id, format!("role {role_name} grants {action} only through {policy} under a condition privpath cannot evaluate ({why})"))
            .resources([name, role_name])];
    }
    if !unread.is_empty() {
        return vec![Finding::unknown(id, format!("role {role_name} lacks {} in the policies privpath could read; the documents of {} are not in the snapshot", missing.join(", "), unread.join(", ")))
            .resources([name, role_name])
            .needs("iam:GetPolicy")
            .needs(Source::Policies.iam_action())];
    }
    vec![Finding::fail(id, format!("role {role_name} of {name} does not grant {}: Lambda cannot manage the function's network interfaces in {}", missing.join(", "), function.vpc_id().unwrap_or("its VPC")))
        .resources([name, role_name])
        .fix(attach)]
}
