//! Transit gateway resources on the path: a VPC attachment (its subnets, its route
//! table association and propagation by default), static routes, route table
//! associations and propagations — the changes that decide whether a TGW carries a
//! path, which `tgw-path` judges. Records live in the scope of the provider that manages
//! them: the attachment in the VPC owner's, the routes and associations in the TGW
//! owner's.
//!
//! The transit gateway itself, its route tables and peering attachments are recognised
//! and listed as not mapped ([`NOT_MAPPED`]): a plan creating a whole hub has ids known
//! only after the apply, and the path through it is not checked before.

use crate::known::{known, strs_or_empty};
use crate::model::ProviderPlace;
use crate::overlay::{tgw_route_key, Builder};
use crate::readers;
use crate::resolve::{Got, View};
use privpath_checks::snapshot::*;

/// Recognised, not mapped.
pub const NOT_MAPPED: &[&str] = &[
    "aws_ec2_transit_gateway",
    "aws_ec2_transit_gateway_route_table",
    "aws_ec2_transit_gateway_peering_attachment",
    "aws_ec2_transit_gateway_peering_attachment_accepter",
    "aws_ec2_transit_gateway_vpc_attachment_accepter",
];

pub const RECORDS: &[&str] = &["aws_ec2_transit_gateway_vpc_attachment"];

pub const PATCHES: &[&str] = &[
    "aws_ec2_transit_gateway_route",
    "aws_ec2_transit_gateway_route_table_association",
    "aws_ec2_transit_gateway_route_table_propagation",
];

// --- the VPC attachment -------------------------------------------------------------

pub fn add_record(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = v.place();
    let tgw = known(b, &id, v.str("transit_gateway_id"), readers::TRANSIT);
    let vpc = known(b, &id, v.str("vpc_id"), readers::TRANSIT);
    let subnets = strs_or_empty(b, &id, v.strs("subnet_ids"), readers::TRANSIT);
    let (Some(tgw), Some(vpc)) = (tgw, vpc) else {
        return;
    };
    let gateway = b.find_mut::<TransitGateway>(&tgw).cloned();
    let options = gateway.as_ref().and_then(|g| g.options.clone());
    let old = b.find_mut::<TransitGatewayAttachment>(&id).cloned();
    // A new attachment to another account's TGW waits for its owner unless the TGW
    // accepts shared attachments by itself.
    let owner = gateway.as_ref().and_then(|g| g.owner_id.clone());
    let state = match b.find_mut::<TransitGatewayVpcAttachment>(&id) {
        Some(a) if !v.res.action.creates() => a.state.clone(),
        _ => {
            let foreign = owner.is_some() && owner != place.account;
            let auto = options
                .as_ref()
                .and_then(|o| o.auto_accept_shared_attachments.as_deref())
                == Some("enable");
            Some(
                if foreign && !auto {
                    "pendingAcceptance"
                } else {
                    "available"
                }
                .to_string(),
            )
        }
    };
    let sg_referencing = v.str("security_group_referencing_support").known();
    b.upsert(
        &place,
        TransitGatewayVpcAttachment {
            transit_gateway_attachment_id: id.clone(),
            transit_gateway_id: tgw.clone(),
            vpc_id: vpc.clone(),
            vpc_owner_id: place.account.clone(),
            state: state.clone(),
            subnet_ids: subnets,
            options: sg_referencing.map(|s| TransitGatewayVpcAttachmentOptions {
                security_group_referencing_support: Some(s),
                ..Default::default()
            }),
        },
    );
    // On creation, the TGW's default tables (unless the attachment opts out, as
    // `transit_gateway_default_route_table_association = false` does); on update, the
    // association it had.
    let default_on = |attr: &str| v.bool(attr).known().unwrap_or(true);
    let association = if v.res.action.creates() {
        options
            .as_ref()
            .and_then(|o| o.association_default_route_table_id.clone())
            .filter(|_| default_on("transit_gateway_default_route_table_association"))
            .map(|table| TransitGatewayAttachmentAssociation {
                transit_gateway_route_table_id: Some(table),
                state: Some("associated".into()),
                ..Default::default()
            })
    } else {
        old.as_ref().and_then(|a| a.association.clone())
    };
    b.upsert(
        &place,
        TransitGatewayAttachment {
            transit_gateway_attachment_id: id.clone(),
            transit_gateway_id: Some(tgw),
            transit_gateway_owner_id: owner.clone(),
            resource_owner_id: place.account.clone(),
            resource_type: Some("vpc".into()),
            resource_id: Some(vpc),
            state,
            association,
        },
    );
    if v.res.action.creates() && default_on("transit_gateway_default_route_table_propagation") {
        if let Some(table) = options.and_then(|o| o.propagation_default_route_table_id) {
            propagate(b, v, &table, &id, true);
        }
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let id = v.id();
    b.remove::<TransitGatewayVpcAttachment>(&id);
    b.remove::<TransitGatewayAttachment>(&id);
    // Its routes go with it: AWS removes the propagated ones and blackholes the static
    // ones that pointed at it.
    let names = |r: &TransitGatewayRoute| {
        r.transit_gateway_attachments
            .iter()
            .any(|a| a.transit_gateway_attachment_id.as_deref() == Some(id.as_str()))
    };
    for s in &mut b.snapshot.scopes {
        if let Some(routes) = &mut s.transit_gateway_routes {
            routes.retain(|r| !(names(r) && r.route_type.as_deref() != Some("static")));
            for r in routes.iter_mut().filter(|r| names(r)) {
                r.state = Some("blackhole".into());
                r.transit_gateway_attachments.clear();
            }
        }
    }
}

// --- routes, associations, propagations ---------------------------------------------

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let id = v.id();
    let Some(table) = known(
        b,
        &id,
        v.str("transit_gateway_route_table_id"),
        readers::TRANSIT,
    ) else {
        return;
    };
    b.address(&table, v.address());
    match v.res.rtype.as_str() {
        "aws_ec2_transit_gateway_route" => static_route(b, v, &table, add),
        "aws_ec2_transit_gateway_route_table_association" => {
            let Some(attachment) = attachment_of(b, v, &table) else {
                return;
            };
            associate(b, v, &table, &attachment, add)
        }
        "aws_ec2_transit_gateway_route_table_propagation" => {
            let Some(attachment) = attachment_of(b, v, &table) else {
                return;
            };
            propagate(b, v, &table, &attachment, add)
        }
        _ => {}
    }
}

