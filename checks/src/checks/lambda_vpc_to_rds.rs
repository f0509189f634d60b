//! `lambda-vpc-to-rds`: the function reaches its database: security groups both ways
//! on the DB port, network ACLs of both subnets both ways (the DB port and the
//! ephemeral return ports), routes between their subnets, the DB available — and a DB
//! whose server certificate comes from the expired `rds-ca-2019` warns.

use crate::backend::DbChoice;
use crate::check::{api, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::nacl::{Direction, Leg, EPHEMERAL};
use crate::net::Cidr;
use crate::path::ResolvedPath;
use crate::routes::{judge, Via};
use crate::sg;
use crate::snapshot::{DbInstance, SecurityGroup, Source};
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "lambda-vpc-to-rds",
    title: "The Lambda function reaches the database",
    hop: Hop::Backend,
    severity: Severity::High,
    what: "Finds the database (`--db-instance-id`, else every DB instance in the function's VPC, each reported) and checks that it is `available`, that the function's security groups allow TCP to the DB port towards every subnet of the DB subnet group, that the DB's security groups admit that port from the function's subnets or groups, that the network ACLs of every function subnet and every DB subnet let the DB port through and the replies back to ports 1024–65535 (both ways: ACLs are stateless), and, when they are in different VPCs, that the route tables send each side to the other over a peering connection. A DB whose `CACertificateIdentifier` is `rds-ca-2019` (expired in August 2024), or whose certificate's `ValidTill` has passed, warns.",
    why: "A VPC-attached function reaches the database only through its own network interfaces: a missing rule on either security group or network ACL, or a missing route, makes the connection time out, the function time out, and API Gateway answer 504 (or 502 with the function's error). A client that verifies the DB's TLS certificate cannot connect once its CA has expired.",
    fix: "`aws ec2 authorize-security-group-ingress --group-id DB_SG --protocol tcp --port DB_PORT --source-group LAMBDA_SG` (and the matching egress rule on the function's group); `aws ec2 create-network-acl-entry` for a blocked ACL leg; `aws rds start-db-instance` for a stopped DB; `aws rds modify-db-instance --db-instance-identifier DB --ca-certificate-identifier rds-ca-rsa2048-g1 --apply-immediately` once the clients trust the new CA bundle.",
    links: &[
        "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.Scenarios.html",
        "https://repost.aws/knowledge-center/connect-lambda-to-an-rds-instance",
        "https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html#nacl-ephemeral-ports",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL-certificate-rotation.html",
    ],
    needs: &[api(Source::Functions), api(Source::DBInstances), api(Source::SecurityGroups), api(Source::Subnets), api(Source::RouteTables), api(Source::NetworkAcls)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the function waiting on its
/// database. A timeout (or ETIMEDOUT, errno 110) is a drop — a security group, route
/// or network ACL; a refusal (ECONNREFUSED, 111) an address where nothing listens on
/// the port — wrong port, a stopped DB. The port names the hop: `:5432` or `:3306`
/// timing out is this check, not the client's network. Database drivers of Python,
/// Node.js, Java, .NET and Go are known by their own words.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "mysql-cannot-connect",
        evidence: Evidence::Code,
        seen_in: "the function's log: a MySQL or MariaDB driver",
        patterns: &[
            &["can't connect to mysql server"],
            &["cannot connect to mysql server"],
            &["lost connection to mysql server"],
            &["(2003,"],
            &["error 2003"],
            &["communications link failure"],
            &["_handleconnecttimeout"],
        ],
        meaning: "The function reached no MySQL listener: the DB's security group does not admit the function's group on 3306, a route is missing, or the DB is stopped.",
        ..Symptom::BASE
    },
    Symptom {
        id: "postgres-cannot-connect",
        evidence: Evidence::Code,
        seen_in: "the function's log: a PostgreSQL driver (psycopg, node-postgres, pgx, JDBC, Npgsql)",
        patterns: &[
            &["could not connect to server"],
            &["connection to server at", "failed"],
            &["the connection attempt failed"],
            &["connection terminated due to connection timeout"],
            &["timeout expired"],
        ],
        meaning: "The function reached no PostgreSQL listener: \"timed out\" or \"timeout expired\" is a drop (security group, route, network ACL), \"Connection refused\" nothing listening (wrong port, DB stopped).",
        ..Symptom::BASE
    },
    Symptom {
        id: "driver-connect-failed",
        seen_in: "the function's log: a database driver or pool",
        patterns: &[
            &["knextimeouterror"],
            &["timeout acquiring a connection"],
            &["npgsql", "timeout*"],
            &["npgsql", "timed out"],
            &["unable to connect to any of the specified mysql hosts"],
            &["sockettimeoutexception", "sql*"],
            &["sockettimeoutexception", "jdbc"],
            &["sockettimeoutexception", "postgres*"],
            &["sockettimeoutexception", "mysql*"],
            &["psqlexception"],
            &["sequelizeconnectionerror"],
            &["sequelizeconnectionacquiretimeouterror"],
            &["sqlalchemy.exc.operationalerror"],
            &["psycopg2.operationalerror"],
            &["psycopg.operationalerror"],
            &["pymysql.err.operationalerror"],
            &["dial error"],
        ],
        meaning: "The database driver could not open a connection; a pool that \"times out acquiring a connection\" usually never opened one: the function's and the DB's security groups, the routes between their subnets, the DB's state.",
        ..Symptom::BASE
    },
    Symptom {
        id: "database-port-unreachable",
        evidence: Evidence::State,
        seen_in: "the function's log, any client of the database",
        patterns: &[
            &[":5432", "timed out"],
            &[":3306", "timed out"],
            &[":1433", "timed out"],
            &[":1521", "timed out"],
            &[":5432", "timeout"],
            &[":3306", "timeout"],
            &[":5432", "etimedout"],
            &[":3306", "etimedout"],
            &[":5432", "econnrefused"],
            &[":3306", "econnrefused"],
            &[":5432", "connection refused"],
            &[":3306", "connection refused"],
            &["port 5432", "timed out"],
            &["port 3306", "timed out"],
            &["port 5432", "connection refused"],
            &["port 3306", "connection refused"],
        ],
        meaning: "The database port does not answer the function: a timeout is a drop (the DB's security group must admit the function's group on the port, and the function's egress allow it), a refusal a DB that is stopped or listens elsewhere.",
        ..Symptom::BASE
    },
    Symptom {
        id: "connect-etimedout",
        likelihood: Likelihood::Possible,
        seen_in: "the function's log (Node.js)",
        patterns: &[&["connect etimedout"], &["etimedout"]],
        unless: &[":443"],
        meaning: "A Node.js connect timed out; from a function on this path that is most often its database (the security groups both ways on the DB port).",
        ..Symptom::BASE
    },
    Symptom {
        id: "task-timed-out",
        seen_in: "the function's CloudWatch log (REPORT … Status: timeout) or a test invoke",
        patterns: shared::LAMBDA_TASK_TIMED_OUT,
        meaning: "The function ran out of its own timeout, not the client's network: on this path it is almost always waiting on the database — the security groups do not admit the port, its subnets do not route to the DB, or the DB is stopped — or on an AWS API it cannot reach from private subnets. A timeout shorter than the driver's connect timeout hides the driver's own error.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-request-timed-out",
        seen_in: "the API's 504 response body, API Gateway execution log",
        patterns: shared::ENDPOINT_REQUEST_TIMED_OUT,
        meaning: "The integration did not answer within API Gateway's timeout (29 s by default): on this path usually the function waiting on the database. A function that is simply slower than the timeout gives the same text.",
        ..Symptom::BASE
    },
    Symptom {
        id: "invoke-read-timeout",
        evidence: Evidence::Hint,
        seen_in: "an SDK calling Lambda's Invoke",
        patterns: &[&["lambda.", "read timed out"], &["lambda.", "readtimeout"]],
        meaning: "The caller gave up waiting for the function: it ran until its timeout, on this path usually waiting on the database it cannot reach.",
        ..Symptom::BASE
    },
    Symptom {
        id: "rds-proxy-target-unavailable",
        seen_in: "CloudFormation, Terraform, RDS DescribeDBProxyTargets",
        patterns: &[&["target group to become available"], &["rds proxy", "timed out"]],
        meaning: "An RDS Proxy's target group never became available: the proxy's security group is not admitted by the database's on the DB port.",
        ..Symptom::BASE
    },
    Symptom {
        id: "function-network-config",
        evidence: Evidence::Code,
        seen_in: "Lambda CreateFunction / UpdateFunctionConfiguration",
        patterns: &[
            &["ec2 error code: invalidgroup.notfound"],
            &["error occurred while describesecuritygroups"],
            &["security groups are required to be in the same vpc"],
            &["ec2 error code: invalidsubnetid.notfound"],
            &["error occurred while describesubnets"],
        ],
        meaning: "The function's VPC configuration names security groups or subnets that do not exist in its region, or are of different VPCs: it cannot be placed where its database is.",
        ..Symptom::BASE
    },
    Symptom {
        id: "database-not-available",
        evidence: Evidence::Code,
        seen_in: "RDS, any client of the database",
        patterns: &[&["invaliddbinstancestate"], &["dbinstancenotfound"]],
        meaning: "The database is not available (stopped, being modified) or not where the function looks for it.",
        ..Symptom::BASE
    },
    Symptom {
        id: "subnet-out-of-addresses",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "Lambda CreateFunction / UpdateFunctionConfiguration / Invoke",
        patterns: shared::SUBNET_OUT_OF_ADDRESSES,
        meaning: "The function's subnets have no free address: it cannot reach its database from them.",
        ..Symptom::BASE
    },
    Symptom {
        id: "internal-server-error",
        likelihood: Likelihood::Remote,
        seen_in: "the API's 500/502 response body",
        patterns: shared::INTERNAL_SERVER_ERROR,
        meaning: "The integration failed; a function that cannot reach its database often fails this way.",
        ..Symptom::BASE
    },
    Symptom {
        id: "rds-certificate-expired",
        evidence: Evidence::Code,
        seen_in: "the function's log: a driver that verifies the DB's TLS certificate",
        patterns: &[
            &["rds-ca-2019"],
            &["certificate has expired", "rds*"],
            &["certificate verify failed", "rds*"],
            &["certificate_verify_failed", "rds*"],
            &["pkix path validation failed", "rds*"],
        ],
        meaning: "The DB's server certificate is signed by an expired CA (rds-ca-2019 expired in August 2024): a client that verifies TLS refuses it. Rotate the DB to rds-ca-rsa2048-g1 once the clients trust the new bundle.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-the-database",
        evidence: Evidence::Hint,
        seen_in: "any text about the database",
        patterns: &[
            &["rds.amazonaws.com"],
            &["mysql*"],
            &["postgres*"],
            &[":3306"],
            &[":5432"],
            &["database"],
        ],
        meaning: "The text is about the database; this check reads the function's and the DB's security groups, subnets and routes, and the DB's state.",
        ..Symptom::BASE
    },
];

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
    nacl_problems(p, port, &fn_cidrs, &db_cidrs, &mut problems)?;
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

