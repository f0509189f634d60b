//! `backend-vpc-link`: a private integration reaches its load balancer and the load
//! balancer its targets: the VPC link (V1 or V2, named directly or by a stage variable)
//! exists and is available, the load balancer is active with a listener on the
//! integration URI's port and protocol, the listener's target groups have healthy
//! targets, and the security groups between the link, the load balancer and (for a
//! Network Load Balancer without groups) the targets let the request through.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::index::Index;
use crate::net::Cidr;
use crate::path::ResolvedPath;
use crate::sg::{self, Peer};
use crate::snapshot::{Listener, LoadBalancer, SecurityGroup, Source, TargetGroup};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use crate::vpc_link::{is_listener_arn, Connection, Link, PrivateIntegration, UriTarget};

pub static META: CheckMeta = CheckMeta {
    id: "backend-vpc-link",
    title: "The private integration reaches its load balancer and healthy targets",
    hop: Hop::Backend,
    severity: Severity::High,
    what: "For a method whose integration has `connectionType` `VPC_LINK`: resolves `connectionId` (a link id, or `${stageVariables.NAME}` on the path's stage) to a VPC link V2 (`apigatewayv2 get-vpc-link`) or V1 (`apigateway get-vpc-link`) and checks that it is `AVAILABLE` (V2 `INACTIVE` warns); that the load balancer (the V2 integration's `integrationTarget`, or the V1 link's Network Load Balancer) exists and is `active`, with a listener on the integration URI's port and a protocol that carries its scheme; that every target group the listener forwards to has a healthy target (`DescribeTargetHealth`); and that the security groups let the request through: a V2 link's groups out to the load balancer on the listener port, the load balancer's groups in from the link's subnets or groups, and — behind a Network Load Balancer without security groups — the targets' groups in from where the request comes from (the V2 link's subnets for instance targets, the load balancer's subnets for IP targets and for a V1 link, whose PrivateLink traffic always comes from the load balancer). A V1 link's Network Load Balancer with security groups must not evaluate PrivateLink traffic against them.",
    why: "API Gateway forwards the request through the link to the load balancer's listener, which forwards it to a healthy target: a missing or failed link, a load balancer that is not active, no listener on the port, no healthy target or a security group that drops the traffic all answer the client 500 (`Execution failed due to configuration error`) or 504, with nothing in the function logs — there is no function.",
    fix: "The finding names the command: `aws apigateway update-stage … op=replace,path=/variables/NAME,value=LINK` for a stage variable naming no link; `aws elbv2 create-listener` for a missing listener; `aws elbv2 describe-target-health` and the targets' health checks for unhealthy targets; `aws ec2 authorize-security-group-ingress|egress` for a blocked group; `aws elbv2 set-security-groups … --enforce-security-group-inbound-rules-on-private-link-traffic off` behind a V1 link.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-private-integration.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-links-v2.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/vpc-links-v1.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-nlb-for-vpclink-using-console.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-security-groups.html",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation",
        "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetHealth.html",
        "https://repost.aws/knowledge-center/api-gateway-500-error-vpc",
    ],
    needs: &[
        api(Source::Stages),
        api(Source::Resources),
        api(Source::VpcLinks),
        api(Source::VpcLinksV2),
        api(Source::LoadBalancers),
        api(Source::Listeners),
        api(Source::TargetGroups),
        api(Source::TargetHealthDescriptions),
        api(Source::SecurityGroups),
        api(Source::Subnets),
    ],
    symptoms: SYMPTOMS,
};

