//! `dns-resolution`: the client can resolve a name that reaches the endpoint, and which
//! URL (and curl command) it should use.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{EndpointHop, EndpointLink, ResolvedPath};
use crate::snapshot::{Source, VpcAttribute};

pub static META: CheckMeta = CheckMeta {
    id: "dns-resolution",
    title: "The client resolves a name that reaches the endpoint",
    hop: Hop::ClientNetwork,
    severity: Severity::High,
    what: "Decides which URL the client can use and prints the curl command. From a peered VPC the endpoint's private DNS name does not resolve; the `{api-id}-{vpce-id}.execute-api.REGION.amazonaws.com` alias (public DNS, needs the endpoint associated with the API) or the endpoint's own DNS name with an `x-apigw-api-id` header does. Checks both VPCs' `enableDnsSupport`/`enableDnsHostnames`, and warns when private DNS on the execute-api endpoint of another VPC buys the client nothing while capturing every `*.execute-api` name in that VPC.",
    why: "`https://{api-id}.execute-api.REGION.amazonaws.com` resolves to the endpoint only inside the endpoint's VPC (private DNS). From the peered client VPC it resolves to public addresses, and the call times out or gets 403 Forbidden. Without DNS support in the client VPC no name resolves at all (`Could not resolve host`).",
    fix: "Call the alias `https://{api-id}-{vpce-id}.execute-api.REGION.amazonaws.com/STAGE/PATH` (associate the endpoint with the API first) or the endpoint DNS name with `-H 'x-apigw-api-id: API_ID'`; turn DNS support on with `aws ec2 modify-vpc-attribute --vpc-id VPC --enable-dns-support '{\"Value\":true}'`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support",
        "https://repost.aws/knowledge-center/api-gateway-vpc-connections",
    ],
    needs: &[endpoint(Source::VpcEndpoints), client(Source::Instances), client(Source::VpcAttributes), endpoint(Source::VpcAttributes)],
};

/// The request the client should send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingRequest {
    pub url: String,
    /// Extra headers besides the API key (the API id when calling the endpoint name).
    pub headers: Vec<String>,
    pub curl: String,
    /// How the name reaches the endpoint.
    pub how: String,
}

fn dns_on(attr: Option<&VpcAttribute>) -> (Option<bool>, Option<bool>) {
    (
        attr.and_then(|a| a.enable_dns_support.as_ref())
            .map(|b| b.value),
        attr.and_then(|a| a.enable_dns_hostnames.as_ref())
            .map(|b| b.value),
    )
}

/// The endpoint's regional DNS name (the first entry; zonal names carry the AZ).
fn endpoint_dns_name<'a>(ep: &EndpointHop<'a>) -> Option<&'a str> {
    ep.endpoint
        .dns_entries
        .iter()
        .map(|d| d.dns_name.as_str())
        .find(|n| {
            n.split('.')
                .next()
                .is_some_and(|label| label.matches('-').count() <= 2)
        })
        .or_else(|| ep.endpoint.dns_entries.first().map(|d| d.dns_name.as_str()))
}

