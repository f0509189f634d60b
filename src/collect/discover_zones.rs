//! An audit's private hosted zones for the estate's private custom domain names: once
//! per account, after every account-region is discovered (a client account's zones
//! answer names that another account's domains hold, so the names come first).
//!
//! Route 53 is global and throttles each account (a burst of 50 requests, then 10 a
//! second: [`Pace`] keeps privpath under it), so this asks by zone, never by VPC (the
//! path's `ListHostedZonesByVPC` per client VPC would be a thousand requests in an
//! account of a thousand VPCs):
//!
//! 1. the private zones this account created named like a domain or a parent of it
//!    (`ListHostedZonesByName`, which starts at the name: one request per name);
//! 2. each such zone's VPCs (`GetHostedZone`), and its records named like the domain
//!    or like a wildcard above it (`ListResourceRecordSets` starting at that name: one
//!    request per name, whatever the size of the zone).
//!
//! [`place`] then gives each scope the zones associated with its VPCs (whichever account
//! owns the zone) and their records, as the path's reads would have.

use super::calls::CallError;
use super::graph::{self, ask, Board, Decl, Order, Read, Side, Start};
use super::route53::{self, PrivateZone};
use super::{all_at_once, sorted_unique, CollectError, Ctx};
use privpath_checks::domain::normalise;
use privpath_checks::snapshot::{self as m, Scope, Source, Unavailable};
use std::collections::{HashMap, HashSet};

/// At most this many Route 53 requests of one account in flight.
pub const ROUTE53_IN_FLIGHT: usize = 4;

/// Route 53 throttles each account with a token bucket: a burst of 50 requests, refilled
/// at 10 a second, for the account as a whole and for each operation
/// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html;
/// it was a flat five a second before). privpath takes a share of it — a burst of 20,
/// then 5 a second — so that an account of thousands of zones is read without being
/// throttled, and other tools of the account keep their share.
const BURST: f64 = 20.0;
const PER_SECOND: f64 = 5.0;

/// One account's Route 53 request budget, as a token bucket.
pub struct Pace {
    bucket: tokio::sync::Mutex<(f64, std::time::Instant)>,
}

impl Pace {
    fn new() -> Pace {
        Pace {
            bucket: tokio::sync::Mutex::new((BURST, std::time::Instant::now())),
        }
    }

