//! The private custom domain name of a target (`--domain-name`), in two steps:
//!
//! 1. the domain names the API side's account owns and those shared with it
//!    (`GetDomainNames` SELF and OTHER_ACCOUNTS), and the access associations each side
//!    owns (SELF) or others made with the API side's domains (OTHER_ACCOUNTS);
//! 2. the chosen domain with its policy (`GetDomainName` by its `domainNameId`), its base
//!    path mappings and its ACM certificate.
//!
//! With `--api-id` given the steps ride in waves 1 and 2 with everything else. Without
//! it the mapping must name the API first, so they are two waves of their own before the
//! others. The client VPC's private hosted zones and their records go out in the main
//! waves 2 and 3, once the instance's VPC is known.

use super::calls::CallError;
use super::{acm, apigateway, CollectError, Ctx, Sides, API, CLIENT};
use privpath_checks::domain::{choose_mapping, normalise};
use privpath_checks::snapshot as m;

/// What the domain steps read, for the snapshot and for the waves after them.
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
    /// The domain record step 2 reads (the API side's own private one).
    chosen: Option<m::DomainName>,
    shared: Vec<m::DomainName>,
    own: Vec<m::DomainName>,
}

type Answer<T> = Result<T, CallError>;

/// Step 1's answers, not yet settled.
pub(super) struct Lists {
    own: Answer<Vec<m::DomainName>>,
    shared: Answer<Vec<m::DomainName>>,
    assoc_own: Answer<Vec<m::DomainNameAccessAssociation>>,
    assoc_others: Answer<Vec<m::DomainNameAccessAssociation>>,
    assoc_client: Answer<Option<Vec<m::DomainNameAccessAssociation>>>,
}

/// Step 2's answers, not yet settled.
pub(super) struct Detail {
    detail: Answer<Option<m::DomainName>>,
    mappings: Answer<Option<Vec<m::BasePathMapping>>>,
    certificate: Answer<Option<m::Certificate>>,
}

/// Step 1: asked of the API side (and of the client side for its own associations).
pub(super) async fn lists(wa: &Ctx, wc: Option<&Ctx>) -> Lists {
    let (own, shared, assoc_own, assoc_others, assoc_client) = tokio::join!(
        apigateway::domain_names(wa, false),
        apigateway::domain_names(wa, true),
        apigateway::access_associations(wa, false),
        apigateway::access_associations(wa, true),
        async {
            match wc {
                Some(c) => apigateway::access_associations(c, false).await.map(Some),
                None => Ok(None),
            }
        },
    );
    Lists {
        own,
        shared,
        assoc_own,
        assoc_others,
        assoc_client,
    }
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

impl Sides<'_> {
    /// Settles step 1 and picks the domain step 2 reads: the API side's own private
    /// domain of that name (a shared one's mappings and policy belong to its owner and
    /// cannot be read here).
    pub(super) fn settle_lists(
        &mut self,
        name: &str,
        l: Lists,
    ) -> Result<DomainPart, CollectError> {
        let own = self.settle(API, l.own, "apigateway:GET")?;
        let shared = self.settle(API, l.shared, "apigateway:GET")?;
        let associations_api = concat(
            self.settle(API, l.assoc_own, "apigateway:GET")?,
            self.settle(API, l.assoc_others, "apigateway:GET")?,
        );
        let associations_client = self
            .settle(CLIENT, l.assoc_client, "apigateway:GET")?
            .flatten();
        let wanted = normalise(name);
        // Only a private domain maps a private API: a public one of the same name is
        // listed (domain-private says what it is) but not read further.
        let chosen = own
            .iter()
            .flatten()
            .find(|d| normalise(&d.domain_name) == wanted && d.is_private())
            .cloned();
        let listed = own.is_some() && shared.is_some();
        Ok(DomainPart {
            domain_names: listed.then(Vec::new),
            // Without the domain there is nothing to map nor certify.
            mappings: (listed && chosen.is_none()).then(Vec::new),
            certificates: (listed && chosen.is_none()).then(Vec::new),
            associations_api,
            associations_client,
            chosen,
            own: own.unwrap_or_default(),
            shared: shared.unwrap_or_default(),
            ..DomainPart::default()
        })
    }

    /// Settles step 2 into `part`, and takes the API and stage from the mapping the
    /// request takes.
    pub(super) fn settle_detail(
        &mut self,
        mut part: DomainPart,
        d: Detail,
        base_path: Option<&str>,
        api_id: Option<&str>,
    ) -> Result<DomainPart, CollectError> {
        let detail = self.settle(API, d.detail, "apigateway:GET")?.flatten();
        if let Some(mappings) = self.settle(API, d.mappings, "apigateway:GET")? {
            part.mappings = mappings.or(part.mappings);
        }
        if let Some(certificate) = self.settle(API, d.certificate, "acm:DescribeCertificate")? {
            part.certificates = Some(certificate.into_iter().collect());
        }
        if part.domain_names.is_some() {
            // The list's record, with the policy GetDomainName adds.
            let mut names: Vec<m::DomainName> = std::mem::take(&mut part.own);
            if let Some(record) = part.chosen.take() {
                names.retain(|x| {
                    !(x.domain_name == record.domain_name
                        && x.domain_name_id == record.domain_name_id)
                });
                let policy = detail.and_then(|x| x.policy).or(record.policy.clone());
                names.push(m::DomainName { policy, ..record });
            }
            names.append(&mut part.shared);
            part.domain_names = Some(names);
        }
        if let Some(all) = &part.mappings {
            let refs: Vec<&m::BasePathMapping> = all.iter().collect();
            if let Some(m) = choose_mapping(&refs, base_path, api_id) {
                part.api_id = Some(m.rest_api_id.clone());
                part.stage = m.stage.clone();
            }
        }
        Ok(part)
    }
}