fn attachment_of(b: &mut Builder, v: &View, table: &str) -> Option<String> {
    match v.str("transit_gateway_attachment_id") {
        Got::Known(a) => Some(a),
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(table, w, readers::TRANSIT);
            None
        }
    }
}

/// What a route names as its target: the attachment with its resource, when the state
/// has the attachment's record.
fn target(b: &mut Builder, attachment: &str) -> TransitGatewayRouteAttachment {
    let record = b.find_mut::<TransitGatewayAttachment>(attachment).cloned();
    let vpc = b
        .find_mut::<TransitGatewayVpcAttachment>(attachment)
        .map(|a| a.vpc_id.clone());
    TransitGatewayRouteAttachment {
        transit_gateway_attachment_id: Some(attachment.to_string()),
        resource_id: record
            .as_ref()
            .and_then(|r| r.resource_id.clone())
            .or(vpc.clone()),
        resource_type: record
            .and_then(|r| r.resource_type)
            .or(vpc.map(|_| "vpc".to_string())),
    }
}

fn static_route(b: &mut Builder, v: &View, table: &str, add: bool) {
    let Some(cidr) = known(b, table, v.str("destination_cidr_block"), readers::TRANSIT) else {
        return;
    };
    let key = tgw_route_key(table, &cidr, "static");
    b.remove::<TransitGatewayRoute>(&key);
    if !add {
        return;
    }
    let blackhole = v.bool("blackhole").known().unwrap_or(false);
    let attachment = match v.str("transit_gateway_attachment_id") {
        Got::Known(a) if !a.is_empty() => Some(a),
        Got::Unknown(w) => {
            b.unknown(table, w, readers::TRANSIT);
            return;
        }
        _ => None,
    };
    let attachments = match (&attachment, blackhole) {
        (Some(a), false) => vec![target(b, a)],
        _ => Vec::new(),
    };
    let place = table_place(b, v, table);
    b.upsert(
        &place,
        TransitGatewayRoute {
            transit_gateway_route_table_id: table.to_string(),
            destination_cidr_block: Some(cidr),
            prefix_list_id: None,
            route_type: Some("static".into()),
            state: Some(if blackhole { "blackhole" } else { "active" }.into()),
            transit_gateway_attachments: attachments,
        },
    );
}

