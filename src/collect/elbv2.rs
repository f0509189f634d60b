//! Elastic Load Balancing (v2) reads for a private integration: the load balancer a VPC
//! link reaches, its listeners and target groups, and each target's health. Every call
//! is filtered to the one load balancer (or target group) on the path.

use super::calls::{all_pages, logged, CallError};
use super::Ctx;
use aws_sdk_elasticloadbalancingv2::types as t;
use privpath_checks::snapshot as m;

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

/// The load balancers of these ARNs; one that does not exist is simply absent (AWS
/// answers LoadBalancerNotFound for the whole request).
pub async fn load_balancers(ctx: &Ctx, arns: &[String]) -> Result<Vec<m::LoadBalancer>, CallError> {
    let result: Result<Vec<t::LoadBalancer>, CallError> = all_pages!(
        ctx,
        "elasticloadbalancing:DescribeLoadBalancers",
        ctx.elbv2
            .describe_load_balancers()
            .set_load_balancer_arns(Some(arns.to_vec())),
        load_balancers
    );
    let items = match result {
        Ok(items) => items,
        Err(CallError::NotFound { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(items
        .iter()
        .map(|lb| m::LoadBalancer {
            load_balancer_arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            load_balancer_name: s(lb.load_balancer_name()),
            dns_name: s(lb.dns_name()),
            scheme: lb.scheme().map(|x| x.as_str().to_string()),
            vpc_id: s(lb.vpc_id()),
            state: lb.state().map(|st| m::LoadBalancerState {
                code: st
                    .code()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                reason: s(st.reason()),
            }),
            lb_type: lb.r#type().map(|x| x.as_str().to_string()),
            availability_zones: lb
                .availability_zones()
                .iter()
                .map(|z| m::LoadBalancerZone {
                    zone_name: s(z.zone_name()),
                    subnet_id: s(z.subnet_id()),
                })
                .collect(),
            security_groups: lb.security_groups().to_vec(),
            enforce_security_group_inbound_rules_on_private_link_traffic: s(
                lb.enforce_security_group_inbound_rules_on_private_link_traffic()
            ),
        })
        .collect())
}

/// The listeners of a load balancer.
pub async fn listeners(ctx: &Ctx, lb_arn: &str) -> Result<Vec<m::Listener>, CallError> {
    let items: Vec<t::Listener> = all_pages!(
        ctx,
        "elasticloadbalancing:DescribeListeners",
        ctx.elbv2.describe_listeners().load_balancer_arn(lb_arn),
        listeners
    )?;
    Ok(items
        .iter()
        .map(|l| m::Listener {
            listener_arn: l.listener_arn().unwrap_or_default().to_string(),
            load_balancer_arn: l.load_balancer_arn().unwrap_or(lb_arn).to_string(),
            port: l.port().map(i64::from),
            protocol: l.protocol().map(|p| p.as_str().to_string()),
            default_actions: l
                .default_actions()
                .iter()
                .map(|a| m::ListenerAction {
                    action_type: a
                        .r#type()
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default(),
                    target_group_arn: s(a.target_group_arn()),
                    forward_config: a.forward_config().map(|f| m::ForwardConfig {
                        target_groups: f
                            .target_groups()
                            .iter()
                            .filter_map(|g| g.target_group_arn())
                            .map(|arn| m::WeightedTargetGroup {
                                target_group_arn: arn.to_string(),
                            })
                            .collect(),
                    }),
                })
                .collect(),
        })
        .collect())
}

/// The target groups of a load balancer; none when the load balancer does not exist.
pub async fn target_groups(ctx: &Ctx, lb_arn: &str) -> Result<Vec<m::TargetGroup>, CallError> {
    let result: Result<Vec<t::TargetGroup>, CallError> = all_pages!(
        ctx,
        "elasticloadbalancing:DescribeTargetGroups",
        ctx.elbv2.describe_target_groups().load_balancer_arn(lb_arn),
        target_groups
    );
    let items = match result {
        Ok(items) => items,
        Err(CallError::NotFound { .. }) => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(items
        .iter()
        .map(|g| m::TargetGroup {
            target_group_arn: g.target_group_arn().unwrap_or_default().to_string(),
            target_group_name: s(g.target_group_name()),
            protocol: g.protocol().map(|p| p.as_str().to_string()),
            port: g.port().map(i64::from),
            vpc_id: s(g.vpc_id()),
            target_type: g.target_type().map(|x| x.as_str().to_string()),
            load_balancer_arns: g.load_balancer_arns().to_vec(),
        })
        .collect())
}

/// The health of every target registered with a target group, each with the group's
/// ARN added.
pub async fn target_health(
    ctx: &Ctx,
    tg_arn: &str,
) -> Result<Vec<m::TargetHealthDescription>, CallError> {
    let out = logged!(
        ctx,
        "elasticloadbalancing:DescribeTargetHealth",
        ctx.elbv2
            .describe_target_health()
            .target_group_arn(tg_arn)
            .send()
    )?;
    Ok(out
        .target_health_descriptions()
        .iter()
        .filter_map(|h| {
            let target = h.target()?;
            Some(m::TargetHealthDescription {
                target_group_arn: tg_arn.to_string(),
                target: m::TargetDescription {
                    id: target.id().unwrap_or_default().to_string(),
                    port: target.port().map(i64::from),
                    availability_zone: s(target.availability_zone()),
                },
                health_check_port: s(h.health_check_port()),
                target_health: h.target_health().map(|th| m::TargetHealth {
                    state: th
                        .state()
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default(),
                    reason: th.reason().map(|r| r.as_str().to_string()),
                    description: s(th.description()),
                }),
            })
        })
        .collect())
}