/// What this check explains (`privpath explain`): API Gateway's execution log and the
/// client's response when the link, the load balancer or its targets fail; a VPC link's
/// own status messages; CloudFormation and Terraform creating a link.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "vpc-link-status",
        evidence: Evidence::Code,
        seen_in: "API Gateway GetVpcLink statusMessage, CloudFormation, Terraform",
        patterns: &[
            &["nlb arn is malformed"],
            &["nlb is not in active state"],
            &["nlb is already associated with another vpc endpoint service"],
            &["failed to stabilize vpc link"],
            &["vpc link", "failed"],
            &["vpclink", "failed"],
            &["vpc link", "inactive"],
        ],
        meaning: "The VPC link is not AVAILABLE: a V1 link reaches only an active Network Load Balancer (an ALB's ARN is \"malformed\" to it), and a V2 link unused for 60 days turns INACTIVE and loses its network interfaces.",
        ..Symptom::BASE
    },
    Symptom {
        id: "network-error-communicating",
        evidence: Evidence::Code,
        seen_in: "the API's 500/502 response body, API Gateway execution log",
        patterns: &[
            &["network error communicating with endpoint"],
            &["there was an internal error while executing your request"],
        ],
        meaning: "API Gateway could not exchange the request with the load balancer behind the VPC link: no listener on the URI's port, no healthy target, or a security group between the link, the load balancer and the targets that drops the traffic.",
        ..Symptom::BASE
    },
    Symptom {
        id: "backend-certificate",
        evidence: Evidence::Code,
        seen_in: "API Gateway execution log",
        patterns: &[
            &["does not match the certificate subject provided by the peer"],
            &["pkix path building failed"],
            &["certificate subject"],
        ],
        meaning: "The integration URI's host name (https) does not match the certificate of the load balancer's listener (or its targets'): the URI must name a host the certificate covers.",
        ..Symptom::BASE
    },
    Symptom {
        id: "invalid-endpoint-address",
        evidence: Evidence::Code,
        seen_in: "API Gateway execution log",
        patterns: &[&["invalid endpoint address"]],
        meaning: "API Gateway could not resolve or reach the integration URI's host: a private integration must go through a VPC link (connectionType VPC_LINK) to a load balancer with a listener on the URI's port.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-request-timed-out",
        likelihood: Likelihood::Remote,
        seen_in: "the API's 504 response body",
        patterns: shared::ENDPOINT_REQUEST_TIMED_OUT,
        meaning: "Behind a VPC link, a security group that drops the request between the link, the load balancer and its targets makes the integration time out.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-vpc-link",
        evidence: Evidence::Hint,
        seen_in: "any text naming a VPC link or a load balancer",
        patterns: &[
            &["vpc link"],
            &["vpclink"],
            &["vpc_link"],
            &["connectionid"],
            &["elasticloadbalancing"],
            &["target group"],
            &["targethealth"],
            &["unhealthy"],
        ],
        meaning: "The text is about a private integration; this check reads its VPC link, load balancer, listeners, target health and security groups.",
        ..Symptom::BASE
    },
];

/// What the check found, as it goes: failures and warnings with their fixes, what it
/// could not see, and what held.
#[derive(Default)]
struct Verdict {
    fails: Vec<(String, String)>,
    warns: Vec<(String, String)>,
    unknown: Vec<String>,
    needs: Vec<&'static str>,
    fine: Vec<String>,
    resources: Vec<String>,
}

impl Verdict {
    fn fail(&mut self, text: String, fix: String) {
        self.fails.push((text, fix));
    }

    fn warn(&mut self, text: String, fix: String) {
        self.warns.push((text, fix));
    }

    fn unknown(&mut self, text: String, source: Source) {
        self.unknown.push(text);
        if !self.needs.contains(&source.iam_action()) {
            self.needs.push(source.iam_action());
        }
    }

    fn resource(&mut self, id: &str) {
        if !self.resources.iter().any(|r| r == id) {
            self.resources.push(id.to_string());
        }
    }

    fn finding(self, id: &'static str) -> Vec<Finding> {
        let join = |items: Vec<(String, String)>| {
            let (texts, fixes): (Vec<String>, Vec<String>) = items.into_iter().unzip();
            (
                super::common::dedup(texts).join("; "),
                super::common::dedup(fixes).join("\n"),
            )
        };
        let finding = if !self.fails.is_empty() {
            let (text, fix) = join(self.fails);
            Finding::fail(id, text).fix(fix)
        } else if !self.unknown.is_empty() {
            let mut f = Finding::unknown(id, self.unknown.join("; "));
            for n in self.needs {
                f = f.needs(n);
            }
            f
        } else if !self.warns.is_empty() {
            let (text, fix) = join(self.warns);
            Finding::warn(id, text).fix(fix)
        } else {
            Finding::pass(id, self.fine.join("; "))
        };
        vec![finding.resources(self.resources)]
    }
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let Some(pi) = p.backend.private.as_ref() else {
        return vec![Finding::skip(
            id,
            "the method's integration does not go through a VPC link (no private integration)",
        )];
    };
    let mut v = Verdict::default();
    v.resource(&p.api.id);
    let Some(link_id) = connection(p, pi, &mut v) else {
        return v.finding(id);
    };
    v.resource(link_id);
    if !judge_link(p, pi, link_id, &mut v) {
        return v.finding(id);
    }
    let Some(lb) = judge_load_balancer(pi, &mut v) else {
        return v.finding(id);
    };
    let ix = p.api_ix;
    let Some(listener) = judge_listener(ix, pi, lb, &mut v) else {
        return v.finding(id);
    };
    let groups = judge_targets(ix, lb, listener, &mut v);
    judge_groups(ix, pi, lb, listener, &groups, &mut v);
    v.finding(id)
}

