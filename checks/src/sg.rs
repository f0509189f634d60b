//! Security-group rule evaluation. Groups are allow-lists: traffic passes when any rule
//! of any group attached to the interface allows it.

use crate::net::{union_covers, Cidr};
use crate::snapshot::{IpPermission, SecurityGroup, UserIdGroupPair};

/// Whether a rule's protocol and port range admit TCP to `port`. Protocol `-1` means
/// every protocol and port, whatever `FromPort`/`ToPort` say.
pub fn admits_tcp(rule: &IpPermission, port: u16) -> bool {
    match rule.ip_protocol.trim().to_ascii_lowercase().as_str() {
        "-1" | "all" => true,
        "tcp" | "6" => {
            let from = rule.from_port.unwrap_or(0);
            let to = rule.to_port.unwrap_or(65535);
            // -1 in a TCP rule is how some tools write "all ports".
            (from == -1 && to == -1) || (from <= i64::from(port) && i64::from(port) <= to)
        }
        _ => false,
    }
}

/// The interfaces on the other end of a rule: their security groups and where those
/// live. A rule may name a group of another account (`UserIdGroupPairs` with `UserId`)
/// across a same-region peering; across regions a group reference admits nothing, nor
/// across a transit gateway to an interface endpoint or in an outbound rule.
#[derive(Clone, Copy, Debug, Default)]
pub struct Peer<'a> {
    pub groups: &'a [&'a str],
    /// The account that owns `groups`, when known.
    pub account: Option<&'a str>,
    /// The account that owns the rule's group: a pair without `UserId` names a group
    /// of this account.
    pub rule_account: Option<&'a str>,
    /// Why a reference to the peer's groups admits nothing here, when it does not (an
    /// inter-region peering, a transit gateway): the words that finish "which admits
    /// nothing …".
    pub blocked: Option<&'a str>,
}

/// Across an inter-region peering: AWS allows no group references there.
pub const INTER_REGION: &str = "across an inter-region peering";
/// Across a transit gateway to an interface endpoint: AWS supports security group
/// referencing through a TGW, but not for PrivateLink endpoints.
/// <https://docs.aws.amazon.com/vpc/latest/tgw/tgw-vpc-attachments.html#vpc-attachment-security>
pub const TGW_TO_ENDPOINT: &str = "across a transit gateway to an interface endpoint (security group referencing through a transit gateway does not support PrivateLink endpoints)";
/// In an outbound rule across a transit gateway: references work in inbound rules only.
pub const TGW_OUTBOUND: &str = "in an outbound rule across a transit gateway (security group referencing through a transit gateway works in inbound rules only)";

impl<'a> Peer<'a> {
    /// Groups in the rule's own account and region.
    pub fn local(groups: &'a [&'a str]) -> Peer<'a> {
        Peer {
            groups,
            ..Peer::default()
        }
    }
}

/// What a rule's group references say about the peer.
enum PairMatch {
    No,
    Yes,
    /// It names the peer's group, but references admit nothing there.
    Blocked,
    /// It names a group of another account, and the peer's account is not known.
    Undecided(String),
}

fn pair_matches(pair: &UserIdGroupPair, peer: &Peer<'_>) -> PairMatch {
    if !peer.groups.contains(&pair.group_id.as_str()) {
        return PairMatch::No;
    }
    let pair_account = pair.user_id.as_deref().or(peer.rule_account);
    match (pair_account, peer.account) {
        (Some(a), Some(b)) if a != b => return PairMatch::No,
        (Some(a), None) if peer.rule_account.is_some_and(|r| r != a) => {
            return PairMatch::Undecided(format!(
                "a rule names group {} of account {a}, and the client's account is not in the snapshot",
                pair.group_id
            ))
        }
        _ => {}
    }
    match peer.blocked {
        Some(_) => PairMatch::Blocked,
        None => PairMatch::Yes,
    }
}

/// Whether a group's rules let the traffic through.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Admission {
    /// This rule (described) lets it through.
    Admitted(String),
    /// Only a reference to the peer's group would, and references admit nothing there
    /// (an inter-region peering, a transit gateway).
    ReferenceBlocked(String),
    /// Only a reference to a group privpath cannot place might.
    Undecided(String),
    Denied,
}

