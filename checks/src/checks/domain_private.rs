//! `domain-private`: the custom domain name the client calls is a PRIVATE one, available,
//! with an issued certificate that covers it and does not expire within 30 days.

use crate::check::{api, CheckMeta, Hop, Severity};
use crate::date::Date;
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "domain-private",
    title: "The custom domain name is PRIVATE, available and has a valid certificate",
    hop: Hop::Api,
    severity: Severity::High,
    what: "When the client calls a custom domain name (`--domain-name`): the API's account and region hold a domain name of that name whose endpoint type is PRIVATE and whose status is AVAILABLE; its ACM certificate is ISSUED, covers the name (one wildcard label at most) and does not expire within 30 days of the day the data describes (a warning inside 30 days). Skips when the client calls the execute-api name.",
    why: "Only a private custom domain name (API Gateway, since November 2024) maps to a private REST API and is reachable through an execute-api VPC endpoint; a regional or edge domain of the same name is a different resource. A domain that is not AVAILABLE (pending a certificate re-import or ownership verification) does not serve. TLS to the domain uses its certificate: one that is not issued, expired or does not cover the name makes curl fail with `SSL certificate problem` or `no alternative certificate subject name matches`.",
    fix: "Create the private domain name: `aws apigateway create-domain-name --domain-name NAME --certificate-arn CERT --endpoint-configuration types=PRIVATE --security-policy TLS_1_2 --policy file://domain-policy.json`; renew or replace the certificate in ACM (`aws acm request-certificate --domain-name NAME --validation-method DNS`) and point the domain at it (`aws apigateway update-domain-name … op=replace,path=/certificateArn,value=ARN`).",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-tutorial.html",
        "https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
    ],
    needs: &[api(Source::DomainNames), api(Source::Certificates)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the domain name itself and its
/// certificate.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "certificate-expired",
        seen_in: "curl (exit 60), an SDK",
        patterns: &[&["certificate has expired"], &["certificate expired"]],
        meaning:
            "The domain's ACM certificate has expired (an imported one is not renewed by ACM).",
        ..Symptom::BASE
    },
    Symptom {
        id: "tls-name-mismatch",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 60 or 51), an SDK",
        patterns: shared::TLS_NAME_MISMATCH,
        meaning: "The domain's certificate may not cover the name the client calls.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-private-domain",
        evidence: Evidence::Hint,
        seen_in: "any text about a private custom domain name",
        patterns: &[
            &["domainnameid"],
            &["private custom domain"],
            &["<arn:execute-api:domainname>"],
        ],
        meaning:
            "The text names a private custom domain name; this check reads it and its certificate.",
        ..Symptom::BASE
    },
];

/// Days before expiry from which the certificate warns.
const EXPIRY_HORIZON_DAYS: i64 = 30;

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let d = match super::common::domain_or_skip(id, p) {
        Ok(d) => d,
        Err(skip) => return skip,
    };
    let name = d.name.as_str();
    let scope = d.ix.scope.label();
    let create = format!("aws apigateway create-domain-name --domain-name {name} --certificate-arn CERTIFICATE_ARN --endpoint-configuration types=PRIVATE --security-policy TLS_1_2 --policy file://domain-policy.json");
    let Some(record) = d.record else {
        let held: Vec<String> =
            d.ix.scope
                .domain_names
                .iter()
                .flatten()
                .map(|x| format!("{} ({})", x.qualified(), x.endpoint_types()))
                .collect();
        let held = if held.is_empty() {
            "none".to_string()
        } else {
            held.join(", ")
        };
        return vec![Finding::fail(id, format!("{scope} holds no custom domain name {name} (its domain names: {held}); the name reaches no API"))
            .resource(name)
            .fix(create)];
    };
    let qualified = record.qualified();
    if !record.is_private() {
        return vec![Finding::fail(id, format!("{qualified} is a {} custom domain name, not PRIVATE: it cannot map a private API nor be reached through an execute-api VPC endpoint", record.endpoint_types()))
            .resource(qualified)
            .fix(create)];
    }
    let status = record.domain_name_status.as_deref().unwrap_or("unknown");
    if !status.eq_ignore_ascii_case("AVAILABLE") {
        let why = record
            .domain_name_status_message
            .as_deref()
            .map(|m| format!(" ({m})"))
            .unwrap_or_default();
        return vec![Finding::fail(id, format!("{qualified} is {status}{why}, not AVAILABLE: it does not serve requests yet"))
            .resource(qualified)
            .fix(format!("aws apigateway get-domain-name {} --query '[domainNameStatus,domainNameStatusMessage]'", record.cli_args()))];
    }
    let Some(cert_arn) = record.certificate_arn.as_deref() else {
        return vec![Finding::fail(
            id,
            format!("{qualified} names no ACM certificate: TLS to {name} cannot succeed"),
        )
        .resource(qualified)
        .fix(create)];
    };
    let resources = vec![qualified.clone(), cert_arn.to_string()];
    let Some(cert) = d.certificate() else {
        return vec![Finding::unknown(
            id,
            format!("certificate {cert_arn} of {qualified} is not in the snapshot"),
        )
        .resources(resources)
        .needs(Source::Certificates.iam_action())];
    };
    let replace = format!(
        "aws acm request-certificate --domain-name {name} --validation-method DNS\naws apigateway update-domain-name {} --patch-operations op=replace,path=/certificateArn,value=NEW_CERTIFICATE_ARN",
        record.cli_args()
    );
    if !cert.status.eq_ignore_ascii_case("ISSUED") {
        return vec![Finding::fail(
            id,
            format!(
                "certificate {cert_arn} of {qualified} is {}, not ISSUED: TLS to {name} fails",
                cert.status
            ),
        )
        .resources(resources)
        .fix(replace)];
    }
    if !cert.covers(name) {
        let names = super::common::dedup(
            cert.domain_name
                .iter()
                .chain(cert.subject_alternative_names.iter())
                .cloned()
                .collect(),
        );
        return vec![Finding::fail(id, format!("certificate {cert_arn} covers {}, not {name}: curl fails with \"no alternative certificate subject name matches\"", names.join(", ")))
            .resources(resources)
            .fix(replace)];
    }
    let expires = cert.expires_on();
    let as_of = p.as_of.as_deref().and_then(Date::parse);
    match (expires.as_deref().and_then(Date::parse), as_of) {
        (Some(end), Some(today)) if end < today => {
            vec![Finding::fail(
                id,
                format!(
                    "certificate {cert_arn} of {qualified} expired on {end}: TLS to {name} fails"
                ),
            )
            .resources(resources)
            .fix(replace)]
        }
        (Some(end), Some(today)) if end <= today.plus_days(EXPIRY_HORIZON_DAYS) => {
            vec![Finding::warn(id, format!("certificate {cert_arn} of {qualified} expires on {end}, within {EXPIRY_HORIZON_DAYS} days of {today}; ACM renews only certificates it can validate (DNS validation records in place)"))
                .resources(resources)
                .fix(format!("aws acm describe-certificate --certificate-arn {cert_arn} --query 'Certificate.[RenewalEligibility,RenewalSummary]'\n{replace}"))]
        }
        (end, _) => {
            let until = end.map_or_else(
                || "an expiry date not in the snapshot".to_string(),
                |e| format!("expires on {e}"),
            );
            vec![Finding::pass(id, format!("{qualified} is PRIVATE and AVAILABLE; certificate {cert_arn} is ISSUED, covers {name} and {until}"))
                .resources(resources)]
        }
    }
}
