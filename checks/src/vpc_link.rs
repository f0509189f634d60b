//! A private integration: a method whose integration goes through a VPC link to a load
//! balancer. A VPC link V1 reaches one Network Load Balancer (its `targetArns`); a VPC
//! link V2 (REST APIs since November 2025) has network interfaces in its own subnets,
//! with its own security groups, and the integration names the Application or Network
//! Load Balancer (or its listener) as `integrationTarget`. The integration's
//! `connectionId` is the link's id, or a stage variable resolved on the stage the request
//! is sent to.
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html>
//! <https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html>

use crate::index::Index;
use crate::snapshot::{
    Integration, LoadBalancer, Scope, Source, Stage, TargetGroup, TargetHealthDescription, VpcLink,
    VpcLinkV2,
};

/// What the integration's `connectionId` names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Connection {
    /// A link id, as written.
    Literal(String),
    /// `${stageVariables.NAME}`, with its value on the path's stage (`None`: the stage
    /// has no such variable, or there is no stage).
    StageVariable { name: String, value: Option<String> },
    /// The integration has no `connectionId`.
    Missing,
}

impl Connection {
    /// The link id the request goes through, when one is named.
    pub fn link_id(&self) -> Option<&str> {
        match self {
            Connection::Literal(id) => Some(id),
            Connection::StageVariable { value, .. } => value.as_deref(),
            Connection::Missing => None,
        }
    }
}

/// The VPC link the connection names, as the snapshot has it.
#[derive(Clone, Copy, Debug)]
pub enum Link<'a> {
    V1(&'a VpcLink),
    V2(&'a VpcLinkV2),
    /// Neither version's records hold it (both were read).
    NotFound,
    /// A version's records were not collected, and the other does not hold it.
    NotCollected(Source),
    /// No id to look for.
    Unnamed,
}

/// The scheme, host and port the integration URI sends the request to (default ports:
/// 80 for http, 443 for https).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UriTarget {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl UriTarget {
    pub fn parse(uri: &str) -> Option<UriTarget> {
        let (scheme, rest) = uri.split_once("://")?;
        let scheme = scheme.to_ascii_lowercase();
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        // user@host:port: credentials never matter here.
        let authority = authority.rsplit('@').next().unwrap_or(authority);
        let (host, port) = match authority.rsplit_once(':') {
            Some((h, p)) if !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()) => {
                (h, p.parse().ok()?)
            }
            _ => (
                authority,
                match scheme.as_str() {
                    "http" => 80,
                    "https" => 443,
                    _ => return None,
                },
            ),
        };
        if host.is_empty() {
            return None;
        }
        Some(UriTarget {
            scheme,
            host: host.to_string(),
            port,
        })
    }

    pub fn is_https(&self) -> bool {
        self.scheme == "https"
    }
}

/// `${stageVariables.NAME}` → `NAME`.
pub fn stage_variable(value: &str) -> Option<&str> {
    value
        .trim()
        .strip_prefix("${stageVariables.")?
        .strip_suffix('}')
        .filter(|n| !n.is_empty())
}

/// The load balancer an ELB ARN belongs to: a load balancer's ARN is itself, a
/// listener's (`…:listener/app/NAME/LB_ID/LISTENER_ID`) names it.
pub fn load_balancer_arn(arn: &str) -> Option<String> {
    if arn.contains(":loadbalancer/") {
        return Some(arn.to_string());
    }
    let (head, rest) = arn.split_once(":listener/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [kind, name, id, _listener] => Some(format!("{head}:loadbalancer/{kind}/{name}/{id}")),
        _ => None,
    }
}

/// Whether an ELB ARN names a listener (rather than its load balancer).
pub fn is_listener_arn(arn: &str) -> bool {
    arn.contains(":listener/")
}

/// What a scope's private integrations name, for an audit that reads them all at once:
/// the VPC link ids (a literal `connectionId`, or a stage variable's value on every stage
/// of the method's API that sets it) and the load balancers their `integrationTarget`s
/// name, each sorted and without repeats; `None` when no method goes through a VPC link.
pub fn named_in(scope: &Scope) -> Option<(Vec<String>, Vec<String>)> {
    let (mut links, mut targets) = (Vec::new(), Vec::new());
    let mut any = false;
    for r in scope.resources.iter().flatten() {
        for m in r.resource_methods.values() {
            let Some(i) = m.method_integration.as_ref().filter(|i| i.is_vpc_link()) else {
                continue;
            };
            any = true;
            if let Some(id) = i.connection_id.as_deref() {
                match stage_variable(id) {
                    Some(var) => links.extend(
                        scope
                            .stages
                            .iter()
                            .flatten()
                            .filter(|st| st.rest_api_id == r.rest_api_id)
                            .filter_map(|st| st.variables.get(var).cloned()),
                    ),
                    None => links.push(id.to_string()),
                }
            }
            targets.extend(i.integration_target.as_deref().and_then(load_balancer_arn));
        }
    }
    for v in [&mut links, &mut targets] {
        v.sort();
        v.dedup();
    }
    any.then_some((links, targets))
}