/// The link id the request goes through, or `None` with the failure said.
fn connection<'p>(
    p: &ResolvedPath<'_>,
    pi: &'p PrivateIntegration<'_>,
    v: &mut Verdict,
) -> Option<&'p str> {
    let api = p.api.id.as_str();
    let method = method_args(p);
    match &pi.connection {
        Connection::Missing => {
            v.fail(
                format!("the {} integration is private (connectionType VPC_LINK) but names no VPC link (connectionId)", method_label(p)),
                format!("aws apigateway update-integration {method} --patch-operations op=replace,path=/connectionId,value=VPC_LINK_ID"),
            );
            None
        }
        Connection::StageVariable { name, value: None } => {
            match p.method.stage_name() {
                None => v.unknown(
                    format!("the integration names its VPC link by stage variable {name}, and there is no stage to resolve it on (see api-deployed)"),
                    Source::Stages,
                ),
                Some(stage) => v.fail(
                    format!("the integration's connectionId is ${{stageVariables.{name}}}, and stage {stage} has no variable {name}: API Gateway cannot tell which VPC link to use"),
                    format!("aws apigateway update-stage --rest-api-id {api} --stage-name {stage} --patch-operations op=replace,path=/variables/{name},value=VPC_LINK_ID"),
                ),
            }
            None
        }
        _ => pi.link_id(),
    }
}

/// `--rest-api-id API --resource-id R --http-method M` of the path's method.
fn method_args(p: &ResolvedPath<'_>) -> String {
    format!(
        "--rest-api-id {} --resource-id {} --http-method {}",
        p.api.id,
        p.method
            .resource
            .found()
            .map_or("RESOURCE_ID", |r| r.id.as_str()),
        p.method.http_method
    )
}

fn method_label(p: &ResolvedPath<'_>) -> String {
    format!(
        "{} {}",
        p.method.http_method,
        p.method.path().unwrap_or("(no resource)")
    )
}

/// How the request names its link, for a sentence: "stage variable X on stage S names"
/// or "the integration names".
fn named_by(p: &ResolvedPath<'_>, pi: &PrivateIntegration<'_>) -> String {
    match &pi.connection {
        Connection::StageVariable { name, .. } => format!(
            "stage variable {name} on stage {} names",
            p.method.stage_name().unwrap_or("?")
        ),
        _ => "the integration names".to_string(),
    }
}

