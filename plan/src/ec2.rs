//! EC2 and VPC resources onto `Vpcs`, `VpcAttributes`, `Subnets`, `RouteTables`,
//! `SecurityGroups`, `NetworkAcls`, `VpcPeeringConnections`, `VpcEndpoints` and
//! `Instances`.
//!
//! Records: `aws_vpc`, `aws_subnet`, `aws_route_table`, `aws_default_route_table`,
//! `aws_security_group`, `aws_default_security_group`, `aws_network_acl`,
//! `aws_default_network_acl`, `aws_vpc_peering_connection` (and its `_accepter`, which
//! records the connection in the accepter's scope), `aws_vpc_endpoint`, `aws_instance`.
//! Patches on them: `aws_route`, `aws_route_table_association`,
//! `aws_main_route_table_association`, `aws_security_group_rule`,
//! `aws_vpc_security_group_ingress_rule` / `_egress_rule`, `aws_network_acl_rule`,
//! `aws_network_acl_association`, `aws_vpc_endpoint_subnet_association`,
//! `aws_vpc_endpoint_security_group_association`, `aws_vpc_ipv4_cidr_block_association`.
//!
//! What AWS does on its own is done here too, where it is deterministic: a new VPC has
//! a main route table with only the local route, a default network ACL allowing
//! everything that holds every subnet no other ACL holds, and a default security group;
//! a new security group has no inbound rule, and Terraform removes AWS's default egress
//! rule unless `egress` is written; a route table always has its VPC's local routes; the
//! provider waits for an endpoint to be available and an instance to run.
//!
//! Transit gateways (`aws_ec2_transit_gateway*`) are mapped in `tgw.rs`.

use crate::known::{known, strs_or_empty};
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{field_i64, field_str, field_strs, Got, View};
use privpath_checks::planned::placeholder;
use privpath_checks::snapshot::*;
use serde_json::Value;

pub const RECORDS: &[&str] = &[
    "aws_vpc",
    "aws_subnet",
    "aws_route_table",
    "aws_default_route_table",
    "aws_security_group",
    "aws_default_security_group",
    "aws_network_acl",
    "aws_default_network_acl",
    "aws_vpc_peering_connection",
    "aws_vpc_peering_connection_accepter",
    "aws_vpc_endpoint",
    "aws_instance",
];

pub const PATCHES: &[&str] = &[
    "aws_route",
    "aws_route_table_association",
    "aws_main_route_table_association",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
    "aws_network_acl_rule",
    "aws_network_acl_association",
    "aws_vpc_endpoint_subnet_association",
    "aws_vpc_endpoint_security_group_association",
    "aws_vpc_ipv4_cidr_block_association",
];

/// Read, mapped to nothing the checks judge.
pub const IGNORED: &[&str] = &[
    "aws_vpc_peering_connection_options",
    "aws_internet_gateway",
    "aws_nat_gateway",
    "aws_eip",
    "aws_egress_only_internet_gateway",
    "aws_vpc_dhcp_options",
    "aws_vpc_dhcp_options_association",
    "aws_key_pair",
    "aws_flow_log",
];

/// The fields of a route object the checks read.
const ROUTE_FIELDS: &[&str] = &[
    "cidr_block",
    "destination_prefix_list_id",
    "gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
    "nat_gateway_id",
    "transit_gateway_id",
    "network_interface_id",
    "egress_only_gateway_id",
    "local_gateway_id",
    "carrier_gateway_id",
    "core_network_arn",
];

/// The fields of an inline security group rule the checks read.
const RULE_FIELDS: &[&str] = &[
    "cidr_blocks",
    "prefix_list_ids",
    "security_groups",
    "self",
    "from_port",
    "to_port",
    "protocol",
];

fn scoped(v: &View) -> crate::model::ProviderPlace {
    v.place()
}

// --- records ----------------------------------------------------------------------

