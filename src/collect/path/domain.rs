//! A target's private custom domain name (`--domain-name`): the domain names the API
//! side's account owns and those shared with it (`GetDomainNames` SELF and
//! OTHER_ACCOUNTS), the access associations each side owns (SELF) or others made with
//! the API side's domains (OTHER_ACCOUNTS); then the chosen domain with its policy
//! (`GetDomainName` by its `domainNameId`), its base path mappings and its ACM
//! certificate; and the client VPC's private hosted zones with their records.
//!
//! With `--api-id` these run beside the rest of the path. Without it the mapping names
//! the API, so the API's reads wait for it: two round trips nothing can remove.

use super::board::{Fact, PathBoard, API};
use crate::collect::graph::{ask, Decl, Read, Side, Start};
use crate::collect::{acm, all_at_once, apigateway, route53, sorted_unique, CollectError};
use privpath_checks::domain::{choose_mapping, normalise};
use privpath_checks::snapshot::{self as m, Source};

fn wanted(b: &PathBoard) -> bool {
    b.want.domain_name.is_some()
}

/// A read of the API side's domain lists, asked only with `--domain-name`.
macro_rules! list_read {
    ($name:expr, $fact:expr, $array:expr, $call:expr, $store:expr) => {
        Read {
            decl: Decl {
                name: $name,
                action: "apigateway:GET",
                side: Side::Api,
                needs: &[],
                fills: &[$fact],
                arrays: &[$array],
            },
            start: |b, c| {
                if !wanted(b) {
                    return Start::Skip;
                }
                let c = c.clone();
                ask(async move { ($call)(&c).await }, $store)
            },
        }
    };
}