impl DomainPart {
    /// Whether step 1 found a domain of the API side's own for step 2 to read.
    pub(super) fn chosen(&self) -> bool {
        self.chosen.is_some()
    }
}

impl Detail {
    /// Step 2 not asked: step 1 found no domain to read.
    pub(super) fn none() -> Detail {
        Detail {
            detail: Ok(None),
            mappings: Ok(None),
            certificate: Ok(None),
        }
    }
}

/// Step 2 for the domain step 1 chose (nothing is asked when it chose none).
pub(super) async fn detail(wa: &Ctx, part: &DomainPart) -> Detail {
    let record = part.chosen.as_ref();
    let name = record.map(|r| r.domain_name.as_str()).unwrap_or_default();
    let id = record.and_then(|r| r.domain_name_id.as_deref());
    let (detail, mappings, certificate) = tokio::join!(
        async {
            match id {
                Some(id) => apigateway::domain(wa, name, id).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match record {
                Some(_) => apigateway::base_path_mappings(wa, name, id).await.map(Some),
                None => Ok(None),
            }
        },
        async {
            match record.and_then(|r| r.certificate_arn.as_deref()) {
                Some(arn) => acm::certificate(wa, arn).await.map(Some),
                None => Ok(None),
            }
        },
    );
    Detail {
        detail,
        mappings,
        certificate,
    }
}

/// Why a target named by its domain alone cannot be collected: no mapping names the API
/// (or the domain is not the account's).
pub(super) fn unmapped(
    name: &str,
    base_path: Option<&str>,
    part: Option<&DomainPart>,
    region: &str,
) -> CollectError {
    let known = part
        .and_then(|d| d.domain_names.as_ref())
        .is_some_and(|all| {
            all.iter()
                .any(|d| normalise(&d.domain_name) == normalise(name))
        });
    let why = if known {
        format!(
            "no base path mapping{} names the API; pass --api-id (and --base-path)",
            base_path.map(|b| format!(" for {b}")).unwrap_or_default()
        )
    } else {
        format!("not among the custom domain names of this account in {region} (or they could not be read); pass --api-id to check the rest of the path")
    };
    CollectError::Domain {
        name: name.to_string(),
        why,
    }
}

/// Whether a zone's name covers the domain: the zone is the name or a parent of it.
pub(super) fn zone_covers(zone: &str, name: &str) -> bool {
    let (zone, name) = (normalise(zone), normalise(name));
    name == zone || name.ends_with(&format!(".{zone}"))
}