pub fn add_record(b: &mut Builder, v: &View) {
    match v.res.rtype.as_str() {
        "aws_vpc" => vpc(b, v),
        "aws_subnet" => subnet(b, v),
        "aws_route_table" | "aws_default_route_table" => route_table(b, v),
        "aws_security_group" | "aws_default_security_group" => security_group(b, v),
        "aws_network_acl" | "aws_default_network_acl" => network_acl(b, v),
        "aws_vpc_peering_connection" => peering(b, v),
        "aws_vpc_peering_connection_accepter" => accepter(b, v),
        "aws_vpc_endpoint" => endpoint(b, v),
        "aws_instance" => instance(b, v),
        _ => {}
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let id = v.id();
    match v.res.rtype.as_str() {
        "aws_vpc" => {
            b.remove::<Vpc>(&id);
            b.remove::<VpcAttribute>(&id);
        }
        "aws_subnet" => b.remove::<Subnet>(&id),
        "aws_route_table" | "aws_default_route_table" => b.remove::<RouteTable>(&id),
        "aws_security_group" | "aws_default_security_group" => b.remove::<SecurityGroup>(&id),
        "aws_network_acl" | "aws_default_network_acl" => b.remove::<NetworkAcl>(&id),
        "aws_vpc_peering_connection" => {
            b.remove::<VpcPeeringConnection>(&id);
            b.deleted_peerings.push(id);
        }
        // Destroying the accepter resource leaves the connection as it is.
        "aws_vpc_peering_connection_accepter" => {}
        "aws_vpc_endpoint" => b.remove::<VpcEndpoint>(&id),
        "aws_instance" => b.remove::<Instance>(&id),
        _ => {}
    }
}

fn vpc(b: &mut Builder, v: &View) {
    let id = v.id();
    let cidr = known(b, &id, v.str("cidr_block"), readers::VPCS);
    let old = b
        .find_mut::<Vpc>(&id)
        .map(|x| x.cidr_block_association_set.clone());
    let mut set: Vec<CidrBlockAssociation> = old
        .unwrap_or_default()
        .into_iter()
        .filter(|a| Some(&a.cidr_block) != cidr.as_ref())
        .collect();
    if let Some(c) = &cidr {
        set.insert(
            0,
            CidrBlockAssociation {
                cidr_block: c.clone(),
                cidr_block_state: Some(StateName {
                    state: "associated".into(),
                }),
            },
        );
    }
    let place = scoped(v);
    let owner = place.account.clone();
    b.upsert(
        &place,
        Vpc {
            vpc_id: id.clone(),
            cidr_block: cidr,
            cidr_block_association_set: set,
            owner_id: owner,
            tags: Vec::new(),
        },
    );
    // DNS support is on and DNS hostnames off unless set (AWS's defaults for a VPC
    // that is not the default VPC).
    let support = known(b, &id, v.bool("enable_dns_support"), readers::VPCS).unwrap_or(true);
    let hostnames = match v.bool("enable_dns_hostnames") {
        Got::Known(h) => h,
        Got::Absent => false,
        Got::Unknown(w) => {
            if v.plan.expression(v.res, "enable_dns_hostnames").is_some() {
                b.unknown(&id, w, readers::VPCS);
            }
            false
        }
    };
    b.upsert(
        &place,
        VpcAttribute {
            vpc_id: id.clone(),
            enable_dns_support: Some(AttributeBoolean { value: support }),
            enable_dns_hostnames: Some(AttributeBoolean { value: hostnames }),
        },
    );
    if v.res.action.creates() {
        synthesize_defaults(b, v, &id, &place);
    }
}

/// What AWS creates with a new VPC: its main route table (local route only), its
/// default network ACL (everything allowed) and its default security group (members
/// talk to each other, everything out). Each has the placeholder id the plan's
/// references to `main_route_table_id`, `default_network_acl_id` and
/// `default_security_group_id` resolve to; an `aws_default_*` resource of the plan
/// replaces it.
fn synthesize_defaults(
    b: &mut Builder,
    v: &View,
    vpc_id: &str,
    place: &crate::model::ProviderPlace,
) {
    let rtb = placeholder("rtb-", &format!("{}.main_route_table_id", v.address()));
    let acl = placeholder("acl-", &format!("{}.default_network_acl_id", v.address()));
    let sg = placeholder("sg-", &format!("{}.default_security_group_id", v.address()));
    if !b.has::<RouteTable>(&rtb) {
        b.upsert(
            place,
            RouteTable {
                route_table_id: rtb.clone(),
                vpc_id: vpc_id.to_string(),
                associations: vec![RouteTableAssociation {
                    main: true,
                    ..RouteTableAssociation::default()
                }],
                routes: Vec::new(),
            },
        );
    }
    b.address(&rtb, &format!("{}.main_route_table_id", v.address()));
    if !b.has::<NetworkAcl>(&acl) {
        b.upsert(
            place,
            NetworkAcl {
                network_acl_id: acl.clone(),
                vpc_id: vpc_id.to_string(),
                is_default: true,
                associations: Vec::new(),
                entries: allow_all_entries(),
            },
        );
    }
    b.address(&acl, &format!("{}.default_network_acl_id", v.address()));
    if !b.has::<SecurityGroup>(&sg) {
        b.upsert(
            place,
            SecurityGroup {
                group_id: sg.clone(),
                group_name: Some("default".into()),
                vpc_id: Some(vpc_id.to_string()),
                ip_permissions: vec![IpPermission {
                    ip_protocol: "-1".into(),
                    user_id_group_pairs: vec![UserIdGroupPair {
                        group_id: sg.clone(),
                        ..UserIdGroupPair::default()
                    }],
                    ..IpPermission::default()
                }],
                ip_permissions_egress: vec![all_out()],
            },
        );
    }
    b.address(&sg, &format!("{}.default_security_group_id", v.address()));
}

fn all_out() -> IpPermission {
    IpPermission {
        ip_protocol: "-1".into(),
        ip_ranges: vec![IpRange {
            cidr_ip: "0.0.0.0/0".into(),
            description: None,
        }],
        ..IpPermission::default()
    }
}

fn allow_all_entries() -> Vec<NetworkAclEntry> {
    let mut out = Vec::new();
    for egress in [false, true] {
        out.push(NetworkAclEntry {
            rule_number: 100,
            protocol: "-1".into(),
            rule_action: "allow".into(),
            egress,
            cidr_block: Some("0.0.0.0/0".into()),
            port_range: None,
        });
        out.push(deny_rest(egress));
    }
    out
}

/// The `*` rule every ACL ends with.
fn deny_rest(egress: bool) -> NetworkAclEntry {
    NetworkAclEntry {
        rule_number: 32767,
        protocol: "-1".into(),
        rule_action: "deny".into(),
        egress,
        cidr_block: Some("0.0.0.0/0".into()),
        port_range: None,
    }
}

fn subnet(b: &mut Builder, v: &View) {
    let id = v.id();
    let vpc_id = known(b, &id, v.str("vpc_id"), readers::SUBNETS).unwrap_or_default();
    let cidr = known(b, &id, v.str("cidr_block"), readers::SUBNETS);
    let az = v.str("availability_zone").known();
    // The zone id (use1-az1) is what a transit gateway attachment's zones are compared
    // by across accounts; a plan knows it when the configuration sets it, or after
    // the subnet exists.
    let az_id = v.str("availability_zone_id").known();
    b.upsert(
        &scoped(v),
        Subnet {
            subnet_id: id,
            vpc_id,
            cidr_block: cidr,
            availability_zone: az,
            availability_zone_id: az_id,
        },
    );
}

/// A route as `describe-route-tables` prints it, from a route object of the plan
/// (`aws_route`, or an element of a table's `route`).
fn route_of(o: &Value, state: Option<String>) -> Option<Route> {
    let dest = field_str(o, "destination_cidr_block").or_else(|| field_str(o, "cidr_block"));
    let prefix_list = field_str(o, "destination_prefix_list_id");
    if dest.is_none() && prefix_list.is_none() {
        // IPv6 destinations: the path is IPv4.
        return None;
    }
    let gateway = field_str(o, "gateway_id").or_else(|| field_str(o, "vpc_endpoint_id"));
    Some(Route {
        destination_cidr_block: dest,
        destination_prefix_list_id: prefix_list,
        gateway_id: gateway,
        vpc_peering_connection_id: field_str(o, "vpc_peering_connection_id"),
        nat_gateway_id: field_str(o, "nat_gateway_id"),
        transit_gateway_id: field_str(o, "transit_gateway_id"),
        network_interface_id: field_str(o, "network_interface_id"),
        instance_id: field_str(o, "instance_id"),
        egress_only_internet_gateway_id: field_str(o, "egress_only_gateway_id"),
        local_gateway_id: field_str(o, "local_gateway_id"),
        carrier_gateway_id: field_str(o, "carrier_gateway_id"),
        core_network_arn: field_str(o, "core_network_arn"),
        state: state.or_else(|| Some("active".into())),
    })
}

/// The VPC's CIDRs as the snapshot being built holds them.
fn vpc_cidrs(b: &mut Builder, vpc_id: &str) -> Vec<String> {
    match b.find_mut::<Vpc>(vpc_id) {
        Some(vpc) => {
            let mut out: Vec<String> = vpc
                .cidr_block_association_set
                .iter()
                .map(|a| a.cidr_block.clone())
                .collect();
            if out.is_empty() {
                out.extend(vpc.cidr_block.clone());
            }
            out
        }
        None => Vec::new(),
    }
}

fn route_table(b: &mut Builder, v: &View) {
    let default = v.res.rtype == "aws_default_route_table";
    let id = if default {
        known(b, &v.id(), v.str("default_route_table_id"), readers::ROUTES)
            .unwrap_or_else(|| v.id())
    } else {
        v.id()
    };
    if default {
        b.address(&id, v.address());
    }
    let vpc_id = match v.str("vpc_id") {
        Got::Known(x) => x,
        _ => b
            .find_mut::<RouteTable>(&id)
            .map(|t| t.vpc_id.clone())
            .unwrap_or_default(),
    };
    let mut routes: Vec<Route> = vpc_cidrs(b, &vpc_id)
        .into_iter()
        .map(|c| Route {
            destination_cidr_block: Some(c),
            gateway_id: Some("local".into()),
            state: Some("active".into()),
            ..Route::default()
        })
        .collect();
    // `route` is computed: when the configuration writes none, it is what AWS holds
    // (routes of separate `aws_route` resources among them), and on a new table it is
    // empty until those are added.
    let written = v.plan.expression(v.res, "route").is_some();
    let (blocks, whats) = v.blocks("route", ROUTE_FIELDS);
    if !whats.is_empty() && (written || !v.res.action.creates()) {
        b.unknown(&id, whats, readers::ROUTES);
    }
    for o in &blocks {
        if let Some(r) = route_of(o, field_str(o, "state")) {
            if r.gateway_id.as_deref() != Some("local") {
                routes.push(r);
            }
        }
    }
    // Associations come from their own resources: keep what the state holds.
    let mut associations = b
        .find_mut::<RouteTable>(&id)
        .map(|t| t.associations.clone())
        .unwrap_or_default();
    if default && !associations.iter().any(|a| a.main) {
        associations.push(RouteTableAssociation {
            main: true,
            ..RouteTableAssociation::default()
        });
    }
    let place = scoped(v);
    b.upsert(
        &place,
        RouteTable {
            route_table_id: id,
            vpc_id,
            associations,
            routes,
        },
    );
}

fn sg_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "6" | "tcp" => "tcp".into(),
        "17" | "udp" => "udp".into(),
        "1" | "icmp" => "icmp".into(),
        other => other.to_string(),
    }
}

