//! IPv4 address and CIDR arithmetic. The path privpath checks is IPv4 (the seed
//! architecture, security-group `IpRanges`, route `DestinationCidrBlock`), so addresses
//! are plain `u32`s; that keeps containment and coverage tests to integer compares.

use std::fmt;

/// An IPv4 network, normalised so that host bits are zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cidr {
    addr: u32,
    len: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`; a bare address is a /32. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Cidr> {
        let text = text.trim();
        let (ip, len) = match text.split_once('/') {
            Some((ip, len)) => (ip, len.parse::<u8>().ok()?),
            None => (text, 32),
        };
        if len > 32 {
            return None;
        }
        let addr = parse_ipv4(ip)?;
        Some(Cidr::new(addr, len))
    }

    pub fn new(addr: u32, len: u8) -> Cidr {
        let len = len.min(32);
        Cidr {
            addr: addr & mask(len),
            len,
        }
    }

    pub fn host(addr: u32) -> Cidr {
        Cidr { addr, len: 32 }
    }

    pub fn prefix_len(self) -> u8 {
        self.len
    }

    pub fn first(self) -> u32 {
        self.addr
    }

    pub fn last(self) -> u32 {
        self.addr | !mask(self.len)
    }

    pub fn contains_ip(self, ip: u32) -> bool {
        ip & mask(self.len) == self.addr
    }

    /// Whether every address of `other` is inside `self`.
    pub fn contains(self, other: Cidr) -> bool {
        self.len <= other.len && self.contains_ip(other.addr)
    }

    pub fn overlaps(self, other: Cidr) -> bool {
        self.contains(other) || other.contains(self)
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", fmt_ipv4(self.addr), self.len)
    }
}

fn mask(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    }
}

/// Strict dotted-quad parsing: four decimal octets, nothing else.
pub fn parse_ipv4(text: &str) -> Option<u32> {
    let mut out: u32 = 0;
    let mut parts = 0;
    for part in text.trim().split('.') {
        if part.is_empty() || part.len() > 3 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let octet: u32 = part.parse().ok()?;
        if octet > 255 {
            return None;
        }
        out = (out << 8) | octet;
        parts += 1;
    }
    (parts == 4).then_some(out)
}

pub fn fmt_ipv4(addr: u32) -> String {
    let [a, b, c, d] = addr.to_be_bytes();
    format!("{a}.{b}.{c}.{d}")
}

/// Whether the union of `ranges` covers every address of `target`. Security-group
/// rules may split a destination across several CIDRs, so containment in a single
/// rule is not the test.
pub fn union_covers(ranges: &[Cidr], target: Cidr) -> bool {
    let mut spans: Vec<(u32, u32)> = ranges
        .iter()
        .filter(|r| r.overlaps(target))
        .map(|r| (r.first().max(target.first()), r.last().min(target.last())))
        .collect();
    spans.sort_unstable();
    let mut next = u64::from(target.first());
    for (lo, hi) in spans {
        if u64::from(lo) > next {
            return false;
        }
        next = next.max(u64::from(hi) + 1);
    }
    next > u64::from(target.last())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(s: &str) -> Cidr {
        Cidr::parse(s).unwrap()
    }

    #[test]
    fn parses_and_normalises() {
        assert_eq!(c("10.1.2.3/16").to_string(), "10.1.0.0/16");
        assert_eq!(c("10.1.2.3").to_string(), "10.1.2.3/32");
        assert_eq!(c("0.0.0.0/0").to_string(), "0.0.0.0/0");
        for bad in [
            "",
            "10.0.0/8",
            "10.0.0.256/8",
            "10.0.0.0/33",
            "a.b.c.d",
            "10.0.0.0/-1",
            "1.2.3.4.5",
        ] {
            assert!(Cidr::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn containment_and_overlap() {
        assert!(c("10.0.0.0/16").contains(c("10.0.1.0/24")));
        assert!(!c("10.0.1.0/24").contains(c("10.0.0.0/16")));
        assert!(c("0.0.0.0/0").contains(c("192.168.0.0/16")));
        assert!(c("10.0.1.0/24").overlaps(c("10.0.0.0/16")));
        assert!(!c("10.0.0.0/16").overlaps(c("10.1.0.0/16")));
        assert!(c("10.0.1.0/24").contains_ip(parse_ipv4("10.0.1.255").unwrap()));
        assert!(!c("10.0.1.0/24").contains_ip(parse_ipv4("10.0.2.0").unwrap()));
    }

    #[test]
    fn union_coverage() {
        let target = c("10.1.0.0/24");
        assert!(union_covers(
            &[c("10.1.0.0/25"), c("10.1.0.128/25")],
            target
        ));
        assert!(!union_covers(&[c("10.1.0.0/25")], target));
        assert!(!union_covers(
            &[c("10.1.0.0/25"), c("10.1.0.192/26")],
            target
        ));
        assert!(union_covers(&[c("0.0.0.0/0")], target));
        assert!(union_covers(&[c("0.0.0.0/0")], c("0.0.0.0/0")));
        assert!(!union_covers(&[], target));
    }
}