/// An attachment is associated with one route table: a new association replaces the
/// one it had; a removed one leaves it without.
fn associate(b: &mut Builder, v: &View, table: &str, attachment: &str, add: bool) {
    let association = add.then(|| TransitGatewayAttachmentAssociation {
        transit_gateway_route_table_id: Some(table.to_string()),
        state: Some("associated".into()),
        ..Default::default()
    });
    match b.find_mut::<TransitGatewayAttachment>(attachment) {
        Some(a) => {
            let current = a
                .association
                .as_ref()
                .and_then(|x| x.transit_gateway_route_table_id.as_deref());
            // Removing the association of another table changes nothing.
            if add || current == Some(table) {
                a.association = association;
            }
        }
        None if add => b.upsert(
            &v.place(),
            TransitGatewayAttachment {
                transit_gateway_attachment_id: attachment.to_string(),
                association,
                ..Default::default()
            },
        ),
        None => {}
    }
}

/// A propagation puts the attachment's VPC CIDRs in the table as propagated routes
/// (removing it takes them out).
fn propagate(b: &mut Builder, v: &View, table: &str, attachment: &str, add: bool) {
    let mine = |r: &TransitGatewayRoute| {
        r.transit_gateway_route_table_id == table
            && r.route_type.as_deref() == Some("propagated")
            && r.transit_gateway_attachments
                .iter()
                .any(|a| a.transit_gateway_attachment_id.as_deref() == Some(attachment))
    };
    for s in &mut b.snapshot.scopes {
        if let Some(routes) = &mut s.transit_gateway_routes {
            routes.retain(|r| !mine(r));
        }
    }
    if !add {
        return;
    }
    let vpc = b
        .find_mut::<TransitGatewayVpcAttachment>(attachment)
        .map(|a| a.vpc_id.clone());
    let cidrs: Option<Vec<String>> = vpc.as_ref().and_then(|vpc| {
        b.find_mut::<Vpc>(vpc).map(|x| {
            let mut all: Vec<String> = x.cidr_block.iter().cloned().collect();
            for a in &x.cidr_block_association_set {
                if !all.contains(&a.cidr_block) {
                    all.push(a.cidr_block.clone());
                }
            }
            all
        })
    });
    let Some(cidrs) = cidrs else {
        b.unknown(
            table,
            vec![format!("the CIDRs {attachment} propagates into {table}")],
            readers::TRANSIT,
        );
        return;
    };
    let to = target(b, attachment);
    let place = table_place(b, v, table);
    for cidr in cidrs {
        b.upsert(
            &place,
            TransitGatewayRoute {
                transit_gateway_route_table_id: table.to_string(),
                destination_cidr_block: Some(cidr),
                prefix_list_id: None,
                route_type: Some("propagated".into()),
                state: Some("active".into()),
                transit_gateway_attachments: vec![to.clone()],
            },
        );
    }
}

/// Where a TGW route table's routes live: the scope that already holds some of them
/// (the TGW owner's), else the provider's of the resource changing them.
fn table_place(b: &Builder, v: &View, table: &str) -> ProviderPlace {
    b.snapshot
        .scopes
        .iter()
        .find(|s| {
            s.transit_gateway_routes
                .iter()
                .flatten()
                .any(|r| r.transit_gateway_route_table_id == table)
        })
        .map(|s| ProviderPlace {
            region: Some(s.region.clone()),
            account: s.account.clone(),
        })
        .unwrap_or_else(|| v.place())
}
