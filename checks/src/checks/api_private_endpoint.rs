//! `api-private-endpoint`: the API is PRIVATE and the endpoint on the path is associated
//! with it.

use crate::check::{api, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{EndpointLink, ResolvedPath};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "api-private-endpoint",
    title: "The API is PRIVATE and associated with the endpoint",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Checks that the REST API's endpoint type is PRIVATE and that the execute-api endpoint on the path is listed in its `endpointConfiguration.vpcEndpointIds`.",
    why: "An execute-api interface endpoint only reaches private APIs: a REGIONAL or EDGE API called through it answers 403 Forbidden. Without the association the `{api-id}-{vpce-id}` alias name does not exist, so a client in a peered VPC has to send the API id in a header instead.",
    fix: "`aws apigateway update-rest-api --rest-api-id API --patch-operations op=replace,path=/endpointConfiguration/types/REGIONAL,value=PRIVATE` to make it private; `op=add,path=/endpointConfiguration/vpcEndpointIds,value=VPCE_ID` to associate the endpoint.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/associate-private-api-with-vpc-endpoint.html",
    ],
    needs: &[api(Source::RestApis), endpoint(Source::VpcEndpoints)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the API's endpoint type and its
/// association with the endpoint, which is what makes the `{api-id}-{vpce-id}` alias
/// exist.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "alias-does-not-resolve",
        evidence: Evidence::Code,
        seen_in: "curl (exit 6), dig or nslookup on the client",
        patterns: &[
            &["-<vpce>.execute-api", "nxdomain"],
            &["-<vpce>.execute-api", "could not resolve host"],
            &["-<vpce>.execute-api", "can't find"],
            &["-<vpce>.execute-api", "no such host"],
            &["-<vpce>.execute-api", "enotfound"],
            &["-<vpce>.execute-api", "name or service not known"],
        ],
        meaning: "The {api-id}-{vpce-id} alias exists only while the endpoint is associated with the API (endpointConfiguration.vpcEndpointIds).",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        seen_in: "curl against the API (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "The endpoint served the request but it named no private API it knows: the API is not PRIVATE, or the request used the endpoint's name without the API's id (alias or x-apigw-api-id header), or private DNS sent a public API's name to the endpoint.",
        ..Symptom::BASE
    },
    Symptom {
        id: "public-api-through-private-dns",
        likelihood: Likelihood::Possible,
        seen_in: "a client in a VPC calling a public API",
        patterns: shared::PUBLIC_API_FORBIDDEN,
        meaning: "An execute-api endpoint serves only PRIVATE APIs: a REGIONAL or EDGE API called through it answers 403.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-association",
        evidence: Evidence::Hint,
        seen_in: "any text about the API's endpoint configuration",
        patterns: &[&["x-apigw-api-id"], &["vpcendpointids"], &["endpointconfiguration"]],
        meaning: "The text is about how the API is tied to the endpoint; this check reads the API's endpoint type and associated endpoints.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = p.api.id.as_str();
    if !p.api.is_private() {
        let current = p
            .api
            .endpoint_configuration
            .as_ref()
            .and_then(|c| c.types.first())
            .map_or("REGIONAL", String::as_str);
        return vec![Finding::fail(id, format!("API {api} is {}, not PRIVATE: requests through an execute-api endpoint get 403 Forbidden", p.api.endpoint_types()))
            .resource(api)
            .fix(format!("aws apigateway update-rest-api --rest-api-id {api} --patch-operations op=replace,path=/endpointConfiguration/types/{current},value=PRIVATE"))];
    }
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let links = p.endpoint_links();
    if links.contains(&EndpointLink::Associated) {
        return vec![Finding::pass(
            id,
            format!("API {api} is PRIVATE and associated with {}", ep.id()),
        )
        .resources([api, ep.id()])];
    }
    let others = p.api.associated_endpoint_ids();
    let also = if others.is_empty() {
        "with no endpoint".to_string()
    } else {
        format!("only with {}", others.join(", "))
    };
    vec![Finding::warn(id, format!("API {api} is PRIVATE but associated {also}, not with {}, the endpoint on the path ({}): the {api}-{} alias does not resolve, so the client must call the endpoint's DNS name with an x-apigw-api-id header", ep.id(), links.iter().map(|l| l.describe()).collect::<Vec<_>>().join(", "), ep.id()))
        .resources([api, ep.id()])
        .fix(format!("aws apigateway update-rest-api --rest-api-id {api} --patch-operations op=add,path=/endpointConfiguration/vpcEndpointIds,value={}", ep.id()))]
}
