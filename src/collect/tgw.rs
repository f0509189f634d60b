//! EC2's transit gateway reads: TGWs, their VPC attachments, the attachments' records
//! (the one answer that names the route table an attachment is associated with), TGW
//! peering attachments, and a route table's routes. Every call is filtered to the ids
//! on the path and followed to its last page; enum values are kept as AWS spells them.

use super::calls::{all_pages, CallError};
use super::ec2::filter;
use super::Ctx;
use aws_sdk_ec2::types::Filter;
use privpath_checks::snapshot as m;

/// A path's reads name the ids they want; an audit's lists the whole account-region
/// (`None`).
pub type Only<'a> = Option<(&'a str, &'a [String])>;

fn filters(only: Only<'_>) -> Option<Vec<Filter>> {
    only.map(|(name, values)| vec![filter(name, values)])
}

fn s(v: Option<&str>) -> Option<String> {
    v.map(str::to_string)
}

pub async fn transit_gateways(
    ctx: &Ctx,
    only: Only<'_>,
) -> Result<Vec<m::TransitGateway>, CallError> {
    let items: Vec<aws_sdk_ec2::types::TransitGateway> = all_pages!(
        ctx,
        "ec2:DescribeTransitGateways",
        ctx.ec2
            .describe_transit_gateways()
            .set_filters(filters(only)),
        transit_gateways
    )?;
    Ok(items
        .iter()
        .map(|t| m::TransitGateway {
            transit_gateway_id: t.transit_gateway_id().unwrap_or_default().to_string(),
            state: t.state().map(|x| x.as_str().to_string()),
            owner_id: s(t.owner_id()),
            options: t.options().map(|o| m::TransitGatewayOptions {
                association_default_route_table_id: s(o.association_default_route_table_id()),
                propagation_default_route_table_id: s(o.propagation_default_route_table_id()),
                security_group_referencing_support: o
                    .security_group_referencing_support()
                    .map(|x| x.as_str().to_string()),
                auto_accept_shared_attachments: o
                    .auto_accept_shared_attachments()
                    .map(|x| x.as_str().to_string()),
            }),
        })
        .collect())
}

/// The VPC attachments matching a filter (`vpc-id`, `transit-gateway-id`).
pub async fn vpc_attachments(
    ctx: &Ctx,
    only: Only<'_>,
) -> Result<Vec<m::TransitGatewayVpcAttachment>, CallError> {
    let items: Vec<aws_sdk_ec2::types::TransitGatewayVpcAttachment> = all_pages!(
        ctx,
        "ec2:DescribeTransitGatewayVpcAttachments",
        ctx.ec2
            .describe_transit_gateway_vpc_attachments()
            .set_filters(filters(only)),
        transit_gateway_vpc_attachments
    )?;
    Ok(items
        .iter()
        // moto lists peering attachments here too; AWS does not.
        .filter(|a| a.vpc_id().is_some_and(|v| !v.is_empty()))
        .map(|a| m::TransitGatewayVpcAttachment {
            transit_gateway_attachment_id: a
                .transit_gateway_attachment_id()
                .unwrap_or_default()
                .to_string(),
            transit_gateway_id: a.transit_gateway_id().unwrap_or_default().to_string(),
            vpc_id: a.vpc_id().unwrap_or_default().to_string(),
            vpc_owner_id: s(a.vpc_owner_id()),
            state: a.state().map(|x| x.as_str().to_string()),
            subnet_ids: a.subnet_ids().to_vec(),
            options: a.options().map(|o| m::TransitGatewayVpcAttachmentOptions {
                security_group_referencing_support: o
                    .security_group_referencing_support()
                    .map(|x| x.as_str().to_string()),
                appliance_mode_support: o.appliance_mode_support().map(|x| x.as_str().to_string()),
            }),
        })
        .collect())
}

