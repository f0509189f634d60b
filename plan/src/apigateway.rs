//! API Gateway (REST) onto `RestApis`, `Resources`, `Deployments`, `Stages`,
//! `UsagePlans`, `UsagePlanKeys`, `ApiKeys`, `DomainNames`, `BasePathMappings` and
//! `DomainNameAccessAssociations`.
//!
//! Records: `aws_api_gateway_rest_api` (endpoint configuration, inline `policy`, and an
//! OpenAPI `body` written as JSON: its paths, methods, integrations,
//! `x-amazon-apigateway-policy` and `x-amazon-apigateway-endpoint-configuration`),
//! `aws_api_gateway_resource`, `aws_api_gateway_deployment` (and the stage its
//! deprecated `stage_name` makes), `aws_api_gateway_stage`, `aws_api_gateway_usage_plan`,
//! `aws_api_gateway_api_key` (never its value), `aws_api_gateway_usage_plan_key`, and
//! the private custom domain's `aws_api_gateway_domain_name`,
//! `aws_api_gateway_domain_name_access_association`, `aws_api_gateway_base_path_mapping`.
//! Patches: `aws_api_gateway_rest_api_policy`, `aws_api_gateway_method`,
//! `aws_api_gateway_integration`.
//!
//! A policy the plan knows only after the apply is rebuilt where the references decide
//! it: a `policy = data.aws_iam_policy_document.X.json` whose statements are known but
//! for values that are ids of planned resources (`values =
//! [aws_vpc_endpoint.x.id]`). A `jsonencode(…)` around an unknown id is unknown as a
//! whole in the plan, and stays unknown here.

use crate::address::{distinct, Ref};
use crate::known::known;
use crate::overlay::Builder;
use crate::readers;
use crate::resolve::{field_i64, field_str, field_strs, Got, View};
use privpath_checks::planned::placeholder;
use privpath_checks::snapshot::*;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

pub const RECORDS: &[&str] = &[
    "aws_api_gateway_rest_api",
    "aws_api_gateway_resource",
    "aws_api_gateway_deployment",
    "aws_api_gateway_stage",
    "aws_api_gateway_usage_plan",
    "aws_api_gateway_api_key",
    "aws_api_gateway_usage_plan_key",
    "aws_api_gateway_domain_name",
    "aws_api_gateway_domain_name_access_association",
    "aws_api_gateway_base_path_mapping",
];

/// In this order: a method before its integration.
pub const PATCHES: &[&str] = &[
    "aws_api_gateway_rest_api_policy",
    "aws_api_gateway_method",
    "aws_api_gateway_integration",
];

pub const IGNORED: &[&str] = &[
    "aws_api_gateway_method_response",
    "aws_api_gateway_integration_response",
    "aws_api_gateway_method_settings",
    "aws_api_gateway_account",
    "aws_api_gateway_gateway_response",
    "aws_api_gateway_model",
    "aws_api_gateway_request_validator",
    "aws_api_gateway_authorizer",
    "aws_api_gateway_documentation_part",
    "aws_api_gateway_vpc_link",
    "aws_acm_certificate_validation",
];

/// An API's resource policy after the apply: the text, rebuilt from a policy document
/// data source, or what stays unknown.
fn policy_text(v: &View, attr: &str) -> Got<String> {
    match v.str(attr) {
        Got::Unknown(whats) => match from_policy_document(v, attr) {
            Some(Ok(doc)) => Got::Known(doc.to_string()),
            Some(Err(more)) => Got::Unknown(more),
            None => Got::Unknown(whats),
        },
        other => other,
    }
}

