//! `dns-resolution`: the client can resolve a name that reaches the endpoint, and which
//! URL (and curl command) it should use.

use crate::access_mode;
use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::request::dns_on;
use crate::request::reachable_request;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

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
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): names that do not resolve, or
/// resolve to something that is not the endpoint serving this API.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "could-not-resolve",
        evidence: Evidence::Code,
        seen_in: "curl (exit 6), an SDK, dig or nslookup on the client",
        patterns: shared::COULD_NOT_RESOLVE,
        unless: &["-<vpce>.execute-api"],
        meaning: "The client's resolver has no answer for the name: private DNS names of an execute-api endpoint resolve only inside the endpoint's VPC, so a peered client needs the {api-id}-{vpce-id} alias or the endpoint's DNS name; the client VPC also needs DNS support.",
        ..Symptom::BASE
    },
    Symptom {
        id: "alias-does-not-resolve",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 6), dig or nslookup on the client",
        patterns: &[&["-<vpce>.execute-api", "nxdomain"], &["-<vpce>.execute-api", "could not resolve host"], &["-<vpce>.execute-api", "no such host"]],
        meaning: "The {api-id}-{vpce-id} alias does not resolve: it exists only while the endpoint is associated with the API (api-private-endpoint), and the client VPC needs DNS support.",
        ..Symptom::BASE
    },
    Symptom {
        id: "resolver-timeout",
        seen_in: "a Go program's log (the SSM Agent, a CLI), dig",
        patterns: &[
            &["lookup", ":53", "i/o timeout"],
            &["read udp", ":53"],
            &["no servers could be reached"],
        ],
        meaning: "The resolver itself did not answer: the VPC's DNS support is off, or the instance's resolver settings point elsewhere.",
        ..Symptom::BASE
    },
    Symptom {
        id: "dns-attributes",
        evidence: Evidence::Code,
        seen_in: "EC2 CreateVpcEndpoint / ModifyVpcEndpoint (CLI, Terraform, CloudFormation)",
        patterns: shared::DNS_ATTRIBUTES,
        meaning: "Private DNS on an interface endpoint needs the VPC's enableDnsSupport and enableDnsHostnames; one is off.",
        ..Symptom::BASE
    },
    Symptom {
        id: "conflicting-domain",
        evidence: Evidence::Code,
        seen_in: "Route 53 CreateHostedZone / AssociateVPCWithHostedZone, EC2 CreateVpcEndpoint",
        patterns: shared::CONFLICTING_DOMAIN,
        meaning: "A private hosted zone and an endpoint's private DNS claim the same name in the VPC; only one of them can answer for it.",
        ..Symptom::BASE
    },
    Symptom {
        id: "private-dns-conflict",
        likelihood: Likelihood::Possible,
        seen_in: "EC2 CreateVpcEndpoint (CLI, Terraform, CloudFormation)",
        patterns: shared::PRIVATE_DNS_CONFLICT,
        meaning: "Another interface endpoint (or a private hosted zone) in the VPC already answers for the service's name; a second endpoint cannot take it.",
        ..Symptom::BASE
    },
    Symptom {
        id: "tls-name-mismatch",
        seen_in: "curl on the client (exit 60 or 51), an SDK",
        patterns: shared::TLS_NAME_MISMATCH,
        meaning: "The host in the URL is not a name on the certificate the server presented: the client called an endpoint's IP address or a name of its own. Call a DNS name the endpoint serves and name the API in the host or the x-apigw-api-id header.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        seen_in: "curl against the API (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "The request reached an execute-api endpoint that does not know which private API it is for: the endpoint's own DNS name without an x-apigw-api-id header, or private DNS that sends a public API's name to the endpoint.",
        ..Symptom::BASE
    },
    Symptom {
        id: "public-api-through-private-dns",
        seen_in: "a client in a VPC calling a public (REGIONAL or EDGE) API",
        patterns: shared::PUBLIC_API_FORBIDDEN,
        meaning: "With private DNS on for an execute-api endpoint, every *.execute-api.REGION.amazonaws.com name in that VPC resolves to the endpoint, public APIs included; the endpoint serves only private APIs and answers 403.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-dns",
        evidence: Evidence::Hint,
        seen_in: "any text about name resolution",
        patterns: &[&[":53"], &["dns"], &["enablednssupport"], &["enablednshostnames"]],
        meaning: "The text is about DNS; this check says which name reaches the endpoint from the client and reads both VPCs' DNS attributes.",
        ..Symptom::BASE
    },
];

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
    let Some(request) = reachable_request(p) else {
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
    // The name resolves; whether the API's access mode admits it is api-access-mode's.
    let refused = if access_mode::refuses(p, request.form) {
        " — but the API's endpoint access mode STRICT refuses this way of calling (see api-access-mode)"
    } else {
        ""
    };
    vec![Finding::pass(
        id,
        format!(
            "{} can call {} through {}{not_private}{refused}",
            p.client.id(),
            request.url,
            request.how
        ),
    )
    .resources(resources)]
}