/// The targets whose own security groups filter the request — those registered behind
/// a Network Load Balancer without security groups — as the ids to look their network
/// interfaces up by: (instance ids, IP addresses), sorted and without repeats.
pub fn ungrouped_nlb_targets(
    load_balancers: &[LoadBalancer],
    groups: &[TargetGroup],
    health: &[TargetHealthDescription],
) -> (Vec<String>, Vec<String>) {
    let ungrouped = |arn: &String| {
        load_balancers.iter().any(|lb| {
            &lb.load_balancer_arn == arn && lb.is_network() && lb.security_groups.is_empty()
        })
    };
    let (mut instances, mut addresses) = (Vec::new(), Vec::new());
    for h in health {
        let group = groups
            .iter()
            .find(|g| g.target_group_arn == h.target_group_arn);
        // A group's load balancers are listed on it; one read for a single load
        // balancer's path may leave them out, so a lone ungrouped NLB counts for all.
        let behind = match group {
            Some(g) if !g.load_balancer_arns.is_empty() => {
                g.load_balancer_arns.iter().any(ungrouped)
            }
            _ => load_balancers.len() == 1 && ungrouped(&load_balancers[0].load_balancer_arn),
        };
        if !behind {
            continue;
        }
        match group
            .and_then(|g| g.target_type.as_deref())
            .unwrap_or("instance")
        {
            "instance" => instances.push(h.target.id.clone()),
            "ip" => addresses.push(h.target.id.clone()),
            _ => {}
        }
    }
    for v in [&mut instances, &mut addresses] {
        v.sort();
        v.dedup();
    }
    (instances, addresses)
}

/// A method's private integration and what the snapshot holds of its VPC link and load
/// balancer.
pub struct PrivateIntegration<'a> {
    pub integration: &'a Integration,
    pub connection: Connection,
    pub link: Link<'a>,
    /// Where the integration URI sends the request.
    pub uri: Option<UriTarget>,
    /// The V2 integration's target as given: a load balancer's or a listener's ARN.
    pub target_arn: Option<&'a str>,
    /// The load balancer: the V2 integration's target's, else the V1 link's target.
    pub lb_arn: Option<String>,
    /// `None`: not in the snapshot (see `lb_collected`).
    pub load_balancer: Option<&'a LoadBalancer>,
    pub lb_collected: bool,
}

impl<'a> PrivateIntegration<'a> {
    /// The method's private integration, or `None` when it does not go through a VPC
    /// link.
    pub fn resolve(
        ix: &Index<'a>,
        integration: &'a Integration,
        stage: Option<&Stage>,
    ) -> Option<PrivateIntegration<'a>> {
        if !integration.is_vpc_link() {
            return None;
        }
        let connection = match integration.connection_id.as_deref().map(str::trim) {
            None | Some("") => Connection::Missing,
            Some(raw) => match stage_variable(raw) {
                Some(name) => Connection::StageVariable {
                    name: name.to_string(),
                    value: stage
                        .and_then(|s| s.variables.get(name))
                        .filter(|v| !v.is_empty())
                        .cloned(),
                },
                None => Connection::Literal(raw.to_string()),
            },
        };
        let link = match connection.link_id() {
            None => Link::Unnamed,
            Some(id) => find_link(ix, id),
        };
        let target_arn = integration
            .integration_target
            .as_deref()
            .filter(|t| !t.trim().is_empty());
        let lb_arn = match (&link, target_arn) {
            (Link::V1(l), _) => l.target_arns.first().cloned(),
            (_, Some(t)) => load_balancer_arn(t),
            _ => None,
        };
        let load_balancer = lb_arn
            .as_deref()
            .and_then(|arn| ix.load_balancers.get(arn).copied());
        Some(PrivateIntegration {
            integration,
            connection,
            link,
            uri: integration.uri.as_deref().and_then(UriTarget::parse),
            target_arn,
            lb_arn,
            load_balancer,
            lb_collected: Source::LoadBalancers.is_present(ix.scope),
        })
    }

    /// The link's id, when the connection names one.
    pub fn link_id(&self) -> Option<&str> {
        self.connection.link_id()
    }

    /// How the path picture and the table name the backend: the link, then the load
    /// balancer.
    pub fn describe(&self) -> String {
        let link = match (self.link, self.link_id()) {
            (Link::V1(l), _) => format!("VPC link {} (V1)", l.id),
            (Link::V2(l), _) => format!("VPC link {} (V2)", l.vpc_link_id),
            (_, Some(id)) => format!("VPC link {id}"),
            (_, None) => "VPC link (unnamed)".to_string(),
        };
        let lb = match (self.load_balancer, self.lb_arn.as_deref()) {
            (Some(lb), _) => {
                let kind = if lb.is_network() {
                    "NLB"
                } else if lb.is_application() {
                    "ALB"
                } else {
                    "load balancer"
                };
                format!("{kind} {}", lb.label())
            }
            (None, Some(arn)) => arn.rsplit('/').nth(1).unwrap_or(arn).to_string(),
            (None, None) => "no load balancer".to_string(),
        };
        format!("{link} → {lb}")
    }
}