/// The URL and curl command that reach the API from the client, by the rules of
/// DNS for interface endpoints: private DNS inside the endpoint's VPC, the alias or
/// the endpoint's own name from anywhere that can route to it.
pub fn working_request(p: &ResolvedPath<'_>) -> Option<WorkingRequest> {
    let ep = p.endpoint.as_ref()?;
    let api = &p.api.id;
    let region = p.region;
    let stage = p.method.stage_name().unwrap_or("STAGE");
    let path = p.method.path().unwrap_or("/PATH");
    let suffix = format!("/{stage}{}", if path == "/" { "" } else { path });
    let associated = p.endpoint_links().contains(&EndpointLink::Associated);
    // Through a custom domain the mapping picks the API and stage: the URL carries the
    // base path instead (and the stage only when the mapping names none).
    let domain = p.domain.as_ref().map(|d| {
        let base = d.url_base_path();
        let stage_part = match d.mapping {
            Some(m) if m.stage.is_none() => format!("/{stage}"),
            _ => String::new(),
        };
        let base_part = if base.is_empty() {
            String::new()
        } else {
            format!("/{base}")
        };
        let rest = if path == "/" && !(base_part.is_empty() && stage_part.is_empty()) {
            ""
        } else {
            path
        };
        (
            format!("https://{}{base_part}{stage_part}{rest}", d.name),
            Vec::new(),
            format!(
                "the custom domain name {}, which a private hosted zone of the client VPC resolves to {} (see domain-dns)",
                d.name,
                ep.id()
            ),
        )
    });
    let private_dns_usable = p.same_vpc()
        && ep.endpoint.private_dns_enabled == Some(true)
        && dns_on(ep.ix.vpc_attribute(ep.vpc_id())) == (Some(true), Some(true));
    let (url, headers, how) = if let Some(through_domain) = domain {
        through_domain
    } else if private_dns_usable {
        (
            format!("https://{api}.execute-api.{region}.amazonaws.com{suffix}"),
            Vec::new(),
            format!("private DNS of {} in the client's own VPC", ep.id()),
        )
    } else if associated {
        (
            format!("https://{api}-{}.execute-api.{region}.amazonaws.com{suffix}", ep.id()),
            Vec::new(),
            format!(
                "the alias of {} for {api}, a public DNS name that resolves to the endpoint's private addresses",
                ep.id()
            ),
        )
    } else {
        let name = endpoint_dns_name(ep)?;
        (
            format!("https://{name}{suffix}"),
            vec![format!("x-apigw-api-id: {api}")],
            format!("the DNS name of {} with the API id in a header; the endpoint is not associated with {api}, so the alias does not exist", ep.id()),
        )
    };
    let key_required = p.method.method().is_none_or(|m| m.api_key_required);
    let mut curl = format!("curl -sS -X {} '{url}'", p.method.http_method);
    for h in &headers {
        curl.push_str(&format!(" -H '{h}'"));
    }
    if key_required {
        // The key value is never collected: the operator supplies it.
        curl.push_str(" -H \"x-api-key: $API_KEY\"");
    }
    if matches!(p.method.http_method.as_str(), "POST" | "PUT" | "PATCH") {
        curl.push_str(" -H 'Content-Type: application/json' -d '{}'");
    }
    Some(WorkingRequest {
        url,
        headers,
        curl,
        how,
    })
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let client_vpc = match super::common::client_vpc_or_unknown(id, p) {
        Ok(vpc) => vpc,
        Err(unknown) => return unknown,
    };
    let mut resources = vec![
        client_vpc.to_string(),
        ep.vpc_id().to_string(),
        ep.id().to_string(),
    ];
    resources.dedup();
    let Some(client_attr) = p.client_ix.vpc_attribute(client_vpc) else {
        return vec![Finding::unknown(
            id,
            format!("the DNS attributes of {client_vpc} are not in the snapshot"),
        )
        .resources(resources)
        .needs(Source::VpcAttributes.iam_action())];
    };
    let (support, _) = dns_on(Some(client_attr));
    if support == Some(false) {
        return vec![Finding::fail(id, format!("{client_vpc} has DNS resolution (enableDnsSupport) off: {} cannot resolve any execute-api name through the Amazon DNS server, and curl fails with \"Could not resolve host\" (unless its DHCP options name another resolver)", p.client.id()))
            .resources(resources)
            .fix(format!("aws ec2 modify-vpc-attribute --vpc-id {client_vpc} --enable-dns-support '{{\"Value\":true}}'"))];
    }
    let Some(request) = working_request(p) else {
        return vec![Finding::unknown(id, format!("{} is not associated with {} and has no DNS name in the snapshot, so no name reaching it is known", ep.id(), p.api.id))
            .resources(resources)
            .needs(Source::VpcEndpoints.iam_action())];
    };
    let private_name = format!("{}.execute-api.{}.amazonaws.com", p.api.id, p.region);
    if !p.same_vpc() && ep.endpoint.private_dns_enabled == Some(true) {
        let (ep_support, ep_hostnames) = dns_on(ep.ix.vpc_attribute(ep.vpc_id()));
        let attrs = if ep_support == Some(false) || ep_hostnames == Some(false) {
            format!(" ({} lacks enableDnsSupport/enableDnsHostnames, so private DNS does not even work there)", ep.vpc_id())
        } else {
            String::new()
        };
        return vec![Finding::warn(id, format!("private DNS is on for {} in {}: it does not make {private_name} resolve from the client VPC {client_vpc}, and it sends every *.execute-api.{}.amazonaws.com name in {} to the endpoint, so calls from there to public or regional APIs fail{attrs}. From {} use {}", ep.id(), ep.vpc_id(), p.region, ep.vpc_id(), p.client.id(), request.url))
            .resources(resources)
            .fix(format!("{}\n# only if nothing in {} relies on private DNS for private APIs:\naws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --no-private-dns-enabled", request.curl, ep.vpc_id(), ep.id()))];
    }
    if p.same_vpc()
        && ep.endpoint.private_dns_enabled == Some(true)
        && !request.url.contains(&private_name)
    {
        return vec![Finding::warn(id, format!("private DNS is on for {} but {} lacks enableDnsSupport or enableDnsHostnames, so {private_name} does not resolve to it; use {}", ep.id(), ep.vpc_id(), request.url))
            .resources(resources)
            .fix(format!("aws ec2 modify-vpc-attribute --vpc-id {} --enable-dns-hostnames '{{\"Value\":true}}'\n{}", ep.vpc_id(), request.curl))];
    }
    let not_private = if p.same_vpc() {
        String::new()
    } else {
        format!(" ({private_name} would not reach it from the peered VPC)")
    };
    vec![Finding::pass(
        id,
        format!(
            "{} can call {} through {}{not_private}",
            p.client.id(),
            request.url,
            request.how
        ),
    )
    .resources(resources)]
}
