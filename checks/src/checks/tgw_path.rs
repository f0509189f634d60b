//! `tgw-path`: the transit gateway carries the request from the client's VPC to the
//! endpoint's and the replies back.

use crate::check::{client, endpoint, CheckMeta, Hop, Severity};
use crate::finding::{Finding, Status};
use crate::net::Cidr;
use crate::path::{Carrier, ResolvedPath};
use crate::snapshot::{Source, TransitGatewayRoute};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};
use crate::transit::{route_attachments, tgw_lookup, zone_of, TableRoutes, TgwEnd, Transit};

pub static META: CheckMeta = CheckMeta {
    id: "tgw-path",
    title: "The transit gateway carries the traffic both ways",
    hop: Hop::Peering,
    severity: Severity::High,
    what: "On a path whose client route goes to a transit gateway: the TGW is `available`; the client VPC's and the endpoint VPC's attachments are `available` (a `pendingAcceptance` one names the TGW owner's account that must accept it); the client's attachment has a subnet in the client instance's Availability Zone and the endpoint VPC's attachment one in each AZ of the endpoint's subnets (AWS: resources in an AZ without an attachment subnet cannot reach the TGW); the TGW route table associated with the client's attachment sends every endpoint subnet, by longest prefix (a static route beats a propagated one of the same prefix; a blackhole drops), to the endpoint VPC's attachment — directly, or through a TGW peering attachment to the endpoint's TGW, whose route table (static routes only) continues to it — and the route table associated with the endpoint VPC's attachment routes the client's subnet back the same way.",
    why: "A TGW forwards a packet by the route table associated with the attachment it came in on, and only from Availability Zones where that attachment has a subnet. An attachment not yet accepted, one associated with the wrong route table, a missing or blackhole route on either way, or a client in an AZ the attachment does not cover drops the packets silently: curl hangs until it times out. Route tables belong to the TGW's owner, attachments to the VPCs' owners: across accounts each side fixes its own part.",
    fix: "Add the missing route (`aws ec2 create-transit-gateway-route --transit-gateway-route-table-id RTB --destination-cidr-block CIDR --transit-gateway-attachment-id ATTACHMENT`) or propagate the attachment's VPC CIDR (`aws ec2 enable-transit-gateway-route-table-propagation`), associate the attachment with the route table that has the routes (`aws ec2 associate-transit-gateway-route-table`, after disassociating it), add a subnet in the missing Availability Zone (`aws ec2 modify-transit-gateway-vpc-attachment --add-subnet-ids`), or accept the attachment as the TGW's owner (`aws ec2 accept-transit-gateway-vpc-attachment`); each as printed, with its region and account.",
    links: &[
        "https://docs.aws.amazon.com/vpc/latest/tgw/how-transit-gateways-work.html",
        "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html",
        "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-route-tables.html",
        "https://docs.aws.amazon.com/vpc/latest/tgw/tgw-peering.html",
        "https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-share.html",
    ],
    needs: &[
        client(Source::TransitGatewayVpcAttachments),
        endpoint(Source::TransitGatewayVpcAttachments),
        client(Source::Subnets),
        endpoint(Source::Subnets),
    ],
    symptoms: SYMPTOMS,
};