impl Admission {
    pub fn is_admitted(&self) -> bool {
        matches!(self, Admission::Admitted(_))
    }

    /// The admitting rule, when there is one.
    pub fn rule(self) -> Option<String> {
        match self {
            Admission::Admitted(rule) => Some(rule),
            _ => None,
        }
    }
}

/// Collects what group references say while CIDR rules are looked at; a CIDR rule that
/// admits wins over any reference that cannot.
#[derive(Default)]
struct References {
    blocked: Option<String>,
    undecided: Option<String>,
}

impl References {
    /// `Some` with the described rule when the pair admits the peer.
    fn check(
        &mut self,
        g: &SecurityGroup,
        pair: &UserIdGroupPair,
        peer: &Peer<'_>,
        what: &str,
    ) -> Option<String> {
        match pair_matches(pair, peer) {
            PairMatch::Yes => Some(format!(
                "{} allows {what} group {}",
                g.group_id, pair.group_id
            )),
            PairMatch::No => None,
            PairMatch::Blocked => {
                self.blocked.get_or_insert(format!(
                    "{} allows {what} group {} only by reference, which admits nothing {}",
                    g.group_id,
                    pair.group_id,
                    peer.blocked.unwrap_or(INTER_REGION)
                ));
                None
            }
            PairMatch::Undecided(why) => {
                self.undecided.get_or_insert(why);
                None
            }
        }
    }

    fn otherwise(self) -> Admission {
        match (self.blocked, self.undecided) {
            (Some(why), _) => Admission::ReferenceBlocked(why),
            (None, Some(why)) => Admission::Undecided(why),
            (None, None) => Admission::Denied,
        }
    }
}

/// Which rule admits TCP to `port` from `source_ip` or from one of the peer's groups.
pub fn ingress_from(
    groups: &[&SecurityGroup],
    port: u16,
    source_ip: u32,
    peer: &Peer<'_>,
) -> Admission {
    let mut refs = References::default();
    for g in groups {
        for rule in g.ip_permissions.iter().filter(|r| admits_tcp(r, port)) {
            for range in &rule.ip_ranges {
                if Cidr::parse(&range.cidr_ip).is_some_and(|c| c.contains_ip(source_ip)) {
                    return Admission::Admitted(format!(
                        "{} allows tcp/{port} from {}",
                        g.group_id, range.cidr_ip
                    ));
                }
            }
            for pair in &rule.user_id_group_pairs {
                if let Some(how) = refs.check(g, pair, peer, &format!("tcp/{port} from")) {
                    return Admission::Admitted(how);
                }
            }
        }
    }
    refs.otherwise()
}

/// Which rules admit TCP to `port` from every address of `source` (rules may split
/// it), or from one of the peer's groups.
pub fn ingress_from_range(
    groups: &[&SecurityGroup],
    port: u16,
    source: Cidr,
    peer: &Peer<'_>,
) -> Admission {
    let mut refs = References::default();
    let mut ranges = Vec::new();
    for g in groups {
        for rule in g.ip_permissions.iter().filter(|r| admits_tcp(r, port)) {
            for pair in &rule.user_id_group_pairs {
                if let Some(how) = refs.check(g, pair, peer, &format!("tcp/{port} from")) {
                    return Admission::Admitted(how);
                }
            }
            ranges.extend(
                rule.ip_ranges
                    .iter()
                    .filter_map(|r| Cidr::parse(&r.cidr_ip)),
            );
        }
    }
    covering(&ranges, source, &format!("allows tcp/{port} from"))
        .unwrap_or_else(|| refs.otherwise())
}

/// `Admitted` when the union of `ranges` covers every address of `target`.
fn covering(ranges: &[Cidr], target: Cidr, what: &str) -> Option<Admission> {
    if !union_covers(ranges, target) {
        return None;
    }
    let covering: Vec<String> = ranges
        .iter()
        .filter(|r| r.overlaps(target))
        .map(|r| r.to_string())
        .collect();
    Some(Admission::Admitted(format!(
        "{what} {}",
        covering.join(", ")
    )))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Ingress,
    Egress,
}

