//! What VPC Block Public Access does to a subnet's way out through an internet or NAT
//! gateway, by the rules AWS documents
//! (https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa.html,
//! https://docs.aws.amazon.com/vpc/latest/userguide/security-vpc-bpa-basics.html,
//! https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_VpcBlockPublicAccessOptions.html):
//!
//! - `block-bidirectional` blocks all traffic to and from internet gateways, and so
//!   NAT gateways ("NAT gateways require an internet gateway for internet
//!   connectivity"), except for excluded VPCs and subnets; either exclusion mode
//!   (`allow-bidirectional`, `allow-egress`) lets outbound connections through;
//! - `block-ingress` blocks internet traffic to the VPCs; only traffic to and from NAT
//!   gateways and egress-only gateways passes, since they only allow outbound
//!   connections; an `allow-egress` exclusion "only applies when VPC Block Public Access
//!   is set to Bidirectional", so only `allow-bidirectional` exempts an internet gateway
//!   route;
//! - an exclusion of a VPC applies to all its subnets; only exclusions in
//!   `create-complete`/`update-complete` are in force, and none when the region's
//!   options say exclusions are `not-allowed` (an Organizations declarative policy).
//!
//! Peering, transit gateways and interface endpoints do not pass an internet gateway,
//! so BPA leaves the request path itself alone.

use crate::index::Index;
use crate::snapshot::VpcBlockPublicAccessExclusion;

/// How BPA treats the way out through `gateway`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Egress {
    /// Not blocked; why (BPA off, a direction it allows, an exclusion).
    Open(String),
    /// Blocked: the mode, why, and the exclusion command that would exempt the way out
    /// (`None` when exclusions are not allowed).
    Blocked {
        mode: String,
        why: String,
        exclusion: Option<String>,
    },
    /// Perhaps blocked: privpath cannot tell (a NAT gateway's own subnet is not read).
    Unsure { why: String },
    /// The region's BPA options were not collected.
    Unread,
}

fn is_nat(gateway: &str) -> bool {
    gateway.starts_with("nat-")
}

/// The in-force exclusions of `id` (a VPC or subnet), unless exclusions are not allowed.
fn exclusions<'i, 'a>(
    ix: &'i Index<'a>,
    id: &str,
    allowed: bool,
) -> &'i [&'a VpcBlockPublicAccessExclusion] {
    match ix.bpa_exclusions.get(id) {
        Some(v) if allowed => v.as_slice(),
        _ => &[],
    }
}

fn mode_of(e: &VpcBlockPublicAccessExclusion) -> &str {
    e.internet_gateway_exclusion_mode
        .as_deref()
        .unwrap_or("unknown")
}

/// Judges the way out of `subnet` (in `vpc`) through `gateway` (an `igw-…` or `nat-…`
/// id from its route table's default route) under the scope's BPA options.
pub fn egress(ix: &Index<'_>, vpc: &str, subnet: Option<&str>, gateway: &str) -> Egress {
    let Some(options) = ix.bpa_options() else {
        return Egress::Unread;
    };
    let region = &ix.scope.region;
    // An empty array: the account never set BPA, which is `off`.
    let (mode, allowed) = options.map_or(("off", true), |o| (o.mode(), o.exclusions_allowed()));
    let not_allowed = if allowed {
        ""
    } else {
        " (exclusions are not-allowed here: an Organizations declarative policy manages BPA)"
    };
    let exempting = |id: &str, ok: &dyn Fn(&str) -> bool| {
        exclusions(ix, id, allowed)
            .iter()
            .find(|e| ok(mode_of(e)))
            .map(|e| format!("exclusion {} ({}) exempts {id}", e.exclusion_id, mode_of(e)))
    };
    let subnet_or_vpc = |ok: &dyn Fn(&str) -> bool| {
        subnet
            .and_then(|s| exempting(s, ok))
            .or_else(|| exempting(vpc, ok))
    };
    let exclude = |target: &str, exclusion_mode: &str| {
        allowed.then(|| {
            let flag = if target.starts_with("vpc-") {
                "--vpc-id"
            } else {
                "--subnet-id"
            };
            format!("aws ec2 create-vpc-block-public-access-exclusion {flag} {target} --internet-gateway-exclusion-mode {exclusion_mode}")
        })
    };
    match mode {
        "off" => Egress::Open(format!("VPC Block Public Access is off in {region}")),
        "block-ingress" if is_nat(gateway) => Egress::Open(format!(
            "VPC Block Public Access in {region} is block-ingress, which lets a NAT gateway's outbound connections through"
        )),
        "block-ingress" => match subnet_or_vpc(&|m| m == "allow-bidirectional") {
            Some(why) => Egress::Open(why),
            None => Egress::Blocked {
                mode: mode.to_string(),
                why: format!("VPC Block Public Access in {region} is block-ingress, which blocks traffic through internet gateways (only NAT and egress-only gateways' outbound connections pass) and no allow-bidirectional exclusion exempts {} or {vpc}{not_allowed}", subnet.unwrap_or("the subnet")),
                exclusion: exclude(subnet.unwrap_or(vpc), "allow-bidirectional"),
            },
        },
        "block-bidirectional" if !is_nat(gateway) => match subnet_or_vpc(&|_| true) {
            Some(why) => Egress::Open(why),
            None => Egress::Blocked {
                mode: mode.to_string(),
                why: format!("VPC Block Public Access in {region} is block-bidirectional and no exclusion exempts {} or {vpc}, so {gateway} carries no traffic{not_allowed}", subnet.unwrap_or("the subnet")),
                exclusion: exclude(subnet.unwrap_or(vpc), "allow-egress"),
            },
        },
        "block-bidirectional" => {
            // The NAT gateway's own subnet needs the exclusion; which subnet holds it
            // is not read, so an exclusion of some subnet of the VPC might be it.
            if let Some(why) = exempting(vpc, &|_| true) {
                return Egress::Open(why);
            }
            let others: Vec<String> = ix
                .scope
                .vpc_block_public_access_exclusions
                .iter()
                .flatten()
                .filter(|e| allowed && e.in_force())
                .filter_map(|e| e.resource_id().map(|id| (e, id)))
                .filter(|(_, id)| {
                    ix.subnets
                        .get(id)
                        .is_some_and(|s| s.vpc_id == vpc)
                })
                .map(|(e, id)| format!("{id} ({}, {})", e.exclusion_id, mode_of(e)))
                .collect();
            if others.is_empty() {
                Egress::Blocked {
                    mode: mode.to_string(),
                    why: format!("VPC Block Public Access in {region} is block-bidirectional, which blocks NAT gateways (they need the internet gateway), and no exclusion exempts {vpc} or any of its subnets, so {gateway} carries no traffic{not_allowed}"),
                    exclusion: exclude("NAT_GATEWAY_SUBNET", "allow-egress"),
                }
            } else {
                Egress::Unsure {
                    why: format!("VPC Block Public Access in {region} is block-bidirectional, which blocks NAT gateways unless the NAT gateway's subnet is excluded; excluded here: {} — privpath does not read which subnet holds {gateway}", others.join(", ")),
                }
            }
        }
        other => Egress::Unsure {
            why: format!("VPC Block Public Access in {region} reports a mode privpath does not know ({other})"),
        },
    }
}
