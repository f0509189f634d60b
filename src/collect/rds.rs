//! RDS reads: the DB instance named with `--db-instance-id`, else every DB instance of
//! the region (DescribeDBInstances cannot filter by VPC; the checks keep those in the
//! function's VPC).

use super::calls::{all_pages, CallError};
use super::Ctx;
use privpath_checks::snapshot as m;

pub async fn db_instances(ctx: &Ctx, id: Option<&str>) -> Result<Vec<m::DbInstance>, CallError> {
    let mut request = ctx.rds.describe_db_instances();
    if let Some(id) = id {
        request = request.db_instance_identifier(id);
    }
    let result: Result<Vec<aws_sdk_rds::types::DbInstance>, CallError> =
        all_pages!(ctx, "rds:DescribeDBInstances", request, db_instances);
    let items = match result {
        Ok(items) => items,
        // A named DB that does not exist is a finding, not a collection failure.
        Err(CallError::NotFound { .. }) if id.is_some() => Vec::new(),
        Err(e) => return Err(e),
    };
    Ok(items
        .iter()
        .map(|d| m::DbInstance {
            db_instance_identifier: d.db_instance_identifier().unwrap_or_default().to_string(),
            db_instance_status: d.db_instance_status().unwrap_or_default().to_string(),
            engine: d.engine().map(str::to_string),
            endpoint: d.endpoint().map(|e| m::DbEndpoint {
                address: e.address().map(str::to_string),
                port: e.port().map(i64::from),
            }),
            db_subnet_group: d.db_subnet_group().map(|g| m::DbSubnetGroup {
                db_subnet_group_name: g.db_subnet_group_name().unwrap_or_default().to_string(),
                vpc_id: g.vpc_id().map(str::to_string),
                subnets: g
                    .subnets()
                    .iter()
                    .filter_map(|s| s.subnet_identifier())
                    .map(|s| m::DbSubnet {
                        subnet_identifier: s.to_string(),
                    })
                    .collect(),
            }),
            vpc_security_groups: d
                .vpc_security_groups()
                .iter()
                .map(|g| m::VpcSecurityGroupMembership {
                    vpc_security_group_id: g
                        .vpc_security_group_id()
                        .unwrap_or_default()
                        .to_string(),
                    status: g.status().map(str::to_string),
                })
                .collect(),
            ca_certificate_identifier: d.ca_certificate_identifier().map(str::to_string),
            certificate_details: d.certificate_details().map(|c| m::DbCertificateDetails {
                ca_identifier: c.ca_identifier().map(str::to_string),
                valid_till: c
                    .valid_till()
                    .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
                    .map(serde_json::Value::from),
            }),
        })
        .collect())
}