fn rules(g: &SecurityGroup, direction: Direction) -> &[IpPermission] {
    match direction {
        Direction::Ingress => &g.ip_permissions,
        Direction::Egress => &g.ip_permissions_egress,
    }
}

/// Prefix lists of rules that admit TCP to `port`: their entries are not in the
/// snapshot, so traffic through one can be neither confirmed nor ruled out.
pub fn prefix_lists(groups: &[&SecurityGroup], port: u16, direction: Direction) -> Vec<String> {
    let mut out: Vec<String> = groups
        .iter()
        .flat_map(|g| rules(g, direction))
        .filter(|r| admits_tcp(r, port))
        .flat_map(|r| r.prefix_list_ids.iter().map(|p| p.prefix_list_id.clone()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether egress rules admit TCP to `port` for every address of `dest` (rules may
/// split it), or to one of the peer's groups (the groups of the interfaces there).
pub fn egress_to(groups: &[&SecurityGroup], port: u16, dest: Cidr, peer: &Peer<'_>) -> Admission {
    let mut refs = References::default();
    let mut ranges = Vec::new();
    for g in groups {
        for rule in g
            .ip_permissions_egress
            .iter()
            .filter(|r| admits_tcp(r, port))
        {
            for pair in &rule.user_id_group_pairs {
                if let Some(how) = refs.check(g, pair, peer, &format!("tcp/{port} to")) {
                    return Admission::Admitted(how);
                }
            }
            ranges.extend(
                rule.ip_ranges
                    .iter()
                    .filter_map(|r| Cidr::parse(&r.cidr_ip)),
            );
        }
    }
    covering(&ranges, dest, &format!("allows tcp/{port} to")).unwrap_or_else(|| refs.otherwise())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::parse_ipv4;
    use crate::snapshot::IpRange;

    fn rule(
        proto: &str,
        from: Option<i64>,
        to: Option<i64>,
        cidrs: &[&str],
        groups: &[&str],
    ) -> IpPermission {
        IpPermission {
            ip_protocol: proto.into(),
            from_port: from,
            to_port: to,
            ip_ranges: cidrs
                .iter()
                .map(|c| IpRange {
                    cidr_ip: c.to_string(),
                    description: None,
                })
                .collect(),
            user_id_group_pairs: groups
                .iter()
                .map(|g| UserIdGroupPair {
                    group_id: g.to_string(),
                    ..UserIdGroupPair::default()
                })
                .collect(),
            prefix_list_ids: vec![],
        }
    }

    fn sg(ingress: Vec<IpPermission>, egress: Vec<IpPermission>) -> SecurityGroup {
        SecurityGroup {
            group_id: "sg-1".into(),
            ip_permissions: ingress,
            ip_permissions_egress: egress,
            ..SecurityGroup::default()
        }
    }

    #[test]
    fn protocol_and_port_ranges() {
        assert!(admits_tcp(&rule("-1", None, None, &[], &[]), 443));
        assert!(
            admits_tcp(&rule("-1", Some(22), Some(22), &[], &[]), 443),
            "-1 ignores ports"
        );
        assert!(admits_tcp(
            &rule("tcp", Some(0), Some(65535), &[], &[]),
            443
        ));
        assert!(admits_tcp(&rule("6", Some(443), Some(443), &[], &[]), 443));
        assert!(!admits_tcp(&rule("tcp", Some(80), Some(80), &[], &[]), 443));
        assert!(!admits_tcp(
            &rule("udp", Some(443), Some(443), &[], &[]),
            443
        ));
        assert!(
            !admits_tcp(&rule("tcp", Some(444), Some(400), &[], &[]), 443),
            "inverted range admits nothing"
        );
    }

    #[test]
    fn ingress_by_cidr_or_group() {
        let ip = parse_ipv4("10.0.1.10").unwrap();
        let g = sg(
            vec![rule("tcp", Some(443), Some(443), &["10.0.0.0/16"], &[])],
            vec![],
        );
        assert!(ingress_from(&[&g], 443, ip, &Peer::local(&[])).is_admitted());
        let g = sg(
            vec![rule("tcp", Some(443), Some(443), &["10.9.0.0/16"], &[])],
            vec![],
        );
        assert_eq!(
            ingress_from(&[&g], 443, ip, &Peer::local(&[])),
            Admission::Denied
        );
        let g = sg(
            vec![rule("tcp", Some(443), Some(443), &[], &["sg-client"])],
            vec![],
        );
        assert!(ingress_from(&[&g], 443, ip, &Peer::local(&["sg-client"])).is_admitted());
        assert_eq!(
            ingress_from(&[&g], 443, ip, &Peer::local(&["sg-other"])),
            Admission::Denied
        );
    }

    #[test]
    fn egress_must_cover_the_whole_destination() {
        let dest = Cidr::parse("10.1.1.0/24").unwrap();
        let split = sg(
            vec![],
            vec![rule(
                "tcp",
                Some(443),
                Some(443),
                &["10.1.1.0/25", "10.1.1.128/25"],
                &[],
            )],
        );
        assert!(egress_to(&[&split], 443, dest, &Peer::local(&[])).is_admitted());
        let half = sg(
            vec![],
            vec![rule("tcp", Some(443), Some(443), &["10.1.1.0/25"], &[])],
        );
        assert!(!egress_to(&[&half], 443, dest, &Peer::local(&[])).is_admitted());
        let by_group = sg(
            vec![],
            vec![rule("tcp", Some(443), Some(443), &[], &["sg-endpoint"])],
        );
        assert!(egress_to(&[&by_group], 443, dest, &Peer::local(&["sg-endpoint"])).is_admitted());
        let default_egress = sg(vec![], vec![rule("-1", None, None, &["0.0.0.0/0"], &[])]);
        assert!(egress_to(&[&default_egress], 443, dest, &Peer::local(&[])).is_admitted());
    }

    fn cross_account_rule(user_id: Option<&str>) -> SecurityGroup {
        let mut r = rule("tcp", Some(443), Some(443), &[], &["sg-client"]);
        r.user_id_group_pairs[0].user_id = user_id.map(str::to_string);
        r.user_id_group_pairs[0].vpc_peering_connection_id = Some("pcx-1".into());
        sg(vec![r], vec![])
    }

    #[test]
    fn group_references_across_accounts_and_regions() {
        let ip = parse_ipv4("10.0.1.10").unwrap();
        let client = ["sg-client"];
        let same_region = Peer {
            groups: &client,
            account: Some("222"),
            rule_account: Some("111"),
            blocked: None,
        };
        // The client's group, named with its account, across a same-region peering.
        let g = cross_account_rule(Some("222"));
        assert!(ingress_from(&[&g], 443, ip, &same_region).is_admitted());
        // The same id in the rule's own account is another group.
        let g = cross_account_rule(None);
        assert_eq!(
            ingress_from(&[&g], 443, ip, &same_region),
            Admission::Denied
        );
        let g = cross_account_rule(Some("333"));
        assert_eq!(
            ingress_from(&[&g], 443, ip, &same_region),
            Admission::Denied
        );
        // Across regions a reference admits nothing, and says why.
        let g = cross_account_rule(Some("222"));
        let other_region = Peer {
            blocked: Some(INTER_REGION),
            ..same_region
        };
        assert!(matches!(
            ingress_from(&[&g], 443, ip, &other_region),
            Admission::ReferenceBlocked(why) if why.ends_with("across an inter-region peering")
        ));
        // Across a transit gateway to an interface endpoint, likewise, saying why.
        let tgw = Peer {
            blocked: Some(TGW_TO_ENDPOINT),
            ..same_region
        };
        assert!(matches!(
            ingress_from(&[&g], 443, ip, &tgw),
            Admission::ReferenceBlocked(why) if why.contains("PrivateLink")
        ));
        // A CIDR rule still admits across regions.
        let mut with_cidr = cross_account_rule(Some("222"));
        with_cidr
            .ip_permissions
            .push(rule("tcp", Some(443), Some(443), &["10.0.0.0/16"], &[]));
        assert!(ingress_from(&[&with_cidr], 443, ip, &other_region).is_admitted());
        // The client's account unknown: a reference to another account is undecided.
        let unknown = Peer {
            account: None,
            ..same_region
        };
        assert!(matches!(
            ingress_from(&[&g], 443, ip, &unknown),
            Admission::Undecided(_)
        ));
    }
}