/// Whether the link lets the request on to a load balancer (what is wrong is said).
fn judge_link(
    p: &ResolvedPath<'_>,
    pi: &PrivateIntegration<'_>,
    link_id: &str,
    v: &mut Verdict,
) -> bool {
    let api = p.api.id.as_str();
    match pi.link {
        Link::NotCollected(source) => {
            v.unknown(format!("VPC link {link_id} could not be looked up"), source);
            false
        }
        Link::Unnamed => false,
        Link::NotFound => {
            let fix = match &pi.connection {
                Connection::StageVariable { name, .. } => format!(
                    "aws apigateway update-stage --rest-api-id {api} --stage-name {} --patch-operations op=replace,path=/variables/{name},value=VPC_LINK_ID",
                    p.method.stage_name().unwrap_or("STAGE")
                ),
                _ => format!(
                    "aws apigateway update-integration {} --patch-operations op=replace,path=/connectionId,value=VPC_LINK_ID",
                    method_args(p)
                ),
            };
            v.fail(
                format!("{} VPC link {link_id}, which exists neither as a VPC link V2 nor V1 in this account and region: every request fails", named_by(p, pi)),
                format!("aws apigatewayv2 get-vpc-links --query 'Items[].[VpcLinkId,Name,VpcLinkStatus]'  # the links that exist (V1: aws apigateway get-vpc-links)\n{fix}"),
            );
            false
        }
        Link::V1(l) => {
            let status = l.status.as_deref().unwrap_or("unknown");
            if !status.eq_ignore_ascii_case("AVAILABLE") {
                v.fail(
                    format!(
                        "VPC link {link_id} (V1) is {status}{}: requests through it fail",
                        l.status_message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
                    ),
                    format!("aws apigateway get-vpc-link --vpc-link-id {link_id}  # a FAILED link is recreated: aws apigateway create-vpc-link --name NAME --target-arns NLB_ARN"),
                );
                return false;
            }
            if pi.lb_arn.is_none() {
                v.fail(
                    format!("VPC link {link_id} (V1) names no Network Load Balancer (targetArns is empty)"),
                    "aws apigateway create-vpc-link --name NAME --target-arns NLB_ARN".to_string(),
                );
                return false;
            }
            v.fine.push(format!("VPC link {link_id} (V1) is AVAILABLE"));
            true
        }
        Link::V2(l) => {
            let status = l.vpc_link_status.as_deref().unwrap_or("unknown");
            if status.eq_ignore_ascii_case("INACTIVE") {
                // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-vpc-links-v2.html
                v.warn(
                    format!("VPC link {link_id} (V2) is INACTIVE: unused for 60 days, it lost its network interfaces, and the first requests fail for the minutes API Gateway takes to recreate them"),
                    format!("aws apigatewayv2 get-vpc-link --vpc-link-id {link_id} --query VpcLinkStatus  # send a request to reactivate it, and wait for AVAILABLE"),
                );
            } else if !status.eq_ignore_ascii_case("AVAILABLE") {
                v.fail(
                    format!(
                        "VPC link {link_id} (V2) is {status}{}: requests through it fail",
                        l.vpc_link_status_message.as_deref().map(|m| format!(" ({m})")).unwrap_or_default()
                    ),
                    format!("aws apigatewayv2 get-vpc-link --vpc-link-id {link_id}  # V2 links are immutable: a FAILED one is recreated with aws apigatewayv2 create-vpc-link --name NAME --subnet-ids SUBNETS --security-group-ids GROUPS"),
                );
                return false;
            } else {
                v.fine.push(format!("VPC link {link_id} (V2) is AVAILABLE"));
            }
            if pi.target_arn.is_none() {
                v.fail(
                    format!("the {} integration goes through VPC link {link_id} (V2) but names no load balancer (integrationTarget)", method_label(p)),
                    format!("aws apigateway update-integration {} --patch-operations op=replace,path=/integrationTarget,value=LOAD_BALANCER_ARN", method_args(p)),
                );
                return false;
            }
            true
        }
    }
}

/// The load balancer when it exists and can carry the request (what is wrong is said).
fn judge_load_balancer<'a>(
    pi: &PrivateIntegration<'a>,
    v: &mut Verdict,
) -> Option<&'a LoadBalancer> {
    let arn = pi.lb_arn.as_deref()?;
    v.resource(arn);
    let Some(lb) = pi.load_balancer else {
        if !pi.lb_collected {
            v.unknown(
                format!("load balancer {arn} could not be looked up"),
                Source::LoadBalancers,
            );
        } else {
            v.fail(
                format!("{} {arn}, which does not exist", match pi.link {
                    Link::V1(_) => "the VPC link's target is load balancer",
                    _ => "the integration's target is load balancer",
                }),
                "aws elbv2 describe-load-balancers --query 'LoadBalancers[].[LoadBalancerName,LoadBalancerArn,Type]'".to_string(),
            );
        }
        return None;
    };
    if matches!(pi.link, Link::V1(_)) && !lb.is_network() {
        v.fail(
            format!("VPC link {} is a V1 link, which reaches only a Network Load Balancer, and {} is {} load balancer (AWS: \"NLB ARN is malformed\")", pi.link_id().unwrap_or("?"), lb.label(), lb.lb_type.as_deref().unwrap_or("another kind of")),
            "aws apigatewayv2 create-vpc-link --name NAME --subnet-ids SUBNETS --security-group-ids GROUPS  # a VPC link V2 reaches an ALB: name it in the integration's integrationTarget".to_string(),
        );
        return None;
    }
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_LoadBalancerState.html
    match lb.state_code() {
        "active" => {}
        "active_impaired" => v.warn(
            format!("load balancer {} is active_impaired: it routes, but not with all its capacity{}", lb.label(), reason(lb)),
            format!("aws elbv2 describe-load-balancers --load-balancer-arns {arn} --query 'LoadBalancers[0].State'"),
        ),
        state => {
            v.fail(
                format!("load balancer {} is {state}, not active{}: it routes nothing", lb.label(), reason(lb)),
                format!("aws elbv2 describe-load-balancers --load-balancer-arns {arn} --query 'LoadBalancers[0].State'  # wait for active"),
            );
            return None;
        }
    }
    Some(lb)
}

fn reason(lb: &LoadBalancer) -> String {
    lb.state
        .as_ref()
        .and_then(|s| s.reason.as_deref())
        .map(|r| format!(" ({r})"))
        .unwrap_or_default()
}