/// A rule of the plan (`ingress`/`egress` element, or a separate rule resource's
/// values) as `IpPermissions` prints it.
fn permission(o: &Value, own_group: &str) -> IpPermission {
    let protocol = sg_protocol(
        &field_str(o, "protocol")
            .or_else(|| field_str(o, "ip_protocol"))
            .unwrap_or_else(|| "-1".into()),
    );
    let ports = protocol != "-1";
    let mut cidrs = field_strs(o, "cidr_blocks");
    cidrs.extend(field_str(o, "cidr_ipv4"));
    let mut groups: Vec<String> = field_strs(o, "security_groups");
    groups.extend(field_str(o, "source_security_group_id"));
    groups.extend(field_str(o, "referenced_security_group_id"));
    if o.get("self").and_then(Value::as_bool) == Some(true) {
        groups.push(own_group.to_string());
    }
    let mut prefix_lists = field_strs(o, "prefix_list_ids");
    prefix_lists.extend(field_str(o, "prefix_list_id"));
    IpPermission {
        ip_protocol: protocol,
        from_port: ports.then(|| field_i64(o, "from_port")).flatten(),
        to_port: ports.then(|| field_i64(o, "to_port")).flatten(),
        ip_ranges: cidrs
            .into_iter()
            .map(|c| IpRange {
                cidr_ip: c,
                description: None,
            })
            .collect(),
        user_id_group_pairs: groups
            .into_iter()
            .map(|g| match g.split_once('/') {
                // Another account's group: `ACCOUNT/sg-…`.
                Some((account, group)) => UserIdGroupPair {
                    group_id: group.to_string(),
                    user_id: Some(account.to_string()),
                    ..UserIdGroupPair::default()
                },
                None => UserIdGroupPair {
                    group_id: g,
                    ..UserIdGroupPair::default()
                },
            })
            .collect(),
        prefix_list_ids: prefix_lists
            .into_iter()
            .map(|p| PrefixListId { prefix_list_id: p })
            .collect(),
    }
}

