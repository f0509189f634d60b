//! Route 53 onto `HostedZones` (one summary per VPC a private zone is associated with,
//! as `list-hosted-zones-by-vpc` prints them) and `ResourceRecordSets`:
//! `aws_route53_zone` with its `vpc` blocks, `aws_route53_zone_association`, and
//! `aws_route53_record` (an alias, or records). A zone's summaries go to the scope that
//! holds the associated VPC — the client's, which is where `domain-dns` reads them.

use crate::known::known;
use crate::model::ProviderPlace;
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{field_str, Got, View};
use privpath_checks::snapshot::*;

pub const RECORDS: &[&str] = &["aws_route53_zone", "aws_route53_record"];
pub const PATCHES: &[&str] = &["aws_route53_zone_association"];

/// The scope of a VPC's records: the one holding it, else the resource's own.
fn place_of_vpc(
    b: &mut Builder,
    vpc: &str,
    region: Option<String>,
    own: ProviderPlace,
) -> ProviderPlace {
    for s in &b.snapshot.scopes {
        if s.vpcs.iter().flatten().any(|v| v.vpc_id == vpc) {
            return ProviderPlace {
                region: Some(s.region.clone()),
                account: s.account.clone(),
            };
        }
    }
    ProviderPlace {
        region: region.or(own.region),
        account: own.account,
    }
}

fn zone_name(b: &mut Builder, zone: &str) -> Option<String> {
    b.all::<HostedZoneSummary>()
        .into_iter()
        .find(|z| z.hosted_zone_id == zone)
        .map(|z| z.name.clone())
}

pub fn add_record(b: &mut Builder, v: &View) {
    match v.res.rtype.as_str() {
        "aws_route53_zone" => {
            let id = v.id();
            let name = v.str("name").known().unwrap_or_default();
            let (vpcs, whats) = v.blocks("vpc", &["vpc_id", "vpc_region"]);
            if !whats.is_empty() {
                b.unknown(&id, whats, readers::DOMAIN);
            }
            // A public zone answers nothing inside a VPC: only private ones are listed.
            b.remove::<HostedZoneSummary>(&format!("{id}/"));
            for vpc in &vpcs {
                let Some(vpc_id) = field_str(vpc, "vpc_id") else {
                    continue;
                };
                let place = place_of_vpc(b, &vpc_id, field_str(vpc, "vpc_region"), v.place());
                b.upsert(
                    &place,
                    HostedZoneSummary {
                        hosted_zone_id: id.clone(),
                        name: name.clone(),
                        vpc_region: place.region.clone(),
                        vpc_id,
                        owner: Some(HostedZoneOwner {
                            owning_account: v.place().account,
                            owning_service: None,
                        }),
                    },
                );
            }
        }
        "aws_route53_record" => {
            let Some(zone) = known(b, &v.id(), v.str("zone_id"), readers::DOMAIN) else {
                return;
            };
            let Some(name) = v.str("name").known() else {
                return;
            };
            let kind = v.str("type").known().unwrap_or_else(|| "A".into());
            // A relative name lives in its zone.
            let fqdn = match zone_name(b, &zone) {
                Some(z)
                    if !name
                        .trim_end_matches('.')
                        .ends_with(z.trim_end_matches('.')) =>
                {
                    format!("{}.{}", name.trim_end_matches('.'), z.trim_end_matches('.'))
                }
                _ => name,
            };
            let (alias, whats) = v.blocks("alias", &["name", "zone_id"]);
            if !whats.is_empty() {
                b.unknown(&zone, whats, readers::DOMAIN);
            }
            let alias_target = alias.first().and_then(|a| {
                Some(AliasTarget {
                    hosted_zone_id: field_str(a, "zone_id").unwrap_or_default(),
                    dns_name: field_str(a, "name")?,
                })
            });
            let records = match v.strs("records") {
                Got::Known(r) => r,
                Got::Absent => Vec::new(),
                Got::Unknown(w) => {
                    b.unknown(&zone, w, readers::DOMAIN);
                    Vec::new()
                }
            };
            let place = v.place();
            let places: Vec<ProviderPlace> = {
                let mut out: Vec<ProviderPlace> = Vec::new();
                for s in &b.snapshot.scopes {
                    if s.hosted_zones
                        .iter()
                        .flatten()
                        .any(|z| z.hosted_zone_id == zone)
                    {
                        out.push(ProviderPlace {
                            region: Some(s.region.clone()),
                            account: s.account.clone(),
                        });
                    }
                }
                if out.is_empty() {
                    out.push(place);
                }
                out
            };
            for p in places {
                b.upsert(
                    &p,
                    ResourceRecordSet {
                        hosted_zone_id: zone.clone(),
                        name: fqdn.clone(),
                        record_type: kind.clone(),
                        alias_target: alias_target.clone(),
                        resource_records: records
                            .iter()
                            .map(|r| ResourceRecordValue { value: r.clone() })
                            .collect(),
                    },
                );
            }
        }
        _ => {}
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    match v.res.rtype.as_str() {
        "aws_route53_zone" => {
            let id = v.id();
            for s in &mut b.snapshot.scopes {
                if let Some(z) = s.hosted_zones.as_mut() {
                    z.retain(|x| x.hosted_zone_id != id);
                }
                if let Some(r) = s.resource_record_sets.as_mut() {
                    r.retain(|x| x.hosted_zone_id != id);
                }
            }
        }
        "aws_route53_record" => {
            let (Some(zone), Some(name)) = (v.str("zone_id").known(), v.str("name").known()) else {
                return;
            };
            let kind = v.str("type").known().unwrap_or_default();
            let name = name.trim_end_matches('.').to_string();
            for s in &mut b.snapshot.scopes {
                if let Some(r) = s.resource_record_sets.as_mut() {
                    r.retain(|x| {
                        !(x.hosted_zone_id == zone
                            && x.record_type == kind
                            && (x.name.trim_end_matches('.') == name
                                || x.name
                                    .trim_end_matches('.')
                                    .starts_with(&format!("{name}."))))
                    });
                }
            }
        }
        _ => {}
    }
}

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let (Some(zone), Some(vpc)) = (
        known(b, &v.id(), v.str("zone_id"), readers::DOMAIN),
        known(b, &v.id(), v.str("vpc_id"), readers::DOMAIN),
    ) else {
        return;
    };
    if !add {
        b.remove::<HostedZoneSummary>(&format!("{zone}/{vpc}"));
        return;
    }
    let name = zone_name(b, &zone).unwrap_or_default();
    let place = place_of_vpc(b, &vpc, v.str("vpc_region").known(), v.place());
    b.upsert(
        &place,
        HostedZoneSummary {
            hosted_zone_id: zone,
            name,
            vpc_region: place.region.clone(),
            vpc_id: vpc,
            owner: None,
        },
    );
}