/// The listener the request reaches: the one the integration target names, else the
/// one on the URI's port (what is wrong is said).
fn judge_listener<'a>(
    ix: &Index<'a>,
    pi: &PrivateIntegration<'_>,
    lb: &LoadBalancer,
    v: &mut Verdict,
) -> Option<&'a Listener> {
    let arn = lb.load_balancer_arn.as_str();
    let Some(uri) = &pi.uri else {
        v.fail(
            format!("the integration URI ({}) names no http(s) host and port for the load balancer", pi.integration.uri.as_deref().unwrap_or("none")),
            "aws apigateway update-integration … --patch-operations op=replace,path=/uri,value=http://HOST:PORT/PATH".to_string(),
        );
        return None;
    };
    let listeners: &[&Listener] = ix.listeners_by_lb.get(arn).map_or(&[], Vec::as_slice);
    let named = pi.target_arn.filter(|t| is_listener_arn(t));
    let found = match named {
        Some(l) => listeners.iter().find(|x| x.listener_arn == l),
        None => listeners
            .iter()
            .find(|x| x.port == Some(i64::from(uri.port))),
    };
    let Some(listener) = found.copied() else {
        let have: Vec<String> = listeners
            .iter()
            .map(|l| {
                format!(
                    "{}/{}",
                    l.port.unwrap_or(0),
                    l.protocol.as_deref().unwrap_or("?")
                )
            })
            .collect();
        let protocol = listener_protocol(lb, uri);
        match named {
            Some(l) => v.fail(
                format!("the integration's target is listener {l}, which {} does not have (its listeners: {})", lb.label(), none_or(have)),
                format!("aws elbv2 describe-listeners --load-balancer-arn {arn}"),
            ),
            None => v.fail(
                format!("{} has no listener on port {} (the integration URI's; its listeners: {}): the request is refused", lb.label(), uri.port, none_or(have)),
                format!("aws elbv2 create-listener --load-balancer-arn {arn} --protocol {protocol} --port {} --default-actions Type=forward,TargetGroupArn=TARGET_GROUP_ARN", uri.port),
            ),
        }
        return None;
    };
    v.resource(&listener.listener_arn);
    let proto = listener
        .protocol
        .as_deref()
        .unwrap_or("")
        .to_ascii_uppercase();
    if let Some(why) = protocol_mismatch(lb, uri, &proto) {
        v.fail(
            format!("{}'s listener on port {} is {proto}, and the integration URI is {}://: {why}", lb.label(), uri.port, uri.scheme),
            format!("aws apigateway update-integration … --patch-operations op=replace,path=/uri,value={}://{}:{}/  # or a {} listener on the load balancer", if uri.is_https() { "http" } else { "https" }, uri.host, uri.port, listener_protocol(lb, uri)),
        );
        return None;
    }
    v.fine.push(format!(
        "{} {} ({}) listens on {}/{proto}",
        if lb.is_network() { "NLB" } else { "ALB" },
        lb.label(),
        lb.state_code(),
        uri.port
    ));
    Some(listener)
}

fn none_or(items: Vec<String>) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// The listener protocol that carries the URI's scheme on this kind of load balancer.
fn listener_protocol(lb: &LoadBalancer, uri: &UriTarget) -> &'static str {
    match (lb.is_network(), uri.is_https()) {
        (true, _) => "TCP",
        (false, true) => "HTTPS",
        (false, false) => "HTTP",
    }
}

/// Why the listener's protocol cannot carry the URI's scheme, when it cannot: an ALB
/// speaks HTTP or HTTPS as its listener says; an NLB passes TCP through (any scheme),
/// and a TLS listener expects TLS.
fn protocol_mismatch(lb: &LoadBalancer, uri: &UriTarget, proto: &str) -> Option<&'static str> {
    if lb.is_network() {
        return (proto == "TLS" && !uri.is_https())
            .then_some("a TLS listener expects TLS, and API Gateway sends plain HTTP");
    }
    match (proto, uri.is_https()) {
        ("HTTP", true) => Some("API Gateway starts TLS with a listener that speaks plain HTTP"),
        ("HTTPS", false) => Some("API Gateway sends plain HTTP to a listener that expects TLS"),
        _ => None,
    }
}

/// A target the listener forwards to, with the group it is in.
struct Target<'a> {
    group: &'a TargetGroup,
    id: &'a str,
    port: u16,
}