fn security_group(b: &mut Builder, v: &View) {
    let default = v.res.rtype == "aws_default_security_group";
    let id = v.id();
    let vpc_id = match v.str("vpc_id") {
        Got::Known(x) => Some(x),
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(&id, w, readers::GROUPS);
            None
        }
    };
    let rules = |attr: &str, b: &mut Builder| -> Vec<IpPermission> {
        let written = v.plan.expression(v.res, attr).is_some();
        let (blocks, whats) = v.blocks(attr, RULE_FIELDS);
        // Unwritten on a new group: AWS adds no inbound rule, and Terraform removes the
        // default outbound one; separate rule resources add theirs.
        if !whats.is_empty() && (written || !v.res.action.creates() || default) {
            b.unknown(&id, whats, readers::GROUPS);
        }
        blocks.iter().map(|o| permission(o, &id)).collect()
    };
    let ip_permissions = rules("ingress", b);
    let ip_permissions_egress = rules("egress", b);
    let name = v.str("name").known();
    b.upsert(
        &scoped(v),
        SecurityGroup {
            group_id: id,
            group_name: name,
            vpc_id,
            ip_permissions,
            ip_permissions_egress,
        },
    );
}

fn acl_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        other => other.to_string(),
    }
}

fn acl_entry(o: &Value, egress: bool) -> Option<NetworkAclEntry> {
    let protocol = acl_protocol(&field_str(o, "protocol")?);
    let ports = protocol == "6" || protocol == "17";
    Some(NetworkAclEntry {
        rule_number: field_i64(o, "rule_no").or_else(|| field_i64(o, "rule_number"))?,
        rule_action: field_str(o, "action")
            .or_else(|| field_str(o, "rule_action"))?
            .to_ascii_lowercase(),
        protocol,
        egress,
        cidr_block: field_str(o, "cidr_block"),
        port_range: if ports {
            Some(PortRange {
                from: field_i64(o, "from_port").unwrap_or(0),
                to: field_i64(o, "to_port").unwrap_or(65535),
            })
        } else {
            None
        },
    })
}

fn network_acl(b: &mut Builder, v: &View) {
    let default = v.res.rtype == "aws_default_network_acl";
    let id = if default {
        known(b, &v.id(), v.str("default_network_acl_id"), readers::ACLS).unwrap_or_else(|| v.id())
    } else {
        v.id()
    };
    if default {
        b.address(&id, v.address());
    }
    let vpc_id = match v.str("vpc_id") {
        Got::Known(x) => x,
        _ => b
            .find_mut::<NetworkAcl>(&id)
            .map(|a| a.vpc_id.clone())
            .unwrap_or_default(),
    };
    let mut entries = Vec::new();
    for (attr, egress) in [("ingress", false), ("egress", true)] {
        let (blocks, whats) = v.blocks(
            attr,
            &[
                "rule_no",
                "action",
                "protocol",
                "cidr_block",
                "from_port",
                "to_port",
            ],
        );
        if !whats.is_empty() {
            b.unknown(&id, whats, readers::ACLS);
        }
        entries.extend(blocks.iter().filter_map(|o| acl_entry(o, egress)));
    }
    entries.push(deny_rest(false));
    entries.push(deny_rest(true));
    let subnets = match v.strs("subnet_ids") {
        Got::Known(s) => Some(s),
        Got::Absent => None,
        Got::Unknown(w) => {
            // Computed when unwritten: the separate association resources decide.
            if v.plan.expression(v.res, "subnet_ids").is_some() {
                b.unknown(&id, w, readers::ACLS);
            }
            None
        }
    };
    let mut associations = b
        .find_mut::<NetworkAcl>(&id)
        .map(|a| a.associations.clone())
        .unwrap_or_default();
    if let Some(subnets) = subnets {
        for s in &subnets {
            move_subnet_acl(b, s);
        }
        associations = subnets
            .into_iter()
            .map(|s| NetworkAclAssociation {
                subnet_id: s,
                network_acl_association_id: None,
            })
            .collect();
    }
    b.upsert(
        &scoped(v),
        NetworkAcl {
            network_acl_id: id,
            vpc_id,
            is_default: default,
            associations,
            entries,
        },
    );
}

/// A subnet is associated with exactly one ACL: taking it moves it.
fn move_subnet_acl(b: &mut Builder, subnet: &str) {
    for acl in b.all::<NetworkAcl>() {
        acl.associations.retain(|a| a.subnet_id != subnet);
    }
}

/// The status a new connection has after the apply: active when accepted in the plan
/// (`auto_accept` within one account and region, or an accepter resource), else
/// pending-acceptance.
fn peering(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = scoped(v);
    let vpc_id = known(b, &id, v.str("vpc_id"), readers::PEERING);
    let peer_vpc = known(b, &id, v.str("peer_vpc_id"), readers::PEERING);
    let peer_owner = v
        .str("peer_owner_id")
        .known()
        .or_else(|| place.account.clone());
    let peer_region = v
        .str("peer_region")
        .known()
        .or_else(|| place.region.clone());
    let status = match v.str("accept_status") {
        Got::Known(s) if !v.res.action.creates() => s,
        _ => {
            let auto = v.bool("auto_accept").known().unwrap_or(false);
            let same = peer_owner == place.account && peer_region == place.region;
            if auto && same {
                "active".to_string()
            } else {
                "pending-acceptance".to_string()
            }
        }
    };
    let record = VpcPeeringConnection {
        vpc_peering_connection_id: id,
        status: Some(PeeringStatus {
            code: status,
            message: None,
        }),
        requester_vpc_info: Some(PeeringVpcInfo {
            vpc_id,
            owner_id: place.account.clone(),
            region: place.region.clone(),
            ..PeeringVpcInfo::default()
        }),
        accepter_vpc_info: Some(PeeringVpcInfo {
            vpc_id: peer_vpc,
            owner_id: peer_owner,
            region: peer_region,
            ..PeeringVpcInfo::default()
        }),
    };
    b.upsert(&place, record);
}

