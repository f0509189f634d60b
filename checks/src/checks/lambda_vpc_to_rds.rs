//! `lambda-vpc-to-rds`: the function reaches its database: security groups both ways
//! on the DB port, routes between their subnets, and the DB available.

use crate::backend::DbChoice;
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::net::Cidr;
use crate::path::ResolvedPath;
use crate::routes::{judge, Via};
use crate::sg;
use crate::snapshot::{DbInstance, SecurityGroup, Source};

pub static META: CheckMeta = CheckMeta {
    id: "lambda-vpc-to-rds",
    title: "The Lambda function reaches the database",
    hop: Hop::Backend,
    severity: Severity::High,
    what: "Finds the database (`--db-instance-id`, else every DB instance in the function's VPC, each reported) and checks that it is `available`, that the function's security groups allow TCP to the DB port towards every subnet of the DB subnet group, that the DB's security groups admit that port from the function's subnets or groups, and, when they are in different VPCs, that the route tables send each side to the other over a peering connection.",
    why: "A VPC-attached function reaches the database only through its own network interfaces: a missing rule on either security group, or a missing route, makes the connection time out, the function time out, and API Gateway answer 504 (or 502 with the function's error).",
    fix: "`aws ec2 authorize-security-group-ingress --group-id DB_SG --protocol tcp --port DB_PORT --source-group LAMBDA_SG` (and the matching egress rule on the function's group); `aws rds start-db-instance` for a stopped DB.",
    links: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html",
        "https://repost.aws/knowledge-center/connect-lambda-to-an-rds-instance",
    ],
    needs: &[api(Source::Functions), api(Source::DBInstances), api(Source::SecurityGroups), api(Source::Subnets), api(Source::RouteTables)],
};

fn groups<'a>(p: &ResolvedPath<'a>, ids: &[&str]) -> (Vec<&'a SecurityGroup>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match p.api_ix.security_groups.get(id) {
            Some(g) => found.push(*g),
            None => missing.push(id.to_string()),
        }
    }
    (found, missing)
}

fn subnet_cidrs(p: &ResolvedPath<'_>, ids: &[&str]) -> (Vec<(String, Cidr)>, Vec<String>) {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for id in ids {
        match p
            .api_ix
            .subnets
            .get(id)
            .and_then(|s| s.cidr_block.as_deref())
            .and_then(Cidr::parse)
        {
            Some(c) => found.push((id.to_string(), c)),
            None => missing.push(id.to_string()),
        }
    }
    (found, missing)
}

