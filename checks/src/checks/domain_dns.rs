//! `domain-dns`: a Route 53 private hosted zone associated with the client VPC resolves
//! the custom domain name to the execute-api endpoint on the path.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::dns_name::bare_zone_id;
use crate::domain::normalise;
use crate::finding::Finding;
use crate::net::parse_ipv4;
use crate::path::{EndpointHop, ResolvedPath};
use crate::snapshot::{HostedZoneSummary, ResourceRecordSet, Source};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "domain-dns",
    title: "A private hosted zone of the client VPC resolves the domain to the endpoint",
    hop: Hop::ClientNetwork,
    severity: Severity::High,
    what: "Among the Route 53 private hosted zones associated with the client VPC (`list-hosted-zones-by-vpc`), takes the most specific one whose name covers the domain, finds its record for the name (exact, else a wildcard) and checks that it leads to the execute-api endpoint on the path: an alias or CNAME to one of the endpoint's DNS names, or A records inside the endpoint's subnets. The client VPC needs `enableDnsSupport` and `enableDnsHostnames` for private hosted zones to answer.",
    why: "A private custom domain name has no public DNS: the client resolves it only through a private hosted zone associated with its own VPC (associating the zone with the endpoint's VPC does not help a peered client). Route 53 answers from the most specific matching private zone and does not fall back: a zone without the record answers NXDOMAIN (`Could not resolve host`); a record pointing elsewhere sends the call to another endpoint or to the internet, where it times out or is refused.",
    fix: "Associate a private hosted zone with the client VPC and add an alias to the endpoint: `aws route53 create-hosted-zone --name NAME --vpc VPCRegion=REGION,VPCId=VPC --caller-reference privpath-NAME`, then `aws route53 change-resource-record-sets --hosted-zone-id ZONE --change-batch '{\"Changes\":[{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{\"Name\":\"NAME\",\"Type\":\"A\",\"AliasTarget\":{\"HostedZoneId\":\"ENDPOINT_ZONE\",\"DNSName\":\"ENDPOINT_DNS_NAME\",\"EvaluateTargetHealth\":false}}}]}'`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-tutorial.html",
        "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/hosted-zone-private-considerations.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html#vpc-dns-support",
    ],
    needs: &[endpoint(Source::VpcEndpoints), client(Source::Instances), client(Source::VpcAttributes), client(Source::HostedZones), client(Source::ResourceRecordSets)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): a private custom domain name that
/// does not resolve to the endpoint from the client's VPC, or resolves to the wrong
/// target (which presents the wrong certificate).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "domain-does-not-resolve",
        evidence: Evidence::Code,
        seen_in: "curl (exit 6), an SDK, dig on the client",
        patterns: shared::COULD_NOT_RESOLVE,
        unless: &["amazonaws.com"],
        meaning: "A name outside amazonaws.com resolves only through a Route 53 private hosted zone associated with the client's VPC that holds its record.",
        ..Symptom::BASE
    },
    Symptom {
        id: "tls-name-mismatch",
        seen_in: "curl (exit 60 or 51), an SDK",
        patterns: shared::TLS_NAME_MISMATCH,
        meaning: "The custom name's record points at a target that presents another certificate (the stage URL or an endpoint without an access association serves *.execute-api's): point it at the endpoint, as the domain's access association expects.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Remote,
        seen_in: "curl against the domain (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "Through a custom domain name, a record that leads elsewhere than the endpoint associated with the domain is answered 403.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-hosted-zone",
        evidence: Evidence::Hint,
        seen_in: "any text about Route 53",
        patterns: &[&["private hosted zone"], &["route 53"], &["route53"]],
        meaning: "The text is about Route 53; this check finds the private hosted zone of the client's VPC and the domain's record in it.",
        ..Symptom::BASE
    },
];

/// Whether a zone (or record) name covers `name`: equal, or a parent domain.
fn covers(zone: &str, name: &str) -> bool {
    let zone = normalise(zone);
    name == zone || name.ends_with(&format!(".{zone}"))
}

/// Route 53 prints `*` in a record name as `\052`.
fn record_name(r: &ResourceRecordSet) -> String {
    normalise(&r.name.replace("\\052", "*"))
}

/// The record answering `name`: the exact one first, else the closest wildcard.
fn answer<'r>(records: &[&'r ResourceRecordSet], name: &str) -> Option<&'r ResourceRecordSet> {
    let usable = |r: &&&ResourceRecordSet| matches!(r.record_type.as_str(), "A" | "AAAA" | "CNAME");
    records
        .iter()
        .filter(usable)
        .find(|r| record_name(r) == name)
        .or_else(|| {
            records
                .iter()
                .filter(usable)
                .filter(|r| {
                    record_name(r)
                        .strip_prefix("*.")
                        .is_some_and(|parent| name.ends_with(&format!(".{parent}")))
                })
                .max_by_key(|r| r.name.len())
        })
        .copied()
}

/// A DNS name as records and endpoints spell it: lower case, no trailing dot, no
/// `dualstack.` prefix (Route 53 adds it to alias targets).
fn dns_key(n: &str) -> String {
    let n = normalise(n);
    n.strip_prefix("dualstack.")
        .map(str::to_string)
        .unwrap_or(n)
}

