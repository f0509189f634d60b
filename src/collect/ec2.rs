//! EC2 reads: instances, VPCs, subnets, route tables, security groups, network ACLs,
//! peering connections and VPC endpoints, mapped into the snapshot model. Every call is
//! filtered to the ids or VPCs on the path and followed to its last page.

use super::calls::{all_pages, logged, CallError};
use super::Ctx;
use aws_sdk_ec2::types as t;
use aws_sdk_ec2::types::Filter;
use privpath_checks::snapshot as m;

/// EC2 accepts at most 200 values in one filter.
pub const FILTER_VALUES: usize = 200;

pub(super) fn filter(name: &str, values: &[String]) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.to_vec()))
        .build()
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

/// The instance and the account that owns it (its reservation's owner).
pub async fn instance(
    ctx: &Ctx,
    id: &str,
) -> Result<Option<(m::Instance, Option<String>)>, CallError> {
    let reservations: Vec<t::Reservation> = all_pages!(
        ctx,
        "ec2:DescribeInstances",
        ctx.ec2
            .describe_instances()
            .filters(filter("instance-id", &[id.to_string()])),
        reservations
    )?;
    for r in &reservations {
        for i in r.instances() {
            if i.instance_id() == Some(id) {
                return Ok(Some((map_instance(i), s(r.owner_id()))));
            }
        }
    }
    Ok(None)
}

/// The instances in some VPCs (an audit's clients), with their account.
pub async fn instances_in_vpcs(
    ctx: &Ctx,
    vpc_ids: &[String],
) -> Result<Vec<m::Instance>, CallError> {
    let reservations: Vec<t::Reservation> = all_pages!(
        ctx,
        "ec2:DescribeInstances",
        ctx.ec2
            .describe_instances()
            .filters(filter("vpc-id", vpc_ids)),
        reservations
    )?;
    Ok(reservations
        .iter()
        .flat_map(|r| r.instances().iter().map(map_instance))
        .collect())
}

/// The regions enabled for the account (`ec2:DescribeRegions` lists only those).
pub async fn enabled_regions(ctx: &Ctx) -> Result<Vec<String>, CallError> {
    let out = logged!(
        ctx,
        "ec2:DescribeRegions",
        ctx.ec2.describe_regions().send()
    )?;
    let mut regions: Vec<String> = out
        .regions()
        .iter()
        .filter(|r| r.opt_in_status() != Some("not-opted-in"))
        .filter_map(|r| r.region_name().map(str::to_string))
        .collect();
    regions.sort();
    Ok(regions)
}

