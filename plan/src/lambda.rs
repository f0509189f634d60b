//! Lambda onto `Functions` and `FunctionPolicies`: `aws_lambda_function` (never its
//! `environment`: it often holds secrets, and the sanitizer drops it before anything
//! reads the values), and `aws_lambda_permission`, each a statement of the function's
//! resource policy, keyed by its `statement_id`.

use crate::known::known;
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{field_strs, Got, View};
use privpath_checks::snapshot::*;
use serde_json::{json, Value};

pub const RECORDS: &[&str] = &["aws_lambda_function"];
pub const PATCHES: &[&str] = &["aws_lambda_permission"];
pub const IGNORED: &[&str] = &[
    "aws_lambda_alias",
    "aws_lambda_layer_version",
    "aws_cloudwatch_log_group",
    "aws_lambda_function_url",
    "aws_lambda_event_source_mapping",
];

/// `NAME`, `arn:…:function:NAME[:QUALIFIER]` or `ACCOUNT:function:NAME` → `NAME`.
fn function_name(raw: &str) -> String {
    match raw.split_once(":function:") {
        Some((_, rest)) => rest.split(':').next().unwrap_or(rest).to_string(),
        None => raw.to_string(),
    }
}

pub fn add_record(b: &mut Builder, v: &View) {
    let name = v.id();
    let arn = v
        .plan
        .resolve_attr(v.res, "arn", 0)
        .and_then(|a| a.as_str().map(str::to_string))
        .unwrap_or_default();
    let role = known(b, &name, v.str("role"), readers::FUNCTION);
    // `vpc_id` is computed (the VPC of the subnets), so only the subnets and groups
    // can be unknown in a way that matters.
    let (blocks, whats) = v.blocks("vpc_config", &["subnet_ids", "security_group_ids"]);
    if !whats.is_empty() {
        b.unknown(&name, whats, readers::FUNCTION);
    }
    let vpc_config = blocks.first().map(|c| {
        let subnets = field_strs(c, "subnet_ids");
        // `vpc_id` is computed: the VPC of its subnets.
        let vpc_id = c
            .get("vpc_id")
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .or_else(|| {
                subnets.first().and_then(|s| {
                    b.find_mut::<Subnet>(s)
                        .map(|x| x.vpc_id.clone())
                        .filter(|x| !x.is_empty())
                })
            });
        FunctionVpcConfig {
            subnet_ids: subnets,
            security_group_ids: field_strs(c, "security_group_ids"),
            vpc_id,
        }
    });
    let runtime = v.str("runtime").known();
    let package_type = v.str("package_type").known().or_else(|| Some("Zip".into()));
    // The provider's default, as Lambda's.
    let timeout = Some(known(b, &name, v.num("timeout"), readers::FUNCTION).unwrap_or(3));
    let place = v.place();
    b.upsert(
        &place,
        Function {
            function_name: name.clone(),
            function_arn: arn,
            role,
            vpc_config: vpc_config.filter(|c| !c.subnet_ids.is_empty() || c.vpc_id.is_some()),
            // The provider waits until a new function is Active.
            state: Some("Active".into()),
            runtime,
            package_type,
            timeout,
        },
    );
    // A new function has no resource policy until permissions add statements.
    if !b.has::<FunctionPolicy>(&name) && (b.plan_only || v.res.action.creates()) {
        b.upsert(
            &place,
            FunctionPolicy {
                function_name: name,
                policy: None,
            },
        );
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let name = v.id();
    b.remove::<Function>(&name);
    b.remove::<FunctionPolicy>(&name);
}

fn statements(policy: &Option<Value>) -> Vec<Value> {
    let doc = policy
        .as_ref()
        .and_then(|p| privpath_checks::policy::decode_document(p).ok())
        .unwrap_or(Value::Null);
    match doc.get("Statement") {
        Some(Value::Array(s)) => s.clone(),
        Some(one @ Value::Object(_)) => vec![one.clone()],
        _ => Vec::new(),
    }
}

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let Some(raw) = known(
        b,
        &v.id(),
        v.str("function_name"),
        readers::LAMBDA_PERMISSION,
    ) else {
        return;
    };
    let name = function_name(&raw);
    b.address(&name, v.address());
    let sid = v
        .str("statement_id")
        .known()
        .unwrap_or_else(|| v.address().to_string());
    let mut statement = None;
    if add {
        let source_arn = match v.str("source_arn") {
            Got::Known(a) => Some(a),
            Got::Absent => None,
            Got::Unknown(w) => {
                b.unknown(&name, w, readers::LAMBDA_PERMISSION);
                return;
            }
        };
        let principal = v.str("principal").known().unwrap_or_default();
        let principal = if principal.ends_with(".amazonaws.com") {
            json!({"Service": principal})
        } else {
            json!({"AWS": principal})
        };
        let resource = b
            .find_mut::<Function>(&name)
            .map(|f| f.function_arn.clone())
            .filter(|a| !a.is_empty())
            .unwrap_or_else(|| "*".into());
        let mut s = json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": principal,
            "Action": v.str("action").known().unwrap_or_else(|| "lambda:InvokeFunction".into()),
            "Resource": resource,
        });
        let mut condition = serde_json::Map::new();
        if let Some(arn) = source_arn {
            condition.insert("ArnLike".into(), json!({"AWS:SourceArn": arn}));
        }
        if let Some(account) = v.str("source_account").known() {
            condition.insert("StringEquals".into(), json!({"AWS:SourceAccount": account}));
        }
        if !condition.is_empty() {
            s["Condition"] = Value::Object(condition);
        }
        statement = Some(s);
    }
    let place = v.place();
    if b.find_mut::<FunctionPolicy>(&name).is_none() {
        if !add {
            return;
        }
        b.upsert(
            &place,
            FunctionPolicy {
                function_name: name.clone(),
                policy: None,
            },
        );
    }
    let Some(record) = b.find_mut::<FunctionPolicy>(&name) else {
        return;
    };
    let mut list = statements(&record.policy);
    list.retain(|s| s.get("Sid").and_then(Value::as_str) != Some(sid.as_str()));
    list.extend(statement);
    // Lambda returns its policy as a JSON string; none when no statement is left.
    record.policy = (!list.is_empty()).then(|| {
        Value::String(
            json!({"Version": "2012-10-17", "Id": "default", "Statement": list}).to_string(),
        )
    });
}