/// Where the record leads, judged against the endpoint: `Ok(how)` or `Err(where)`.
fn leads_to_endpoint(r: &ResourceRecordSet, ep: &EndpointHop<'_>) -> Result<String, String> {
    let names: Vec<String> = ep
        .endpoint
        .dns_entries
        .iter()
        .map(|d| dns_key(&d.dns_name))
        .collect();
    if let Some(alias) = &r.alias_target {
        let target = dns_key(&alias.dns_name);
        return if names.contains(&target) {
            Ok(format!("an alias to {target}"))
        } else {
            Err(format!("an alias to {target}"))
        };
    }
    let values: Vec<&str> = r
        .resource_records
        .iter()
        .map(|v| v.value.as_str())
        .collect();
    if r.record_type == "CNAME" {
        let target = values.first().map(|v| dns_key(v)).unwrap_or_default();
        return if names.contains(&target) {
            Ok(format!("a CNAME to {target}"))
        } else {
            Err(format!("a CNAME to {target}"))
        };
    }
    let cidrs: Vec<_> = ep.subnets.iter().filter_map(|s| s.cidr()).collect();
    let inside = !values.is_empty()
        && values
            .iter()
            .all(|v| parse_ipv4(v).is_some_and(|ip| cidrs.iter().any(|c| c.contains_ip(ip))));
    if inside {
        Ok(format!(
            "{} record(s) {} inside the endpoint's subnets (an alias follows the endpoint's addresses; fixed addresses do not)",
            r.record_type,
            values.join(", ")
        ))
    } else {
        Err(format!("{} record(s) {}", r.record_type, values.join(", ")))
    }
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let d = match super::common::domain_or_skip(id, p) {
        Ok(d) => d,
        Err(skip) => return skip,
    };
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let vpc = match super::common::client_vpc_or_unknown(id, p) {
        Ok(vpc) => vpc,
        Err(unknown) => return unknown,
    };
    let name = d.name.as_str();
    let region = p.client_region();
    let mut resources = vec![vpc.to_string(), ep.id().to_string()];
    if let Some(attr) = p.client_ix.vpc_attribute(vpc) {
        let support = attr.enable_dns_support.as_ref().map(|b| b.value);
        let hostnames = attr.enable_dns_hostnames.as_ref().map(|b| b.value);
        if support == Some(false) || hostnames == Some(false) {
            let flag = if support == Some(false) {
                "--enable-dns-support"
            } else {
                "--enable-dns-hostnames"
            };
            return vec![Finding::fail(id, format!("{vpc} has enableDnsSupport {} and enableDnsHostnames {}: private hosted zones answer only when both are on, so {name} does not resolve from {}", support.map_or("unknown".into(), |b| b.to_string()), hostnames.map_or("unknown".into(), |b| b.to_string()), p.client.id()))
                .resources(resources)
                .fix(format!("aws ec2 modify-vpc-attribute --vpc-id {vpc} {flag} '{{\"Value\":true}}'"))];
        }
    }
    let alias_batch = |zone: &str| {
        let target = ep.endpoint.dns_entries.first();
        let (ep_zone, ep_name) = target.map_or(("ENDPOINT_ZONE", "ENDPOINT_DNS_NAME"), |t| {
            (
                t.hosted_zone_id.as_deref().unwrap_or("ENDPOINT_ZONE"),
                t.dns_name.as_str(),
            )
        });
        format!("aws route53 change-resource-record-sets --hosted-zone-id {zone} --change-batch '{{\"Changes\":[{{\"Action\":\"UPSERT\",\"ResourceRecordSet\":{{\"Name\":\"{name}\",\"Type\":\"A\",\"AliasTarget\":{{\"HostedZoneId\":\"{ep_zone}\",\"DNSName\":\"{ep_name}\",\"EvaluateTargetHealth\":false}}}}}}]}}'")
    };
    let zones: Vec<&HostedZoneSummary> = p
        .client_ix
        .domain_records
        .zones_of(vpc)
        .iter()
        .copied()
        .filter(|z| covers(&z.name, name))
        .collect();
    let Some(zone) = zones.iter().max_by_key(|z| normalise(&z.name).len()) else {
        return vec![Finding::fail(id, format!("no private hosted zone associated with {vpc} covers {name}: the name has no answer there (a private domain name has no public DNS), and curl fails with \"Could not resolve host\""))
            .resources(resources)
            .fix(format!("aws route53 create-hosted-zone --name {name} --vpc VPCRegion={region},VPCId={vpc} --caller-reference privpath-{name}\n{}", alias_batch("NEW_ZONE_ID")))];
    };
    let zid = bare_zone_id(&zone.hosted_zone_id);
    resources.push(zid.to_string());
    let records: &[&ResourceRecordSet] = p.client_ix.domain_records.records_in(zid);
    let zone_name = normalise(&zone.name);
    let Some(record) = answer(records, name) else {
        let unread = records.is_empty();
        if unread
            && zone
                .owner
                .as_ref()
                .and_then(|o| o.owning_account.as_deref())
                .is_some_and(|a| Some(a) != p.client_scope.account.as_deref())
        {
            return vec![Finding::unknown(id, format!("zone {zid} ({zone_name}), associated with {vpc}, belongs to another account: its records cannot be read with the client side's credentials"))
                .resources(resources)
                .needs(Source::ResourceRecordSets.iam_action())];
        }
        return vec![Finding::fail(id, format!("zone {zid} ({zone_name}), the most specific private zone of {vpc} for {name}, has no record for it: Route 53 answers NXDOMAIN and does not fall back to another zone"))
            .resources(resources)
            .fix(alias_batch(zid))];
    };
    match leads_to_endpoint(record, ep) {
        Ok(how) => vec![Finding::pass(
            id,
            format!("zone {zid} ({zone_name}) of {vpc} resolves {name} by {how} of {}", ep.id()),
        )
        .resources(resources)],
        Err(elsewhere) => vec![Finding::fail(id, format!("zone {zid} ({zone_name}) of {vpc} resolves {name} by {elsewhere}, which is not {}: the call goes elsewhere and times out or is refused", ep.id()))
            .resources(resources)
            .fix(alias_batch(zid))],
    }
}