fn map_instance(i: &t::Instance) -> m::Instance {
    m::Instance {
        instance_id: i.instance_id().unwrap_or_default().to_string(),
        subnet_id: s(i.subnet_id()),
        vpc_id: s(i.vpc_id()),
        private_ip_address: s(i.private_ip_address()),
        security_groups: i
            .security_groups()
            .iter()
            .map(|g| m::GroupIdentifier {
                group_id: g.group_id().unwrap_or_default().to_string(),
                group_name: s(g.group_name()),
            })
            .collect(),
        iam_instance_profile: i.iam_instance_profile().map(|p| m::IamInstanceProfileRef {
            arn: p.arn().unwrap_or_default().to_string(),
            id: s(p.id()),
        }),
        state: i.state().map(|st| m::InstanceState {
            name: st
                .name()
                .map(|n| n.as_str().to_string())
                .unwrap_or_default(),
        }),
        metadata_options: i.metadata_options().map(|o| m::InstanceMetadataOptions {
            state: o.state().map(|v| v.as_str().to_string()),
            http_tokens: o.http_tokens().map(|v| v.as_str().to_string()),
            http_put_response_hop_limit: o.http_put_response_hop_limit().map(i64::from),
            http_endpoint: o.http_endpoint().map(|v| v.as_str().to_string()),
            http_protocol_ipv6: o.http_protocol_ipv6().map(|v| v.as_str().to_string()),
            instance_metadata_tags: o.instance_metadata_tags().map(|v| v.as_str().to_string()),
        }),
        tags: i
            .tags()
            .iter()
            .map(|tag| m::Tag {
                key: tag.key().unwrap_or_default().to_string(),
                value: tag.value().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

/// `enableDnsSupport` and `enableDnsHostnames` of one VPC: DescribeVpcAttribute answers
/// one attribute per call, so two calls, sent together.
pub async fn vpc_dns_attributes(ctx: &Ctx, vpc_id: &str) -> Result<m::VpcAttribute, CallError> {
    let ask = |attribute: t::VpcAttributeName| {
        let ctx = ctx.clone();
        let vpc_id = vpc_id.to_string();
        async move {
            logged!(
                ctx,
                "ec2:DescribeVpcAttribute",
                ctx.ec2
                    .describe_vpc_attribute()
                    .vpc_id(vpc_id)
                    .attribute(attribute)
                    .send()
            )
        }
    };
    let (support, hostnames) = tokio::join!(
        ask(t::VpcAttributeName::EnableDnsSupport),
        ask(t::VpcAttributeName::EnableDnsHostnames)
    );
    let value = |v: Option<&t::AttributeBooleanValue>| {
        v.and_then(|b| b.value())
            .map(|value| m::AttributeBoolean { value })
    };
    Ok(m::VpcAttribute {
        vpc_id: vpc_id.to_string(),
        enable_dns_support: value(support?.enable_dns_support()),
        enable_dns_hostnames: value(hostnames?.enable_dns_hostnames()),
    })
}

pub async fn vpcs(ctx: &Ctx, vpc_ids: &[String]) -> Result<Vec<m::Vpc>, CallError> {
    let items: Vec<t::Vpc> = all_pages!(
        ctx,
        "ec2:DescribeVpcs",
        ctx.ec2.describe_vpcs().filters(filter("vpc-id", vpc_ids)),
        vpcs
    )?;
    Ok(items
        .iter()
        .map(|v| m::Vpc {
            vpc_id: v.vpc_id().unwrap_or_default().to_string(),
            cidr_block: s(v.cidr_block()),
            cidr_block_association_set: v
                .cidr_block_association_set()
                .iter()
                .map(|a| m::CidrBlockAssociation {
                    cidr_block: a.cidr_block().unwrap_or_default().to_string(),
                    cidr_block_state: a.cidr_block_state().map(|st| m::StateName {
                        state: st
                            .state()
                            .map(|x| x.as_str().to_string())
                            .unwrap_or_default(),
                    }),
                })
                .collect(),
            owner_id: s(v.owner_id()),
            tags: Vec::new(),
        })
        .collect())
}

pub async fn subnets(ctx: &Ctx, vpc_ids: &[String]) -> Result<Vec<m::Subnet>, CallError> {
    let items: Vec<t::Subnet> = all_pages!(
        ctx,
        "ec2:DescribeSubnets",
        ctx.ec2
            .describe_subnets()
            .filters(filter("vpc-id", vpc_ids)),
        subnets
    )?;
    Ok(items
        .iter()
        .map(|x| m::Subnet {
            subnet_id: x.subnet_id().unwrap_or_default().to_string(),
            vpc_id: x.vpc_id().unwrap_or_default().to_string(),
            cidr_block: s(x.cidr_block()),
            availability_zone: s(x.availability_zone()),
            availability_zone_id: s(x.availability_zone_id()),
        })
        .collect())
}

pub async fn route_tables(ctx: &Ctx, vpc_ids: &[String]) -> Result<Vec<m::RouteTable>, CallError> {
    let items: Vec<t::RouteTable> = all_pages!(
        ctx,
        "ec2:DescribeRouteTables",
        ctx.ec2
            .describe_route_tables()
            .filters(filter("vpc-id", vpc_ids)),
        route_tables
    )?;
    Ok(items
        .iter()
        .map(|rt| m::RouteTable {
            route_table_id: rt.route_table_id().unwrap_or_default().to_string(),
            vpc_id: rt.vpc_id().unwrap_or_default().to_string(),
            associations: rt
                .associations()
                .iter()
                .map(|a| m::RouteTableAssociation {
                    main: a.main().unwrap_or(false),
                    subnet_id: s(a.subnet_id()),
                    route_table_association_id: s(a.route_table_association_id()),
                    association_state: a.association_state().map(|st| m::StateName {
                        state: st
                            .state()
                            .map(|x| x.as_str().to_string())
                            .unwrap_or_default(),
                    }),
                })
                .collect(),
            routes: rt
                .routes()
                .iter()
                .map(|r| m::Route {
                    destination_cidr_block: s(r.destination_cidr_block()),
                    destination_prefix_list_id: s(r.destination_prefix_list_id()),
                    gateway_id: s(r.gateway_id()),
                    vpc_peering_connection_id: s(r.vpc_peering_connection_id()),
                    nat_gateway_id: s(r.nat_gateway_id()),
                    transit_gateway_id: s(r.transit_gateway_id()),
                    network_interface_id: s(r.network_interface_id()),
                    instance_id: s(r.instance_id()),
                    egress_only_internet_gateway_id: s(r.egress_only_internet_gateway_id()),
                    local_gateway_id: s(r.local_gateway_id()),
                    carrier_gateway_id: s(r.carrier_gateway_id()),
                    core_network_arn: s(r.core_network_arn()),
                    state: r.state().map(|x| x.as_str().to_string()),
                })
                .collect(),
        })
        .collect())
}

fn map_permission(p: &t::IpPermission) -> m::IpPermission {
    m::IpPermission {
        ip_protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: p.from_port().map(i64::from),
        to_port: p.to_port().map(i64::from),
        ip_ranges: p
            .ip_ranges()
            .iter()
            .map(|r| m::IpRange {
                cidr_ip: r.cidr_ip().unwrap_or_default().to_string(),
                description: s(r.description()),
            })
            .collect(),
        user_id_group_pairs: p
            .user_id_group_pairs()
            .iter()
            .map(|g| m::UserIdGroupPair {
                group_id: g.group_id().unwrap_or_default().to_string(),
                user_id: s(g.user_id()),
                vpc_id: s(g.vpc_id()),
                vpc_peering_connection_id: s(g.vpc_peering_connection_id()),
            })
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .map(|x| m::PrefixListId {
                prefix_list_id: x.prefix_list_id().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

pub async fn security_groups(
    ctx: &Ctx,
    vpc_ids: &[String],
) -> Result<Vec<m::SecurityGroup>, CallError> {
    let items: Vec<t::SecurityGroup> = all_pages!(
        ctx,
        "ec2:DescribeSecurityGroups",
        ctx.ec2
            .describe_security_groups()
            .filters(filter("vpc-id", vpc_ids)),
        security_groups
    )?;
    Ok(items
        .iter()
        .map(|g| m::SecurityGroup {
            group_id: g.group_id().unwrap_or_default().to_string(),
            group_name: s(g.group_name()),
            vpc_id: s(g.vpc_id()),
            ip_permissions: g.ip_permissions().iter().map(map_permission).collect(),
            ip_permissions_egress: g
                .ip_permissions_egress()
                .iter()
                .map(map_permission)
                .collect(),
        })
        .collect())
}

pub async fn network_acls(ctx: &Ctx, vpc_ids: &[String]) -> Result<Vec<m::NetworkAcl>, CallError> {
    let items: Vec<t::NetworkAcl> = all_pages!(
        ctx,
        "ec2:DescribeNetworkAcls",
        ctx.ec2
            .describe_network_acls()
            .filters(filter("vpc-id", vpc_ids)),
        network_acls
    )?;
    Ok(items
        .iter()
        .map(|acl| m::NetworkAcl {
            network_acl_id: acl.network_acl_id().unwrap_or_default().to_string(),
            vpc_id: acl.vpc_id().unwrap_or_default().to_string(),
            is_default: acl.is_default().unwrap_or(false),
            associations: acl
                .associations()
                .iter()
                .map(|a| m::NetworkAclAssociation {
                    subnet_id: a.subnet_id().unwrap_or_default().to_string(),
                    network_acl_association_id: s(a.network_acl_association_id()),
                })
                .collect(),
            entries: acl
                .entries()
                .iter()
                .map(|e| m::NetworkAclEntry {
                    rule_number: e.rule_number().map(i64::from).unwrap_or_default(),
                    protocol: e.protocol().unwrap_or("-1").to_string(),
                    rule_action: e
                        .rule_action()
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_default(),
                    egress: e.egress().unwrap_or(false),
                    cidr_block: s(e.cidr_block()),
                    port_range: e.port_range().map(|p| m::PortRange {
                        from: p.from().map(i64::from).unwrap_or_default(),
                        to: p.to().map(i64::from).unwrap_or_default(),
                    }),
                })
                .collect(),
        })
        .collect())
}

fn map_peering_info(i: &t::VpcPeeringConnectionVpcInfo) -> m::PeeringVpcInfo {
    m::PeeringVpcInfo {
        vpc_id: s(i.vpc_id()),
        owner_id: s(i.owner_id()),
        region: s(i.region()),
        cidr_block: s(i.cidr_block()),
        cidr_block_set: i
            .cidr_block_set()
            .iter()
            .map(|c| m::CidrBlockOnly {
                cidr_block: c.cidr_block().unwrap_or_default().to_string(),
            })
            .collect(),
    }
}

/// Peering connections of some VPCs on one side, `requester-vpc-info.vpc-id` or
/// `accepter-vpc-info.vpc-id` (two filtered calls: EC2 filters on different names are
/// ANDed, so "requester or accepter" cannot be one call).
pub async fn peerings(
    ctx: &Ctx,
    side: &'static str,
    vpc_ids: &[String],
) -> Result<Vec<m::VpcPeeringConnection>, CallError> {
    peerings_where(ctx, Some(filter(side, vpc_ids))).await
}

/// Every peering connection the account sees in the region (either side).
pub async fn all_peerings(ctx: &Ctx) -> Result<Vec<m::VpcPeeringConnection>, CallError> {
    peerings_where(ctx, None).await
}

async fn peerings_where(
    ctx: &Ctx,
    only: Option<Filter>,
) -> Result<Vec<m::VpcPeeringConnection>, CallError> {
    let items: Vec<t::VpcPeeringConnection> = all_pages!(
        ctx,
        "ec2:DescribeVpcPeeringConnections",
        ctx.ec2
            .describe_vpc_peering_connections()
            .set_filters(only.map(|f| vec![f])),
        vpc_peering_connections
    )?;
    Ok(items
        .iter()
        .map(|p| m::VpcPeeringConnection {
            vpc_peering_connection_id: p
                .vpc_peering_connection_id()
                .unwrap_or_default()
                .to_string(),
            status: p.status().map(|st| m::PeeringStatus {
                code: st
                    .code()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                message: s(st.message()),
            }),
            requester_vpc_info: p.requester_vpc_info().map(map_peering_info),
            accepter_vpc_info: p.accepter_vpc_info().map(map_peering_info),
        })
        .collect())
}

/// VPC endpoints matching one filter (`vpc-id`, `vpc-endpoint-id` or `service-name`).
pub async fn endpoints(
    ctx: &Ctx,
    name: &str,
    values: &[String],
) -> Result<Vec<m::VpcEndpoint>, CallError> {
    endpoints_where(ctx, Some(filter(name, values))).await
}

/// Every VPC endpoint of the account and region (an audit's discovery).
pub async fn all_endpoints(ctx: &Ctx) -> Result<Vec<m::VpcEndpoint>, CallError> {
    endpoints_where(ctx, None).await
}

async fn endpoints_where(
    ctx: &Ctx,
    only: Option<Filter>,
) -> Result<Vec<m::VpcEndpoint>, CallError> {
    let items: Vec<t::VpcEndpoint> = all_pages!(
        ctx,
        "ec2:DescribeVpcEndpoints",
        ctx.ec2
            .describe_vpc_endpoints()
            .set_filters(only.map(|f| vec![f])),
        vpc_endpoints
    )?;
    Ok(items
        .iter()
        .map(|e| m::VpcEndpoint {
            vpc_endpoint_id: e.vpc_endpoint_id().unwrap_or_default().to_string(),
            vpc_endpoint_type: e.vpc_endpoint_type().map(|x| x.as_str().to_string()),
            vpc_id: e.vpc_id().unwrap_or_default().to_string(),
            service_name: e.service_name().unwrap_or_default().to_string(),
            // The SDK knows this enum as `Available`, AWS sends `available`: the raw
            // string is what we keep (DESIGN: compare as_str()).
            state: e.state().map(|x| x.as_str().to_string()),
            subnet_ids: e.subnet_ids().to_vec(),
            groups: e
                .groups()
                .iter()
                .map(|g| m::GroupIdentifier {
                    group_id: g.group_id().unwrap_or_default().to_string(),
                    group_name: s(g.group_name()),
                })
                .collect(),
            private_dns_enabled: e.private_dns_enabled(),
            dns_entries: e
                .dns_entries()
                .iter()
                .map(|d| m::DnsEntry {
                    dns_name: d.dns_name().unwrap_or_default().to_string(),
                    hosted_zone_id: s(d.hosted_zone_id()),
                })
                .collect(),
            network_interface_ids: e.network_interface_ids().to_vec(),
        })
        .collect())
}

/// The region's VPC Block Public Access options: one record, kept as an array of one.
pub async fn vpc_block_public_access_options(
    ctx: &Ctx,
) -> Result<Vec<m::VpcBlockPublicAccessOptions>, CallError> {
    let out = logged!(
        ctx,
        "ec2:DescribeVpcBlockPublicAccessOptions",
        ctx.ec2.describe_vpc_block_public_access_options().send()
    )?;
    Ok(out
        .vpc_block_public_access_options()
        .map(|o| m::VpcBlockPublicAccessOptions {
            aws_account_id: s(o.aws_account_id()),
            aws_region: s(o.aws_region()),
            state: o.state().map(|v| v.as_str().to_string()),
            internet_gateway_block_mode: o
                .internet_gateway_block_mode()
                .map(|v| v.as_str().to_string()),
            managed_by: o.managed_by().map(|v| v.as_str().to_string()),
            exclusions_allowed: o.exclusions_allowed().map(|v| v.as_str().to_string()),
            reason: s(o.reason()),
        })
        .into_iter()
        .collect())
}

/// The region's VPC Block Public Access exclusions (all of them: a region holds few).
pub async fn vpc_block_public_access_exclusions(
    ctx: &Ctx,
) -> Result<Vec<m::VpcBlockPublicAccessExclusion>, CallError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = logged!(
            ctx,
            "ec2:DescribeVpcBlockPublicAccessExclusions",
            ctx.ec2
                .describe_vpc_block_public_access_exclusions()
                .set_next_token(token.take())
                .send()
        )?;
        out.extend(page.vpc_block_public_access_exclusions().iter().map(|e| {
            m::VpcBlockPublicAccessExclusion {
                exclusion_id: e.exclusion_id().unwrap_or_default().to_string(),
                internet_gateway_exclusion_mode: e
                    .internet_gateway_exclusion_mode()
                    .map(|v| v.as_str().to_string()),
                resource_arn: s(e.resource_arn()),
                state: e.state().map(|v| v.as_str().to_string()),
            }
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break Ok(out),
        }
    }
}
/// The network interfaces of load balancer targets, by instance id and by address: EC2
/// ANDs filters of different names, so one call per kind, at once; each interface once.
pub async fn target_interfaces(
    ctx: &Ctx,
    instances: &[String],
    addresses: &[String],
) -> Result<Vec<m::NetworkInterface>, CallError> {
    let by_instance = async {
        if instances.is_empty() {
            return Ok(Vec::new());
        }
        network_interfaces(ctx, "attachment.instance-id", instances).await
    };
    let by_address = async {
        if addresses.is_empty() {
            return Ok(Vec::new());
        }
        network_interfaces(ctx, "addresses.private-ip-address", addresses).await
    };
    let (by_instance, by_address) = tokio::join!(by_instance, by_address);
    let mut found = by_instance?;
    found.extend(by_address?);
    let mut seen = std::collections::HashSet::new();
    found.retain(|n| seen.insert(n.network_interface_id.clone()));
    Ok(found)
}

/// Network interfaces matching one filter (`attachment.instance-id` for instance
/// targets, `addresses.private-ip-address` for IP targets): a load balancer's targets'
/// security groups. An audit may name more values than one filter takes: one call per
/// [`FILTER_VALUES`].
pub async fn network_interfaces(
    ctx: &Ctx,
    name: &str,
    values: &[String],
) -> Result<Vec<m::NetworkInterface>, CallError> {
    let mut items: Vec<t::NetworkInterface> = Vec::new();
    for chunk in values.chunks(FILTER_VALUES) {
        let page: Vec<t::NetworkInterface> = all_pages!(
            ctx,
            "ec2:DescribeNetworkInterfaces",
            ctx.ec2
                .describe_network_interfaces()
                .filters(filter(name, chunk)),
            network_interfaces
        )?;
        items.extend(page);
    }
    Ok(items
        .iter()
        .map(|n| m::NetworkInterface {
            network_interface_id: n.network_interface_id().unwrap_or_default().to_string(),
            vpc_id: s(n.vpc_id()),
            subnet_id: s(n.subnet_id()),
            private_ip_address: s(n.private_ip_address()),
            private_ip_addresses: n
                .private_ip_addresses()
                .iter()
                .filter_map(|a| a.private_ip_address())
                .map(|a| m::NetworkInterfaceAddress {
                    private_ip_address: a.to_string(),
                })
                .collect(),
            groups: n
                .groups()
                .iter()
                .map(|g| m::GroupIdentifier {
                    group_id: g.group_id().unwrap_or_default().to_string(),
                    group_name: s(g.group_name()),
                })
                .collect(),
            attachment: n.attachment().map(|a| m::NetworkInterfaceAttachment {
                instance_id: s(a.instance_id()),
                device_index: a.device_index().map(i64::from),
            }),
        })
        .collect())
}