/// What this check explains (`privpath explain`): the errors of creating, accepting,
/// associating and routing transit gateway attachments, and the states that drop a
/// path's packets. A TGW route table's id with a blackhole is this check, not the VPC
/// route checks'.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "tgw-error-code",
        evidence: Evidence::Code,
        seen_in: "EC2 transit gateway APIs (CLI, Terraform, CloudFormation)",
        patterns: &[
            &["invalidtransitgatewayid.notfound"],
            &["invalidtransitgatewayattachmentid.notfound"],
            &["invalidroutetableid.notfound", "<tgw-rtb>"],
            &["incorrectstate", "<tgw-attach>"],
            &["incorrectstate", "transit gateway"],
            &["incorrectstate", "transitgateway*"],
            &["duplicatesubnetsinsamezone"],
            &["duplicate subnets for same az"],
            &["duplicatetransitgatewayattachment"],
            &["resource.alreadyassociated", "<tgw-attach>"],
            &["already associated to a route table"],
            &["missing required parameter", "transitgatewayroutetableid"],
            &["transit gateway route table was deleted"],
            &["tgw_rtb_cannot_route"],
        ],
        meaning: "A transit gateway operation failed: the TGW or attachment is not visible in this account (a RAM share not yet accepted, or the wrong region), the attachment is not `available` yet (pending, or awaiting the TGW owner's acceptance), two subnets of one Availability Zone were given to one attachment (one per AZ), the VPC is already attached, the attachment is already associated with another route table (disassociate it first), or the route table belongs to the TGW owner's account.",
        ..Symptom::BASE
    },
    Symptom {
        id: "attachment-not-available",
        evidence: Evidence::Phrase,
        seen_in: "describe-transit-gateway-attachments, Terraform's waiter",
        patterns: &[
            &["<tgw-attach>", "pendingacceptance"],
            &["transit gateway", "attachment", "pendingacceptance"],
            &["transit gateway", "attachment", "unexpected state"],
            &["<tgw-attach>", "is in invalid state"],
            &["<tgw>", "rejected"],
        ],
        meaning: "The attachment is not `available`: across accounts the TGW owner must accept it (`aws ec2 accept-transit-gateway-vpc-attachment` in the owner's account) unless auto-accept is on; until then nothing routes and no route table can take it.",
        ..Symptom::BASE
    },
    Symptom {
        id: "tgw-route-blackhole",
        evidence: Evidence::Phrase,
        seen_in: "search-transit-gateway-routes, the VPC console, Reachability Analyzer",
        patterns: &[
            &["<tgw-rtb>", "blackhole"],
            &["transit gateway route", "blackhole"],
            &["<tgw-rtb>", "does not have a route"],
            &["<tgw-rtb>", "no route"],
        ],
        meaning: "The TGW route table associated with the attachment drops the destination: a blackhole route (explicit, or a static route whose attachment was deleted) or no route at all (propagation not enabled, no static route).",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "Packets between the VPCs are dropped; on a transit gateway a missing or blackhole route in either direction's route table, an attachment not accepted, or a client in an Availability Zone the attachment has no subnet in drops them silently.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-a-transit-gateway",
        evidence: Evidence::Hint,
        seen_in: "any text naming a transit gateway",
        patterns: &[
            &["<tgw>"],
            &["<tgw-attach>"],
            &["<tgw-rtb>"],
            &["transit gateway"],
            &["transitgateway*"],
        ],
        meaning: "The text names a transit gateway or one of its attachments or route tables; this check reads the TGW hop of the path both ways.",
        ..Symptom::BASE
    },
];

/// `--region R  # in account A`, for a command that must run in the TGW owner's (or a
/// VPC owner's) account.
fn place(region: &str, account: Option<&str>) -> String {
    match account {
        Some(a) => format!("--region {region}  # in account {a}"),
        None => format!("--region {region}"),
    }
}

/// What the findings collect while the hop is walked.
struct Walk {
    resources: Vec<String>,
    problems: Vec<(String, String)>,
    unknown: Vec<String>,
    needs: Vec<&'static str>,
    notes: Vec<String>,
}

impl Walk {
    fn fail(&mut self, problem: String, fix: String) {
        self.problems.push((problem, fix));
    }

    fn unknown(&mut self, why: String, action: &'static str) {
        if !self.unknown.contains(&why) {
            self.unknown.push(why);
        }
        if !self.needs.contains(&action) {
            self.needs.push(action);
        }
    }