/// The accepter's side records the connection in its own scope, active once accepted.
fn accepter(b: &mut Builder, v: &View) {
    let Some(id) = known(
        b,
        &v.id(),
        v.str("vpc_peering_connection_id"),
        readers::PEERING,
    ) else {
        return;
    };
    b.address(&id, v.address());
    let auto = v.bool("auto_accept").known().unwrap_or(false);
    let place = scoped(v);
    let mut record = b
        .find_mut::<VpcPeeringConnection>(&id)
        .cloned()
        .unwrap_or_else(|| VpcPeeringConnection {
            vpc_peering_connection_id: id.clone(),
            status: None,
            requester_vpc_info: Some(PeeringVpcInfo {
                vpc_id: v.str("peer_vpc_id").known(),
                owner_id: v.str("peer_owner_id").known(),
                region: v.str("peer_region").known(),
                ..PeeringVpcInfo::default()
            }),
            accepter_vpc_info: Some(PeeringVpcInfo {
                vpc_id: v.str("vpc_id").known(),
                owner_id: place.account.clone(),
                region: place.region.clone(),
                ..PeeringVpcInfo::default()
            }),
        });
    if auto {
        record.status = Some(PeeringStatus {
            code: "active".into(),
            message: None,
        });
        // Both sides see it active.
        for p in b.all::<VpcPeeringConnection>() {
            if p.vpc_peering_connection_id == id {
                p.status = record.status.clone();
            }
        }
    }
    b.upsert(&place, record);
}

fn endpoint(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = scoped(v);
    let vpc_id = known(b, &id, v.str("vpc_id"), readers::ENDPOINT).unwrap_or_default();
    let service = known(b, &id, v.str("service_name"), readers::ENDPOINT).unwrap_or_default();
    let kind = v
        .str("vpc_endpoint_type")
        .known()
        .unwrap_or_else(|| "Gateway".into());
    let state = if v.res.action.creates() {
        // The provider waits until the endpoint is available.
        "available".to_string()
    } else {
        v.str("state").known().unwrap_or_else(|| "available".into())
    };
    let subnets = strs_or_empty(b, &id, v.strs("subnet_ids"), readers::ENDPOINT);
    let groups = match v.strs("security_group_ids") {
        Got::Known(g) => g,
        Got::Absent => Vec::new(),
        Got::Unknown(w) => {
            // Unwritten on an interface endpoint: AWS attaches the VPC's default group.
            let default = (v.plan.expression(v.res, "security_group_ids").is_none()
                && kind.eq_ignore_ascii_case("Interface"))
            .then(|| default_group_of(v, &vpc_id))
            .flatten();
            match default {
                Some(g) => vec![g],
                None => {
                    b.unknown(&id, w, readers::ENDPOINT);
                    Vec::new()
                }
            }
        }
    };
    let private_dns = match v.bool("private_dns_enabled") {
        Got::Known(p) => Some(p),
        // AWS's default for an interface endpoint created without it: off.
        Got::Absent => Some(false),
        Got::Unknown(w) => {
            if v.plan.expression(v.res, "private_dns_enabled").is_some() {
                b.unknown(&id, w, readers::ENDPOINT);
            }
            Some(false)
        }
    };
    let (dns, whats) = v.blocks("dns_entry", &["dns_name"]);
    if !whats.is_empty() && kind.eq_ignore_ascii_case("Interface") {
        b.unknown(
            &id,
            vec![format!("{}.dns_entry", v.address())],
            readers::ENDPOINT_DNS,
        );
    }
    let dns_entries = dns
        .iter()
        .filter_map(|d| {
            Some(DnsEntry {
                dns_name: field_str(d, "dns_name")?,
                hosted_zone_id: field_str(d, "hosted_zone_id"),
            })
        })
        .collect();
    let network_interface_ids = v.strs("network_interface_ids").known().unwrap_or_default();
    b.upsert(
        &place,
        VpcEndpoint {
            vpc_endpoint_id: id,
            vpc_endpoint_type: Some(kind),
            vpc_id,
            service_name: service,
            state: Some(state),
            subnet_ids: subnets,
            groups: groups
                .into_iter()
                .map(|g| GroupIdentifier {
                    group_id: g,
                    group_name: None,
                })
                .collect(),
            private_dns_enabled: private_dns,
            dns_entries,
            network_interface_ids,
        },
    );
}

/// The default security group of a VPC, as the plan knows it.
fn default_group_of(v: &View, vpc_id: &str) -> Option<String> {
    let plan = v.plan;
    let vpc = plan
        .resources
        .iter()
        .find(|r| r.rtype == "aws_vpc" && !r.deposed && plan.id_of(r) == vpc_id)?;
    plan.resolve_attr(vpc, "default_security_group_id", 0)?
        .as_str()
        .map(str::to_string)
}

/// A subnet's VPC, from the snapshot being built or the plan.
fn vpc_of_subnet(b: &mut Builder, v: &View, subnet: &str) -> Option<String> {
    if let Some(s) = b.find_mut::<Subnet>(subnet) {
        return Some(s.vpc_id.clone()).filter(|x| !x.is_empty());
    }
    let plan = v.plan;
    let r = plan
        .resources
        .iter()
        .find(|r| r.rtype == "aws_subnet" && !r.deposed && plan.id_of(r) == subnet)?;
    plan.resolve_attr(r, "vpc_id", 0)?
        .as_str()
        .map(str::to_string)
}