/// The listener's target groups and their health; returns the targets, for the
/// security groups that admit traffic to them.
fn judge_targets<'a>(
    ix: &Index<'a>,
    lb: &LoadBalancer,
    listener: &Listener,
    v: &mut Verdict,
) -> Vec<Target<'a>> {
    let mut targets = Vec::new();
    let forwards = listener.forwards_to();
    if forwards.is_empty() {
        let kinds: Vec<&str> = listener
            .default_actions
            .iter()
            .map(|a| a.action_type.as_str())
            .collect();
        v.warn(
            format!("the listener on port {} of {} forwards to no target group by default (its default action: {}); privpath judges only what a default forward reaches", listener.port.unwrap_or(0), lb.label(), none_or(kinds.iter().map(|k| k.to_string()).collect())),
            format!("aws elbv2 describe-rules --listener-arn {}", listener.listener_arn),
        );
        return targets;
    }
    for arn in forwards {
        v.resource(arn);
        let Some(tg) = ix.target_groups.get(arn).copied() else {
            v.unknown(
                format!("target group {arn} is not in the snapshot"),
                Source::TargetGroups,
            );
            continue;
        };
        let health: &[_] = ix.target_health_by_tg.get(arn).map_or(&[], Vec::as_slice);
        let healthy = health.iter().filter(|h| h.is_healthy()).count();
        let states: Vec<String> = health
            .iter()
            .filter(|h| !h.is_healthy())
            .map(|h| {
                let why = h
                    .target_health
                    .as_ref()
                    .and_then(|t| t.reason.as_deref())
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default();
                format!("{} {}{why}", h.target.id, h.state())
            })
            .collect();
        let describe = format!("aws elbv2 describe-target-health --target-group-arn {arn}");
        if health.is_empty() {
            v.fail(
                format!("target group {} has no registered target: the load balancer has nowhere to send the request", tg.label()),
                format!("aws elbv2 register-targets --target-group-arn {arn} --targets Id=TARGET_ID,Port={}", tg.port.unwrap_or(80)),
            );
        } else if healthy == 0 {
            v.fail(
                format!("target group {} has no healthy target ({}): the load balancer has nowhere to send the request", tg.label(), states.join(", ")),
                format!("{describe}  # Target.Timeout / Target.FailedHealthChecks: the targets' security groups must admit the health checks from the load balancer, and the service must answer on its health check port and path"),
            );
        } else if !states.is_empty() {
            v.warn(
                format!(
                    "target group {} has {healthy} healthy target(s) of {} ({})",
                    tg.label(),
                    health.len(),
                    states.join(", ")
                ),
                describe,
            );
        } else {
            v.fine.push(format!(
                "target group {}: {healthy}/{} healthy",
                tg.label(),
                health.len()
            ));
        }
        let default_port = tg.port.and_then(|p| u16::try_from(p).ok()).unwrap_or(80);
        for h in health {
            targets.push(Target {
                group: tg,
                id: h.target.id.as_str(),
                port: h
                    .target
                    .port
                    .and_then(|p| u16::try_from(p).ok())
                    .unwrap_or(default_port),
            });
        }
    }
    targets
}

/// Security groups by id from the scope, with the ids it lacks.
fn groups_of<'a>(
    ix: &Index<'a>,
    ids: &[&str],
    v: &mut Verdict,
    whose: &str,
) -> Option<Vec<&'a SecurityGroup>> {
    let mut out = Vec::new();
    for g in ids {
        match ix.security_groups.get(g) {
            Some(sg) => out.push(*sg),
            None => {
                v.unknown(
                    format!("security group {g} of {whose} is not in the snapshot"),
                    Source::SecurityGroups,
                );
                return None;
            }
        }
    }
    Some(out)
}

/// Subnets' (id, CIDR) from the scope.
fn cidrs_of(
    ix: &Index<'_>,
    ids: &[&str],
    v: &mut Verdict,
    whose: &str,
) -> Option<Vec<(String, Cidr)>> {
    let mut out = Vec::new();
    for s in ids {
        match ix
            .subnets
            .get(s)
            .and_then(|x| x.cidr_block.as_deref())
            .and_then(Cidr::parse)
        {
            Some(c) => out.push((s.to_string(), c)),
            None => {
                v.unknown(
                    format!("subnet {s} of {whose} is not in the snapshot"),
                    Source::Subnets,
                );
                return None;
            }
        }
    }
    Some(out)
}