    fn finding(mut self, id: &'static str) -> Finding {
        self.resources.dedup();
        if !self.problems.is_empty() {
            let (msgs, fixes): (Vec<String>, Vec<String>) = self.problems.into_iter().unzip();
            let mut fixes = fixes;
            fixes.dedup();
            return Finding::fail(id, msgs.join("; "))
                .resources(self.resources)
                .fix(fixes.join("\n"));
        }
        if !self.unknown.is_empty() {
            let mut f = Finding::unknown(id, self.unknown.join("; ")).resources(self.resources);
            for n in self.needs {
                f = f.needs(n);
            }
            return f;
        }
        Finding::new(id, Status::Pass, self.notes.join("; ")).resources(self.resources)
    }
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (tgw, hop) = match p.carrier() {
        Carrier::Transit { tgw, hop } => (tgw, hop),
        Carrier::SameVpc => {
            return vec![Finding::skip(
                id,
                "the client and the endpoint share a VPC: no transit gateway on the path",
            )]
        }
        Carrier::Peering => {
            let by = p
                .peerings()
                .first()
                .map(|x| format!("the peering connection {}", x.vpc_peering_connection_id))
                .unwrap_or_else(|| "a peering connection (peering-active checks it)".into());
            return vec![Finding::skip(
                id,
                format!("the path crosses {by}, not a transit gateway"),
            )];
        }
    };
    let Some(t) = hop else {
        return vec![not_attached(id, p, tgw)];
    };
    let mut w = Walk {
        resources: vec![t.client.tgw_id().to_string()],
        problems: Vec::new(),
        unknown: Vec::new(),
        needs: Vec::new(),
        notes: Vec::new(),
    };
    tgws(&t, &mut w);
    for end in [&t.client, &t.api] {
        attachment_state(&t, end, &mut w);
    }
    zones(p, &t, &mut w);
    forward(p, &t, &mut w);
    back(p, &t, &mut w);
    vec![w.finding(id)]
}

/// The client's route goes to a TGW, but the snapshot shows no attachment of both VPCs.
fn not_attached(id: &'static str, p: &ResolvedPath<'_>, tgw: &str) -> Finding {
    let client_vpc = p.client.vpc_id.unwrap_or("the client VPC");
    let endpoint_vpc = p
        .endpoint
        .as_ref()
        .map_or("the endpoint VPC", |e| e.vpc_id());
    Finding::fail(
        id,
        format!("the client's route sends the endpoint's subnets to {tgw}, but {client_vpc} and {endpoint_vpc} are not both attached to it (or to transit gateways joined by a peering attachment)"),
    )
    .resources(vec![tgw.to_string(), client_vpc.to_string(), endpoint_vpc.to_string()])
    .fix(format!(
        "aws ec2 create-transit-gateway-vpc-attachment --transit-gateway-id {tgw} --vpc-id VPC_ID --subnet-ids SUBNET_IDS  # for each VPC not attached, in its owner's account"
    ))
}

/// Each TGW on the path is `available`.
fn tgws(t: &Transit<'_>, w: &mut Walk) {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for end in [&t.client, &t.api] {
        let key = (end.tgw_id(), end.region());
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        match t.tgw(key.0, key.1) {
            Some(g) => {
                let state = g.state.as_deref().unwrap_or("unknown");
                if state != "available" {
                    w.fail(
                        format!("transit gateway {} is {state}, not available", key.0),
                        format!("aws ec2 describe-transit-gateways --transit-gateway-ids {} {}  # wait for available, or recreate it", key.0, place(key.1, g.owner_id.as_deref())),
                    );
                }
            }
            None if t.tgws_read(key.1) => w.fail(
                format!(
                    "transit gateway {} is not among the transit gateways of {}",
                    key.0, key.1
                ),
                format!(
                    "aws ec2 describe-transit-gateways --transit-gateway-ids {} --region {}",
                    key.0, key.1
                ),
            ),
            None => w.unknown(
                format!("transit gateway {} was not read", key.0),
                Source::TransitGateways.iam_action(),
            ),
        }
    }
}

/// Each VPC's attachment is `available`; a pending one names who must accept it.
fn attachment_state(t: &Transit<'_>, end: &TgwEnd<'_>, w: &mut Walk) {
    w.resources.push(end.id().to_string());
    let state = end.state();
    if state == "available" {
        return;
    }
    let owner = t.owner(end.tgw_id(), end.region(), end.id());
    if state == "pendingAcceptance" {
        w.fail(
            format!(
                "{}'s attachment {} to {} is pendingAcceptance: the transit gateway's owner{} must accept it",
                end.vpc_id,
                end.id(),
                end.tgw_id(),
                owner.map(|o| format!(" (account {o})")).unwrap_or_default()
            ),
            format!(
                "aws ec2 accept-transit-gateway-vpc-attachment --transit-gateway-attachment-id {} {}",
                end.id(),
                place(end.region(), owner)
            ),
        );
    } else {
        w.fail(
            format!("{}'s attachment {} to {} is {state}, not available", end.vpc_id, end.id(), end.tgw_id()),
            format!("aws ec2 describe-transit-gateway-vpc-attachments --transit-gateway-attachment-ids {} {}", end.id(), place(end.region(), end.vpc_ix.scope.account.as_deref())),
        );
    }
}