    /// Waits until a request may be sent.
    async fn take(&self) {
        loop {
            let wait = {
                let mut b = self.bucket.lock().await;
                let now = std::time::Instant::now();
                let refilled = b.0 + now.duration_since(b.1).as_secs_f64() * PER_SECOND;
                *b = (refilled.min(BURST), now);
                if b.0 >= 1.0 {
                    b.0 -= 1.0;
                    return;
                }
                (1.0 - b.0) / PER_SECOND
            };
            tokio::time::sleep(std::time::Duration::from_secs_f64(wait)).await;
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fact {
    Zones,
    ZoneVpcs,
    Records,
}

/// A VPC as Route 53 names it: (region, VPC id).
type RegionVpc = (String, String);

/// One account's answers.
pub struct ZoneBoard {
    ctx: Ctx,
    pace: std::sync::Arc<Pace>,
    /// The estate's private custom domain names, normalised.
    names: Vec<String>,
    zones: Option<Vec<PrivateZone>>,
    /// Each zone's id with its VPCs.
    vpcs: Option<Vec<(String, Vec<RegionVpc>)>>,
    records: Option<Vec<m::ResourceRecordSet>>,
    unavailable: Vec<Unavailable>,
}

impl Board for ZoneBoard {
    type Fact = Fact;

    fn ctx(&self, _: Side) -> &Ctx {
        &self.ctx
    }

    fn failed(&mut self, decl: &Decl<Fact>, error: CallError) -> Result<(), CollectError> {
        if !self.unavailable.iter().any(|u| u.action == decl.action) {
            self.unavailable.push(Unavailable {
                action: decl.action.to_string(),
                error: error.to_string(),
            });
        }
        Ok(())
    }
}

/// Every read of one account's zones.
pub static READS: &[Read<ZoneBoard>] = &[
    Read {
        decl: Decl {
            name: "the private hosted zones named like the estate's private custom domain names or a parent of them (once per account)",
            action: "route53:ListHostedZonesByName",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::Zones],
            arrays: &[Source::HostedZones],
        },
        start: |b, c| {
            let (c, candidates, pace) = (c.clone(), zone_names(&b.names), b.pace.clone());
            ask(
                async move {
                    let found = paced(&c, &pace, &candidates, |c, name| async move {
                        route53::private_zones_named(&c, &name).await
                    })
                    .await;
                    let mut zones = Vec::new();
                    for r in found {
                        zones.extend(r?);
                    }
                    Ok(zones)
                },
                |b: &mut ZoneBoard, zones| b.zones = Some(zones),
            )
        },
    },
    Read {
        decl: Decl {
            name: "those zones' VPCs",
            action: "route53:GetHostedZone",
            side: Side::Api,
            needs: &[Fact::Zones],
            fills: &[Fact::ZoneVpcs],
            arrays: &[Source::HostedZones],
        },
        start: |b, c| {
            let Some(zones) = &b.zones else {
                return Start::Skip;
            };
            let ids: Vec<String> = sorted_unique(zones.iter().map(|z| z.id.clone()));
            let (c, pace) = (c.clone(), b.pace.clone());
            ask(
                async move {
                    let found = paced(&c, &pace, &ids, |c, id| async move {
                        route53::zone_vpcs(&c, &id).await.map(|v| (id, v))
                    })
                    .await;
                    found.into_iter().collect::<Result<Vec<_>, _>>()
                },
                |b: &mut ZoneBoard, v| b.vpcs = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "their records named like those domain names or a wildcard above them",
            action: "route53:ListResourceRecordSets",
            side: Side::Api,
            needs: &[Fact::Zones],
            fills: &[Fact::Records],
            arrays: &[Source::ResourceRecordSets],
        },
        start: |b, c| {
            let Some(zones) = &b.zones else {
                return Start::Skip;
            };
            let asks = record_asks(zones, &b.names);
            let (c, pace) = (c.clone(), b.pace.clone());
            ask(
                async move {
                    let found = paced(&c, &pace, &asks, |c, key| async move {
                        let (zone, name) = key.split_once('\n').unwrap_or((&key, ""));
                        route53::records_named(&c, zone, name).await
                    })
                    .await;
                    let mut records = Vec::new();
                    for r in found {
                        records.extend(r?);
                    }
                    Ok(records)
                },
                |b: &mut ZoneBoard, v| b.records = Some(v),
            )
        },
    },
];

/// [`all_at_once`], each request waiting its turn in the account's Route 53 budget.
async fn paced<T, F, Fut>(
    c: &Ctx,
    pace: &std::sync::Arc<Pace>,
    items: &[String],
    call: F,
) -> Vec<Result<T, CallError>>
where
    T: Send + 'static,
    F: Fn(Ctx, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
{
    all_at_once(c, items, |c, item| {
        let (pace, request) = (pace.clone(), call(c, item));
        async move {
            pace.take().await;
            request.await
        }
    })
    .await
}

/// The zone names that can answer the domains: each name and its parents down to two
/// labels (a private zone may be named like any of them).
fn zone_names(names: &[String]) -> Vec<String> {
    sorted_unique(names.iter().flat_map(|n| {
        let labels: Vec<&str> = n.split('.').collect();
        (0..labels.len().saturating_sub(1)).map(move |i| labels[i..].join("."))
    }))
}

/// `ZONE\nRECORD` for each zone and each record name that may answer a domain it covers:
/// the domain's own name, and a wildcard at each level between it and the zone.
fn record_asks(zones: &[PrivateZone], names: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    for z in zones {
        let zone = normalise(&z.name);
        for name in names {
            let Some(below) = name
                .strip_suffix(&zone)
                .filter(|rest| rest.is_empty() || rest.ends_with('.'))
            else {
                continue;
            };
            out.push(format!("{}\n{name}", z.id));
            // `a.b.ZONE`: `*.b.ZONE`, `*.ZONE` (a wildcard does not answer its own name).
            let labels: Vec<&str> = below.trim_end_matches('.').split('.').collect();
            if below.is_empty() {
                continue;
            }
            for i in 1..=labels.len() {
                let parent: Vec<&str> = labels[i..].to_vec();
                let wildcard = if parent.is_empty() {
                    format!("*.{zone}")
                } else {
                    format!("*.{}.{zone}", parent.join("."))
                };
                out.push(format!("{}\n{wildcard}", z.id));
            }
        }
    }
    sorted_unique(out)
}

/// One account's private hosted zones, their VPCs and their records for the estate's
/// domain names; what could not be read is in `unavailable`.
pub struct AccountZones {
    pub account: String,
    pub zones: Vec<(PrivateZone, Vec<RegionVpc>)>,
    pub records: Vec<m::ResourceRecordSet>,
    pub unavailable: Vec<Unavailable>,
}

/// Reads one account's zones for these domain names (normalised).
pub async fn discover_zones(
    ctx: &Ctx,
    account: &str,
    names: Vec<String>,
    order: Order,
) -> Result<AccountZones, CollectError> {
    let mut ctx = ctx.clone();
    ctx.limit = Some(std::sync::Arc::new(tokio::sync::Semaphore::new(
        ROUTE53_IN_FLIGHT,
    )));
    let mut board = ZoneBoard {
        ctx: ctx.clone(),
        pace: std::sync::Arc::new(Pace::new()),
        names,
        zones: None,
        vpcs: None,
        records: None,
        unavailable: Vec::new(),
    };
    let reads: Vec<&Read<ZoneBoard>> = READS.iter().collect();
    graph::run(&mut board, &reads, order, &ctx.log).await?;
    let (zones, vpcs) = (board.zones.unwrap_or_default(), board.vpcs);
    let zones = match vpcs {
        Some(vpcs) => zones
            .into_iter()
            .map(|z| {
                let of_zone = vpcs
                    .iter()
                    .find(|(id, _)| *id == z.id)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_default();
                (z, of_zone)
            })
            .collect(),
        // Without the VPCs no zone can be placed: the scopes keep the zones unread.
        None => Vec::new(),
    };
    // Without the records a zone would look empty (NXDOMAIN): leave them unread.
    let records = board.records.unwrap_or_default();
    Ok(AccountZones {
        account: account.to_string(),
        zones,
        records,
        unavailable: board.unavailable,
    })
}

/// The estate's private custom domain names, normalised: what the zones are read for.
pub fn estate_domain_names(scopes: &[Scope]) -> Vec<String> {
    sorted_unique(
        scopes
            .iter()
            .flat_map(|s| s.domain_names.iter().flatten())
            .filter(|d| d.is_private())
            .map(|d| normalise(&d.domain_name)),
    )
}

/// Gives every scope of an account whose zones were read its `HostedZones` and
/// `ResourceRecordSets`: the zones (of any audited account) associated with its VPCs,
/// and their records. A scope whose account's zones could not be read keeps them
/// unread (its domain checks say `unknown`), with why in its `unavailable`.
pub fn place(scopes: &mut [Scope], found: &[AccountZones]) {
    let complete = |a: &AccountZones| a.unavailable.is_empty();
    for s in scopes.iter_mut() {
        if s.unreadable().is_some() {
            continue;
        }
        let Some(a) = found
            .iter()
            .find(|a| Some(a.account.as_str()) == s.account.as_deref())
        else {
            continue;
        };
        if complete(a) {
            s.hosted_zones = Some(Vec::new());
            s.resource_record_sets = Some(Vec::new());
        } else {
            for u in &a.unavailable {
                if !s.unavailable.iter().any(|x| x.action == u.action) {
                    s.unavailable.push(u.clone());
                }
            }
        }
    }
    // Which scopes hold a VPC (ids may repeat across accounts), and which zones' records
    // each scope has, so placing is linear in the zones' associations.
    let mut holding: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, s) in scopes.iter().enumerate() {
        if s.hosted_zones.is_none() {
            continue;
        }
        for v in s.vpcs.iter().flatten() {
            holding
                .entry((s.region.clone(), v.vpc_id.clone()))
                .or_default()
                .push(i);
        }
    }
    let mut placed: HashSet<(usize, String)> = HashSet::new();
    for a in found.iter().filter(|a| complete(a)) {
        let mut records: HashMap<&str, Vec<&m::ResourceRecordSet>> = HashMap::new();
        for r in &a.records {
            records
                .entry(r.hosted_zone_id.as_str())
                .or_default()
                .push(r);
        }
        for (zone, vpcs) in &a.zones {
            for (region, vpc) in vpcs {
                for &i in holding
                    .get(&(region.clone(), vpc.clone()))
                    .into_iter()
                    .flatten()
                {
                    let s = &mut scopes[i];
                    s.hosted_zones
                        .get_or_insert_with(Vec::new)
                        .push(m::HostedZoneSummary {
                            hosted_zone_id: zone.id.clone(),
                            name: zone.name.clone(),
                            vpc_id: vpc.clone(),
                            vpc_region: Some(region.clone()),
                            owner: Some(m::HostedZoneOwner {
                                owning_account: Some(a.account.clone()),
                                owning_service: None,
                            }),
                        });
                    if placed.insert((i, zone.id.clone())) {
                        s.resource_record_sets.get_or_insert_with(Vec::new).extend(
                            records
                                .get(zone.id.as_str())
                                .into_iter()
                                .flatten()
                                .map(|r| (*r).clone()),
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scope(account: &str, vpc: &str) -> Scope {
        Scope {
            account: Some(account.into()),
            region: "us-east-1".into(),
            vpcs: Some(vec![m::Vpc {
                vpc_id: vpc.into(),
                ..Default::default()
            }]),
            ..Scope::default()
        }
    }

    fn zones_of(account: &str, vpc: &str, unavailable: Vec<Unavailable>) -> AccountZones {
        AccountZones {
            account: account.into(),
            zones: vec![(
                PrivateZone {
                    id: "Z1".into(),
                    name: "internal.example.com.".into(),
                },
                vec![("us-east-1".into(), vpc.into())],
            )],
            records: vec![m::ResourceRecordSet {
                hosted_zone_id: "Z1".into(),
                name: "orders.internal.example.com.".into(),
                record_type: "A".into(),
                ..Default::default()
            }],
            unavailable,
        }
    }

    #[test]
    fn a_zone_goes_to_the_scope_of_its_vpc_whichever_account_owns_it() {
        // The network account's zone, associated with a client VPC of another account.
        let mut scopes = vec![
            scope("111111111111", "vpc-net"),
            scope("222222222222", "vpc-client"),
        ];
        let found = [
            zones_of("111111111111", "vpc-client", vec![]),
            AccountZones {
                account: "222222222222".into(),
                zones: vec![],
                records: vec![],
                unavailable: vec![],
            },
        ];
        place(&mut scopes, &found);
        assert_eq!(scopes[0].hosted_zones.as_ref().unwrap().len(), 0);
        let zones = scopes[1].hosted_zones.as_ref().unwrap();
        assert_eq!(zones.len(), 1);
        assert_eq!(zones[0].vpc_id, "vpc-client");
        assert_eq!(
            zones[0].owner.as_ref().unwrap().owning_account.as_deref(),
            Some("111111111111")
        );
        assert_eq!(scopes[1].resource_record_sets.as_ref().unwrap().len(), 1);
    }

    #[test]
    fn an_account_whose_zones_cannot_be_read_keeps_them_unread_and_says_why() {
        let mut scopes = vec![
            scope("111111111111", "vpc-a"),
            scope("222222222222", "vpc-b"),
        ];
        let denied = Unavailable {
            action: "route53:GetHostedZone".into(),
            error: "AccessDenied".into(),
        };
        let found = [
            zones_of("111111111111", "vpc-a", vec![denied]),
            zones_of("222222222222", "vpc-a", vec![]),
        ];
        place(&mut scopes, &found);
        // Unread, not empty: an empty list would fail domain-dns ("no zone").
        assert!(scopes[0].hosted_zones.is_none());
        assert_eq!(scopes[0].unavailable[0].action, "route53:GetHostedZone");
        // The other account's zone of vpc-a is not placed in a scope left unread.
        assert_eq!(scopes[1].hosted_zones.as_ref().unwrap().len(), 0);
    }

    #[tokio::test]
    async fn route53_requests_keep_to_a_burst_then_a_steady_rate() {
        let pace = Pace::new();
        let start = std::time::Instant::now();
        for _ in 0..BURST as usize {
            pace.take().await;
        }
        assert!(
            start.elapsed().as_millis() < 100,
            "the burst waits for nothing"
        );
        for _ in 0..3 {
            pace.take().await;
        }
        // Three more at five a second: about 0.6 s.
        let waited = start.elapsed().as_secs_f64();
        assert!((0.55..1.0).contains(&waited), "{waited}");
    }

    #[test]
    fn zones_are_asked_by_the_name_and_its_parents() {
        let names = vec!["orders.internal.example.com".to_string()];
        assert_eq!(
            zone_names(&names),
            [
                "example.com",
                "internal.example.com",
                "orders.internal.example.com"
            ]
        );
    }

    #[test]
    fn records_are_asked_by_the_name_and_the_wildcards_up_to_the_zone() {
        let zone = |id: &str, name: &str| PrivateZone {
            id: id.into(),
            name: name.into(),
        };
        let names = vec!["a.b.example.com".to_string(), "other.org".to_string()];
        let asks = record_asks(
            &[zone("Z1", "example.com."), zone("Z2", "a.b.example.com")],
            &names,
        );
        assert_eq!(
            asks,
            [
                "Z1\n*.b.example.com",
                "Z1\n*.example.com",
                "Z1\na.b.example.com",
                "Z2\na.b.example.com",
            ]
        );
        // `xexample.com` is not under `example.com`.
        assert!(record_asks(&[zone("Z3", "example.com")], &["xexample.com".into()]).is_empty());
    }
}
