//! `privpath iam-policy`: the read-only policy for exactly the calls the collectors
//! make (`collect::ACTIONS`, and `collect::AUDIT_ACTIONS` for `privpath audit`). EC2 Describe*, SSM DescribeInstanceInformation and the
//! unfiltered RDS DescribeDBInstances take `*` (no resource to scope to); the rest are
//! scoped to the resource types they read. `sts:GetCallerIdentity` (asked when the
//! client side has credentials of its own, to know the API side's account) needs no
//! permission and is listed for completeness.

use crate::collect::{ACTIONS, AUDIT_ACTIONS};
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
    describe.extend(on("rds:"));
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
                "Resource": [
                    "arn:aws:apigateway:*::/restapis/*",
                    "arn:aws:apigateway:*::/usageplans",
                    "arn:aws:apigateway:*::/usageplans/*",
                    "arn:aws:apigateway:*::/apikeys",
                    "arn:aws:apigateway:*::/domainnames",
                    "arn:aws:apigateway:*::/domainnames/*",
                    "arn:aws:apigateway:*::/domainnameaccessassociations"
                ]
            },
            {
                // A private custom domain name's certificate, and the private hosted
                // zones of the client VPC that resolve it (--domain-name only).
                "Sid": "PrivpathReadCustomDomains",
                "Effect": "Allow",
                "Action": on("acm:"),
                "Resource": "arn:aws:acm:*:*:certificate/*"
            },
            {
                "Sid": "PrivpathReadPrivateHostedZones",
                "Effect": "Allow",
                "Action": on("route53:"),
                "Resource": "*"
            },
            {
                "Sid": "PrivpathReadIntegrationFunctions",
                "Effect": "Allow",
                "Action": on("lambda:"),
                "Resource": "arn:aws:lambda:*:*:function:*"
            },
            {
                "Sid": "PrivpathReadRoles",
                "Effect": "Allow",
                "Action": on("iam:"),
                "Resource": [
                    "arn:aws:iam::*:instance-profile/*",
                    "arn:aws:iam::*:role/*",
                    "arn:aws:iam::*:policy/*"
                ]
            },
            {
                // Needs no permission (AWS always allows it); listed so the policy
                // names every call privpath makes.
                "Sid": "PrivpathWhichAccount",
                "Effect": "Allow",
                "Action": on("sts:"),
                "Resource": "*"
            },
            {
                // `privpath audit` only: regions, an account's IAM in one call, and the
                // Organization's accounts (granted where the audit starts).
                "Sid": "PrivpathAuditDiscovery",
                "Effect": "Allow",
                "Action": AUDIT_ACTIONS,
                "Resource": "*"
            }
        ]
    })
}

pub fn render() -> String {
    serde_json::to_string_pretty(&document()).unwrap_or_default() + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use privpath_checks::Source;

    fn granted() -> Vec<String> {
        document()["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|s| {
                s["Action"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a.as_str().unwrap().to_string())
            })
            .collect()
    }

    #[test]
    fn grants_exactly_the_collectors_actions_and_only_reads() {
        let mut got = granted();
        got.sort();
        let mut want: Vec<String> = ACTIONS
            .iter()
            .chain(AUDIT_ACTIONS)
            .map(|a| a.to_string())
            .collect();
        want.sort();
        assert_eq!(got, want);
        for action in ACTIONS.iter().chain(AUDIT_ACTIONS) {
            let (_, operation) = action.split_once(':').unwrap();
            assert!(
                ["Describe", "Get", "List"]
                    .iter()
                    .any(|p| operation.starts_with(p))
                    || operation == "GET",
                "{action} is not a read"
            );
        }
    }

    #[test]
    fn covers_every_snapshot_array() {
        let got = granted();
        for source in Source::ALL {
            assert!(
                got.iter().any(|g| g == source.iam_action()),
                "{} needs {}",
                source.key(),
                source.iam_action()
            );
        }
    }
}