/// The client's AZ, and each endpoint subnet's, hold a subnet of the VPC's attachment.
fn zones(p: &ResolvedPath<'_>, t: &Transit<'_>, w: &mut Walk) {
    let client_subnet = p.client.subnet;
    let endpoint_subnets: Vec<_> = p
        .endpoint
        .iter()
        .flat_map(|e| e.subnets.iter())
        .filter_map(|s| s.subnet)
        .collect();
    for (end, subnets, who) in [
        (
            &t.client,
            client_subnet.into_iter().collect::<Vec<_>>(),
            "the client",
        ),
        (&t.api, endpoint_subnets, "the endpoint"),
    ] {
        let (covered, unplaced) = end.zones();
        if !unplaced.is_empty() {
            w.unknown(
                format!("the subnets {} of {} are not in the snapshot, so their Availability Zones are not known", unplaced.join(", "), end.id()),
                Source::Subnets.iam_action(),
            );
            continue;
        }
        for s in subnets {
            let Some(zone) = zone_of(s) else { continue };
            if !covered.contains(&zone) {
                w.fail(
                    format!("{} has no subnet in {zone}, where {who}'s subnet {} is: resources in an Availability Zone without an attachment subnet cannot reach the transit gateway", end.id(), s.subnet_id),
                    format!(
                        "aws ec2 modify-transit-gateway-vpc-attachment --transit-gateway-attachment-id {} --add-subnet-ids {} {}",
                        end.id(),
                        s.subnet_id,
                        place(end.region(), end.vpc_ix.scope.account.as_deref())
                    ),
                );
            }
        }
    }
}

/// Which route table an attachment is associated with, in its TGW's region.
enum Assoc<'a> {
    Table(&'a str),
    Missing,
    Policy(&'a str),
    NotRead,
}

fn association<'a>(t: &Transit<'a>, attachment: &str, region: &str) -> Assoc<'a> {
    match t.record(attachment, region) {
        Some(r) => match r.association.as_ref() {
            Some(a)
                if a.transit_gateway_policy_table_id.is_some()
                    && a.transit_gateway_route_table_id.is_none() =>
            {
                Assoc::Policy(
                    a.transit_gateway_policy_table_id
                        .as_deref()
                        .unwrap_or_default(),
                )
            }
            Some(a)
                if a.state
                    .as_deref()
                    .is_none_or(|s| s == "associated" || s == "associating") =>
            {
                match a.transit_gateway_route_table_id.as_deref() {
                    Some(rt) => Assoc::Table(rt),
                    None => Assoc::Missing,
                }
            }
            _ => Assoc::Missing,
        },
        None if t.records_read(region) => Assoc::Missing,
        None => Assoc::NotRead,
    }
}

/// One leg: traffic entering `tgw` (in `region`) from `from` must reach `to` for every
/// destination range, through the route table associated with `from`.
struct Leg<'a> {
    tgw: &'a str,
    region: &'a str,
    from: &'a str,
    /// The attachment the routes must name.
    to: &'a str,
    /// Whether only static routes can carry it (a TGW peering attachment).
    static_only: bool,
    dests: Vec<(Cidr, String)>,
    /// What the destination is, for messages.
    what: &'a str,
}