/// The link of this id among V1's records, else V2's.
fn find_link<'a>(ix: &Index<'a>, id: &str) -> Link<'a> {
    if let Some(l) = ix.vpc_links.get(id) {
        return Link::V1(l);
    }
    if let Some(l) = ix.vpc_links_v2.get(id) {
        return Link::V2(l);
    }
    let scope: &Scope = ix.scope;
    for source in [Source::VpcLinks, Source::VpcLinksV2] {
        if !source.is_present(scope) {
            return Link::NotCollected(source);
        }
    }
    Link::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_audit_reads_every_link_a_stage_variable_takes_and_each_target_once() {
        let scope: Scope = serde_json::from_value(serde_json::json!({
            "region": "us-east-1",
            "Stages": [
                {"stageName": "prod", "restApiId": "a1", "variables": {"link": "vl-prod"}},
                {"stageName": "test", "restApiId": "a1", "variables": {"link": "vl-test"}},
                {"stageName": "prod", "restApiId": "other", "variables": {"link": "vl-other"}}
            ],
            "Resources": [{"id": "r1", "path": "/items", "restApiId": "a1", "resourceMethods": {
                "GET": {"httpMethod": "GET", "methodIntegration": {"type": "HTTP_PROXY",
                    "connectionType": "VPC_LINK", "connectionId": "${stageVariables.link}",
                    "integrationTarget": "arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/alb/0123/4567",
                    "uri": "http://alb.internal/items"}},
                "POST": {"httpMethod": "POST", "methodIntegration": {"type": "HTTP_PROXY",
                    "connectionType": "VPC_LINK", "connectionId": "vl-prod",
                    "integrationTarget": "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/alb/0123",
                    "uri": "http://alb.internal/items"}},
                "PUT": {"httpMethod": "PUT", "methodIntegration": {"type": "AWS_PROXY",
                    "uri": "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:f/invocations"}}
            }}]
        }))
        .unwrap();
        let (links, targets) = named_in(&scope).unwrap();
        let lambda_only: Scope = serde_json::from_value(serde_json::json!({
            "region": "us-east-1",
            "Resources": [{"id": "r1", "path": "/", "restApiId": "a1", "resourceMethods": {}}]
        }))
        .unwrap();
        assert_eq!(named_in(&lambda_only), None);
        assert_eq!(links, ["vl-prod", "vl-test"]);
        assert_eq!(
            targets,
            ["arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/alb/0123"]
        );
    }

    #[test]
    fn uris_give_their_port_by_scheme() {
        let u = UriTarget::parse("https://orders.internal.example.com/path").unwrap();
        assert_eq!(
            (u.host.as_str(), u.port),
            ("orders.internal.example.com", 443)
        );
        let u = UriTarget::parse("http://nlb-1.elb.us-east-1.amazonaws.com:8080/{proxy}").unwrap();
        assert_eq!(u.port, 8080);
        assert_eq!(UriTarget::parse("http://x").unwrap().port, 80);
        assert!(UriTarget::parse("arn:aws:apigateway:us-east-1:lambda:path/x").is_none());
        assert!(UriTarget::parse("ftp://x").is_none());
        assert!(UriTarget::parse("http://:99").is_none());
    }

    #[test]
    fn stage_variables_and_listener_arns() {
        assert_eq!(
            stage_variable("${stageVariables.vpcLinkId}"),
            Some("vpcLinkId")
        );
        assert_eq!(stage_variable("abc123"), None);
        assert_eq!(stage_variable("${stageVariables.}"), None);
        let lb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/orders/50dc6c495c0c9188";
        assert_eq!(load_balancer_arn(lb).as_deref(), Some(lb));
        assert_eq!(
            load_balancer_arn("arn:aws:elasticloadbalancing:us-east-1:111122223333:listener/app/orders/50dc6c495c0c9188/f2f7dc8efc522ab2").as_deref(),
            Some(lb)
        );
        assert_eq!(
            load_balancer_arn("arn:aws:lambda:us-east-1:1:function:f"),
            None
        );
    }
}
