//! The request a client sends to reach the API: its URL, headers and curl line, by the
//! rules of DNS for interface endpoints (private DNS inside the endpoint's VPC, the
//! `{api-id}-{vpce-id}` alias or the endpoint's own name from anywhere that routes to
//! it, or a private custom domain name). `dns-resolution` judges the names, and
//! `api-access-mode` whether the API's endpoint access mode admits the form; the reports
//! print [`working_request`]. A module of its own so that those checks share it without
//! importing each other.

use crate::access_mode::{self, CallForm};
use crate::path::{EndpointHop, EndpointLink, ResolvedPath};
use crate::snapshot::VpcAttribute;

/// The request the client should send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkingRequest {
    pub url: String,
    /// Extra headers besides the API key (the API id when calling the endpoint name).
    pub headers: Vec<String>,
    pub curl: String,
    /// How the name reaches the endpoint.
    pub how: String,
    /// Which kind of name it is (the API's endpoint access mode admits some only).
    pub form: CallForm,
}

pub(crate) fn dns_on(attr: Option<&VpcAttribute>) -> (Option<bool>, Option<bool>) {
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

/// The request privpath prints: [`reachable_request`], unless the API's endpoint access
/// mode refuses it (STRICT with an enhanced security policy refuses the alias and the
/// endpoint's name; api-access-mode says so and how to fix it). A line that would not
/// work is never printed.
pub fn working_request(p: &ResolvedPath<'_>) -> Option<WorkingRequest> {
    reachable_request(p).filter(|r| !access_mode::refuses(p, r.form))
}

/// The URL and curl command that reach the API from the client, by the rules of
/// DNS for interface endpoints: private DNS inside the endpoint's VPC, the alias or
/// the endpoint's own name from anywhere that can route to it.
pub fn reachable_request(p: &ResolvedPath<'_>) -> Option<WorkingRequest> {
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
            CallForm::CustomDomain,
        )
    });
    let private_dns_usable = p.same_vpc()
        && ep.endpoint.private_dns_enabled == Some(true)
        && dns_on(ep.ix.vpc_attribute(ep.vpc_id())) == (Some(true), Some(true));
    let (url, headers, how, form) = if let Some(through_domain) = domain {
        through_domain
    } else if private_dns_usable {
        (
            format!("https://{api}.execute-api.{region}.amazonaws.com{suffix}"),
            Vec::new(),
            format!("private DNS of {} in the client's own VPC", ep.id()),
            CallForm::PrivateDns,
        )
    } else if associated {
        (
            format!("https://{api}-{}.execute-api.{region}.amazonaws.com{suffix}", ep.id()),
            Vec::new(),
            format!(
                "the alias of {} for {api}, a public DNS name that resolves to the endpoint's private addresses",
                ep.id()
            ),
            CallForm::Alias,
        )
    } else {
        let name = endpoint_dns_name(ep)?;
        (
            format!("https://{name}{suffix}"),
            vec![format!("x-apigw-api-id: {api}")],
            format!("the DNS name of {} with the API id in a header; the endpoint is not associated with {api}, so the alias does not exist", ep.id()),
            CallForm::EndpointName,
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
        form,
    })
}