/// `policy = data.aws_iam_policy_document.X.json`: the document from its statements.
/// `None` when the policy is not such a reference.
fn from_policy_document(v: &View, attr: &str) -> Option<Result<Value, Vec<String>>> {
    let refs: Vec<String> = v
        .plan
        .expression(v.res, attr)?
        .get("references")?
        .as_array()?
        .iter()
        .filter_map(|r| r.as_str().map(str::to_string))
        .collect();
    let refs = distinct(&refs);
    let [Ref::Resource {
        resource,
        key,
        attr: Some(a),
    }] = refs.as_slice()
    else {
        return None;
    };
    if !resource.starts_with("data.aws_iam_policy_document.") || a != "json" {
        return None;
    }
    let mut found = v.plan.instances(&v.res.module, resource);
    if let Some(k) = key {
        found.retain(|r| r.key.as_deref() == Some(k.as_str()));
    }
    let [data] = found.as_slice() else {
        return None;
    };
    Some(policy_document(&View {
        plan: v.plan,
        res: data,
        after: true,
    }))
}

/// A policy document data source as the JSON it renders.
fn policy_document(d: &View) -> Result<Value, Vec<String>> {
    if let Got::Known(text) = d.str("json") {
        return serde_json::from_str(&text).map_err(|_| vec![format!("{}.json", d.address())]);
    }
    let mut unknown = Vec::new();
    for attr in [
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ] {
        if d.plan.expression(d.res, attr).is_some() {
            unknown.push(format!(
                "{}.{attr} (privpath does not merge documents)",
                d.address()
            ));
        }
    }
    let (statements, whats) = d.blocks(
        "statement",
        &[
            "effect",
            "actions",
            "not_actions",
            "resources",
            "not_resources",
            "principals",
            "not_principals",
            "type",
            "identifiers",
            "condition",
            "test",
            "variable",
            "values",
        ],
    );
    unknown.extend(whats);
    if !unknown.is_empty() {
        return Err(unknown);
    }
    let mut out = Vec::new();
    for s in &statements {
        let mut st = Map::new();
        if let Some(sid) = field_str(s, "sid") {
            st.insert("Sid".into(), json!(sid));
        }
        st.insert(
            "Effect".into(),
            json!(field_str(s, "effect").unwrap_or_else(|| "Allow".into())),
        );
        for (field, key) in [
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ] {
            let list = field_strs(s, field);
            if !list.is_empty() {
                st.insert(key.into(), json!(list));
            }
        }
        for (field, key) in [
            ("principals", "Principal"),
            ("not_principals", "NotPrincipal"),
        ] {
            let blocks = s
                .get(field)
                .and_then(Value::as_array)
                .cloned()
                .unwrap_or_default();
            if blocks.is_empty() {
                continue;
            }
            let mut principal = Map::new();
            let mut star = false;
            for p in &blocks {
                let t = field_str(p, "type").unwrap_or_default();
                let ids = field_strs(p, "identifiers");
                if t == "*" {
                    star = true;
                } else {
                    principal.insert(t, json!(ids));
                }
            }
            st.insert(
                key.into(),
                if star {
                    json!("*")
                } else {
                    Value::Object(principal)
                },
            );
        }
        let mut condition: Map<String, Value> = Map::new();
        for c in s
            .get("condition")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(test), Some(variable)) = (field_str(c, "test"), field_str(c, "variable"))
            else {
                continue;
            };
            let entry = condition.entry(test).or_insert_with(|| json!({}));
            entry[variable] = json!(field_strs(c, "values"));
        }
        if !condition.is_empty() {
            st.insert("Condition".into(), Value::Object(condition));
        }
        out.push(Value::Object(st));
    }
    let version = d
        .str("version")
        .known()
        .unwrap_or_else(|| "2012-10-17".into());
    Ok(json!({"Version": version, "Statement": out}))
}

