//! `domain-base-path`: a base path mapping of the private custom domain name sends the
//! client's request to the API on the path and a deployed stage.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "domain-base-path",
    title: "A base path mapping sends the domain's request to the API and a deployed stage",
    hop: Hop::Api,
    severity: Severity::High,
    what: "Finds the mapping the request takes — the base path named with `--base-path`, else the domain's only mapping (or its only one to the API), else the empty base path `(none)` — and checks that it names the API on the path and a stage of it that exists and runs a deployment.",
    why: "API Gateway routes `https://NAME/BASE/…` by the base path mapping alone: no mapping for the base path answers 403 Forbidden (`Missing Authentication Token` on some paths), a mapping to another API or stage reaches the wrong backend, and a stage that no longer exists or has no deployment answers errors for every call.",
    fix: "Map the base path to the API's stage: `aws apigateway create-base-path-mapping --domain-name NAME --domain-name-id ID --rest-api-id API --stage STAGE --base-path BASE` (or `update-base-path-mapping` to repoint an existing one).",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-tutorial.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-mappings.html",
    ],
    needs: &[api(Source::DomainNames), api(Source::BasePathMappings), api(Source::Stages)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "missing-authentication-token",
        evidence: Evidence::Code,
        likelihood: Likelihood::Remote,
        seen_in: "curl against the domain (HTTP 403)",
        patterns: shared::MISSING_AUTHENTICATION_TOKEN,
        meaning: "Through a custom domain name, no base path mapping covers the URL's first segment, or it maps to a stage without the method.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Remote,
        seen_in: "curl against the domain (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "Through a custom domain name, a URL no base path mapping covers is refused.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-base-path",
        evidence: Evidence::Hint,
        seen_in: "any text about base path mappings",
        patterns: &[&["base path"], &["basepathmapping*"]],
        meaning: "The text is about a base path mapping; this check reads the domain's mappings.",
        ..Symptom::BASE
    },
];

/// A mapping's base path as the CLI takes it: `(none)` for the empty one.
fn shown_arg(base: &str) -> &str {
    if base.is_empty() {
        "(none)"
    } else {
        base
    }
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (d, record) = match super::common::private_domain_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let qualified = record.qualified();
    let api = p.api.id.as_str();
    let stage = p.method.stage_name().unwrap_or("STAGE");
    let domain_args = record.cli_args();
    let base = d.url_base_path();
    let base_flag = if base.is_empty() {
        String::new()
    } else {
        format!(" --base-path {base}")
    };
    let create = format!(
        "aws apigateway create-base-path-mapping {domain_args} --rest-api-id {api} --stage {stage}{base_flag}"
    );
    let shown = |b: &str| {
        if b.is_empty() {
            "(none)".to_string()
        } else {
            format!("/{b}")
        }
    };
    let all = d.mappings.as_deref().unwrap_or_default();
    let listing = if all.is_empty() {
        "it has none".to_string()
    } else {
        format!(
            "its mappings: {}",
            all.iter()
                .map(|m| format!(
                    "{} → {}/{}",
                    shown(m.path()),
                    m.rest_api_id,
                    m.stage.as_deref().unwrap_or("(stage in the URL)")
                ))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let Some(m) = d.mapping else {
        let wanted = match &d.base_path {
            Some(b) => format!("base path {}", shown(crate::domain::normalise_base_path(b))),
            None => format!("API {api}"),
        };
        return vec![Finding::fail(id, format!("{qualified} has no mapping for {wanted} ({listing}): the call answers 403 Forbidden"))
            .resources([qualified.clone(), api.to_string()])
            .fix(create)];
    };
    let resources = [qualified.clone(), api.to_string()];
    if m.rest_api_id != api {
        return vec![Finding::fail(id, format!("base path {} of {qualified} sends requests to API {}, not to API {api}", shown(m.path()), m.rest_api_id))
            .resources(resources)
            .fix(format!("aws apigateway update-base-path-mapping {domain_args} --base-path '{}' --patch-operations op=replace,path=/restapiId,value={api}", shown_arg(m.path())))];
    }
    let Some(mapped_stage) = m.stage.as_deref() else {
        return vec![Finding::pass(id, format!("base path {} of {qualified} sends requests to API {api}, the stage named in the URL", shown(m.path())))
            .resources(resources)];
    };
    match p.method.stage.found() {
        Some(s) if s.stage_name == mapped_stage && s.deployment_id.is_some() => {
            vec![Finding::pass(id, format!("base path {} of {qualified} sends requests to API {api} stage {mapped_stage} (deployment {})", shown(m.path()), s.deployment_id.as_deref().unwrap_or_default()))
                .resources(resources)]
        }
        Some(s) if s.stage_name == mapped_stage => {
            vec![Finding::fail(id, format!("base path {} of {qualified} sends requests to stage {mapped_stage} of API {api}, which runs no deployment", shown(m.path())))
                .resources(resources)
                .fix(format!("aws apigateway create-deployment --rest-api-id {api} --stage-name {mapped_stage}"))]
        }
        Some(s) => {
            vec![Finding::fail(id, format!("base path {} of {qualified} sends requests to stage {mapped_stage} of API {api}, not to stage {}", shown(m.path()), s.stage_name))
                .resources(resources)
                .fix(format!("aws apigateway update-base-path-mapping {domain_args} --base-path '{}' --patch-operations op=replace,path=/stage,value={}", shown_arg(m.path()), s.stage_name))]
        }
        None => {
            vec![Finding::fail(id, format!("base path {} of {qualified} sends requests to stage {mapped_stage} of API {api}, which does not exist", shown(m.path())))
                .resources(resources)
                .fix(format!("aws apigateway create-deployment --rest-api-id {api} --stage-name {mapped_stage}"))]
        }
    }
}
