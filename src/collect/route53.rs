//! Route 53 reads: the private hosted zones associated with the client's VPC, and their
//! records. Route 53 is a global service: the region only names the VPC's.

use super::calls::{logged, CallError};
use super::Ctx;
use privpath_checks::dns_name::bare_zone_id;
use privpath_checks::snapshot as m;

/// Every private hosted zone associated with `vpc` (of `vpc_region`), whichever account
/// owns it, following every page.
pub async fn zones_of_vpc(
    ctx: &Ctx,
    vpc: &str,
    vpc_region: &str,
) -> Result<Vec<m::HostedZoneSummary>, CallError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = logged!(
            ctx,
            "route53:ListHostedZonesByVPC",
            ctx.route53
                .list_hosted_zones_by_vpc()
                .vpc_id(vpc)
                .vpc_region(aws_sdk_route53::types::VpcRegion::from(vpc_region))
                .set_next_token(token.clone())
                .send()
        )?;
        out.extend(
            page.hosted_zone_summaries()
                .iter()
                .map(|z| m::HostedZoneSummary {
                    hosted_zone_id: z.hosted_zone_id().to_string(),
                    name: z.name().to_string(),
                    vpc_id: vpc.to_string(),
                    vpc_region: Some(vpc_region.to_string()),
                    owner: z.owner().map(|o| m::HostedZoneOwner {
                        owning_account: o.owning_account().map(str::to_string),
                        owning_service: o.owning_service().map(str::to_string),
                    }),
                }),
        );
        match page.next_token() {
            Some(t) if !t.is_empty() && Some(t) != token.as_deref() => token = Some(t.to_string()),
            _ => break Ok(out),
        }
    }
}

/// A zone's records, every page (Route 53 pages by the next record's name and type).
pub async fn records(ctx: &Ctx, zone: &str) -> Result<Vec<m::ResourceRecordSet>, CallError> {
    list_records(ctx, zone, None, |_| true).await
}

/// A private hosted zone this account created, named exactly `name`.
#[derive(Clone, Debug)]
pub struct PrivateZone {
    /// Without the `/hostedzone/` prefix.
    pub id: String,
    pub name: String,
}

/// The private hosted zones this account created with exactly this name, every page
/// of them: `ListHostedZonesByName` sorts by name with the labels reversed and starts at
/// `name`, so they come first and the listing stops at the first other name.
pub async fn private_zones_named(ctx: &Ctx, name: &str) -> Result<Vec<PrivateZone>, CallError> {
    let wanted = privpath_checks::domain::normalise(name);
    let mut out = Vec::new();
    let mut next: Option<(String, String)> = None;
    loop {
        let (dns, id) = match &next {
            Some((d, i)) => (d.clone(), Some(i.clone())),
            None => (format!("{wanted}."), None),
        };
        let page = logged!(
            ctx,
            "route53:ListHostedZonesByName",
            ctx.route53
                .list_hosted_zones_by_name()
                .dns_name(dns)
                .set_hosted_zone_id(id)
                .send()
        )?;
        let mut other_name = false;
        for z in page.hosted_zones() {
            if privpath_checks::domain::normalise(z.name()) != wanted {
                other_name = true;
                break;
            }
            if z.config().is_some_and(|c| c.private_zone()) {
                out.push(PrivateZone {
                    id: bare_zone_id(z.id()).to_string(),
                    name: z.name().to_string(),
                });
            }
        }
        match (
            page.is_truncated(),
            page.next_dns_name(),
            page.next_hosted_zone_id(),
        ) {
            (true, Some(d), Some(i)) if !other_name => {
                let following = (d.to_string(), i.to_string());
                if next.as_ref() == Some(&following) {
                    break Ok(out);
                }
                next = Some(following);
            }
            _ => break Ok(out),
        }
    }
}

/// The VPCs (region, id) a private hosted zone is associated with, whichever account
/// owns them (`GetHostedZone`).
pub async fn zone_vpcs(ctx: &Ctx, zone: &str) -> Result<Vec<(String, String)>, CallError> {
    let out = logged!(
        ctx,
        "route53:GetHostedZone",
        ctx.route53.get_hosted_zone().id(zone).send()
    )?;
    Ok(out
        .vpcs()
        .iter()
        .filter_map(|v| {
            Some((
                v.vpc_region()?.as_str().to_string(),
                v.vpc_id()?.to_string(),
            ))
        })
        .collect())
}

/// A zone's records named exactly `name` (a name or a wildcard such as
/// `*.internal.example.com`): the listing starts at the name and stops at the first
/// other one, so a zone of thousands of records costs one request per name.
pub async fn records_named(
    ctx: &Ctx,
    zone: &str,
    name: &str,
) -> Result<Vec<m::ResourceRecordSet>, CallError> {
    let wanted = privpath_checks::domain::normalise(name);
    let same = |n: &str| privpath_checks::domain::normalise(&n.replace("\\052", "*")) == wanted;
    list_records(ctx, zone, Some(format!("{wanted}.")), same).await
}

/// `ListResourceRecordSets` from `start` (the zone's first record when `None`), page
/// after page, keeping records while `wanted` holds for their names and stopping at the
/// first that it does not (a listing of the whole zone wants every name).
async fn list_records(
    ctx: &Ctx,
    zone: &str,
    start: Option<String>,
    wanted: impl Fn(&str) -> bool,
) -> Result<Vec<m::ResourceRecordSet>, CallError> {
    // A listing by name needs a page of a few records; a whole zone, Route 53's default.
    let max_items = start.as_ref().map(|_| 20);
    let mut out = Vec::new();
    let mut next: Option<(String, aws_sdk_route53::types::RrType, Option<String>)> = None;
    loop {
        let (name, kind, identifier) = match &next {
            Some((n, t, i)) => (Some(n.clone()), Some(t.clone()), i.clone()),
            None => (start.clone(), None, None),
        };
        let page = logged!(
            ctx,
            "route53:ListResourceRecordSets",
            ctx.route53
                .list_resource_record_sets()
                .hosted_zone_id(zone)
                .set_start_record_name(name)
                .set_start_record_type(kind)
                .set_start_record_identifier(identifier)
                .set_max_items(max_items)
                .send()
        )?;
        let records = page.resource_record_sets();
        out.extend(
            records
                .iter()
                .take_while(|r| wanted(r.name()))
                .map(|r| record(zone, r)),
        );
        let all_wanted = records.iter().all(|r| wanted(r.name()));
        match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(n), Some(t)) if all_wanted && wanted(n) => {
                let following = (
                    n.to_string(),
                    t.clone(),
                    page.next_record_identifier().map(str::to_string),
                );
                // A page that points at itself would loop forever: stop instead.
                if next.as_ref() == Some(&following) {
                    break Ok(out);
                }
                next = Some(following);
            }
            _ => break Ok(out),
        }
    }
}

fn record(zone: &str, r: &aws_sdk_route53::types::ResourceRecordSet) -> m::ResourceRecordSet {
    m::ResourceRecordSet {
        hosted_zone_id: zone.to_string(),
        name: r.name().to_string(),
        record_type: r.r#type().as_str().to_string(),
        alias_target: r.alias_target().map(|a| m::AliasTarget {
            hosted_zone_id: a.hosted_zone_id().to_string(),
            dns_name: a.dns_name().to_string(),
        }),
        resource_records: r
            .resource_records()
            .iter()
            .map(|v| m::ResourceRecordValue {
                value: v.value().to_string(),
            })
            .collect(),
    }
}
