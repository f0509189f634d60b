//! Network ACL evaluation. ACLs are stateless and ordered: for each packet the entry
//! with the lowest rule number whose protocol, port range and CIDR match decides, and
//! the catch-all `*` rule (32767) denies what nothing else matched.
//!
//! A question here is "is TCP to every port in `ports` allowed for every address in
//! `remote`?". Entries whose CIDR covers only part of `remote` cannot allow all of it;
//! a deny that covers part of it blocks that part, so both are reported.

use crate::net::Cidr;
use crate::snapshot::{NetworkAcl, NetworkAclEntry};

/// The ephemeral ports AWS recommends opening for return traffic (and the ports a
/// Lambda function's connections come from).
/// <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html#nacl-ephemeral-ports>
pub const EPHEMERAL: (u16, u16) = (1024, 65535);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    fn is_egress(self) -> bool {
        self == Direction::Outbound
    }
}

/// Ports no entry allowed, with the entry that denied them (`None`: nothing matched).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    pub from: u16,
    pub to: u16,
    pub rule: Option<i64>,
    /// The deciding entry covered only part of the remote range.
    pub partial: bool,
}

/// Result of one question: the allowing rules, or what is blocked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Allowed { rules: Vec<i64> },
    Blocked(Vec<Blocked>),
}

fn tcp(entry: &NetworkAclEntry) -> bool {
    entry.protocol == "-1" || entry.protocol == "6" || entry.protocol.eq_ignore_ascii_case("tcp")
}

fn entry_ports(entry: &NetworkAclEntry) -> (u16, u16) {
    if entry.protocol == "-1" {
        return (0, 65535);
    }
    match &entry.port_range {
        Some(r) => (
            u16::try_from(r.from.clamp(0, 65535)).unwrap_or(0),
            u16::try_from(r.to.clamp(0, 65535)).unwrap_or(65535),
        ),
        None => (0, 65535),
    }
}

/// Evaluates TCP traffic to `ports` (inclusive) for `remote` in one direction.
pub fn decide(acl: &NetworkAcl, direction: Direction, remote: Cidr, ports: (u16, u16)) -> Decision {
    let mut entries: Vec<&NetworkAclEntry> = acl
        .entries
        .iter()
        .filter(|e| e.egress == direction.is_egress() && tcp(e))
        .collect();
    entries.sort_by_key(|e| e.rule_number);
    // Port intervals still undecided, and what has been decided.
    let mut open: Vec<(u16, u16)> = vec![ports];
    let mut allowed_by = Vec::new();
    let mut blocked = Vec::new();
    for e in entries {
        if open.is_empty() {
            break;
        }
        let Some(cidr) = e.cidr_block.as_deref().and_then(Cidr::parse) else {
            // IPv6 entries never match an IPv4 packet.
            continue;
        };
        let full = cidr.contains(remote);
        let partial = !full && cidr.overlaps(remote);
        if !full && !partial {
            continue;
        }
        let allow = e.rule_action.eq_ignore_ascii_case("allow");
        let (lo, hi) = entry_ports(e);
        let mut rest = Vec::new();
        for (a, b) in open {
            let (s, t) = (a.max(lo), b.min(hi));
            if s > t {
                rest.push((a, b));
                continue;
            }
            if a < s {
                rest.push((a, s - 1));
            }
            if t < b {
                rest.push((t + 1, b));
            }
            if allow && full {
                if !allowed_by.contains(&e.rule_number) {
                    allowed_by.push(e.rule_number);
                }
            } else if !allow {
                // A deny over part of the range blocks those addresses: one blocked
                // endpoint address is enough to break some requests.
                blocked.push(Blocked {
                    from: s,
                    to: t,
                    rule: Some(e.rule_number),
                    partial,
                });
            } else {
                // A partial allow decides nothing for the whole range.
                rest.push((s, t));
            }
        }
        open = rest;
        open.sort();
    }
    for (a, b) in open {
        blocked.push(Blocked {
            from: a,
            to: b,
            rule: None,
            partial: false,
        });
    }
    if blocked.is_empty() {
        Decision::Allowed { rules: allowed_by }
    } else {
        blocked.sort_by_key(|b| b.from);
        Decision::Blocked(blocked)
    }
}

impl Blocked {
    pub fn describe(&self) -> String {
        let ports = if self.from == self.to {
            format!("port {}", self.from)
        } else {
            format!("ports {}-{}", self.from, self.to)
        };
        match (self.rule, self.partial) {
            (Some(32767), _) => format!("{ports} fall through to the default deny rule (*)"),
            (Some(n), false) => format!("{ports} denied by rule {n}"),
            (Some(n), true) => format!("{ports} denied by rule {n} for part of the range"),
            (None, _) => format!("{ports} matched by no rule (denied)"),
        }
    }
}

/// One direction of one flow through one ACL: the traffic `what` to `ports` (inclusive)
/// from or to `remote`.
pub struct Leg<'a> {
    pub acl: &'a NetworkAcl,
    pub direction: Direction,
    pub remote: Cidr,
    pub ports: (u16, u16),
    pub what: String,
}

impl Leg<'_> {
    /// What blocks the leg, as a sentence naming the ACL and its rules, and the
    /// `create-network-acl-entry` that lets it through (a rule number below the
    /// deciding one, unused in that direction and by earlier fixes in `taken`); `None`
    /// when the ACL allows it.
    pub fn blocked(&self, taken: &mut Vec<(String, bool, i64)>) -> Option<(String, String)> {
        let Decision::Blocked(blocked) = decide(self.acl, self.direction, self.remote, self.ports)
        else {
            return None;
        };
        let text = format!(
            "{} {} blocks {}: {}",
            self.acl.network_acl_id,
            self.direction.as_str(),
            self.what,
            blocked
                .iter()
                .map(Blocked::describe)
                .collect::<Vec<_>>()
                .join(", ")
        );
        Some((text, self.fix(blocked[0].rule, taken)))
    }

    fn fix(&self, rule: Option<i64>, taken: &mut Vec<(String, bool, i64)>) -> String {
        let egress = self.direction.is_egress();
        let n = free_rule_number(self.acl, egress, rule.unwrap_or(32767), taken);
        taken.push((self.acl.network_acl_id.clone(), egress, n));
        format!(
            "aws ec2 create-network-acl-entry --network-acl-id {} --rule-number {n} --protocol tcp --port-range From={},To={} --cidr-block {} --rule-action allow {}",
            self.acl.network_acl_id,
            self.ports.0,
            self.ports.1,
            self.remote,
            if egress { "--egress" } else { "--ingress" }
        )
    }
}

/// A rule number below `below` that the ACL does not use in that direction, nor an
/// earlier suggested fix (`taken`).
fn free_rule_number(
    acl: &NetworkAcl,
    egress: bool,
    below: i64,
    taken: &[(String, bool, i64)],
) -> i64 {
    let used = |n: i64| {
        acl.entries
            .iter()
            .any(|e| e.egress == egress && e.rule_number == n)
            || taken
                .iter()
                .any(|(a, e, t)| *a == acl.network_acl_id && *e == egress && *t == n)
    };
    if below >= 32767 {
        if let Some(n) = (1..=300).map(|k| k * 100).find(|n| !used(*n)) {
            return n;
        }
    }
    (1..below).rev().find(|n| !used(*n)).unwrap_or(1)
}
