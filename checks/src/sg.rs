//! Security-group rule evaluation. Groups are allow-lists: traffic passes when any rule
//! of any group attached to the interface allows it.

use crate::net::{union_covers, Cidr};
use crate::snapshot::{IpPermission, SecurityGroup};

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

/// Which rule admits TCP to `port` from `source_ip` or from one of `source_groups`.
pub fn ingress_from(
    groups: &[&SecurityGroup],
    port: u16,
    source_ip: u32,
    source_groups: &[&str],
) -> Option<String> {
    for g in groups {
        for rule in g.ip_permissions.iter().filter(|r| admits_tcp(r, port)) {
            for range in &rule.ip_ranges {
                if Cidr::parse(&range.cidr_ip).is_some_and(|c| c.contains_ip(source_ip)) {
                    return Some(format!(
                        "{} allows tcp/{port} from {}",
                        g.group_id, range.cidr_ip
                    ));
                }
            }
            for pair in &rule.user_id_group_pairs {
                if source_groups.contains(&pair.group_id.as_str()) {
                    return Some(format!(
                        "{} allows tcp/{port} from group {}",
                        g.group_id, pair.group_id
                    ));
                }
            }
        }
    }
    None
}

/// Which rules admit TCP to `port` from every address of `source` (rules may split
/// it), or from one of `source_groups`.
pub fn ingress_from_range(
    groups: &[&SecurityGroup],
    port: u16,
    source: Cidr,
    source_groups: &[&str],
) -> Option<String> {
    let mut ranges = Vec::new();
    for g in groups {
        for rule in g.ip_permissions.iter().filter(|r| admits_tcp(r, port)) {
            for pair in &rule.user_id_group_pairs {
                if source_groups.contains(&pair.group_id.as_str()) {
                    return Some(format!(
                        "{} allows tcp/{port} from group {}",
                        g.group_id, pair.group_id
                    ));
                }
            }
            ranges.extend(
                rule.ip_ranges
                    .iter()
                    .filter_map(|r| Cidr::parse(&r.cidr_ip)),
            );
        }
    }
    if union_covers(&ranges, source) {
        let covering: Vec<String> = ranges
            .iter()
            .filter(|r| r.overlaps(source))
            .map(|r| r.to_string())
            .collect();
        Some(format!("allows tcp/{port} from {}", covering.join(", ")))
    } else {
        None
    }
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
/// split it), or to one of `dest_groups` (the groups of the interfaces there).
pub fn egress_to(
    groups: &[&SecurityGroup],
    port: u16,
    dest: Cidr,
    dest_groups: &[&str],
) -> Option<String> {
    let mut ranges = Vec::new();
    for g in groups {
        for rule in g
            .ip_permissions_egress
            .iter()
            .filter(|r| admits_tcp(r, port))
        {
            for pair in &rule.user_id_group_pairs {
                if dest_groups.contains(&pair.group_id.as_str()) {
                    return Some(format!(
                        "{} allows tcp/{port} to group {}",
                        g.group_id, pair.group_id
                    ));
                }
            }
            ranges.extend(
                rule.ip_ranges
                    .iter()
                    .filter_map(|r| Cidr::parse(&r.cidr_ip)),
            );
        }
    }
    if union_covers(&ranges, dest) {
        let covering: Vec<String> = ranges
            .iter()
            .filter(|r| r.overlaps(dest))
            .map(|r| r.to_string())
            .collect();
        Some(format!("allows tcp/{port} to {}", covering.join(", ")))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::parse_ipv4;
    use crate::snapshot::{IpRange, UserIdGroupPair};

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
        assert!(ingress_from(&[&g], 443, ip, &[]).is_some());
        let g = sg(
            vec![rule("tcp", Some(443), Some(443), &["10.9.0.0/16"], &[])],
            vec![],
        );
        assert!(ingress_from(&[&g], 443, ip, &[]).is_none());
        let g = sg(
            vec![rule("tcp", Some(443), Some(443), &[], &["sg-client"])],
            vec![],
        );
        assert!(ingress_from(&[&g], 443, ip, &["sg-client"]).is_some());
        assert!(ingress_from(&[&g], 443, ip, &["sg-other"]).is_none());
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
        assert!(egress_to(&[&split], 443, dest, &[]).is_some());
        let half = sg(
            vec![],
            vec![rule("tcp", Some(443), Some(443), &["10.1.1.0/25"], &[])],
        );
        assert!(egress_to(&[&half], 443, dest, &[]).is_none());
        let by_group = sg(
            vec![],
            vec![rule("tcp", Some(443), Some(443), &[], &["sg-endpoint"])],
        );
        assert!(egress_to(&[&by_group], 443, dest, &["sg-endpoint"]).is_some());
        let default_egress = sg(vec![], vec![rule("-1", None, None, &["0.0.0.0/0"], &[])]);
        assert!(egress_to(&[&default_egress], 443, dest, &[]).is_some());
    }
}