pub fn add_record(b: &mut Builder, v: &View) {
    match v.res.rtype.as_str() {
        "aws_api_gateway_rest_api" => rest_api(b, v),
        "aws_api_gateway_resource" => resource(b, v),
        "aws_api_gateway_deployment" => deployment(b, v),
        "aws_api_gateway_stage" => stage(b, v),
        "aws_api_gateway_usage_plan" => usage_plan(b, v),
        "aws_api_gateway_api_key" => {
            let id = v.id();
            b.upsert(
                &v.place(),
                ApiKey {
                    id,
                    name: v.str("name").known(),
                    enabled: v.bool("enabled").known().unwrap_or(true),
                },
            );
        }
        "aws_api_gateway_usage_plan_key" => usage_plan_key(b, v),
        "aws_api_gateway_domain_name" => domain_name(b, v),
        "aws_api_gateway_domain_name_access_association" => {
            let id = v.id();
            let (Some(domain_arn), Some(source)) = (
                known(b, &id, v.str("domain_name_arn"), readers::DOMAIN),
                known(b, &id, v.str("access_association_source"), readers::DOMAIN),
            ) else {
                return;
            };
            b.upsert(
                &v.place(),
                DomainNameAccessAssociation {
                    domain_name_access_association_arn: v.str("arn").known().unwrap_or_default(),
                    domain_name_arn: domain_arn,
                    access_association_source_type: v
                        .str("access_association_source_type")
                        .known()
                        .unwrap_or_else(|| "VPCE".into()),
                    access_association_source: source,
                },
            );
        }
        "aws_api_gateway_base_path_mapping" => {
            let id = v.id();
            let (Some(domain), Some(api)) = (
                known(b, &id, v.str("domain_name"), readers::DOMAIN),
                known(b, &id, v.str("api_id"), readers::DOMAIN),
            ) else {
                return;
            };
            let base = v.str("base_path").known().unwrap_or_default();
            let domain_name_id = known(b, &id, v.str("domain_name_id"), readers::DOMAIN);
            let stage = known(b, &id, v.str("stage_name"), readers::DOMAIN);
            b.upsert(
                &v.place(),
                BasePathMapping {
                    domain_name: domain,
                    domain_name_id,
                    base_path: if base.is_empty() {
                        "(none)".into()
                    } else {
                        base
                    },
                    rest_api_id: api,
                    stage,
                },
            );
        }
        _ => {}
    }
}

pub fn remove_record(b: &mut Builder, v: &View) {
    let id = v.id();
    match v.res.rtype.as_str() {
        "aws_api_gateway_rest_api" => b.remove::<RestApi>(&id),
        "aws_api_gateway_resource" => b.remove::<ApiResource>(&id),
        "aws_api_gateway_deployment" => b.remove::<Deployment>(&id),
        "aws_api_gateway_stage" => {
            if let (Some(api), Some(name)) =
                (v.str("rest_api_id").known(), v.str("stage_name").known())
            {
                b.remove::<Stage>(&format!("{api}/{name}"));
            }
        }
        "aws_api_gateway_usage_plan" => b.remove::<UsagePlan>(&id),
        "aws_api_gateway_api_key" => b.remove::<ApiKey>(&id),
        "aws_api_gateway_usage_plan_key" => {
            if let (Some(plan), Some(key)) =
                (v.str("usage_plan_id").known(), v.str("key_id").known())
            {
                b.remove::<UsagePlanKey>(&format!("{plan}/{key}"));
            }
        }
        "aws_api_gateway_domain_name" => {
            if let Some(name) = v.str("domain_name").known() {
                let qualified = match v.str("domain_name_id").known() {
                    Some(i) => format!("{name}+{i}"),
                    None => name,
                };
                b.remove::<DomainName>(&qualified);
            }
        }
        "aws_api_gateway_domain_name_access_association" => {
            if let (Some(d), Some(s)) = (
                v.str("domain_name_arn").known(),
                v.str("access_association_source").known(),
            ) {
                b.remove::<DomainNameAccessAssociation>(&format!("{d}/{s}"));
            }
        }
        "aws_api_gateway_base_path_mapping" => {
            if let Some(d) = v.str("domain_name").known() {
                let base = v.str("base_path").known().unwrap_or_default();
                b.remove::<BasePathMapping>(&format!("{d}/{}", base.trim_matches('/')));
            }
        }
        _ => {}
    }
}

