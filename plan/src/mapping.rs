//! Which module maps which resource type, whether it is a whole record or a patch on
//! another resource's record, and the helpers the mappers share.

use crate::model::Res;
use crate::overlay::Builder;
use crate::resolve::View;
use crate::{apigateway, ec2, iam, lambda, rds, route53, tgw};

/// How a resource type is mapped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A snapshot record of its own, keyed by its id.
    Record,
    /// A change to another resource's record (a route in a table, a rule in a group),
    /// applied after every record; the rank orders patches (a method before its
    /// integration).
    Patch(u8),
    /// Recognised, with nothing of its own to map: read through the resources that
    /// name it (an internet gateway is a route target by id, a DB subnet group is read
    /// with its instance), or irrelevant to the path (a method response).
    Known,
    /// Not mapped: listed in the plan summary (a transit gateway itself, its route
    /// tables and peering attachments, and every type privpath does not know).
    NotMapped,
    /// A data source: read through references only.
    Data,
}

pub fn kind(r: &Res) -> Kind {
    if r.data {
        return Kind::Data;
    }
    let t = r.rtype.as_str();
    let records = [
        ec2::RECORDS,
        iam::RECORDS,
        lambda::RECORDS,
        rds::RECORDS,
        apigateway::RECORDS,
        route53::RECORDS,
        tgw::RECORDS,
    ];
    if records.iter().any(|l| l.contains(&t)) {
        return Kind::Record;
    }
    if let Some(i) = apigateway::PATCHES.iter().position(|p| *p == t) {
        return Kind::Patch(10 + i as u8);
    }
    let patches = [
        ec2::PATCHES,
        iam::PATCHES,
        lambda::PATCHES,
        route53::PATCHES,
        tgw::PATCHES,
    ];
    if patches.iter().any(|l| l.contains(&t)) {
        return Kind::Patch(0);
    }
    let known = [
        ec2::IGNORED,
        iam::IGNORED,
        lambda::IGNORED,
        rds::IGNORED,
        apigateway::IGNORED,
    ];
    if known.iter().any(|l| l.contains(&t)) {
        return Kind::Known;
    }
    Kind::NotMapped
}

pub fn add_record(b: &mut Builder, v: &View) {
    let t = v.res.rtype.as_str();
    if ec2::RECORDS.contains(&t) {
        ec2::add_record(b, v);
    } else if iam::RECORDS.contains(&t) {
        iam::add_record(b, v);
    } else if lambda::RECORDS.contains(&t) {
        lambda::add_record(b, v);
    } else if rds::RECORDS.contains(&t) {
        rds::add_record(b, v);
    } else if apigateway::RECORDS.contains(&t) {
        apigateway::add_record(b, v);
    } else if route53::RECORDS.contains(&t) {
        route53::add_record(b, v);
    } else if tgw::RECORDS.contains(&t) {
        tgw::add_record(b, v);
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let t = v.res.rtype.as_str();
    if ec2::RECORDS.contains(&t) {
        ec2::remove_record(b, v);
    } else if iam::RECORDS.contains(&t) {
        iam::remove_record(b, v);
    } else if lambda::RECORDS.contains(&t) {
        lambda::remove_record(b, v);
    } else if rds::RECORDS.contains(&t) {
        rds::remove_record(b, v);
    } else if apigateway::RECORDS.contains(&t) {
        apigateway::remove_record(b, v);
    } else if route53::RECORDS.contains(&t) {
        route53::remove_record(b, v);
    } else if tgw::RECORDS.contains(&t) {
        tgw::remove_record(b, v);
    }
}

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let t = v.res.rtype.as_str();
    if ec2::PATCHES.contains(&t) {
        ec2::patch(b, v, add);
    } else if iam::PATCHES.contains(&t) {
        iam::patch(b, v, add);
    } else if lambda::PATCHES.contains(&t) {
        lambda::patch(b, v, add);
    } else if apigateway::PATCHES.contains(&t) {
        apigateway::patch(b, v, add);
    } else if route53::PATCHES.contains(&t) {
        route53::patch(b, v, add);
    } else if tgw::PATCHES.contains(&t) {
        tgw::patch(b, v, add);
    }
}