/// The network ACLs between each function subnet and each DB subnet, both ways: the DB
/// port out of the function's subnet and into the DB's, the replies from the DB's
/// subnet to the function's ephemeral ports (1024–65535, the ports Lambda's
/// connections come from) and back in. Traffic within one subnet crosses no ACL.
/// <https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html#nacl-ephemeral-ports>
fn nacl_problems(
    p: &ResolvedPath<'_>,
    port: u16,
    fn_cidrs: &[(String, Cidr)],
    db_cidrs: &[(String, Cidr)],
    problems: &mut Vec<(String, String)>,
) -> Result<(), String> {
    let acl_of = |sid: &str| {
        p.api_ix
            .network_acls_by_subnet
            .get(sid)
            .copied()
            .ok_or_else(|| format!("no network ACL of the snapshot is associated with {sid}"))
    };
    let mut legs = Vec::new();
    for (fs, f_cidr) in fn_cidrs {
        for (ds, d_cidr) in db_cidrs {
            if fs == ds {
                continue;
            }
            let (f_acl, d_acl) = (acl_of(fs)?, acl_of(ds)?);
            legs.push(Leg {
                acl: f_acl,
                direction: Direction::Outbound,
                remote: *d_cidr,
                ports: (port, port),
                what: format!(
                    "tcp/{port} from the function's subnet {fs} to DB subnet {ds} ({d_cidr})"
                ),
            });
            legs.push(Leg {
                acl: d_acl,
                direction: Direction::Inbound,
                remote: *f_cidr,
                ports: (port, port),
                what: format!(
                    "tcp/{port} into DB subnet {ds} from the function's subnet {fs} ({f_cidr})"
                ),
            });
            legs.push(Leg {
                acl: d_acl,
                direction: Direction::Outbound,
                remote: *f_cidr,
                ports: EPHEMERAL,
                what: format!("the DB's replies from {ds} to the function's ephemeral ports in {fs} ({f_cidr})"),
            });
            legs.push(Leg {
                acl: f_acl,
                direction: Direction::Inbound,
                remote: *d_cidr,
                ports: EPHEMERAL,
                what: format!(
                    "the DB's replies from {ds} ({d_cidr}) into the function's subnet {fs}"
                ),
            });
        }
    }
    let mut taken = Vec::new();
    problems.extend(legs.iter().filter_map(|leg| leg.blocked(&mut taken)));
    Ok(())
}