fn instance(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = scoped(v);
    let subnet = known(b, &id, v.str("subnet_id"), readers::INSTANCE_NETWORK);
    let vpc_id = subnet.as_deref().and_then(|s| vpc_of_subnet(b, v, s));
    let private_ip = match v.str("private_ip") {
        Got::Known(ip) => Some(ip),
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(&id, w, readers::INSTANCE_IP);
            None
        }
    };
    let groups = match v.strs("vpc_security_group_ids") {
        Got::Known(g) if !g.is_empty() => g,
        Got::Known(_) | Got::Absent => Vec::new(),
        Got::Unknown(w) => {
            let default = (v.plan.expression(v.res, "vpc_security_group_ids").is_none()
                && v.plan.expression(v.res, "security_groups").is_none())
            .then(|| vpc_id.as_deref().and_then(|vpc| default_group_of(v, vpc)))
            .flatten();
            match default {
                Some(g) => vec![g],
                None => {
                    b.unknown(&id, w, readers::INSTANCE_NETWORK);
                    Vec::new()
                }
            }
        }
    };
    // The provider takes the profile's name; the snapshot records its ARN.
    let profile = match v.str("iam_instance_profile") {
        Got::Known(name) => {
            let arn = crate::iam::profile_arn(b, v, &name);
            if arn.is_none() {
                b.unknown(
                    &id,
                    vec![format!(
                        "{}.iam_instance_profile's ARN (the plan does not say the account)",
                        v.address()
                    )],
                    readers::INSTANCE_ROLE,
                );
            }
            arn
        }
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(&id, w, readers::INSTANCE_ROLE);
            None
        }
    };
    if v.res.action.creates() {
        // Systems Manager knows a new instance only once its agent has registered.
        b.unknown(
            &id,
            vec![format!(
                "{}: its SSM Agent version and ping status (the agent registers after boot)",
                v.address()
            )],
            readers::SSM_REGISTRATION,
        );
    }
    // `metadata_options { http_tokens, http_endpoint, … }`: whether IMDSv2 is
    // required (Default Host Management Configuration needs IMDSv2).
    let (options, _) = v.blocks("metadata_options", &["http_tokens", "http_endpoint"]);
    let metadata_options = options.first().map(|o| InstanceMetadataOptions {
        http_tokens: field_str(o, "http_tokens"),
        http_endpoint: field_str(o, "http_endpoint"),
        http_put_response_hop_limit: field_i64(o, "http_put_response_hop_limit"),
        instance_metadata_tags: field_str(o, "instance_metadata_tags"),
        ..InstanceMetadataOptions::default()
    });
    b.upsert(
        &place,
        Instance {
            instance_id: id,
            subnet_id: subnet,
            vpc_id,
            private_ip_address: private_ip,
            security_groups: groups
                .into_iter()
                .map(|g| GroupIdentifier {
                    group_id: g,
                    group_name: None,
                })
                .collect(),
            iam_instance_profile: profile.map(|arn| IamInstanceProfileRef { arn, id: None }),
            state: Some(InstanceState {
                name: "running".into(),
            }),
            metadata_options,
            tags: Vec::new(),
        },
    );
}

// --- patches ------------------------------------------------------------------------

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    match v.res.rtype.as_str() {
        "aws_route" => route_patch(b, v, add),
        "aws_route_table_association" => route_association(b, v, add),
        "aws_main_route_table_association" => main_association(b, v, add),
        "aws_security_group_rule"
        | "aws_vpc_security_group_ingress_rule"
        | "aws_vpc_security_group_egress_rule" => rule_patch(b, v, add),
        "aws_network_acl_rule" => acl_rule_patch(b, v, add),
        "aws_network_acl_association" => acl_association(b, v, add),
        "aws_vpc_endpoint_subnet_association" | "aws_vpc_endpoint_security_group_association" => {
            endpoint_association(b, v, add)
        }
        "aws_vpc_ipv4_cidr_block_association" => cidr_association(b, v, add),
        _ => {}
    }
}

fn route_patch(b: &mut Builder, v: &View, add: bool) {
    let table = match v.str("route_table_id") {
        Got::Known(t) => t,
        Got::Absent => return,
        Got::Unknown(w) => {
            b.unknown(&v.id(), w, readers::ROUTES);
            return;
        }
    };
    b.address(&table, v.address());
    // The route object with its unknown targets decided where references decide them.
    let mut o = serde_json::Map::new();
    let mut unknown = Vec::new();
    for attr in [
        "destination_cidr_block",
        "destination_prefix_list_id",
        "gateway_id",
        "vpc_endpoint_id",
        "vpc_peering_connection_id",
        "nat_gateway_id",
        "transit_gateway_id",
        "network_interface_id",
        "egress_only_gateway_id",
        "local_gateway_id",
        "carrier_gateway_id",
        "core_network_arn",
        "state",
    ] {
        match v.str(attr) {
            Got::Known(x) => {
                o.insert(attr.into(), Value::String(x));
            }
            Got::Absent => {}
            // AWS computes these for every route.
            Got::Unknown(_) if matches!(attr, "state" | "network_interface_id") => {}
            Got::Unknown(w) => unknown.extend(w),
        }
    }
    let state = if add && v.res.action.creates() {
        None
    } else {
        field_str(&Value::Object(o.clone()), "state")
    };
    let Some(route) = route_of(&Value::Object(o), state) else {
        return;
    };
    if !unknown.is_empty() {
        b.unknown(&table, unknown, readers::ROUTES);
    }
    let Some(t) = b.find_mut::<RouteTable>(&table) else {
        return;
    };
    let same = |r: &Route| {
        r.destination_cidr_block == route.destination_cidr_block
            && r.destination_prefix_list_id == route.destination_prefix_list_id
    };
    t.routes.retain(|r| !same(r));
    if add {
        t.routes.push(route);
    }
}

