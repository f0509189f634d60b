//! `privpath iam-policy`: the read-only policy for exactly the calls the collectors
//! make (`collect::ACTIONS`). EC2 Describe* and SSM DescribeInstanceInformation support
//! no resource-level permissions, so they take `*`; the rest are scoped.

use crate::collect::ACTIONS;
use serde_json::json;

pub fn document() -> serde_json::Value {
    let on = |prefix: &str| -> Vec<&str> {
        ACTIONS
            .iter()
            .copied()
            .filter(|a| a.starts_with(prefix))
            .collect()
    };
    let mut describe = on("ec2:");
    describe.extend(on("ssm:"));
    json!({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "PrivpathDescribeNetworkAndAgents",
                "Effect": "Allow",
                "Action": describe,
                "Resource": "*"
            },
            {
                "Sid": "PrivpathReadRestApis",
                "Effect": "Allow",
                "Action": on("apigateway:"),
                "Resource": "arn:aws:apigateway:*::/restapis/*"
            },
            {
                "Sid": "PrivpathReadInstanceRoles",
                "Effect": "Allow",
                "Action": on("iam:"),
                "Resource": ["arn:aws:iam::*:instance-profile/*", "arn:aws:iam::*:role/*"]
            }
        ]
    })
}

pub fn render() -> String {
    serde_json::to_string_pretty(&document()).unwrap_or_default() + "\n"
}
