//! AWS managed policies privpath recognises by ARN, with the actions that matter to its
//! checks, so a role using them needs no `iam:GetPolicyVersion` call. The documents list
//! the actions AWS documents for each policy (only the statements relevant here).

use serde_json::{json, Value};

/// Session Manager's minimum for the instance profile (AWS: "Session Manager minimum
/// permissions for an instance profile").
pub const SESSION_MANAGER_ACTIONS: &[&str] = &[
    "ssm:UpdateInstanceInformation",
    "ssmmessages:CreateControlChannel",
    "ssmmessages:CreateDataChannel",
    "ssmmessages:OpenControlChannel",
    "ssmmessages:OpenDataChannel",
];

/// What Lambda needs to attach a function to a VPC (AWS: "Execution role and user
/// permissions" for VPC-connected functions).
pub const LAMBDA_VPC_ACTIONS: &[&str] = &[
    "ec2:CreateNetworkInterface",
    "ec2:DescribeNetworkInterfaces",
    "ec2:DeleteNetworkInterface",
];

pub const SSM_CORE: &str = "AmazonSSMManagedInstanceCore";
pub const SSM_DEPRECATED: &str = "AmazonEC2RoleforSSM";
/// The policy of Default Host Management Configuration's role.
pub const SSM_DHMC: &str = "AmazonSSMManagedEC2InstanceDefaultPolicy";
pub const LAMBDA_VPC: &str = "AWSLambdaVPCAccessExecutionRole";

/// The policy's name when `arn` is an AWS managed policy (any partition, any path).
pub fn aws_managed_name(arn: &str) -> Option<&str> {
    let (head, rest) = arn.split_once(":policy/")?;
    if !head.ends_with(":iam::aws") {
        return None;
    }
    rest.rsplit('/').next()
}

fn allow(actions: &[&str]) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]})
}

/// The relevant part of a known AWS managed policy's document.
pub fn document(arn: &str) -> Option<Value> {
    let doc = match aws_managed_name(arn)? {
        SSM_CORE => allow(&[
            "ssm:DescribeAssociation",
            "ssm:GetDeployablePatchSnapshotForInstance",
            "ssm:GetDocument",
            "ssm:DescribeDocument",
            "ssm:GetManifest",
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:ListAssociations",
            "ssm:ListInstanceAssociations",
            "ssm:PutInventory",
            "ssm:PutComplianceItems",
            "ssm:PutConfigurePackageResult",
            "ssm:UpdateAssociationStatus",
            "ssm:UpdateInstanceAssociationStatus",
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
        ]),
        SSM_DEPRECATED => allow(&[
            "ssm:UpdateInstanceInformation",
            "ssm:ListAssociations",
            "ssm:GetDocument",
            "ssmmessages:*",
            "ec2messages:*",
        ]),
        "AmazonSSMFullAccess" => allow(&["ssm:*", "ssmmessages:*", "ec2messages:*"]),
        // Only the agent's core actions, which DHMC's policy exists to grant
        // (https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedEC2InstanceDefaultPolicy.html).
        SSM_DHMC => allow(&[
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
            "ec2messages:AcknowledgeMessage",
            "ec2messages:DeleteMessage",
            "ec2messages:FailMessage",
            "ec2messages:GetEndpoint",
            "ec2messages:GetMessages",
            "ec2messages:SendReply",
        ]),
        LAMBDA_VPC => allow(&[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ]),
        "AWSLambdaENIManagementAccess" => allow(&[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ]),
        "AWSLambdaBasicExecutionRole" => allow(&[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
        ]),
        "AdministratorAccess" => allow(&["*"]),
        _ => return None,
    };
    Some(doc)
}
