//! What only a Terraform plan shows: the order the apply will create things in, a
//! deployment's redeployment triggers, who accepts a peering connection, and a
//! replacement's lifecycle. They read the plan's facts ([`crate::planned`]) carried on
//! the path, never the snapshot's arrays, and run only on a run with a plan: without
//! one the evaluator leaves them out (so a run without a plan shows no extra lines),
//! and names them `skip` only when `--only` asks for them by id.
//!
//! Kept in their own registry, beside [`crate::checks::REGISTRY`] and the estate
//! checks, with the same [`Check`] contract: metadata that is the documentation, and a
//! pure function from the resolved path to findings.

use crate::check::Check;

mod common;
pub mod plan_deployment_after_policy;
pub mod plan_endpoint_dns_replacement;
pub mod plan_peering_accepter;
pub mod plan_redeployment_trigger;

/// Every plan-only check, in path order.
pub static PLAN_REGISTRY: &[Check] = &[
    Check {
        meta: &plan_peering_accepter::META,
        run: plan_peering_accepter::run,
    },
    Check {
        meta: &plan_endpoint_dns_replacement::META,
        run: plan_endpoint_dns_replacement::run,
    },
    Check {
        meta: &plan_deployment_after_policy::META,
        run: plan_deployment_after_policy::run,
    },
    Check {
        meta: &plan_redeployment_trigger::META,
        run: plan_redeployment_trigger::run,
    },
];

/// The ids of the plan-only checks.
pub fn ids() -> impl Iterator<Item = &'static str> {
    PLAN_REGISTRY.iter().map(|c| c.meta.id)
}