/// The CA certificate that expired (August 2024): a client verifying the DB's TLS
/// certificate refuses it.
/// <https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL-certificate-rotation.html>
const EXPIRED_CA: &str = "rds-ca-2019";
/// The CA AWS names first among the new ones.
const NEW_CA: &str = "rds-ca-rsa2048-g1";

/// Why the DB's server certificate warns, with the fix: its CA is `rds-ca-2019`, or its
/// `ValidTill` is before the day the data describes.
fn certificate_warning(db: &DbInstance, as_of: Option<&str>) -> Option<(String, String)> {
    let id = db.db_instance_identifier.as_str();
    let ca = db
        .ca_certificate_identifier
        .as_deref()
        .or_else(|| db.certificate_details.as_ref()?.ca_identifier.as_deref());
    let till = db
        .certificate_details
        .as_ref()
        .and_then(|c| c.valid_till.as_ref())
        .and_then(crate::snapshot::day_of);
    let expired_on = till.filter(|t| as_of.is_some_and(|d| t.as_str() < d));
    let why = match (ca, expired_on) {
        (Some(ca), _) if ca.eq_ignore_ascii_case(EXPIRED_CA) => format!(
            "DB {id}'s certificate is signed by {EXPIRED_CA}, which expired in August 2024: a client that verifies TLS cannot connect"
        ),
        (ca, Some(day)) => format!(
            "DB {id}'s server certificate ({}) expired on {day}: a client that verifies TLS cannot connect",
            ca.unwrap_or("CA unknown")
        ),
        _ => return None,
    };
    Some((
        why,
        format!("aws rds modify-db-instance --db-instance-identifier {id} --ca-certificate-identifier {NEW_CA} --apply-immediately  # once the function trusts the new CA bundle"),
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
            .needs(Source::Subnets.iam_action())
            .needs(Source::NetworkAcls.iam_action())];
    }
    let warnings: Vec<(String, String)> = b
        .databases
        .iter()
        .filter_map(|db| certificate_warning(db, p.as_of.as_deref()))
        .collect();
    if !warnings.is_empty() {
        let (texts, fixes): (Vec<String>, Vec<String>) = warnings.into_iter().unzip();
        return vec![Finding::warn(
            id,
            format!(
                "{name} reaches {}, but {}",
                fine.join(", "),
                texts.join("; ")
            ),
        )
        .resources(resources)
        .fix(fixes.join("\n"))];
    }
    vec![Finding::pass(
        id,
        format!(
            "{name} (groups {}) reaches {}: security groups and network ACLs admit the port both ways",
            fn_groups.join(", "),
            fine.join(", ")
        ),
    )
    .resources(resources)]
}