fn leg(t: &Transit<'_>, l: &Leg<'_>, w: &mut Walk) {
    let owner = t.owner(l.tgw, l.region, l.from);
    let at = place(l.region, owner);
    let table = match association(t, l.from, l.region) {
        Assoc::Table(rt) => rt,
        Assoc::Policy(pt) => {
            w.unknown(
                format!(
                    "{} uses the policy table {pt}, whose rules privpath does not evaluate",
                    l.from
                ),
                Source::TransitGatewayAttachments.iam_action(),
            );
            return;
        }
        Assoc::NotRead => {
            w.unknown(
                format!("the route table association of {} was not read", l.from),
                Source::TransitGatewayAttachments.iam_action(),
            );
            return;
        }
        Assoc::Missing => {
            let default = t
                .tgw(l.tgw, l.region)
                .and_then(|g| g.options.as_ref())
                .and_then(|o| o.association_default_route_table_id.as_deref())
                .unwrap_or("RTB_ID");
            w.fail(
                format!("{} is associated with no route table of {}: traffic from it is not routed", l.from, l.tgw),
                format!("aws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id {default} --transit-gateway-attachment-id {} {at}", l.from),
            );
            return;
        }
    };
    w.resources.push(table.to_string());
    let routes = match t.routes(table, l.region, owner) {
        TableRoutes::Known(r) => r,
        TableRoutes::Unknown { why, .. } => {
            w.unknown(why, Source::TransitGatewayRoutes.iam_action());
            return;
        }
    };
    // Destinations the same route decides are judged together: one message, not one
    // per endpoint subnet.
    let mut groups: Vec<RouteGroup<'_>> = Vec::new();
    for (dest, label) in &l.dests {
        let key =
            tgw_lookup(&routes, *dest).map(|(r, c)| (r.transit_gateway_route_table_id.as_str(), c));
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push((*dest, label)),
            None => groups.push((key, vec![(*dest, label)])),
        }
    }
    for (_, dests) in groups {
        judge(t, l, table, &routes, &dests, &at, w);
    }
}