fn rest_api(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = v.place();
    let (blocks, whats) = v.blocks("endpoint_configuration", &["types", "vpc_endpoint_ids"]);
    if !whats.is_empty() {
        let written = v.plan.expression(v.res, "endpoint_configuration").is_some();
        // `vpc_endpoint_ids` is computed: unwritten, a new API has none.
        let relevant: Vec<String> = whats
            .into_iter()
            .filter(|w| written || !w.ends_with(".vpc_endpoint_ids"))
            .collect();
        b.unknown(&id, relevant, readers::API_ENDPOINT_CONFIG);
    }
    let mut endpoint_configuration = blocks.first().map(|c| EndpointConfiguration {
        types: field_strs(c, "types"),
        vpc_endpoint_ids: field_strs(c, "vpc_endpoint_ids"),
    });
    let mut policy = match policy_text(v, "policy") {
        Got::Known(p) => Some(Value::String(p)),
        Got::Absent => None,
        Got::Unknown(w) => {
            // Computed when unwritten: a separate policy resource (or the body) sets it.
            if v.plan.expression(v.res, "policy").is_some() {
                b.unknown(&id, w, readers::API_POLICY);
            }
            None
        }
    };
    // The AWS provider's `security_policy` and `endpoint_access_mode` (absent: the
    // API keeps a legacy policy, which has no access mode); an OpenAPI body's
    // extensions when the arguments are not written.
    let mut access = ["security_policy", "endpoint_access_mode"].map(|field| match v.str(field) {
        Got::Known(x) => Some(x),
        Got::Absent => None,
        Got::Unknown(w) => {
            if v.plan.expression(v.res, field).is_some() {
                b.unknown(&id, w, readers::API_ACCESS_MODE);
            }
            None
        }
    });
    let root = match v.get("root_resource_id") {
        Got::Known(Value::String(r)) => r,
        _ => placeholder("", &format!("{}.root_resource_id", v.address())),
    };
    b.address(&root, &format!("{}.root_resource_id", v.address()));
    let mut body_resources = Vec::new();
    match v.str("body") {
        Got::Known(text) => match serde_json::from_str::<Value>(&text) {
            Ok(doc) => {
                if policy.is_none() {
                    policy = doc
                        .get("x-amazon-apigateway-policy")
                        .map(|p| Value::String(p.to_string()));
                }
                for (slot, key) in access.iter_mut().zip([
                    "x-amazon-apigateway-security-policy",
                    "x-amazon-apigateway-endpoint-access-mode",
                ]) {
                    if slot.is_none() {
                        *slot = doc.get(key).and_then(Value::as_str).map(str::to_string);
                    }
                }
                if let Some(ids) = doc
                    .get("x-amazon-apigateway-endpoint-configuration")
                    .and_then(|c| c.get("vpcEndpointIds"))
                {
                    let ids: Vec<String> = ids
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect();
                    if let Some(c) = endpoint_configuration.as_mut() {
                        if c.vpc_endpoint_ids.is_empty() {
                            c.vpc_endpoint_ids = ids;
                        }
                    }
                }
                body_resources = openapi_resources(&id, &root, v.address(), &doc);
            }
            Err(_) => b.unknown(
                &id,
                vec![format!(
                    "{}.body (privpath reads OpenAPI bodies written as JSON)",
                    v.address()
                )],
                readers::METHOD,
            ),
        },
        Got::Absent => {}
        Got::Unknown(w) => {
            let mut checks = readers::METHOD.to_vec();
            checks.extend_from_slice(readers::API_POLICY);
            b.unknown(&id, w, &checks);
        }
    }
    b.upsert(
        &place,
        RestApi {
            id: id.clone(),
            name: v.str("name").known(),
            endpoint_configuration,
            policy,
            security_policy: access[0].take(),
            endpoint_access_mode: access[1].take(),
            ..RestApi::default()
        },
    );
    if body_resources.is_empty() {
        if !b.has::<ApiResource>(&root) && (b.plan_only || v.res.action.creates()) {
            b.upsert(
                &place,
                ApiResource {
                    id: root,
                    path: "/".into(),
                    rest_api_id: Some(id),
                    resource_methods: BTreeMap::new(),
                },
            );
        }
    } else {
        for r in body_resources {
            b.address(&r.id, v.address());
            b.upsert(&place, r);
        }
    }
}