/// The attachment records matching a filter (`resource-id`, `transit-gateway-id`),
/// with their route table association.
pub async fn attachments(
    ctx: &Ctx,
    only: Only<'_>,
) -> Result<Vec<m::TransitGatewayAttachment>, CallError> {
    let items: Vec<aws_sdk_ec2::types::TransitGatewayAttachment> = all_pages!(
        ctx,
        "ec2:DescribeTransitGatewayAttachments",
        ctx.ec2
            .describe_transit_gateway_attachments()
            .set_filters(filters(only)),
        transit_gateway_attachments
    )?;
    Ok(items
        .iter()
        .map(|a| m::TransitGatewayAttachment {
            transit_gateway_attachment_id: a
                .transit_gateway_attachment_id()
                .unwrap_or_default()
                .to_string(),
            transit_gateway_id: s(a.transit_gateway_id()),
            transit_gateway_owner_id: s(a.transit_gateway_owner_id()),
            resource_owner_id: s(a.resource_owner_id()),
            resource_type: a.resource_type().map(|x| x.as_str().to_string()),
            resource_id: s(a.resource_id()),
            state: a.state().map(|x| x.as_str().to_string()),
            association: a
                .association()
                .map(|x| m::TransitGatewayAttachmentAssociation {
                    transit_gateway_route_table_id: s(x.transit_gateway_route_table_id()),
                    transit_gateway_policy_table_id: s(x.transit_gateway_policy_table_id()),
                    state: x.state().map(|v| v.as_str().to_string()),
                }),
        })
        .collect())
}

/// The TGW peering attachments of some TGWs.
pub async fn peering_attachments(
    ctx: &Ctx,
    only: Only<'_>,
) -> Result<Vec<m::TransitGatewayPeeringAttachment>, CallError> {
    let items: Vec<aws_sdk_ec2::types::TransitGatewayPeeringAttachment> = all_pages!(
        ctx,
        "ec2:DescribeTransitGatewayPeeringAttachments",
        ctx.ec2
            .describe_transit_gateway_peering_attachments()
            .set_filters(filters(only)),
        transit_gateway_peering_attachments
    )?;
    let info = |i: &aws_sdk_ec2::types::PeeringTgwInfo| m::PeeringTgwInfo {
        transit_gateway_id: s(i.transit_gateway_id()),
        owner_id: s(i.owner_id()),
        region: s(i.region()),
    };
    Ok(items
        .iter()
        // moto lists VPC attachments here too (with empty TGW infos); AWS does not.
        .filter(|p| {
            p.requester_tgw_info()
                .is_some_and(|i| i.transit_gateway_id().is_some())
        })
        .map(|p| m::TransitGatewayPeeringAttachment {
            transit_gateway_attachment_id: p
                .transit_gateway_attachment_id()
                .unwrap_or_default()
                .to_string(),
            accepter_transit_gateway_attachment_id: s(p.accepter_transit_gateway_attachment_id()),
            requester_tgw_info: p.requester_tgw_info().map(info),
            accepter_tgw_info: p.accepter_tgw_info().map(info),
            state: p.state().map(|x| x.as_str().to_string()),
        })
        .collect())
}

/// Every static and propagated route of a TGW route table (its owner's call), each
/// marked with the table.
pub async fn routes(ctx: &Ctx, table: &str) -> Result<Vec<m::TransitGatewayRoute>, CallError> {
    let kinds = ["static".to_string(), "propagated".to_string()];
    let items: Vec<aws_sdk_ec2::types::TransitGatewayRoute> = all_pages!(
        ctx,
        "ec2:SearchTransitGatewayRoutes",
        ctx.ec2
            .search_transit_gateway_routes()
            .transit_gateway_route_table_id(table)
            .filters(filter("type", &kinds)),
        routes
    )?;
    Ok(items
        .iter()
        .map(|r| m::TransitGatewayRoute {
            transit_gateway_route_table_id: table.to_string(),
            destination_cidr_block: s(r.destination_cidr_block()),
            prefix_list_id: s(r.prefix_list_id()),
            route_type: r.r#type().map(|x| x.as_str().to_string()),
            state: r.state().map(|x| x.as_str().to_string()),
            transit_gateway_attachments: r
                .transit_gateway_attachments()
                .iter()
                .map(|a| m::TransitGatewayRouteAttachment {
                    transit_gateway_attachment_id: s(a.transit_gateway_attachment_id()),
                    resource_id: s(a.resource_id()),
                    resource_type: a.resource_type().map(|x| x.as_str().to_string()),
                })
                .collect(),
        })
        .collect())
}