pub(super) static READS: &[Read<PathBoard>] = &[
    list_read!(
        "the custom domain names the API's account owns",
        Fact::DomainNamesOwn,
        Source::DomainNames,
        |c| apigateway::domain_names(c, false),
        |b: &mut PathBoard, v| b.domain.own = Some(v)
    ),
    list_read!(
        "the custom domain names shared with the API's account",
        Fact::DomainNamesShared,
        Source::DomainNames,
        |c| apigateway::domain_names(c, true),
        |b: &mut PathBoard, v| b.domain.shared = Some(v)
    ),
    list_read!(
        "the access associations of the API's account",
        Fact::AssociationsOwn,
        Source::DomainNameAccessAssociations,
        |c| apigateway::access_associations(c, false),
        |b: &mut PathBoard, v| b.domain.assoc_own = Some(v)
    ),
    list_read!(
        "the access associations others made with the API account's domains",
        Fact::AssociationsOthers,
        Source::DomainNameAccessAssociations,
        |c| apigateway::access_associations(c, true),
        |b: &mut PathBoard, v| b.domain.assoc_others = Some(v)
    ),
    Read {
        decl: Decl {
            name: "the access associations of the client's account (two sides only)",
            action: "apigateway:GET",
            side: Side::Client,
            needs: &[],
            fills: &[Fact::AssociationsOfClient],
            arrays: &[Source::DomainNameAccessAssociations],
        },
        start: |b, c| {
            if !wanted(b) || !b.two_sides {
                return Start::Skip;
            }
            let c = c.clone();
            ask(
                async move { apigateway::access_associations(&c, false).await },
                |b, v| b.domain.associations_client = Some(v),
            )
        },
    },
    Read::derived(
        "the domain to read",
        &[
            Fact::DomainNamesOwn,
            Fact::DomainNamesShared,
            Fact::AssociationsOwn,
            Fact::AssociationsOthers,
            Fact::AssociationsOfClient,
        ],
        &[Fact::Domain],
        |b, _| {
            if !wanted(b) {
                return Start::Skip;
            }
            Start::Now(Box::new(|b: &mut PathBoard| {
                choose_domain(b);
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the domain and its policy",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Domain],
            fills: &[Fact::DomainDetail],
            arrays: &[Source::DomainNames],
        },
        start: |b, c| {
            let chosen = b.domain.chosen.as_ref();
            let (Some(name), Some(id)) = (
                chosen.map(|d| d.domain_name.clone()),
                chosen.and_then(|d| d.domain_name_id.clone()),
            ) else {
                return Start::Skip;
            };
            let c = c.clone();
            ask(
                async move { apigateway::domain(&c, &name, &id).await },
                |b, d| b.domain.detail = Some(d),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the domain's base path mappings",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Domain],
            fills: &[Fact::DomainMappings],
            arrays: &[Source::BasePathMappings],
        },
        start: |b, c| {
            let Some(chosen) = b.domain.chosen.as_ref() else {
                return not_asked(|b| b.domain.mappings_answer = Some(None));
            };
            let (name, id) = (chosen.domain_name.clone(), chosen.domain_name_id.clone());
            let c = c.clone();
            ask(
                async move { apigateway::base_path_mappings(&c, &name, id.as_deref()).await },
                |b, v| b.domain.mappings_answer = Some(Some(v)),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the domain's certificate",
            action: "acm:DescribeCertificate",
            side: Side::Api,
            needs: &[Fact::Domain],
            fills: &[Fact::DomainCertificate],
            arrays: &[Source::Certificates],
        },
        start: |b, c| {
            let arn = b
                .domain
                .chosen
                .as_ref()
                .and_then(|d| d.certificate_arn.clone());
            let Some(arn) = arn else {
                return not_asked(|b| b.domain.certificate_answer = Some(None));
            };
            let c = c.clone();
            ask(async move { acm::certificate(&c, &arn).await }, |b, v| {
                b.domain.certificate_answer = Some(Some(v))
            })
        },
    },
    Read::derived(
        "the mapping the request takes",
        &[
            Fact::Domain,
            Fact::DomainDetail,
            Fact::DomainMappings,
            Fact::DomainCertificate,
        ],
        &[Fact::Mapping],
        |b, _| {
            if !wanted(b) {
                return Start::Skip;
            }
            Start::Now(Box::new(|b: &mut PathBoard| {
                settle_detail(b);
                Ok(())
            }))
        },
    ),
    Read::derived("the API named by --api-id", &[], &[Fact::ApiId], |b, _| {
        if b.want.api_id.is_none() {
            return Start::NotMine;
        }
        Start::Now(Box::new(|b: &mut PathBoard| {
            b.api_id = b.want.api_id.clone();
            Ok(())
        }))
    }),
    Read::derived(
        "the API the domain's mapping names",
        &[Fact::Mapping],
        &[Fact::ApiId],
        |b, _| {
            if b.want.api_id.is_some() {
                return Start::NotMine;
            }
            Start::Now(Box::new(|b: &mut PathBoard| {
                match b.domain.api_id.clone() {
                    Some(id) => {
                        b.api_id = Some(id);
                        b.stage = b.want.stage.clone().or(b.domain.stage.clone());
                        Ok(())
                    }
                    None => Err(unmapped(b)),
                }
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the client VPC's private hosted zones",
            action: "route53:ListHostedZonesByVPC",
            side: Side::Client,
            needs: &[Fact::Instance, Fact::Sides],
            fills: &[Fact::HostedZones],
            arrays: &[Source::HostedZones],
        },
        start: |b, c| {
            let vpc = b.client_vpc().map(str::to_string);
            let (Some(vpc), true) = (vpc, wanted(b)) else {
                return Start::Skip;
            };
            let c = c.clone();
            ask(
                async move {
                    let region = c.region.clone();
                    route53::zones_of_vpc(&c, &vpc, &region).await
                },
                |b, v| b.domain.zones = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the records of the zones that answer the domain",
            action: "route53:ListResourceRecordSets",
            side: Side::Client,
            needs: &[Fact::HostedZones],
            fills: &[Fact::RecordSets],
            arrays: &[Source::ResourceRecordSets],
        },
        start: |b, c| {
            let Some(name) = b.want.domain_name.clone() else {
                return Start::Skip;
            };
            // Only the zones that can answer the name: a VPC's zones may be many.
            let zones = sorted_unique(
                b.domain
                    .zones
                    .iter()
                    .flatten()
                    .filter(|z| zone_covers(&z.name, &name))
                    .map(|z| z.hosted_zone_id.clone()),
            );
            let c = c.clone();
            ask(
                async move {
                    let pages = all_at_once(&c, &zones, |c, zone| async move {
                        route53::records(&c, &zone).await
                    })
                    .await;
                    pages.into_iter().collect::<Result<Vec<_>, _>>()
                },
                |b, v| b.domain.records = Some(v.concat()),
            )
        },
    },
];

/// Nothing to ask, but "not asked" differs from "failed" for this answer.
fn not_asked(set: fn(&mut PathBoard)) -> Start<PathBoard> {
    Start::Now(Box::new(move |b: &mut PathBoard| {
        set(b);
        Ok(())
    }))
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

/// Picks the domain the detail reads look at, once the lists are in.
fn choose_domain(b: &mut PathBoard) {
    let d = &mut b.domain;
    let wanted = normalise(b.want.domain_name.as_deref().unwrap_or_default());
    // Only a private domain maps a private API: a public one of the same name is
    // listed (domain-private says what it is) but not read further.
    d.chosen = d
        .own
        .iter()
        .flatten()
        .find(|x| normalise(&x.domain_name) == wanted && x.is_private())
        .cloned();
    let listed = d.own.is_some() && d.shared.is_some();
    d.domain_names = listed.then(Vec::new);
    // Without the domain there is nothing to map nor certify.
    d.mappings = (listed && d.chosen.is_none()).then(Vec::new);
    d.certificates = (listed && d.chosen.is_none()).then(Vec::new);
    d.associations_api = concat(d.assoc_own.take(), d.assoc_others.take());
}

/// Settles the detail reads: the domain record with its policy, the mappings, the
/// certificate, and the API and stage the request's mapping names.
fn settle_detail(b: &mut PathBoard) {
    let api_id = b.want.api_id.clone();
    let d = &mut b.domain;
    if let Some(mappings) = d.mappings_answer.take() {
        d.mappings = mappings.or(d.mappings.take());
    }
    if let Some(certificate) = d.certificate_answer.take() {
        d.certificates = Some(certificate.into_iter().collect());
    }
    if d.domain_names.is_some() {
        // The list's record, with the policy GetDomainName adds.
        let mut names: Vec<m::DomainName> = d.own.take().unwrap_or_default();
        if let Some(record) = d.chosen.take() {
            names.retain(|x| {
                !(x.domain_name == record.domain_name && x.domain_name_id == record.domain_name_id)
            });
            let policy = d
                .detail
                .take()
                .and_then(|x| x.policy)
                .or(record.policy.clone());
            names.push(m::DomainName { policy, ..record });
        }
        names.extend(d.shared.take().unwrap_or_default());
        d.domain_names = Some(names);
    }
    if let Some(all) = &d.mappings {
        let refs: Vec<&m::BasePathMapping> = all.iter().collect();
        if let Some(found) = choose_mapping(&refs, b.want.base_path.as_deref(), api_id.as_deref()) {
            d.api_id = Some(found.rest_api_id.clone());
            d.stage = found.stage.clone();
        }
    }
}

/// Why a target named by its domain alone cannot be collected: no mapping names the API
/// (or the domain is not the account's).
fn unmapped(b: &PathBoard) -> CollectError {
    let name = b.want.domain_name.clone().unwrap_or_default();
    let known = b.domain.domain_names.as_ref().is_some_and(|all| {
        all.iter()
            .any(|d| normalise(&d.domain_name) == normalise(&name))
    });
    let why = if known {
        format!(
            "no base path mapping{} names the API; pass --api-id (and --base-path)",
            b.want
                .base_path
                .as_ref()
                .map(|p| format!(" for {p}"))
                .unwrap_or_default()
        )
    } else {
        format!(
            "not among the custom domain names of this account in {} (or they could not be read); pass --api-id to check the rest of the path",
            b.ctx[API].region
        )
    };
    CollectError::Domain { name, why }
}

/// Whether a zone's name covers the domain: the zone is the name or a parent of it.
fn zone_covers(zone: &str, name: &str) -> bool {
    let (zone, name) = (normalise(zone), normalise(name));
    name == zone || name.ends_with(&format!(".{zone}"))
}