fn route_association(b: &mut Builder, v: &View, add: bool) {
    let table = known(b, &v.id(), v.str("route_table_id"), readers::ROUTES);
    let subnet = match v.str("subnet_id") {
        Got::Known(s) => s,
        // An edge association (gateway_id): not on the path.
        Got::Absent => return,
        Got::Unknown(w) => {
            if let Some(t) = &table {
                b.unknown(t, w, readers::ROUTES);
            }
            return;
        }
    };
    let Some(table) = table else {
        return;
    };
    // A subnet has one explicit association: a new one replaces any other.
    for t in b.all::<RouteTable>() {
        if add || t.route_table_id == table {
            t.associations
                .retain(|a| a.subnet_id.as_deref() != Some(subnet.as_str()));
        }
    }
    if add {
        if let Some(t) = b.find_mut::<RouteTable>(&table) {
            t.associations.push(RouteTableAssociation {
                main: false,
                subnet_id: Some(subnet),
                route_table_association_id: None,
                association_state: None,
            });
        }
    }
}

fn main_association(b: &mut Builder, v: &View, add: bool) {
    let (Some(table), Some(vpc)) = (
        known(b, &v.id(), v.str("route_table_id"), readers::ROUTES),
        known(b, &v.id(), v.str("vpc_id"), readers::ROUTES),
    ) else {
        return;
    };
    if !add {
        // Destroying it gives the main role back to the VPC's original table, which the
        // state records as `original_route_table_id`.
        if let Some(original) = v.str("original_route_table_id").known() {
            set_main(b, &vpc, &original);
        }
        return;
    }
    set_main(b, &vpc, &table);
}

fn set_main(b: &mut Builder, vpc: &str, table: &str) {
    for t in b.all::<RouteTable>() {
        if t.vpc_id == vpc {
            t.associations.retain(|a| !a.main);
            if t.route_table_id == table {
                t.associations.push(RouteTableAssociation {
                    main: true,
                    ..RouteTableAssociation::default()
                });
            }
        }
    }
}

fn rule_patch(b: &mut Builder, v: &View, add: bool) {
    let group = match v.str("security_group_id") {
        Got::Known(g) => g,
        Got::Absent => return,
        Got::Unknown(w) => {
            b.unknown(&v.id(), w, readers::GROUPS);
            return;
        }
    };
    b.address(&group, v.address());
    let egress = match v.res.rtype.as_str() {
        "aws_vpc_security_group_egress_rule" => true,
        "aws_vpc_security_group_ingress_rule" => false,
        _ => v.str("type").known().as_deref() == Some("egress"),
    };
    let mut o = serde_json::Map::new();
    let mut unknown = Vec::new();
    for attr in [
        "protocol",
        "ip_protocol",
        "from_port",
        "to_port",
        "cidr_blocks",
        "cidr_ipv4",
        "source_security_group_id",
        "referenced_security_group_id",
        "prefix_list_ids",
        "prefix_list_id",
        "self",
    ] {
        match v.get(attr) {
            Got::Known(x) => {
                o.insert(attr.into(), x);
            }
            Got::Absent => {}
            // Computed, not written (a CIDR rule's source group, the group itself with
            // `self`): what is written decides the rule.
            Got::Unknown(_) if v.plan.expression(v.res, attr).is_none() => {}
            Got::Unknown(w) => unknown.extend(w),
        }
    }
    if !unknown.is_empty() {
        b.unknown(&group, unknown, readers::GROUPS);
        if add {
            return;
        }
    }
    let perm = permission(&Value::Object(o), &group);
    let Some(g) = b.find_mut::<SecurityGroup>(&group) else {
        return;
    };
    let list = if egress {
        &mut g.ip_permissions_egress
    } else {
        &mut g.ip_permissions
    };
    remove_permission(list, &perm);
    if add {
        list.push(perm);
    }
}

/// Takes a rule's sources out of the group's permissions of the same protocol and
/// ports (AWS merges rules that share them); a permission left without sources goes.
fn remove_permission(list: &mut Vec<IpPermission>, perm: &IpPermission) {
    for p in list.iter_mut() {
        if p.ip_protocol == perm.ip_protocol
            && p.from_port == perm.from_port
            && p.to_port == perm.to_port
        {
            p.ip_ranges
                .retain(|r| !perm.ip_ranges.iter().any(|x| x.cidr_ip == r.cidr_ip));
            p.user_id_group_pairs.retain(|r| {
                !perm
                    .user_id_group_pairs
                    .iter()
                    .any(|x| x.group_id == r.group_id)
            });
            p.prefix_list_ids.retain(|r| {
                !perm
                    .prefix_list_ids
                    .iter()
                    .any(|x| x.prefix_list_id == r.prefix_list_id)
            });
        }
    }
    list.retain(|p| {
        !(p.ip_ranges.is_empty()
            && p.user_id_group_pairs.is_empty()
            && p.prefix_list_ids.is_empty())
    });
}

fn acl_rule_patch(b: &mut Builder, v: &View, add: bool) {
    let Some(acl) = known(b, &v.id(), v.str("network_acl_id"), readers::ACLS) else {
        return;
    };
    b.address(&acl, v.address());
    let egress = v.bool("egress").known().unwrap_or(false);
    let mut o = serde_json::Map::new();
    for attr in [
        "rule_number",
        "protocol",
        "rule_action",
        "cidr_block",
        "from_port",
        "to_port",
    ] {
        match v.get(attr) {
            Got::Known(x) => {
                o.insert(attr.into(), x);
            }
            Got::Absent => {}
            Got::Unknown(w) => {
                b.unknown(&acl, w, readers::ACLS);
                if add {
                    return;
                }
            }
        }
    }
    let Some(entry) = acl_entry(&Value::Object(o), egress) else {
        return;
    };
    let Some(a) = b.find_mut::<NetworkAcl>(&acl) else {
        return;
    };
    a.entries
        .retain(|e| !(e.rule_number == entry.rule_number && e.egress == entry.egress));
    if add {
        a.entries.push(entry);
    }
}