/// The resources, methods and integrations an OpenAPI body defines, with placeholder
/// ids (`(ADDRESS /path)`): API Gateway makes them when it imports the body.
fn openapi_resources(api: &str, root: &str, address: &str, doc: &Value) -> Vec<ApiResource> {
    let mut out: Vec<ApiResource> = vec![ApiResource {
        id: root.to_string(),
        path: "/".into(),
        rest_api_id: Some(api.to_string()),
        resource_methods: BTreeMap::new(),
    }];
    let key_schemes: Vec<String> = doc
        .pointer("/components/securitySchemes")
        .or_else(|| doc.get("securityDefinitions"))
        .and_then(Value::as_object)
        .map(|s| {
            s.iter()
                .filter(|(_, d)| d.get("type").and_then(Value::as_str) == Some("apiKey"))
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let path = format!("/{}", path.trim_matches('/'));
        let mut methods = BTreeMap::new();
        for (verb, op) in item.as_object().into_iter().flatten() {
            let verb = if verb == "x-amazon-apigateway-any-method" {
                "ANY".to_string()
            } else {
                verb.to_ascii_uppercase()
            };
            if !matches!(
                verb.as_str(),
                "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS" | "ANY"
            ) {
                continue;
            }
            let security = op.get("security").and_then(Value::as_array);
            let api_key = security.is_some_and(|s| {
                s.iter()
                    .any(|req| key_schemes.iter().any(|k| req.get(k).is_some()))
            });
            let integration = op
                .get("x-amazon-apigateway-integration")
                .map(|i| Integration {
                    integration_type: field_str(i, "type")
                        .unwrap_or_default()
                        .to_ascii_uppercase(),
                    uri: field_str(i, "uri"),
                    http_method: field_str(i, "httpMethod"),
                    connection_type: field_str(i, "connectionType"),
                    connection_id: field_str(i, "connectionId"),
                    integration_target: field_str(i, "integrationTarget"),
                    timeout_in_millis: field_i64(i, "timeoutInMillis"),
                    response_transfer_mode: field_str(i, "responseTransferMode"),
                });
            methods.insert(
                verb.clone(),
                Method {
                    http_method: verb,
                    authorization_type: Some("NONE".into()),
                    api_key_required: api_key,
                    method_integration: integration,
                },
            );
        }
        if path == "/" {
            out[0].resource_methods = methods;
            continue;
        }
        out.push(ApiResource {
            id: placeholder("", &format!("{address} {path}")),
            path,
            rest_api_id: Some(api.to_string()),
            resource_methods: methods,
        });
    }
    out
}

fn resource(b: &mut Builder, v: &View) {
    let id = v.id();
    let api = known(b, &id, v.str("rest_api_id"), readers::METHOD);
    let path = match v.str("path") {
        Got::Known(p) => p,
        _ => match v.plan.resolve_attr(v.res, "path", 0) {
            Some(Value::String(p)) => p,
            _ => {
                b.unknown(&id, vec![format!("{}.path", v.address())], readers::METHOD);
                String::new()
            }
        },
    };
    let methods = b
        .find_mut::<ApiResource>(&id)
        .map(|r| r.resource_methods.clone())
        .unwrap_or_default();
    b.upsert(
        &v.place(),
        ApiResource {
            id,
            path,
            rest_api_id: api,
            resource_methods: methods,
        },
    );
}

fn deployment(b: &mut Builder, v: &View) {
    let id = v.id();
    let place = v.place();
    let api = known(b, &id, v.str("rest_api_id"), readers::DEPLOYMENT);
    let existing = b.find_mut::<Deployment>(&id).cloned();
    let created = if v.res.action.creates() {
        v.plan.doc.timestamp.clone().map(Value::String)
    } else {
        existing
            .as_ref()
            .and_then(|d| d.created_date.clone())
            .or_else(|| v.get("created_date").known())
    };
    // What a deployment holds is known for one the apply creates (finalize computes
    // it from the methods it depends on); for an existing one only AWS knows it.
    let summary = existing.and_then(|d| d.api_summary);
    if summary.is_none() && !v.res.action.creates() {
        b.unknown(
            &id,
            vec![format!(
                "{}: the methods it deployed (only AWS records them; check over a live read or a snapshot)",
                v.address()
            )],
            readers::DEPLOYMENT,
        );
    }
    if let (Some(stage), Some(api)) = (v.str("stage_name").known(), api.clone()) {
        // The deprecated `stage_name` creates (or moves) a stage onto this deployment.
        b.upsert(
            &place,
            Stage {
                stage_name: stage,
                deployment_id: Some(id.clone()),
                rest_api_id: Some(api),
                created_date: None,
                last_updated_date: None,
                variables: Default::default(),
            },
        );
    }
    b.upsert(
        &place,
        Deployment {
            id,
            rest_api_id: api,
            created_date: created,
            api_summary: summary,
        },
    );
}

fn stage(b: &mut Builder, v: &View) {
    let id = v.id();
    let Some(name) = known(b, &id, v.str("stage_name"), readers::DEPLOYMENT) else {
        return;
    };
    let api = known(b, &name, v.str("rest_api_id"), readers::DEPLOYMENT);
    let deployment = known(b, &name, v.str("deployment_id"), readers::DEPLOYMENT);
    b.address(&name, v.address());
    b.upsert(
        &v.place(),
        Stage {
            stage_name: name,
            deployment_id: deployment,
            rest_api_id: api,
            created_date: None,
            last_updated_date: None,
            variables: stage_variables(v),
        },
    );
}

/// A stage's variables (a private integration may name its VPC link by one).
fn stage_variables(v: &View) -> BTreeMap<String, String> {
    match v.get("variables").known() {
        Some(Value::Object(map)) => map
            .into_iter()
            .filter_map(|(k, val)| val.as_str().map(|s| (k, s.to_string())))
            .collect(),
        _ => Default::default(),
    }
}

fn usage_plan(b: &mut Builder, v: &View) {
    let id = v.id();
    let (blocks, whats) = v.blocks("api_stages", &["api_id", "stage"]);
    if !whats.is_empty() {
        b.unknown(&id, whats, readers::USAGE);
    }
    b.upsert(
        &v.place(),
        UsagePlan {
            id,
            name: v.str("name").known(),
            api_stages: blocks
                .iter()
                .filter_map(|s| {
                    Some(ApiStage {
                        api_id: field_str(s, "api_id")?,
                        stage: field_str(s, "stage")?,
                    })
                })
                .collect(),
        },
    );
}

fn usage_plan_key(b: &mut Builder, v: &View) {
    let id = v.id();
    let (Some(plan), Some(key)) = (
        known(b, &id, v.str("usage_plan_id"), readers::USAGE),
        known(b, &id, v.str("key_id"), readers::USAGE),
    ) else {
        return;
    };
    b.address(&key, v.address());
    let name = b.find_mut::<ApiKey>(&key).and_then(|k| k.name.clone());
    b.upsert(
        &v.place(),
        UsagePlanKey {
            id: key,
            usage_plan_id: plan,
            key_type: v.str("key_type").known().or_else(|| Some("API_KEY".into())),
            name,
        },
    );
}

fn domain_name(b: &mut Builder, v: &View) {
    let Some(name) = known(b, &v.id(), v.str("domain_name"), readers::DOMAIN) else {
        return;
    };
    let (blocks, _) = v.blocks("endpoint_configuration", &["types"]);
    let configuration = blocks.first().map(|c| EndpointConfiguration {
        types: field_strs(c, "types"),
        vpc_endpoint_ids: Vec::new(),
    });
    let private = EndpointConfiguration::is_private(configuration.as_ref());
    let id = if private {
        v.plan
            .resolve_attr(v.res, "domain_name_id", 0)
            .and_then(|x| x.as_str().map(str::to_string))
    } else {
        None
    };
    let arn = v
        .plan
        .resolve_attr(v.res, "arn", 0)
        .and_then(|x| x.as_str().map(str::to_string));
    let policy = match policy_text(v, "policy") {
        Got::Known(p) => Some(Value::String(p)),
        Got::Absent => None,
        Got::Unknown(w) => {
            b.unknown(&name, w, readers::DOMAIN);
            None
        }
    };
    b.address(&name, v.address());
    if let Some(a) = &arn {
        b.address(a, v.address());
    }
    b.upsert(
        &v.place(),
        DomainName {
            domain_name: name,
            domain_name_id: id,
            domain_name_arn: arn,
            endpoint_configuration: configuration,
            domain_name_status: Some("AVAILABLE".into()),
            domain_name_status_message: None,
            certificate_arn: v.str("certificate_arn").known(),
            policy,
            ..DomainName::default()
        },
    );
}

pub fn patch(b: &mut Builder, v: &View, add: bool) {
    let Some(api) = known(b, &v.id(), v.str("rest_api_id"), readers::METHOD) else {
        return;
    };
    match v.res.rtype.as_str() {
        "aws_api_gateway_rest_api_policy" => {
            b.address(&api, v.address());
            let policy = if add {
                match policy_text(v, "policy") {
                    Got::Known(p) => Some(Value::String(p)),
                    Got::Absent => None,
                    Got::Unknown(w) => {
                        b.unknown(&api, w, readers::API_POLICY);
                        None
                    }
                }
            } else {
                None
            };
            if let Some(r) = b.find_mut::<RestApi>(&api) {
                r.policy = policy;
            }
        }
        "aws_api_gateway_method" | "aws_api_gateway_integration" => {
            let Some(resource) = known(b, &api, v.str("resource_id"), readers::METHOD) else {
                return;
            };
            let Some(verb) = known(b, &resource, v.str("http_method"), readers::METHOD) else {
                return;
            };
            let verb = verb.to_ascii_uppercase();
            let integration = if v.res.rtype == "aws_api_gateway_integration" && add {
                let uri = match v.str("uri") {
                    Got::Known(u) => Some(u),
                    Got::Absent => None,
                    Got::Unknown(w) => {
                        b.unknown(&resource, w, readers::METHOD);
                        None
                    }
                };
                Some(Integration {
                    integration_type: v
                        .str("type")
                        .known()
                        .unwrap_or_default()
                        .to_ascii_uppercase(),
                    uri,
                    http_method: v.str("integration_http_method").known(),
                    connection_type: v.str("connection_type").known(),
                    connection_id: v.str("connection_id").known(),
                    integration_target: v.str("integration_target").known(),
                    timeout_in_millis: v.num("timeout_milliseconds").known(),
                    response_transfer_mode: v.str("response_transfer_mode").known(),
                })
            } else {
                None
            };
            let Some(r) = b.find_mut::<ApiResource>(&resource) else {
                return;
            };
            if v.res.rtype == "aws_api_gateway_method" {
                if add {
                    let old = r
                        .resource_methods
                        .get(&verb)
                        .and_then(|m| m.method_integration.clone());
                    r.resource_methods.insert(
                        verb.clone(),
                        Method {
                            http_method: verb,
                            authorization_type: v.str("authorization").known(),
                            api_key_required: v.bool("api_key_required").known().unwrap_or(false),
                            method_integration: old,
                        },
                    );
                } else {
                    r.resource_methods.remove(&verb);
                }
            } else if let Some(m) = r.resource_methods.get_mut(&verb) {
                m.method_integration = integration;
            }
        }
        _ => {}
    }
}
