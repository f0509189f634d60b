//! The private custom domain name of a target (`--domain-name`), read before the other
//! waves because its base path mapping names the API and stage they read:
//!
//! 1. the domain names the API side's account owns and those shared with it
//!    (`GetDomainNames` SELF and OTHER_ACCOUNTS), and the access associations each side
//!    owns (SELF) or others made with its domains (OTHER_ACCOUNTS, the API side);
//! 2. the chosen domain with its policy (`GetDomainName` by its `domainNameId`), its base
//!    path mappings and its ACM certificate.
//!
//! The client VPC's private hosted zones and their records go out in the main waves 2
//! and 3, once the instance's VPC is known.

use super::{acm, apigateway, CollectError, Sides, API, CLIENT};
use privpath_checks::domain::{choose_mapping, normalise};
use privpath_checks::snapshot as m;
use std::time::Instant;

/// What the domain phase read, for the snapshot and for the waves after it.
#[derive(Default)]
pub(super) struct DomainPart {
    pub domain_names: Option<Vec<m::DomainName>>,
    pub mappings: Option<Vec<m::BasePathMapping>>,
    pub certificates: Option<Vec<m::Certificate>>,
    pub associations_api: Option<Vec<m::DomainNameAccessAssociation>>,
    pub associations_client: Option<Vec<m::DomainNameAccessAssociation>>,
    /// The API and stage the mapping sends the request to.
    pub api_id: Option<String>,
    pub stage: Option<String>,
}

fn concat<T>(a: Option<Vec<T>>, b: Option<Vec<T>>) -> Option<Vec<T>> {
    match (a, b) {
        (Some(mut a), Some(b)) => {
            a.extend(b);
            Some(a)
        }
        _ => None,
    }
}

pub(super) async fn collect(
    sides: &mut Sides<'_>,
    name: &str,
    base_path: Option<&str>,
    api_id: Option<&str>,
) -> Result<DomainPart, CollectError> {
    let log = sides.ctx[API].log.clone();
    let (wa, wc) = (sides.at(API, 1), sides.at(CLIENT, 1));
    let split = sides.split;
    let start = Instant::now();
    let (own, shared, assoc_own, assoc_others, assoc_client) = tokio::join!(
        apigateway::domain_names(&wa, false),
        apigateway::domain_names(&wa, true),
        apigateway::access_associations(&wa, false),
        apigateway::access_associations(&wa, true),
        async {
            if split {
                apigateway::access_associations(&wc, false).await.map(Some)
            } else {
                Ok(None)
            }
        },
    );
    log.wave_done(start.elapsed());
    let own = sides.settle(API, own, "apigateway:GET")?;
    let shared = sides.settle(API, shared, "apigateway:GET")?;
    let associations_api = concat(
        sides.settle(API, assoc_own, "apigateway:GET")?,
        sides.settle(API, assoc_others, "apigateway:GET")?,
    );
    let associations_client = sides
        .settle(CLIENT, assoc_client, "apigateway:GET")?
        .flatten();
    let wanted = normalise(name);
    // The account's own private domain of that name first: only its mappings and
    // policy are readable here (a shared one's belong to its owner).
    let chosen = own
        .iter()
        .flatten()
        .filter(|d| normalise(&d.domain_name) == wanted)
        .max_by_key(|d| d.is_private())
        .cloned();

    // Wave 2: the domain's policy, mappings and certificate.
    let wa = sides.at(API, 2);
    let mut part = DomainPart {
        associations_api,
        associations_client,
        ..DomainPart::default()
    };
    let Some(record) = chosen else {
        part.domain_names = concat(own, shared);
        // Nothing to map: the mappings are known to be none.
        part.mappings = Some(Vec::new());
        part.certificates = Some(Vec::new());
        return Ok(part);
    };
    let id = record.domain_name_id.clone();
    let start = Instant::now();
    let (detail, mappings, certificate) = tokio::join!(
        async {
            match &id {
                Some(id) => apigateway::domain(&wa, &record.domain_name, id)
                    .await
                    .map(Some),
                None => Ok(None),
            }
        },
        apigateway::base_path_mappings(&wa, &record.domain_name, id.as_deref()),
        async {
            match &record.certificate_arn {
                Some(arn) => acm::certificate(&wa, arn).await.map(Some),
                None => Ok(None),
            }
        },
    );
    log.wave_done(start.elapsed());
    let detail = sides.settle(API, detail, "apigateway:GET")?.flatten();
    part.mappings = sides.settle(API, mappings, "apigateway:GET")?;
    part.certificates = sides
        .settle(API, certificate, "acm:DescribeCertificate")?
        .map(|c| c.into_iter().collect());
    // The list's record, with the policy GetDomainName adds.
    let record = match detail {
        Some(d) => m::DomainName {
            policy: d.policy.or(record.policy.clone()),
            ..record.clone()
        },
        None => record.clone(),
    };
    let mut names: Vec<m::DomainName> = own
        .into_iter()
        .flatten()
        .filter(|d| {
            !(d.domain_name == record.domain_name && d.domain_name_id == record.domain_name_id)
        })
        .collect();
    names.push(record);
    names.extend(shared.into_iter().flatten());
    part.domain_names = Some(names);
    if let Some(all) = &part.mappings {
        let refs: Vec<&m::BasePathMapping> = all.iter().collect();
        if let Some(m) = choose_mapping(&refs, base_path, api_id) {
            part.api_id = Some(m.rest_api_id.clone());
            part.stage = m.stage.clone();
        }
    }
    Ok(part)
}

/// Whether a zone's name covers the domain: the zone is the name or a parent of it.
pub(super) fn zone_covers(zone: &str, name: &str) -> bool {
    let (zone, name) = (normalise(zone), normalise(name));
    name == zone || name.ends_with(&format!(".{zone}"))
}
