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
use crate::collect::{all_at_once, apigateway, apigatewayv2, ec2, elbv2};
use privpath_checks::snapshot::Source;
use privpath_checks::vpc_link::{load_balancer_arn, ungrouped_nlb_targets};

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
            ask(async move { elbv2::target_groups(&c, &arn).await }, |b, v| {
                b.private.target_groups = Some(v)
            })
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
    let (instances, addresses) = ungrouped_nlb_targets(
        p.load_balancers.as_deref().unwrap_or_default(),
        p.target_groups.as_deref().unwrap_or_default(),
        p.health.as_deref().unwrap_or_default(),
    );
    if instances.is_empty() && addresses.is_empty() {
        return none(|b| b.private.interfaces = Some(Vec::new()));
    }
    let c = c.clone();
    Start::Ask(Box::pin(async move {
        let found = ec2::target_interfaces(&c, &instances, &addresses).await?;
        let settle: Settle<PathBoard> = Box::new(move |b: &mut PathBoard| {
            b.private.interfaces = Some(found);
            Ok(())
        });
        Ok(settle)
    }))
}
