//! A private integration's hop, read only when the method's integration goes through a
//! VPC link (every read here skips at once on a Lambda path, adding no round trip): the
//! link the `connectionId` names, asked of API Gateway as a V1 and as a V2 link at once
//! (the id does not say which); the load balancer it reaches (the V1 link's target, or
//! the V2 integration's `integrationTarget`), its listeners and target groups; each
//! target's health; and — behind a Network Load Balancer without security groups,
//! whose targets' own groups filter the request — the targets' network interfaces.

use super::board::{Fact, PathBoard};
use crate::collect::calls::CallError;
use crate::collect::graph::{ask, Decl, Read, Settle, Side, Start};
use crate::collect::{all_at_once, apigateway, apigatewayv2, ec2, elbv2, sorted_unique};
use privpath_checks::snapshot::{self as m, Source};
use privpath_checks::vpc_link::load_balancer_arn;

/// Nothing to ask on this private path: collected, and there is none.
fn none(set: fn(&mut PathBoard)) -> Start<PathBoard> {
    Start::Now(Box::new(move |b: &mut PathBoard| {
        set(b);
        Ok(())
    }))
}

pub(super) static READS: &[Read<PathBoard>] = &[
    Read {
        decl: Decl {
            name: "the private integration's VPC link, as a V1 link",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Method],
            fills: &[Fact::VpcLinkV1],
            arrays: &[Source::VpcLinks],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let Some(id) = b.private.link_id.clone() else {
                return none(|b| b.private.links = Some(Vec::new()));
            };
            let c = c.clone();
            ask(async move { apigateway::vpc_link(&c, &id).await }, |b, l| {
                b.private.links = Some(l.into_iter().collect())
            })
        },
    },
    Read {
        decl: Decl {
            name: "the private integration's VPC link, as a V2 link",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Method],
            fills: &[Fact::VpcLinkV2],
            arrays: &[Source::VpcLinksV2],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let Some(id) = b.private.link_id.clone() else {
                return none(|b| b.private.links_v2 = Some(Vec::new()));
            };
            let c = c.clone();
            ask(async move { apigatewayv2::vpc_link(&c, &id).await }, |b, l| {
                b.private.links_v2 = Some(l.into_iter().collect())
            })
        },
    },
    Read::derived(
        "the load balancer the private integration reaches",
        &[Fact::VpcLinkV1, Fact::VpcLinkV2],
        &[Fact::LoadBalancerArn],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| {
                let p = &mut b.private;
                // A V1 link names its Network Load Balancer; a V2 integration its target.
                let of_v1 = p
                    .links
                    .iter()
                    .flatten()
                    .next()
                    .and_then(|l| l.target_arns.first().cloned());
                p.lb_arn = of_v1.or_else(|| p.target_arn.as_deref().and_then(load_balancer_arn));
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "that load balancer",
            action: "elasticloadbalancing:DescribeLoadBalancers",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArn],
            fills: &[Fact::LoadBalancers],
            arrays: &[Source::LoadBalancers],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let Some(arn) = b.private.lb_arn.clone() else {
                return none(|b| b.private.load_balancers = Some(Vec::new()));
            };
            let c = c.clone();
            ask(
                async move { elbv2::load_balancers(&c, &[arn]).await },
                |b, v| b.private.load_balancers = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "its listeners",
            action: "elasticloadbalancing:DescribeListeners",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArn],
            fills: &[Fact::Listeners],
            arrays: &[Source::Listeners],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let Some(arn) = b.private.lb_arn.clone() else {
                return none(|b| b.private.listeners = Some(Vec::new()));
            };
            let c = c.clone();
            ask(async move { elbv2::listeners(&c, &arn).await }, |b, v| {
                b.private.listeners = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "its target groups",
            action: "elasticloadbalancing:DescribeTargetGroups",
            side: Side::Api,
            needs: &[Fact::LoadBalancerArn],
            fills: &[Fact::TargetGroups],
            arrays: &[Source::TargetGroups],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let Some(arn) = b.private.lb_arn.clone() else {
                return none(|b| b.private.target_groups = Some(Vec::new()));
            };
            let c = c.clone();
            ask(
                async move {
                    match elbv2::target_groups(&c, &arn).await {
                        // A load balancer that does not exist has no target groups.
                        Err(CallError::NotFound { .. }) => Ok(Vec::new()),
                        other => other,
                    }
                },
                |b, v| b.private.target_groups = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the health of their targets",
            action: "elasticloadbalancing:DescribeTargetHealth",
            side: Side::Api,
            needs: &[Fact::TargetGroups],
            fills: &[Fact::TargetHealth],
            arrays: &[Source::TargetHealthDescriptions],
        },
        start: |b, c| {
            if !b.private.private {
                return Start::Skip;
            }
            let groups: Vec<String> = b
                .private
                .target_groups
                .iter()
                .flatten()
                .map(|g| g.target_group_arn.clone())
                .collect();
            if groups.is_empty() {
                return none(|b| b.private.health = Some(Vec::new()));
            }
            let c = c.clone();
            ask(
                async move {
                    let found = all_at_once(&c, &groups, |c, tg| async move {
                        elbv2::target_health(&c, &tg).await
                    })
                    .await;
                    found.into_iter().collect::<Result<Vec<_>, CallError>>()
                },
                |b, v| b.private.health = Some(v.concat()),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the targets' network interfaces (behind a Network Load Balancer without security groups)",
            action: "ec2:DescribeNetworkInterfaces",
            side: Side::Api,
            needs: &[Fact::LoadBalancers, Fact::TargetGroups, Fact::TargetHealth],
            fills: &[Fact::TargetInterfaces],
            arrays: &[Source::NetworkInterfaces],
        },
        start: target_interfaces,
    },
];

/// The network interfaces of the targets whose own security groups filter the request:
/// those behind a Network Load Balancer without security groups.
fn target_interfaces(b: &PathBoard, c: &crate::collect::Ctx) -> Start<PathBoard> {
    let p = &b.private;
    if !p.private {
        return Start::Skip;
    }
    let ungrouped_nlb = p
        .load_balancers
        .iter()
        .flatten()
        .any(|lb| lb.is_network() && lb.security_groups.is_empty());
    let kind_of = |arn: &str| {
        p.target_groups
            .iter()
            .flatten()
            .find(|g| g.target_group_arn == arn)
            .and_then(|g| g.target_type.clone())
            .unwrap_or_else(|| "instance".to_string())
    };
    let (mut instances, mut addresses) = (Vec::new(), Vec::new());
    if ungrouped_nlb {
        for h in p.health.iter().flatten() {
            match kind_of(&h.target_group_arn).as_str() {
                "instance" => instances.push(h.target.id.clone()),
                "ip" => addresses.push(h.target.id.clone()),
                _ => {}
            }
        }
    }
    let (instances, addresses) = (sorted_unique(instances), sorted_unique(addresses));
    if instances.is_empty() && addresses.is_empty() {
        return none(|b| b.private.interfaces = Some(Vec::new()));
    }
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        // EC2 ANDs filters of different names: one call per kind of target, at once.
        let by_instance = async {
            if instances.is_empty() {
                return Ok(Vec::new());
            }
            ec2::network_interfaces(&c, "attachment.instance-id", &instances).await
        };
        let by_address = async {
            if addresses.is_empty() {
                return Ok(Vec::new());
            }
            ec2::network_interfaces(&c, "addresses.private-ip-address", &addresses).await
        };
        let (by_instance, by_address) = tokio::join!(by_instance, by_address);
        let mut found = by_instance?;
        found.extend(by_address?);
        let mut seen = Vec::new();
        found.retain(|n: &m::NetworkInterface| {
            let new = !seen.contains(&n.network_interface_id);
            seen.push(n.network_interface_id.clone());
            new
        });
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            b.private.interfaces = Some(found);
            Ok(())
        });
        Ok(settle)
    }))
}