/// Problems (text, fix) between the function and one database; `Err` when data is
/// missing.
fn judge_db(
    p: &ResolvedPath<'_>,
    name: &str,
    fn_vpc: &str,
    fn_subnets: &[&str],
    fn_groups: &[&str],
    db: &DbInstance,
) -> Result<(Vec<(String, String)>, String), String> {
    let db_id = db.db_instance_identifier.as_str();
    let mut problems = Vec::new();
    if !db.db_instance_status.eq_ignore_ascii_case("available") {
        let fix = if db.db_instance_status == "stopped" {
            format!("aws rds start-db-instance --db-instance-identifier {db_id}")
        } else {
            format!("aws rds describe-db-instances --db-instance-identifier {db_id} --query 'DBInstances[0].DBInstanceStatus'  # wait for available")
        };
        problems.push((
            format!(
                "DB {db_id} is {}, not available",
                if db.db_instance_status.is_empty() {
                    "in an unknown state"
                } else {
                    &db.db_instance_status
                }
            ),
            fix,
        ));
    }
    let Some(port) = db.port() else {
        return Err(format!("the port of DB {db_id} is not in the snapshot"));
    };
    let db_group_ids: Vec<&str> = db
        .vpc_security_groups
        .iter()
        .map(|g| g.vpc_security_group_id.as_str())
        .collect();
    let db_vpc = db
        .db_subnet_group
        .as_ref()
        .and_then(|g| g.vpc_id.as_deref())
        .unwrap_or(fn_vpc);
    let db_subnet_ids: Vec<&str> = db
        .db_subnet_group
        .iter()
        .flat_map(|g| g.subnets.iter().map(|s| s.subnet_identifier.as_str()))
        .collect();
    let (fn_sgs, fn_missing) = groups(p, fn_groups);
    let (db_sgs, db_missing) = groups(p, &db_group_ids);
    let (fn_cidrs, fn_sub_missing) = subnet_cidrs(p, fn_subnets);
    let (db_cidrs, db_sub_missing) = subnet_cidrs(p, &db_subnet_ids);
    let missing: Vec<String> = [fn_missing, db_missing, fn_sub_missing, db_sub_missing].concat();
    if !missing.is_empty() {
        return Err(format!(
            "{} of the path from {name} to {db_id} are not in the snapshot",
            missing.join(", ")
        ));
    }
    let first_db_sg = db_group_ids.first().copied().unwrap_or("DB_SG");
    let first_fn_sg = fn_groups.first().copied().unwrap_or("LAMBDA_SG");
    for (sid, cidr) in &db_cidrs {
        if !sg::egress_to(&fn_sgs, port, *cidr, &sg::Peer::local(&db_group_ids)).is_admitted() {
            problems.push((
                format!("the function's groups {} allow no tcp/{port} out to DB subnet {sid} ({cidr})", fn_groups.join(", ")),
                format!("aws ec2 authorize-security-group-egress --group-id {first_fn_sg} --ip-permissions 'IpProtocol=tcp,FromPort={port},ToPort={port},UserIdGroupPairs=[{{GroupId={first_db_sg}}}]'"),
            ));
        }
    }
    for (sid, cidr) in &fn_cidrs {
        if !sg::ingress_from_range(&db_sgs, port, *cidr, &sg::Peer::local(fn_groups)).is_admitted()
        {
            problems.push((
                format!("DB {db_id}'s groups {} admit no tcp/{port} from the function's subnet {sid} ({cidr}) or groups {}", db_group_ids.join(", "), fn_groups.join(", ")),
                format!("aws ec2 authorize-security-group-ingress --group-id {first_db_sg} --protocol tcp --port {port} --source-group {first_fn_sg}"),
            ));
        }
    }
    if db_vpc != fn_vpc {
        let peerings = p.api_ix.peerings_between(fn_vpc, db_vpc);
        let ids: Vec<&str> = peerings
            .iter()
            .filter(|x| crate::path::is_active(x))
            .map(|x| x.vpc_peering_connection_id.as_str())
            .collect();
        for (from_subnets, to_cidrs, vpc) in [
            (fn_subnets, &db_cidrs, fn_vpc),
            (&db_subnet_ids[..], &fn_cidrs, db_vpc),
        ] {
            for sid in from_subnets {
                let Some((table, _)) = p.api_ix.effective_route_table(sid, vpc) else {
                    return Err(format!("the route table of {sid} is not in the snapshot"));
                };
                for (_, cidr) in to_cidrs.iter() {
                    if let Err((text, fix)) =
                        judge(table, *cidr, *cidr, "subnet", &Via::Peering(&ids))
                    {
                        problems.push((text, fix));
                    }
                }
            }
        }
    }
    let how = if db_vpc == fn_vpc {
        "same VPC".to_string()
    } else {
        format!("{fn_vpc} → {db_vpc}")
    };
    Ok((
        problems,
        format!("{db_id} ({}, port {port}, {how})", db.db_instance_status),
    ))
}

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (name, function) = match super::common::function_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let b = &p.backend;
    if b.databases.is_empty() {
        return match &b.db_choice {
            DbChoice::Named(db) => vec![Finding::fail(
                id,
                format!("DB instance {db} does not exist (or is not in the snapshot)"),
            )
            .resources([name, db.as_str()])
            .fix("aws rds describe-db-instances --query 'DBInstances[].DBInstanceIdentifier'")],
            DbChoice::InFunctionVpc => vec![Finding::skip(
                id,
                format!(
                    "no DB instance in the VPC of {name} ({}); name one with --db-instance-id",
                    function.vpc_id().unwrap_or("not VPC-attached")
                ),
            )
            .resource(name)],
        };
    }
    let Some(fn_vpc) = function.vpc_id() else {
        let dbs: Vec<&str> = b
            .databases
            .iter()
            .map(|d| d.db_instance_identifier.as_str())
            .collect();
        return vec![Finding::fail(id, format!("function {name} is not attached to a VPC, so it cannot reach {} in its private subnets", dbs.join(", ")))
            .resources([name])
            .fix(format!("aws lambda update-function-configuration --function-name {name} --vpc-config SubnetIds=SUBNET_IDS,SecurityGroupIds=SG_IDS"))];
    };
    let cfg = function.vpc_config.as_ref();
    let fn_subnets: Vec<&str> = cfg
        .map(|c| c.subnet_ids.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let fn_groups: Vec<&str> = cfg
        .map(|c| c.security_group_ids.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut resources: Vec<String> = vec![name.to_string()];
    resources.extend(fn_groups.iter().map(|g| g.to_string()));
    let mut problems = Vec::new();
    let mut fine = Vec::new();
    let mut unknown = Vec::new();
    for db in &b.databases {
        resources.push(db.db_instance_identifier.clone());
        resources.extend(
            db.vpc_security_groups
                .iter()
                .map(|g| g.vpc_security_group_id.clone()),
        );
        match judge_db(p, name, fn_vpc, &fn_subnets, &fn_groups, db) {
            Ok((found, summary)) if found.is_empty() => fine.push(summary),
            Ok((found, _)) => problems.extend(found),
            Err(why) => unknown.push(why),
        }
    }
    if !problems.is_empty() {
        let (texts, fixes): (Vec<String>, Vec<String>) = problems.into_iter().unzip();
        return vec![Finding::fail(
            id,
            format!(
                "{name} cannot reach its database: {}",
                super::common::dedup(texts).join("; ")
            ),
        )
        .resources(resources)
        .fix(super::common::dedup(fixes).join("\n"))];
    }
    if !unknown.is_empty() {
        return vec![Finding::unknown(id, unknown.join("; "))
            .resources(resources)
            .needs(Source::SecurityGroups.iam_action())
            .needs(Source::Subnets.iam_action())];
    }
    vec![Finding::pass(
        id,
        format!(
            "{name} (groups {}) reaches {}: security groups admit the port both ways",
            fn_groups.join(", "),
            fine.join(", ")
        ),
    )
    .resources(resources)]
}
