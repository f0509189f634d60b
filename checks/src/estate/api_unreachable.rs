//! `estate-api-unreachable`: a private API that no instance in the audited scopes can
//! call — none sits where it could reach an endpoint, or every one that does is cut
//! off by a broken hop.

use super::paths::{CheckedPath, Estate};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use std::collections::{BTreeMap, HashMap};

pub static META: CheckMeta = CheckMeta {
    id: "estate-api-unreachable",
    title: "Every private API has a client that reaches it",
    hop: Hop::Estate,
    severity: Severity::Medium,
    what: "For every private REST API of the audited accounts and regions, looks for an instance in a VPC that can reach one of its execute-api endpoints (the endpoint's own VPC, a VPC peered with it, or a VPC whose transit gateway attachment is associated with a TGW route table that routes to the endpoint VPC's attachment — on the same TGW or one peered with it — in any audited account or region), and for at least one such path on which no check fails.",
    why: "A private API is reachable only through an interface endpoint. One that no instance can reach is either unused (cost and attack surface with no caller) or cut off by a broken hop that every caller shares — a change that broke production, or a path never finished.",
    fix: "Follow the first broken hop the audit names for the API's paths (`privpath check --api-id API --instance-id INSTANCE` shows the fix), or join a client VPC to the endpoint's VPC (a peering connection, or a transit gateway route table that routes between their attachments); delete an API nobody needs.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-api-test-invoke-url.html",
    ],
    needs: &[],
    symptoms: &[],
};

pub fn run(e: &Estate<'_, '_>) -> Vec<Finding> {
    let id = META.id;
    let mut out = Vec::new();
    // The paths of each API, gathered in one pass: linear in the estate.
    let mut by_api: HashMap<(usize, &str), Vec<&CheckedPath>> = HashMap::new();
    for p in e.paths {
        by_api
            .entry((p.path.api_scope, p.path.api_id))
            .or_default()
            .push(p);
    }
    for (pos, api) in &e.apis {
        let mine: &[&CheckedPath] = by_api
            .get(&(*pos, api.id.as_str()))
            .map_or(&[], Vec::as_slice);
        let place = e.scope(*pos).label();
        if mine.is_empty() {
            out.push(
                Finding::fail(id, format!("API {} ({place}) has no client: no running instance of the audited scopes is in a VPC that can reach one of its execute-api endpoints", api.id))
                    .resource(&api.id)
                    .fix(format!("join a client VPC to the endpoint's VPC (aws ec2 create-vpc-peering-connection, or a transit gateway route: aws ec2 create-transit-gateway-route), or audit the accounts and regions its clients live in; delete the API if nobody calls it:\naws apigateway delete-rest-api --rest-api-id {} --region {}", api.id, e.scope(*pos).region)),
            );
            continue;
        }
        let broken: Vec<_> = mine.iter().filter_map(|p| p.first_failure()).collect();
        if broken.len() < mine.len() {
            continue;
        }
        // Every path fails: name the hops that break them, most common first.
        let mut by_check: BTreeMap<&str, usize> = BTreeMap::new();
        for f in &broken {
            *by_check.entry(f.check).or_default() += 1;
        }
        let mut hops: Vec<(&str, usize)> = by_check.into_iter().collect();
        hops.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let named: Vec<String> = hops.iter().map(|(c, n)| format!("{c} ({n})")).collect();
        let example = &mine[0].path;
        out.push(
            Finding::fail(
                id,
                format!(
                    "none of the {} path(s) into API {} ({place}) works; first broken hops: {}",
                    mine.len(),
                    api.id,
                    named.join(", ")
                ),
            )
            .resource(&api.id)
            .fix(format!(
                "privpath check --api-id {} --instance-id {} shows the fix for one of them",
                api.id, example.instance_id
            )),
        );
    }
    if out.is_empty() {
        out.push(Finding::pass(
            id,
            format!("each of the {} audited API(s) has at least one client path on which no check fails", e.apis.len()),
        ));
    }
    out
}
