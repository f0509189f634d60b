//! `api-access-mode`: the API's security policy and endpoint access mode admit the way
//! this path's client must call it.

use crate::access_mode::{api_admits, is_enhanced, Admits, CallForm};
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::request::reachable_request;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "api-access-mode",
    title: "The API's endpoint access mode admits the way the client calls",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Reads the REST API's `securityPolicy` and `endpointAccessMode` (and, through a custom domain name, the domain's) and the way the client must call the API — the URL dns-resolution finds for it, given DNS on the client's side: private DNS (inside the endpoint's VPC), a private custom domain name, the `{api-id}-{vpce-id}` alias, or the endpoint's DNS name with an `x-apigw-api-id` header. Fails when the API uses an enhanced `SecurityPolicy_…` policy with access mode `STRICT` and the client can only call by the alias or the endpoint's name; `unknown` when an enhanced policy has no mode in the snapshot. The curl line privpath prints is only ever one the mode admits.",
    why: "Under STRICT, API Gateway checks that the request comes from the resource's endpoint type and that the TLS SNI matches the host, and rejects it otherwise. AWS: \"If you invoke a private API without using a custom domain name or private DNS names and your APIs or domain name uses a security policy that starts with `SecurityPolicy_`, you must set the endpoint access mode to `BASIC`.\" A client across a peering or a transit gateway cannot resolve the endpoint's private DNS, so it calls by the alias or the endpoint's name — exactly what STRICT refuses. (AWS does not document the status code of the refusal.)",
    fix: "Either call through a private custom domain name (or make private DNS answer in the client VPC: a Route 53 Resolver inbound endpoint, or the client in the endpoint's VPC), or let the API admit the endpoint-specific names: `aws apigateway update-rest-api --rest-api-id API --patch-operations op=replace,path=/endpointAccessMode,value=BASIC` (STRICT→BASIC makes the endpoint unavailable for about 15 minutes).",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-update.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-security-policies-list.html",
    ],
    needs: &[api(Source::RestApis)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`). AWS documents neither the status
/// code nor the message of a STRICT refusal, so a bare "Forbidden" is only a remote
/// cause here; the settings' own names and a refused TLS version say more.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "names-the-access-mode",
        evidence: Evidence::Hint,
        seen_in: "API Gateway's console, CLI or templates (get-rest-api, x-amazon-apigateway-endpoint-access-mode)",
        patterns: &[
            &["endpointaccessmode"],
            &["endpoint access mode"],
            &["x-amazon-apigateway-endpoint-access-mode"],
            &["securitypolicy_*"],
        ],
        meaning: "The text names a REST API's security policy or endpoint access mode: with an enhanced SecurityPolicy_ policy and STRICT, calls by the {api-id}-{vpce-id} alias or the endpoint's DNS name (with a Host or x-apigw-api-id header) are rejected; only a custom domain name or private DNS names pass.",
        ..Symptom::BASE
    },
    Symptom {
        id: "tls-version-refused",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 35), openssl or an SDK on the client",
        patterns: &[
            &["tlsv1 alert protocol version"],
            &["alert protocol version"],
            &["unsupported protocol"],
            &["no protocols available"],
            &["handshake failure", "execute-api"],
        ],
        meaning: "The TLS handshake was refused: the API's security policy does not accept the client's TLS version or ciphers (SecurityPolicy_TLS13_1_3_2025_09 accepts TLS 1.3 only; the FIPS and PQ policies narrow the ciphers). This check names the API's policy.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Remote,
        seen_in: "curl against the API",
        patterns: shared::FORBIDDEN,
        meaning: "A refusal from API Gateway: when the API uses an enhanced security policy with STRICT and the client calls by the alias or the endpoint's DNS name, the request is rejected (AWS does not document the status code; the resource policy and the API key are likelier causes of a plain 403).",
        ..Symptom::BASE
    },
];

/// `the client's own VPC` / `the peered VPC` …: why the client cannot use private DNS.
fn no_private_dns(p: &ResolvedPath<'_>) -> String {
    let private_name = format!("{}.execute-api.{}.amazonaws.com", p.api.id, p.region);
    match &p.endpoint {
        Some(ep) if p.same_vpc() => format!(
            "{private_name} does not resolve to {} from {} (private DNS off on the endpoint, or DNS attributes off in the VPC)",
            ep.id(),
            ep.vpc_id()
        ),
        Some(ep) => format!(
            "{private_name} resolves to {} only inside {}, not from {}",
            ep.id(),
            ep.vpc_id(),
            p.client.vpc_id.unwrap_or("the client's VPC")
        ),
        None => format!("{private_name} does not resolve to an endpoint for the client"),
    }
}

/// The domain's own policy and mode, for the message of a path through a domain.
fn domain_settings(p: &ResolvedPath<'_>) -> String {
    let Some(record) = p.domain.as_ref().and_then(|d| d.record) else {
        return String::new();
    };
    let policy = record.security_policy.as_deref().unwrap_or("not recorded");
    let mode = record
        .endpoint_access_mode
        .as_deref()
        .map(|m| format!(", access mode {m}"))
        .unwrap_or_default();
    format!(
        "; domain {} has security policy {policy}{mode}, and the client's SNI and Host are the domain's name, which STRICT admits",
        record.qualified()
    )
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    if let Some(skip) = super::common::skip_unless_private(id, p) {
        return skip;
    }
    let request = reachable_request(p);
    let form = request.as_ref().map_or(CallForm::Alias, |r| r.form);
    let updating = p.api.api_status.as_deref() == Some("UPDATING")
        && p.api.security_policy.as_deref().is_some_and(is_enhanced);
    let domain = domain_settings(p);
    match api_admits(p, form) {
        Admits::Yes(why) => {
            let how = request.as_ref().map_or_else(
                || "whatever name the client uses".to_string(),
                |r| format!("{} ({})", r.url, r.form.describe()),
            );
            if updating {
                return vec![Finding::warn(id, format!("API {api} is being updated (apiStatus UPDATING): a change of security policy or access mode takes about 15 minutes, a change to STRICT is enforced only after it, and STRICT→BASIC leaves the endpoint unavailable meanwhile; now: {why}"))
                    .resource(api)
                    .fix(format!("aws apigateway get-rest-api --rest-api-id {api} --query '[apiStatus,apiStatusMessage,securityPolicy,endpointAccessMode]'"))];
            }
            vec![Finding::pass(
                id,
                format!("{} calls {how}; API {api}: {why}{domain}", p.client.id()),
            )
            .resource(api)]
        }
        Admits::Unknown { policy } => vec![Finding::unknown(id, format!("API {api} uses the enhanced security policy {policy}, but its endpointAccessMode is not in the snapshot (AWS requires STRICT or BASIC with such a policy), so whether it admits the client's way of calling is not known"))
            .resource(api)
            .needs(Source::RestApis.iam_action())],
        Admits::No { policy } => {
            let Some(request) = request else {
                return vec![Finding::unknown(id, format!("API {api} uses {policy} with access mode STRICT, which admits only a custom domain name or private DNS names, and no name reaching the endpoint is known for {} (see dns-resolution)", p.client.id()))
                    .resource(api)
                    .needs(Source::VpcEndpoints.iam_action())];
            };
            let mut resources = vec![api.to_string()];
            let mut ways = Vec::new();
            let mut fixes = vec![
                format!("aws apigateway update-rest-api --rest-api-id {api} --patch-operations op=replace,path=/endpointAccessMode,value=BASIC"),
                "# STRICT→BASIC leaves the endpoint unavailable for about 15 minutes".to_string(),
            ];
            if let Some(ep) = &p.endpoint {
                resources.push(ep.id().to_string());
                if p.same_vpc() {
                    ways.push(format!("turn private DNS on for {} and call {api}.execute-api.{}.amazonaws.com", ep.id(), p.region));
                    fixes.push(format!("# or keep STRICT and call by private DNS:\naws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --private-dns-enabled", ep.id()));
                } else {
                    ways.push(format!("make the private DNS name resolve in {} (a Route 53 Resolver inbound endpoint in {})", p.client.vpc_id.unwrap_or("the client VPC"), ep.vpc_id()));
                }
            }
            ways.push("call through a private custom domain name (privpath check --domain-name NAME checks that path)".to_string());
            if !ways.is_empty() {
                fixes.push(format!("# or keep STRICT and {}", ways.join("; or ")));
            }
            vec![Finding::fail(id, format!("API {api} uses the enhanced security policy {policy} with endpoint access mode STRICT, which rejects a private API's calls that use neither a custom domain name nor private DNS names; {} can only call {} ({}), because {}. Ways out: set the access mode to BASIC, or {}", p.client.id(), request.url, request.form.describe(), no_private_dns(p), ways.join(", or ")))
                .resources(resources)
                .fix(fixes.join("\n"))]
        }
    }
}
