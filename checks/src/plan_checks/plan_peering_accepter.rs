//! `plan-peering-accepter`: a peering connection across accounts or regions is
//! accepted on the accepter's side, not with `auto_accept` on the requester's.

use super::common::{named, plan_or_skip};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;

pub static META: CheckMeta = CheckMeta {
    id: "plan-peering-accepter",
    title: "The plan accepts a cross-account peering on the accepter's side",
    hop: Hop::Peering,
    severity: Severity::High,
    what: "With a Terraform plan that manages the peering connection on the path: fails when the requester's `aws_vpc_peering_connection` sets `auto_accept = true` while `peer_owner_id` names another account or `peer_region` another region; warns when such a connection is accepted by no `aws_vpc_peering_connection_accepter` in the plan (it stays `pending-acceptance`).",
    why: "Only the accepter's account, in the accepter's region, can accept a peering request. `auto_accept` on the requester's side works only within one account and region: across them the provider's accept call is refused and the apply fails, and no route through the connection carries traffic.",
    fix: "Remove `auto_accept` from the requester's `aws_vpc_peering_connection` and accept it with `aws_vpc_peering_connection_accepter` (`vpc_peering_connection_id = aws_vpc_peering_connection.NAME.id`, `auto_accept = true`) under a provider for the accepter's account and region.",
    links: &[
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_peering_connection",
        "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/vpc_peering_connection_accepter",
        "https://docs.aws.amazon.com/vpc/latest/peering/accept-vpc-peering-connection.html",
    ],
    needs: &[],
    // Plan-only checks explain no error text: what they catch has not happened yet.
    symptoms: &[],
};

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let plan = match plan_or_skip(id, p) {
        Ok(plan) => plan,
        Err(skip) => return skip,
    };
    let on_path: Vec<String> = p
        .peerings()
        .iter()
        .map(|x| x.vpc_peering_connection_id.clone())
        .collect();
    let Some(pp) = plan.peerings.iter().find(|pp| on_path.contains(&pp.id)) else {
        return vec![Finding::skip(
            id,
            if on_path.is_empty() {
                "no peering connection on the path (see peering-active)".to_string()
            } else {
                format!("the plan does not manage {}", on_path.join(", "))
            },
        )];
    };
    let who = match (&pp.peer_owner_id, &pp.peer_region) {
        (Some(a), Some(r)) => format!("account {a} in {r}"),
        (Some(a), None) => format!("account {a} in {}", pp.region),
        (None, Some(r)) => r.clone(),
        (None, None) => "the peer's account and region".to_string(),
    };
    let accepter_block = format!(
        "resource \"aws_vpc_peering_connection_accepter\" \"peer\" {{\n  provider                  = aws.ACCEPTER  # {who}\n  vpc_peering_connection_id = {}.id\n  auto_accept               = true\n}}",
        pp.address
    );
    let this = named(&pp.address, &pp.id);
    if pp.auto_accept && pp.crosses() {
        return vec![Finding::fail(
            id,
            format!(
                "{this} sets auto_accept = true, but its peer is {who}: only the accepter's account can accept, in its own region — the apply fails at the accept call{}",
                match &pp.accepter {
                    Some(a) => format!(" (before {a} gets its turn)"),
                    None => String::new(),
                }
            ),
        )
        .resource(pp.id.as_str())
        .fix(format!(
            "# in the resource block of {}: remove auto_accept (or set it to false)\n{}",
            pp.address,
            match &pp.accepter {
                Some(a) => format!("# {a} accepts it on the accepter's side"),
                None => accepter_block,
            }
        ))];
    }
    if pp.crosses() && pp.accepter.is_none() && pp.action.creates() {
        return vec![Finding::warn(
            id,
            format!("{this} is requested from {} but no aws_vpc_peering_connection_accepter in the plan accepts it in {who}: it stays pending-acceptance until someone there does", pp.region),
        )
        .resource(pp.id.as_str())
        .fix(accepter_block)];
    }
    let how = match (&pp.accepter, pp.crosses()) {
        (Some(a), _) => format!("accepted by {a}"),
        (None, false) if pp.auto_accept => {
            "auto-accepted within one account and region".to_string()
        }
        (None, _) => "not accepted by this plan".to_string(),
    };
    vec![Finding::pass(id, format!("{this} is {how}")).resource(pp.id.as_str())]
}