/// Destinations decided by one route (the table's id and its prefix), or by none.
type RouteGroup<'a> = (Option<(&'a str, Cidr)>, Vec<(Cidr, &'a str)>);

/// Judges destinations that one route (or none) decides, in one message.
fn judge(
    t: &Transit<'_>,
    l: &Leg<'_>,
    table: &str,
    routes: &[&TransitGatewayRoute],
    dests: &[(Cidr, &str)],
    at: &str,
    w: &mut Walk,
) {
    let Some(&(dest, _)) = dests.first() else {
        return;
    };
    let what = if dests.len() > 1 {
        format!("{}s", l.what)
    } else {
        l.what.to_string()
    };
    let label = dests
        .iter()
        .map(|(c, id)| {
            if id.is_empty() {
                c.to_string()
            } else {
                format!("{id} {c}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let create = dests
        .iter()
        .map(|(c, _)| format!(
            "aws ec2 create-transit-gateway-route --transit-gateway-route-table-id {table} --destination-cidr-block {c} --transit-gateway-attachment-id {} {at}",
            l.to
        ))
        .collect::<Vec<_>>()
        .join("\n");
    // Another route table of the TGW that routes it: the attachment is associated
    // with the wrong one.
    let reassociate = |w: &mut Walk, problem: String| -> bool {
        let Some(other) = t.table_routing(l.region, table, dest, l.to) else {
            return false;
        };
        w.fail(
            format!("{problem}; {other} of the same transit gateway routes it to {}: {} is associated with the wrong route table", l.to, l.from),
            format!(
                "aws ec2 disassociate-transit-gateway-route-table --transit-gateway-route-table-id {table} --transit-gateway-attachment-id {} {at}\naws ec2 associate-transit-gateway-route-table --transit-gateway-route-table-id {other} --transit-gateway-attachment-id {} {at}",
                l.from, l.from
            ),
        );
        true
    };
    let Some((route, cidr)) = tgw_lookup(routes, dest) else {
        let problem = format!(
            "{table} (associated with {}) has no route for {what} {label}",
            l.from
        );
        if reassociate(w, problem.clone()) {
            return;
        }
        let mut fix = create;
        if !l.static_only {
            fix.push_str(&format!("\n# or propagate the attachment's VPC CIDR:\naws ec2 enable-transit-gateway-route-table-propagation --transit-gateway-route-table-id {table} --transit-gateway-attachment-id {} {at}", l.to));
        }
        w.fail(problem, fix);
        return;
    };
    let kind = route.route_type.as_deref().unwrap_or("static");
    if route.state.as_deref() == Some("blackhole") {
        w.fail(
            format!("{table} drops {what} {label}: its {kind} route {cidr} is a blackhole"),
            format!("aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id {table} --destination-cidr-block {cidr} --transit-gateway-attachment-id {} {at}", l.to),
        );
        return;
    }
    let targets = route_attachments(route);
    if !targets.contains(&l.to) {
        let problem = format!(
            "{table} sends {what} {label} to {} (route {cidr}, {kind}), not to {}",
            if targets.is_empty() {
                "no attachment".to_string()
            } else {
                targets.join(", ")
            },
            l.to
        );
        if reassociate(w, problem.clone()) {
            return;
        }
        w.fail(
            problem,
            format!("aws ec2 replace-transit-gateway-route --transit-gateway-route-table-id {table} --destination-cidr-block {cidr} --transit-gateway-attachment-id {} {at}", l.to),
        );
        return;
    }
    if l.static_only && kind != "static" {
        w.fail(
            format!("{table} sends {what} {label} to the TGW peering attachment {} by a {kind} route: peering attachments carry static routes only", l.to),
            create,
        );
        return;
    }
    w.notes.push(format!(
        "{table} sends {what} {label} to {} ({kind} {cidr})",
        l.to
    ));
}

/// The subnets' CIDRs on the endpoint's side.
fn endpoint_cidrs(p: &ResolvedPath<'_>) -> Vec<(Cidr, String)> {
    p.endpoint
        .iter()
        .flat_map(|e| e.subnets.iter())
        .filter_map(|s| Some((s.cidr()?, s.id.to_string())))
        .collect()
}

/// The request: client attachment → (TGW peering → remote TGW) → the endpoint VPC.
fn forward(p: &ResolvedPath<'_>, t: &Transit<'_>, w: &mut Walk) {
    let dests = endpoint_cidrs(p);
    match t.peering {
        None => leg(
            t,
            &Leg {
                tgw: t.client.tgw_id(),
                region: t.client.region(),
                from: t.client.id(),
                to: t.api.id(),
                static_only: false,
                dests,
                what: "endpoint subnet",
            },
            w,
        ),
        Some(_) => {
            let (near, far) = (
                t.peering_attachment(&t.client),
                t.peering_attachment(&t.api),
            );
            w.resources.push(near.to_string());
            leg(
                t,
                &Leg {
                    tgw: t.client.tgw_id(),
                    region: t.client.region(),
                    from: t.client.id(),
                    to: near,
                    static_only: true,
                    dests: dests.clone(),
                    what: "endpoint subnet",
                },
                w,
            );
            leg(
                t,
                &Leg {
                    tgw: t.api.tgw_id(),
                    region: t.api.region(),
                    from: far,
                    to: t.api.id(),
                    static_only: false,
                    dests,
                    what: "endpoint subnet",
                },
                w,
            );
        }
    }
}

/// The replies: endpoint attachment → (TGW peering → the client's TGW) → the client.
fn back(p: &ResolvedPath<'_>, t: &Transit<'_>, w: &mut Walk) {
    let Some(cidr) = p
        .client
        .subnet_cidr()
        .or(p.client.private_ip.map(Cidr::host))
    else {
        w.unknown(
            format!("the subnet of {} is not in the snapshot", p.client.id()),
            Source::Subnets.iam_action(),
        );
        return;
    };
    let subnet = p.client.instance.subnet_id.clone().unwrap_or_default();
    let dests = vec![(cidr, subnet)];
    match t.peering {
        None => leg(
            t,
            &Leg {
                tgw: t.api.tgw_id(),
                region: t.api.region(),
                from: t.api.id(),
                to: t.client.id(),
                static_only: false,
                dests,
                what: "the client subnet",
            },
            w,
        ),
        Some(_) => {
            let (near, far) = (
                t.peering_attachment(&t.api),
                t.peering_attachment(&t.client),
            );
            leg(
                t,
                &Leg {
                    tgw: t.api.tgw_id(),
                    region: t.api.region(),
                    from: t.api.id(),
                    to: near,
                    static_only: true,
                    dests: dests.clone(),
                    what: "the client subnet",
                },
                w,
            );
            leg(
                t,
                &Leg {
                    tgw: t.client.tgw_id(),
                    region: t.client.region(),
                    from: far,
                    to: t.client.id(),
                    static_only: false,
                    dests,
                    what: "the client subnet",
                },
                w,
            );
        }
    }
}