/// The security groups between the link, the load balancer and its targets.
fn judge_groups(
    ix: &Index<'_>,
    pi: &PrivateIntegration<'_>,
    lb: &LoadBalancer,
    listener: &Listener,
    targets: &[Target<'_>],
    v: &mut Verdict,
) {
    let Some(port) = listener.port.and_then(|p| u16::try_from(p).ok()) else {
        return;
    };
    let lb_group_ids: Vec<&str> = lb.security_groups.iter().map(String::as_str).collect();
    let lb_subnet_ids = lb.subnet_ids();
    let whose_lb = format!("load balancer {}", lb.label());
    let Some(lb_groups) = groups_of(ix, &lb_group_ids, v, &whose_lb) else {
        return;
    };
    let Some(lb_cidrs) = cidrs_of(ix, &lb_subnet_ids, v, &whose_lb) else {
        return;
    };
    let arn = lb.load_balancer_arn.as_str();
    match pi.link {
        Link::V2(link) => {
            let link_group_ids: Vec<&str> =
                link.security_group_ids.iter().map(String::as_str).collect();
            let link_subnet_ids: Vec<&str> = link.subnet_ids.iter().map(String::as_str).collect();
            let whose = format!("VPC link {}", link.vpc_link_id);
            let Some(link_groups) = groups_of(ix, &link_group_ids, v, &whose) else {
                return;
            };
            let Some(link_cidrs) = cidrs_of(ix, &link_subnet_ids, v, &whose) else {
                return;
            };
            for g in &link_group_ids {
                v.resource(g);
            }
            let first_link = link_group_ids.first().copied().unwrap_or("LINK_SG");
            let mut blocked = false;
            for (sid, cidr) in &lb_cidrs {
                if !sg::egress_to(&link_groups, port, *cidr, &Peer::local(&lb_group_ids))
                    .is_admitted()
                {
                    blocked = true;
                    let to = match lb_group_ids.first() {
                        Some(g) => format!("UserIdGroupPairs=[{{GroupId={g}}}]"),
                        None => format!("IpRanges=[{{CidrIp={cidr}}}]"),
                    };
                    v.fail(
                        format!("the VPC link's groups {} allow no tcp/{port} out to {} in {sid} ({cidr})", link_group_ids.join(", "), lb.label()),
                        format!("aws ec2 authorize-security-group-egress --group-id {first_link} --ip-permissions 'IpProtocol=tcp,FromPort={port},ToPort={port},{to}'"),
                    );
                }
            }
            if !lb_groups.is_empty() {
                for g in &lb_group_ids {
                    v.resource(g);
                }
                let first_lb = lb_group_ids[0];
                for (sid, cidr) in &link_cidrs {
                    if !sg::ingress_from_range(
                        &lb_groups,
                        port,
                        *cidr,
                        &Peer::local(&link_group_ids),
                    )
                    .is_admitted()
                    {
                        blocked = true;
                        v.fail(
                            format!("{}'s groups {} admit no tcp/{port} from the VPC link's subnet {sid} ({cidr}) or groups {}", lb.label(), lb_group_ids.join(", "), link_group_ids.join(", ")),
                            format!("aws ec2 authorize-security-group-ingress --group-id {first_lb} --protocol tcp --port {port} --source-group {first_link}"),
                        );
                    }
                }
            }
            if !blocked {
                v.fine.push(format!(
                    "groups admit tcp/{port} from the VPC link to the load balancer"
                ));
            }
            if lb.is_network() && lb_groups.is_empty() {
                // https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-target-groups.html#client-ip-preservation
                // Instance targets see the caller (the link's interfaces): client IP
                // preservation is on for them by default; IP targets (TCP/TLS) see the
                // load balancer.
                let instance = Sources {
                    subnets: &link_cidrs,
                    what: "the VPC link's subnets (instance targets see the caller: client IP preservation)",
                };
                let ip = Sources {
                    subnets: &lb_cidrs,
                    what: "the load balancer's subnets",
                };
                judge_targets_groups(ix, lb, targets, instance, ip, v);
            }
        }
        Link::V1(_) => {
            if !lb_groups.is_empty() {
                let enforced = lb
                    .enforce_security_group_inbound_rules_on_private_link_traffic
                    .as_deref()
                    .is_none_or(|e| e.eq_ignore_ascii_case("on"));
                // https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-nlb-for-vpclink-using-console.html
                if enforced {
                    v.fail(
                        format!("{} evaluates the inbound rules of its groups {} on PrivateLink traffic (EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic on, the default): requests through VPC link V1 come from API Gateway's addresses, which no rule may depend on", lb.label(), lb_group_ids.join(", ")),
                        format!("aws elbv2 set-security-groups --load-balancer-arn {arn} --security-groups {} --enforce-security-group-inbound-rules-on-private-link-traffic off", lb_group_ids.join(" ")),
                    );
                } else {
                    v.fine.push(format!(
                        "{} does not evaluate its groups on PrivateLink traffic",
                        lb.label()
                    ));
                }
            } else {
                // PrivateLink traffic always comes from the load balancer's own
                // addresses, whatever client IP preservation says.
                let from = || Sources {
                    subnets: &lb_cidrs,
                    what:
                        "the load balancer's subnets (PrivateLink traffic comes from its addresses)",
                };
                judge_targets_groups(ix, lb, targets, from(), from(), v);
            }
        }
        _ => {}
    }
}

/// Where a request reaching a target comes from, and how a finding says it.
struct Sources<'s> {
    subnets: &'s [(String, Cidr)],
    what: &'static str,
}

