//! An audit's view of a snapshot of many scopes: every path into every private API
//! (`paths`), and what only the whole estate shows (`ESTATE_REGISTRY`, one check per
//! file). A path is checked by the same code as `privpath check`: it becomes a
//! [`Target`] resolved over the one [`SnapshotIndex`] of the snapshot.

pub mod api_unreachable;
pub mod paths;
pub mod peering_route_too_wide;
pub mod policy_any_vpc;
pub mod private_dns_public_apis;
pub mod ssm_unreachable;

use crate::check::CheckMeta;
use crate::finding::Finding;

pub use paths::{
    audited_apis, blocks_requests, client_vpcs, paths, policy_document, CheckedPath, Estate,
    EstatePath,
};

/// A check of the estate: metadata as for a path check, run once over every path's
/// findings.
pub struct EstateCheck {
    pub meta: &'static CheckMeta,
    pub run: fn(&Estate<'_, '_>) -> Vec<Finding>,
}

pub static ESTATE_REGISTRY: &[EstateCheck] = &[
    EstateCheck {
        meta: &api_unreachable::META,
        run: api_unreachable::run,
    },
    EstateCheck {
        meta: &policy_any_vpc::META,
        run: policy_any_vpc::run,
    },
    EstateCheck {
        meta: &private_dns_public_apis::META,
        run: private_dns_public_apis::run,
    },
    EstateCheck {
        meta: &peering_route_too_wide::META,
        run: peering_route_too_wide::run,
    },
    EstateCheck {
        meta: &ssm_unreachable::META,
        run: ssm_unreachable::run,
    },
];
