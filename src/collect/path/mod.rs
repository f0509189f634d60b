//! The reads of one target (`privpath check`, `privpath snapshot`): from an instance id
//! and an API id (or a private custom domain name whose mapping names the API) to a
//! [`Snapshot`] of everything on the path. The reads are declared per hop — the client
//! (`client.rs`), API Gateway and the backend (`api.rs`; a private integration's VPC
//! link and load balancer in `private.rs`), the networks between them
//! (`network.rs`), the roles' policies (`roles.rs`), the custom domain (`domain.rs`) —
//! and [`graph::run`] starts each as soon as the ids it needs are known. On the
//! end-to-end seed the longest chain is four requests: the instance → its profile → its
//! role's policy list → an inline policy; a fifth only for a customer managed policy's
//! document, and two more first when only the domain names the API.
//!
//! A target has two sides: the client (instance, its SSM record, instance profile and
//! role, its VPC's endpoints, peerings and network) and the API (API Gateway, the
//! endpoints it names and their VPCs, Lambda, RDS). When the client side has
//! credentials or a region of its own, each read goes to its side's clients and the
//! snapshot holds one scope per side — unless both turn out to be one account and
//! region (the instance's owner and `sts:GetCallerIdentity` agree), when the rest is
//! read with the API side's credentials into one scope.

mod api;
mod assemble;
mod board;
mod client;
mod domain;
mod network;
mod private;
mod roles;
mod transit;

pub use board::{PathBoard, Wanted};

#[cfg(test)]
use board::Fact;

use super::graph::{self, Order, Read};
use super::{CollectError, Ctx};
use privpath_checks::snapshot::Snapshot;

/// Every read of a path, the hops' declarations in one list.
pub fn reads() -> impl Iterator<Item = &'static Read<PathBoard>> {
    client::READS
        .iter()
        .chain(domain::READS)
        .chain(api::READS)
        .chain(private::READS)
        .chain(network::reads())
        .chain(roles::READS)
        .chain(transit::reads_all())
}

/// Collects one target. `client` is the client side's clients when it has credentials
/// or a region of its own; `None` reads both sides with `api`'s.
pub async fn collect(
    api: &Ctx,
    client: Option<&Ctx>,
    network: Option<&Ctx>,
    want: &Wanted,
    order: Order,
) -> Result<Snapshot, CollectError> {
    let mut board = PathBoard::new(api, client, network, want);
    let all: Vec<&Read<PathBoard>> = reads().collect();
    graph::run(&mut board, &all, order, &api.log).await?;
    Ok(assemble::snapshot(board))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_fact_a_read_needs_is_settled_by_some_read() {
        let all: Vec<&Read<PathBoard>> = reads().collect();
        for r in &all {
            for need in r.decl.needs {
                assert!(
                    all.iter().any(|o| o.decl.fills.contains(need)),
                    "{} needs {need:?}, which no read settles",
                    r.decl.name
                );
            }
        }
    }

    #[test]
    fn the_graph_has_no_cycle() {
        // Settle facts as a scheduler would, ignoring answers: every read must start.
        let all: Vec<&Read<PathBoard>> = reads().collect();
        let mut settled: Vec<Fact> = Vec::new();
        let mut started = vec![false; all.len()];
        loop {
            let mut progressed = false;
            for (i, r) in all.iter().enumerate() {
                if !started[i] && r.decl.needs.iter().all(|n| settled.contains(n)) {
                    started[i] = true;
                    progressed = true;
                    settled.extend(r.decl.fills);
                }
            }
            if !progressed {
                break;
            }
        }
        let stuck: Vec<&str> = all
            .iter()
            .zip(&started)
            .filter(|(_, s)| !**s)
            .map(|(r, _)| r.decl.name)
            .collect();
        assert!(stuck.is_empty(), "never start: {stuck:?}");
    }
}
