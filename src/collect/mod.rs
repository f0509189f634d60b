//! Live collection: from ids to a [`Snapshot`](privpath_checks::Snapshot). One
//! collector module per AWS service (`ec2.rs`, `ssm.rs`, `apigateway.rs`,
//! `apigatewayv2.rs`, `elbv2.rs`, `iam.rs`, `lambda.rs`, `rds.rs`, `sts.rs`,
//! `route53.rs`, `acm.rs`, `organizations.rs`) maps
//! AWS's answers onto the snapshot model and judges nothing. What a run reads is
//! declared as a graph of reads (`graph.rs`): a target's path (`path/`) and an audit's
//! account-region (`discover.rs`). Each read names the facts it needs, the facts it
//! settles, the snapshot arrays it fills and its IAM action; the scheduler starts each
//! as soon as its needs are settled. `privpath iam-policy` and the docs' action table
//! are derived from the declarations.
//!
//! A failed call leaves its array out of the snapshot and is recorded in `unavailable`,
//! so exactly the checks that needed it report `unknown`; only failures that doom every
//! call (no credentials, endpoint unreachable) or leave no target to check stop the run.

pub mod acm;
pub mod apigateway;
pub mod apigatewayv2;
pub mod calls;
pub mod ctx;
pub mod discover;
pub mod discover_zones;
pub mod ec2;
pub mod elbv2;
pub mod graph;
pub mod iam;
pub mod lambda;
pub mod organizations;
pub mod path;
pub mod rds;
pub mod route53;
pub mod ssm;
pub mod sts;
pub mod tgw;

pub use ctx::{all_at_once, now_rfc3339, sorted_unique, CollectError, Ctx};

/// What `privpath audit` asks once, before any account-region: the session's account,
/// the enabled regions, and (from the management account or a delegated
/// administrator) the Organization's accounts.
pub static AUDIT_SESSION_READS: &[graph::Decl<()>] = &[
    graph::Decl {
        name: "the session's account (audit of its own account)",
        action: "sts:GetCallerIdentity",
        side: graph::Side::Api,
        needs: &[],
        fills: &[],
        arrays: &[],
    },
    graph::Decl {
        name: "the enabled regions (--regions all)",
        action: "ec2:DescribeRegions",
        side: graph::Side::Api,
        needs: &[],
        fills: &[],
        arrays: &[],
    },
    graph::Decl {
        name: "the Organization's active accounts (--org)",
        action: "organizations:ListAccounts",
        side: graph::Side::Api,
        needs: &[],
        fills: &[],
        arrays: &[],
    },
];

/// Every IAM action `check` and `snapshot` may call: those its reads declare.
pub fn actions() -> Vec<&'static str> {
    graph::actions(path::reads().map(|r| &r.decl))
}

/// What `privpath audit` calls beyond [`actions`]: its session reads and the discovery
/// reads `check` does not make (an account's IAM in one paginated call, the private
/// hosted zones asked by name).
pub fn audit_actions() -> Vec<&'static str> {
    let check = actions();
    let mut all = graph::actions(discover::READS.iter().map(|r| &r.decl));
    all.extend(graph::actions(
        discover_zones::READS.iter().map(|r| &r.decl),
    ));
    all.extend(graph::actions(AUDIT_SESSION_READS));
    all.sort_unstable();
    all.dedup();
    all.retain(|a| !check.contains(a));
    all
}
