//! `privpath iam-policy`: the read-only policy for exactly the calls the collectors
//! declare (`collect::actions()`, and `collect::audit_actions()` for `privpath audit`). EC2 Describe*, SSM DescribeInstanceInformation, the
//! unfiltered RDS DescribeDBInstances and Elastic Load Balancing's Describe* (which
//! support no resource-level permissions) take `*`; the rest are
//! scoped to the resource types they read. `sts:GetCallerIdentity` (asked when the
//! client side has credentials of its own, to know the API side's account) needs no
//! permission and is listed for completeness.

use crate::cli::IamPolicyArgs;
use crate::collect::graph::Decl;
use crate::collect::{actions, audit_actions};
use crate::io::emit;
use crate::outcome::EXIT_OK;
use anyhow::Result;
use serde_json::json;

pub fn document() -> serde_json::Value {
    let all = actions();
    let on = |prefix: &str| -> Vec<&str> {
        all.iter()
            .copied()
            .filter(|a| a.starts_with(prefix))
            .collect()
    };
    let mut describe = on("ec2:");
    describe.extend(on("ssm:"));
    describe.extend(on("rds:"));
    describe.extend(on("elasticloadbalancing:"));
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
                    "arn:aws:apigateway:*::/domainnameaccessassociations",
                    // A private integration's VPC link, V1 or V2 (both are /vpclinks/ID).
                    "arn:aws:apigateway:*::/vpclinks/*"
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
                "Action": audit_actions(),
                "Resource": "*"
            }
        ]
    })
}

pub fn render() -> String {
    serde_json::to_string_pretty(&document()).unwrap_or_default() + "\n"
}

pub fn run(args: &IamPolicyArgs) -> Result<u8> {
    let text = if args.reads {
        reads_markdown()
    } else {
        render()
    };
    emit(&text).map(|()| EXIT_OK)
}

fn reads_table<F: std::fmt::Debug>(out: &mut String, decls: &[&Decl<F>]) {
    out.push_str("| read | IAM action | side | needs | snapshot arrays |\n|---|---|---|---|---|\n");
    for d in decls.iter().filter(|d| !d.action.is_empty()) {
        let needs: Vec<String> = d.needs.iter().map(|n| format!("{n:?}")).collect();
        let arrays: Vec<&str> = d.arrays.iter().map(|a| a.key()).collect();
        out.push_str(&format!(
            "| {} | `{}` | {:?} | {} | {} |\n",
            d.name,
            d.action,
            d.side,
            if needs.is_empty() {
                "—".to_string()
            } else {
                needs.join(", ")
            },
            if arrays.is_empty() {
                "—".to_string()
            } else {
                arrays.join(", ")
            },
        ));
    }
}

/// docs/reads.md: every read a run may make, from the declarations the scheduler runs.
pub fn reads_markdown() -> String {
    let mut out = String::from(
        "# What privpath reads\n\n\
         Generated by `privpath iam-policy --reads` from the reads the collectors declare \
         (`src/collect/path/`, `src/collect/discover.rs`); a test fails when this file is stale. \
         A read starts as soon as the facts it needs are known; `privpath iam-policy` grants \
         exactly these actions. Needs name facts that earlier reads (or steps derived from \
         them, not listed) settle.\n\n## `check` and `snapshot`: one target's path\n\n",
    );
    let path: Vec<&Decl<_>> = crate::collect::path::reads().map(|r| &r.decl).collect();
    reads_table(&mut out, &path);
    out.push_str("\n## `audit`: one account-region's discovery\n\n");
    let discovery: Vec<&Decl<_>> = crate::collect::discover::READS
        .iter()
        .map(|r| &r.decl)
        .collect();
    reads_table(&mut out, &discovery);
    out.push_str("\n## `audit`: once per account, after discovery, when the estate has private custom domain names\n\n");
    let zones: Vec<&Decl<_>> = crate::collect::discover_zones::READS
        .iter()
        .map(|r| &r.decl)
        .collect();
    reads_table(&mut out, &zones);
    out.push_str("\n## `audit`: once per run\n\n");
    let session: Vec<&Decl<()>> = crate::collect::AUDIT_SESSION_READS.iter().collect();
    reads_table(&mut out, &session);
    out
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
        let mut want: Vec<String> = actions()
            .into_iter()
            .chain(audit_actions())
            .map(|a| a.to_string())
            .collect();
        want.sort();
        assert_eq!(got, want);
        for action in actions().into_iter().chain(audit_actions()) {
            let (_, operation) = action.split_once(':').unwrap();
            assert!(
                // SearchTransitGatewayRoutes is a List-level read in IAM's terms.
                ["Describe", "Get", "List", "Search"]
                    .iter()
                    .any(|p| operation.starts_with(p))
                    || operation == "GET",
                "{action} is not a read"
            );
        }
    }

    #[test]
    fn docs_reads_md_is_generated_from_the_declarations() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/reads.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            doc == reads_markdown(),
            "docs/reads.md is stale: run `cargo run -- iam-policy --reads > docs/reads.md`"
        );
    }

    #[test]
    fn each_array_is_filled_by_a_read_with_its_documented_action() {
        // The checks crate names the action a missing array needs; a read filling it
        // must call that action, or the `unknown` findings would name the wrong one.
        let reads = crate::collect::path::reads()
            .map(|r| &r.decl)
            .map(|d| (d.action, d.arrays))
            .chain(
                crate::collect::discover::READS
                    .iter()
                    .map(|r| (r.decl.action, r.decl.arrays)),
            )
            .chain(
                crate::collect::discover_zones::READS
                    .iter()
                    .map(|r| (r.decl.action, r.decl.arrays)),
            );
        let fills: Vec<(&str, &[Source])> = reads.collect();
        for source in Source::ALL {
            let actions: Vec<&str> = fills
                .iter()
                .filter(|(_, arrays)| arrays.contains(&source))
                .map(|(a, _)| *a)
                .collect();
            assert!(!actions.is_empty(), "no read fills {}", source.key());
            assert!(
                actions.contains(&source.iam_action()),
                "{} needs {} but is read with {actions:?}",
                source.key(),
                source.iam_action()
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
