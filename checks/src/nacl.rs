//! Network ACL evaluation. ACLs are stateless and ordered: for each packet the entry
//! with the lowest rule number whose protocol, port range and CIDR match decides, and
//! the catch-all `*` rule (32767) denies what nothing else matched.
//!
//! A question here is "is TCP to every port in `ports` allowed for every address in
//! `remote`?". Entries whose CIDR covers only part of `remote` cannot allow all of it;
//! a deny that covers part of it blocks that part, so both are reported.

use crate::net::Cidr;
use crate::snapshot::{NetworkAcl, NetworkAclEntry};

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
