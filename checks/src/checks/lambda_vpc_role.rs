//! `lambda-vpc-role`: the function's role may manage the network interfaces that
//! attach it to its VPC.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::known_policies::{LAMBDA_VPC, LAMBDA_VPC_ACTIONS};
use crate::path::ResolvedPath;
use crate::policy_eval::ActionsGrant;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

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
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): Lambda creating the function's
/// network interfaces in its subnets — with the role's EC2 permissions, within the
/// account's ENI quota and EC2's rate limits, in subnets with free addresses.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "eni-permissions",
        evidence: Evidence::Code,
        seen_in: "Lambda CreateFunction / UpdateFunctionConfiguration / Invoke, CloudTrail",
        patterns: &[
            &["does not have permissions to call createnetworkinterface"],
            &["createnetworkinterface", "unauthorizedoperation"],
            &["createnetworkinterface", "not authorized"],
            &["access has been denied by ec2"],
            &["ec2accessdeniedexception"],
            &["unable to configure access to your vpc"],
            &["describenetworkinterfaces", "not authorized"],
            &["deletenetworkinterface", "not authorized"],
        ],
        meaning: "The function's execution role may not manage its network interfaces: it lacks AWSLambdaVPCAccessExecutionRole (or ec2:CreateNetworkInterface, DescribeNetworkInterfaces, DeleteNetworkInterface), or an SCP or permissions boundary denies them.",
        ..Symptom::BASE
    },
    Symptom {
        id: "eni-limit",
        evidence: Evidence::Code,
        seen_in: "Lambda CreateFunction / Invoke",
        patterns: &[
            &["enilimitreachedexception"],
            &["limit for network interfaces has been reached"],
            &["not able to create an eni"],
        ],
        meaning: "Lambda could not create the function's network interface: the account's network-interface quota in the region is used up.",
        ..Symptom::BASE
    },
    Symptom {
        id: "ec2-throttled",
        evidence: Evidence::Code,
        seen_in: "Lambda CreateFunction (CloudFormation, Serverless)",
        patterns: &[&["ec2throttledexception"], &["throttled by ec2"]],
        meaning: "Lambda's EC2 calls for the function's network interfaces were throttled: many VPC functions were created at once.",
        ..Symptom::BASE
    },
    Symptom {
        id: "subnet-out-of-addresses",
        evidence: Evidence::Code,
        seen_in: "Lambda CreateFunction / UpdateFunctionConfiguration / Invoke",
        patterns: shared::SUBNET_OUT_OF_ADDRESSES,
        meaning: "Lambda could not create the function's network interface: a configured subnet has no free address.",
        ..Symptom::BASE
    },
    Symptom {
        id: "task-timed-out",
        likelihood: Likelihood::Possible,
        seen_in: "the function's CloudWatch log",
        patterns: shared::LAMBDA_TASK_TIMED_OUT,
        meaning: "A VPC function without working network interfaces hangs until its timeout.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-request-timed-out",
        likelihood: Likelihood::Remote,
        seen_in: "the API's 504 response body",
        patterns: shared::ENDPOINT_REQUEST_TIMED_OUT,
        meaning: "The function did not answer in time; one without working network interfaces hangs.",
        ..Symptom::BASE
    },
    Symptom {
        id: "internal-server-error",
        likelihood: Likelihood::Remote,
        seen_in: "the API's 500/502 response body",
        patterns: shared::INTERNAL_SERVER_ERROR,
        meaning: "The integration failed; a function whose network interfaces cannot be set up fails to start.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-role",
        evidence: Evidence::Hint,
        seen_in: "any text about the function's role",
        patterns: &[&["awslambdavpcaccessexecutionrole"], &["execution role"]],
        meaning: "The text is about the function's execution role; this check reads its policies for the network-interface actions.",
        ..Symptom::BASE
    },
];

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
    let grant = p.api_ix.role_grants(role, LAMBDA_VPC_ACTIONS);
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