/// Behind a Network Load Balancer without security groups the targets' own groups
/// filter the request: instance targets must admit `instance`, IP targets `ip`, on the
/// target port. Targets with the same groups and port are judged (and said) together.
fn judge_targets_groups(
    ix: &Index<'_>,
    lb: &LoadBalancer,
    targets: &[Target<'_>],
    instance: Sources<'_>,
    ip: Sources<'_>,
    v: &mut Verdict,
) {
    if targets.is_empty() {
        return;
    }
    if !Source::NetworkInterfaces.is_present(ix.scope) {
        v.unknown(
            format!("{} has no security groups, so its targets' groups decide, and the targets' network interfaces are not in the snapshot", lb.label()),
            Source::NetworkInterfaces,
        );
        return;
    }
    // (groups, port, kind) → the targets that share them.
    let mut alike: Vec<(Vec<&str>, u16, bool, Vec<&str>)> = Vec::new();
    for t in targets {
        let kind = t.group.target_type.as_deref().unwrap_or("instance");
        let enis = match kind {
            "instance" => {
                let all = ix.enis_by_instance.get(t.id).map_or(&[][..], Vec::as_slice);
                let primary: Vec<_> = all
                    .iter()
                    .copied()
                    .filter(|e| e.attachment.as_ref().and_then(|a| a.device_index) == Some(0))
                    .collect();
                if primary.is_empty() {
                    all.to_vec()
                } else {
                    primary
                }
            }
            "ip" => ix.enis_by_address.get(t.id).copied().into_iter().collect(),
            _ => continue,
        };
        if enis.is_empty() {
            v.unknown(
                format!(
                    "the network interface of target {} is not in the snapshot",
                    t.id
                ),
                Source::NetworkInterfaces,
            );
            continue;
        }
        let mut ids: Vec<&str> = enis
            .iter()
            .flat_map(|e| e.groups.iter().map(|g| g.group_id.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let is_ip = kind == "ip";
        match alike
            .iter_mut()
            .find(|(g, p, k, _)| *g == ids && *p == t.port && *k == is_ip)
        {
            Some((_, _, _, ts)) => ts.push(t.id),
            None => alike.push((ids, t.port, is_ip, vec![t.id])),
        }
    }
    let mut blocked_any = false;
    for (ids, port, is_ip, ts) in alike {
        let whose = format!("target {}", ts[0]);
        let Some(groups) = groups_of(ix, &ids, v, &whose) else {
            continue;
        };
        for g in &ids {
            v.resource(g);
        }
        let from = if is_ip { &ip } else { &instance };
        // Only address rules: a reference to the caller's group does not describe
        // traffic that reaches the target through the load balancer.
        let blocked: Vec<&(String, Cidr)> = from
            .subnets
            .iter()
            .filter(|(_, cidr)| {
                !sg::ingress_from_range(&groups, port, *cidr, &Peer::default()).is_admitted()
            })
            .collect();
        if blocked.is_empty() {
            continue;
        }
        blocked_any = true;
        let first = ids.first().copied().unwrap_or("TARGET_SG");
        v.fail(
            format!(
                "{} has no security groups, so the groups of target{} {} ({}) decide, and they admit no tcp/{port} from {}: {}",
                lb.label(),
                if ts.len() > 1 { "s" } else { "" },
                ts.join(", "),
                ids.join(", "),
                from.what,
                blocked.iter().map(|(sid, c)| format!("{sid} ({c})")).collect::<Vec<_>>().join(", ")
            ),
            blocked
                .iter()
                .map(|(_, c)| format!("aws ec2 authorize-security-group-ingress --group-id {first} --protocol tcp --port {port} --cidr {c}"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
    }
    if !blocked_any {
        v.fine
            .push("the targets' groups admit the traffic the load balancer passes on".to_string());
    }
}