fn acl_association(b: &mut Builder, v: &View, add: bool) {
    let (Some(acl), Some(subnet)) = (
        known(b, &v.id(), v.str("network_acl_id"), readers::ACLS),
        known(b, &v.id(), v.str("subnet_id"), readers::ACLS),
    ) else {
        return;
    };
    if add {
        move_subnet_acl(b, &subnet);
        if let Some(a) = b.find_mut::<NetworkAcl>(&acl) {
            a.associations.push(NetworkAclAssociation {
                subnet_id: subnet,
                network_acl_association_id: None,
            });
        }
    } else if let Some(a) = b.find_mut::<NetworkAcl>(&acl) {
        // The subnet falls back to its VPC's default ACL (finalize attaches it).
        a.associations.retain(|x| x.subnet_id != subnet);
    }
}

fn endpoint_association(b: &mut Builder, v: &View, add: bool) {
    let Some(endpoint) = known(b, &v.id(), v.str("vpc_endpoint_id"), readers::ENDPOINT) else {
        return;
    };
    b.address(&endpoint, v.address());
    let subnet = v.res.rtype == "aws_vpc_endpoint_subnet_association";
    let attr = if subnet {
        "subnet_id"
    } else {
        "security_group_id"
    };
    let Some(item) = known(b, &endpoint, v.str(attr), readers::ENDPOINT) else {
        return;
    };
    let Some(e) = b.find_mut::<VpcEndpoint>(&endpoint) else {
        return;
    };
    if subnet {
        e.subnet_ids.retain(|s| *s != item);
        if add {
            e.subnet_ids.push(item);
        }
    } else {
        e.groups.retain(|g| g.group_id != item);
        if add {
            e.groups.push(GroupIdentifier {
                group_id: item,
                group_name: None,
            });
        }
    }
}

fn cidr_association(b: &mut Builder, v: &View, add: bool) {
    let (Some(vpc), Some(cidr)) = (
        known(b, &v.id(), v.str("vpc_id"), readers::VPCS),
        known(b, &v.id(), v.str("cidr_block"), readers::VPCS),
    ) else {
        return;
    };
    let Some(x) = b.find_mut::<Vpc>(&vpc) else {
        return;
    };
    x.cidr_block_association_set
        .retain(|a| a.cidr_block != cidr);
    if add {
        x.cidr_block_association_set.push(CidrBlockAssociation {
            cidr_block: cidr,
            cidr_block_state: Some(StateName {
                state: "associated".into(),
            }),
        });
    }
}

// --- after every record and patch -----------------------------------------------------

/// What follows from the whole: every subnet no ACL holds is in its VPC's default ACL;
/// routes to a peering connection the plan destroys are blackholes; a route table's
/// local routes follow its VPC's CIDRs; each side of a peering connection records the
/// CIDRs of the VPCs the snapshot knows.
pub fn finalize(b: &mut Builder) {
    for scope in &mut b.snapshot.scopes {
        let subnets: Vec<(String, String)> = scope
            .subnets
            .iter()
            .flatten()
            .map(|s| (s.subnet_id.clone(), s.vpc_id.clone()))
            .collect();
        if let Some(acls) = scope.network_acls.as_mut() {
            for (subnet, vpc) in subnets {
                if acls
                    .iter()
                    .any(|a| a.associations.iter().any(|x| x.subnet_id == subnet))
                {
                    continue;
                }
                if let Some(default) = acls.iter_mut().find(|a| a.is_default && a.vpc_id == vpc) {
                    default.associations.push(NetworkAclAssociation {
                        subnet_id: subnet,
                        network_acl_association_id: None,
                    });
                }
            }
        }
        let cidrs: Vec<(String, Vec<String>)> = scope
            .vpcs
            .iter()
            .flatten()
            .map(|v| {
                let mut c: Vec<String> = v
                    .cidr_block_association_set
                    .iter()
                    .map(|a| a.cidr_block.clone())
                    .collect();
                if c.is_empty() {
                    c.extend(v.cidr_block.clone());
                }
                (v.vpc_id.clone(), c)
            })
            .collect();
        for t in scope.route_tables.iter_mut().flatten() {
            if let Some((_, vpc_cidrs)) = cidrs.iter().find(|(v, _)| *v == t.vpc_id) {
                for c in vpc_cidrs {
                    let has = t.routes.iter().any(|r| {
                        r.destination_cidr_block.as_deref() == Some(c.as_str())
                            && r.gateway_id.as_deref() == Some("local")
                    });
                    if !has {
                        t.routes.insert(
                            0,
                            Route {
                                destination_cidr_block: Some(c.clone()),
                                gateway_id: Some("local".into()),
                                state: Some("active".into()),
                                ..Route::default()
                            },
                        );
                    }
                }
            }
            for r in &mut t.routes {
                if r.vpc_peering_connection_id
                    .as_ref()
                    .is_some_and(|p| b.deleted_peerings.contains(p))
                {
                    r.state = Some("blackhole".into());
                }
            }
        }
    }
    // A connection recreated under the same id is not gone.
    let all_cidrs: Vec<(String, Vec<String>)> = b
        .snapshot
        .scopes
        .iter()
        .flat_map(|s| s.vpcs.iter().flatten())
        .map(|v| {
            let mut c: Vec<String> = v
                .cidr_block_association_set
                .iter()
                .map(|a| a.cidr_block.clone())
                .collect();
            if c.is_empty() {
                c.extend(v.cidr_block.clone());
            }
            (v.vpc_id.clone(), c)
        })
        .collect();
    for p in b.all::<VpcPeeringConnection>() {
        for info in [p.requester_vpc_info.as_mut(), p.accepter_vpc_info.as_mut()]
            .into_iter()
            .flatten()
        {
            if info.cidr_block.is_none() {
                if let Some((_, c)) = all_cidrs
                    .iter()
                    .find(|(v, _)| Some(v) == info.vpc_id.as_ref())
                {
                    info.cidr_block = c.first().cloned();
                    info.cidr_block_set = c
                        .iter()
                        .map(|x| CidrBlockOnly {
                            cidr_block: x.clone(),
                        })
                        .collect();
                }
            }
        }
    }
}
