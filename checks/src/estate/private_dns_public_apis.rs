//! `estate-private-dns-public-apis`: an execute-api endpoint with private DNS on, in a
//! VPC whose instances also reach the internet — and so, presumably, public APIs.

use super::paths::Estate;
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::routes::internet_route;

pub static META: CheckMeta = CheckMeta {
    id: "estate-private-dns-public-apis",
    title: "Private DNS for execute-api does not capture a VPC's public API calls",
    hop: Hop::Estate,
    severity: Severity::Medium,
    what: "Finds execute-api interface endpoints with private DNS enabled in a VPC where an instance's subnet routes 0.0.0.0/0 to an internet or NAT gateway, i.e. where instances also call the internet.",
    why: "With private DNS on, every `*.execute-api.REGION.amazonaws.com` name in the VPC resolves to the endpoint, including public (EDGE and REGIONAL) APIs — of this account or any other. Those calls then reach the endpoint and fail with 403 Forbidden, a failure far from its cause.",
    fix: "Turn private DNS off on the endpoint and call private APIs by their `{api-id}-{vpce-id}` alias (associate the endpoint with each API), or put the clients of public APIs in another VPC: `aws ec2 modify-vpc-endpoint --vpc-endpoint-id VPCE --no-private-dns-enabled`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html",
        "https://repost.aws/knowledge-center/api-gateway-vpc-connections",
    ],
    needs: &[],
    symptoms: &[],
};

pub fn run(e: &Estate<'_, '_>) -> Vec<Finding> {
    let id = META.id;
    let mut out = Vec::new();
    for ix in &e.ix.scopes {
        let service = crate::path::execute_api_service(&ix.scope.region);
        let mut endpoints: Vec<_> = ix
            .endpoints
            .values()
            .filter(|ep| ep.service_name == service && ep.private_dns_enabled == Some(true))
            .collect();
        endpoints.sort_by(|a, b| a.vpc_endpoint_id.cmp(&b.vpc_endpoint_id));
        for ep in endpoints {
            let instances = ix
                .instances_by_vpc
                .get(ep.vpc_id.as_str())
                .map_or(&[][..], Vec::as_slice);
            let online: Vec<(&str, String)> = instances
                .iter()
                .filter_map(|i| {
                    let subnet = i.subnet_id.as_deref()?;
                    let (table, _) = ix.effective_route_table(subnet, &ep.vpc_id)?;
                    internet_route(table).map(|gw| (i.instance_id.as_str(), gw))
                })
                .collect();
            let Some((first, gw)) = online.first() else {
                continue;
            };
            out.push(
                Finding::warn(id, format!("{} has private DNS on in {} ({}), where {} instance(s) reach the internet (e.g. {first} through {gw}): their calls to public APIs at *.execute-api.{}.amazonaws.com resolve to the endpoint and get 403 Forbidden", ep.vpc_endpoint_id, ep.vpc_id, ix.scope.label(), online.len(), ix.scope.region))
                    .resources([ep.vpc_endpoint_id.as_str(), ep.vpc_id.as_str()])
                    .fix(format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --no-private-dns-enabled --region {}", ep.vpc_endpoint_id, ix.scope.region)),
            );
        }
    }
    if out.is_empty() {
        out.push(Finding::pass(id, "no execute-api endpoint with private DNS on shares a VPC with instances that reach the internet"));
    }
    out
}
