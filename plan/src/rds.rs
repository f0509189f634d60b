//! RDS onto `DBInstances`: `aws_db_instance`, its subnet group from the plan's
//! `aws_db_subnet_group` (or the state's record of a group of that name). Never the
//! password: the sanitizer drops it before anything reads the values.

use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{Got, View};
use privpath_checks::snapshot::*;

pub const RECORDS: &[&str] = &["aws_db_instance"];
/// Read through the instance that names it.
pub const IGNORED: &[&str] = &[
    "aws_db_subnet_group",
    "aws_db_parameter_group",
    "aws_db_option_group",
];

pub fn add_record(b: &mut Builder, v: &View) {
    let id = v.id();
    let engine = v.str("engine").known();
    let port = match v.num("port") {
        Got::Known(p) => Some(p),
        // Unset: the engine's default (DbInstance::port falls back to it).
        Got::Absent | Got::Unknown(_) => None,
    };
    let groups = match v.strs("vpc_security_group_ids") {
        Got::Known(g) => g,
        Got::Absent => Vec::new(),
        Got::Unknown(w) => {
            b.unknown(&id, w, readers::DATABASE);
            Vec::new()
        }
    };
    let subnet_group = match v.str("db_subnet_group_name") {
        Got::Known(name) => subnet_group(b, v, &name),
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(&id, w, readers::DATABASE);
            None
        }
    };
    let status = if v.res.action.creates() {
        // The provider waits until a new instance is available.
        "available".to_string()
    } else {
        v.str("status")
            .known()
            .unwrap_or_else(|| "available".into())
    };
    b.upsert(
        &v.place(),
        DbInstance {
            db_instance_identifier: id,
            db_instance_status: status,
            engine,
            endpoint: Some(DbEndpoint {
                address: v.str("address").known(),
                port,
            }),
            db_subnet_group: subnet_group,
            vpc_security_groups: groups
                .into_iter()
                .map(|g| VpcSecurityGroupMembership {
                    vpc_security_group_id: g,
                    status: Some("active".into()),
                })
                .collect(),
            ca_certificate_identifier: v.str("ca_cert_identifier").known(),
            certificate_details: None,
        },
    );
}

/// A subnet group by name: the plan's resource (its subnets' VPC from the snapshot
/// being built), else the state's copy on another DB instance.
fn subnet_group(b: &mut Builder, v: &View, name: &str) -> Option<DbSubnetGroup> {
    let plan = v.plan;
    if let Some(r) = plan.resources.iter().find(|r| {
        r.rtype == "aws_db_subnet_group" && r.exists_after() && !r.deposed && plan.id_of(r) == name
    }) {
        let g = View {
            plan,
            res: r,
            after: true,
        };
        let subnets = g.strs("subnet_ids").known().unwrap_or_default();
        let vpc_id = g.str("vpc_id").known().or_else(|| {
            subnets.first().and_then(|s| {
                b.find_mut::<Subnet>(s)
                    .map(|x| x.vpc_id.clone())
                    .filter(|x| !x.is_empty())
            })
        });
        return Some(DbSubnetGroup {
            db_subnet_group_name: name.to_string(),
            vpc_id,
            subnets: subnets
                .into_iter()
                .map(|s| DbSubnet {
                    subnet_identifier: s,
                })
                .collect(),
        });
    }
    b.all::<DbInstance>()
        .into_iter()
        .filter_map(|d| d.db_subnet_group.clone())
        .find(|g| g.db_subnet_group_name == name)
}

pub fn remove_record(b: &mut Builder, v: &View) {
    b.remove::<DbInstance>(&v.id());
}
