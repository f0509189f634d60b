//! The JSON that `terraform show -json PLAN` (and `tofu show -json PLAN`) prints, read
//! tolerantly: every `format_version` from 0.1 (Terraform 0.12) to the current 1.x.
//!
//! The document is walked as a `serde_json::Value` rather than deserialised into
//! strict types, on purpose: HashiCorp's rule is "ignore unknown properties", many
//! fields are `omitempty` in the writer and absent from real files (a `{}` root module,
//! no `prior_state` for an empty state, no `after_unknown` in hand-made files), some
//! come as `false` where a tree is expected, and numbers stand where strings would be
//! expected (`index`). Every field is optional here; a shape this reader does not
//! expect reads as absent, never as an error. Only what makes the file not a plan at
//! all is an error ([`PlanError`]).

use serde_json::{Map, Value};
use thiserror::Error;

/// Why a file is not a plan this privpath reads. The CLI prefixes the file name.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("the file is empty")]
    Empty,
    #[error("truncated JSON: the document ends early (line {line}, column {column})")]
    Truncated { line: usize, column: usize },
    #[error("not JSON: {message} (line {line}, column {column})")]
    NotJson {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("this is the streaming log of `terraform plan -json` (one JSON message per line), not a plan: save the plan with `terraform plan -out=tfplan` and pass the output of `terraform show -json tfplan`")]
    Streaming,
    #[error("not a Terraform plan: the top level is {found}, expected an object")]
    NotAnObject { found: &'static str },
    #[error("this is a privpath snapshot, not a Terraform plan: pass it with --snapshot")]
    Snapshot,
    #[error("this is a Terraform state, not a plan: run `terraform show -json` on a saved plan file (`terraform plan -out=tfplan`)")]
    State,
    #[error("not a Terraform plan: no `format_version` (expected the output of `terraform show -json PLAN`)")]
    NotAPlan,
    #[error("unsupported plan format_version {found}: this privpath reads 0.x and 1.x (Terraform 0.12 and later, OpenTofu)")]
    WrongVersion { found: String },
}

/// A whole plan, as far as privpath reads it.
#[derive(Clone, Debug, Default)]
pub struct PlanDoc {
    pub format_version: String,
    pub terraform_version: Option<String>,
    /// RFC 3339, Terraform 1.5 and later.
    pub timestamp: Option<String>,
    /// The plan was written after an error: it is partial.
    pub errored: bool,
    /// `false`: some resources were not planned (`-target`, deferred changes).
    pub complete: Option<bool>,
    /// Root module variables: name → value, those not declared sensitive only.
    pub variables: Map<String, Value>,
    /// `planned_values`, flattened over modules.
    pub planned: Vec<StateResource>,
    /// `prior_state.values`, flattened over modules.
    pub prior: Vec<StateResource>,
    pub changes: Vec<ResourceChange>,
    /// Addresses of `deferred_changes` (planned in a later round).
    pub deferred: Vec<String>,
    pub config: Configuration,
}

/// A resource in `planned_values` or `prior_state`.
#[derive(Clone, Debug, Default)]
pub struct StateResource {
    pub address: String,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub index: Option<Value>,
    pub provider_name: String,
    pub values: Value,
    pub sensitive_values: Value,
}

/// An entry of `resource_changes`.
#[derive(Clone, Debug, Default)]
pub struct ResourceChange {
    pub address: String,
    /// The module instance, with its keys (`module.a[0]`); empty in the root module.
    pub module_address: String,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub index: Option<Value>,
    pub provider_name: String,
    pub deposed: Option<String>,
    pub actions: Vec<String>,
    pub before: Value,
    pub after: Value,
    pub after_unknown: Value,
    pub before_sensitive: Value,
    pub after_sensitive: Value,
    pub action_reason: Option<String>,
}

/// `configuration`: provider configurations and the module tree with every
/// expression's references.
#[derive(Clone, Debug, Default)]
pub struct Configuration {
    /// Opaque key (`aws`, `aws.peer`, `module.x:aws`) → the provider block.
    pub providers: Map<String, Value>,
    pub root: ConfigModule,
}

#[derive(Clone, Debug, Default)]
pub struct ConfigModule {
    pub resources: Vec<ConfigResource>,
    /// Call name → the call (its arguments and the called module).
    pub calls: Vec<(String, ModuleCall)>,
    /// Output name → its expression.
    pub outputs: Map<String, Value>,
}

#[derive(Clone, Debug, Default)]
pub struct ModuleCall {
    pub expressions: Value,
    pub depends_on: Vec<String>,
    pub module: ConfigModule,
}

#[derive(Clone, Debug, Default)]
pub struct ConfigResource {
    /// Relative to its module, without instance keys: `aws_route.to_peer`.
    pub address: String,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub provider_config_key: Option<String>,
    pub expressions: Value,
    pub depends_on: Vec<String>,
}

fn text(v: &Value, key: &str) -> Option<String> {
    match v.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn field(v: &Value, key: &str) -> Value {
    v.get(key).cloned().unwrap_or(Value::Null)
}

fn is_data(v: &Value) -> bool {
    v.get("mode").and_then(Value::as_str) == Some("data")
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// A line of `terraform plan -json`'s (or `tofu plan -json`'s) streaming log.
fn is_log_message(v: &Value) -> bool {
    v.get("@level").is_some() || v.get("@message").is_some()
}

impl PlanDoc {
    /// Reads a plan. Never panics; every failure says what the file is instead.
    pub fn from_slice(bytes: &[u8]) -> Result<PlanDoc, PlanError> {
        if bytes.iter().all(|b| b.is_ascii_whitespace()) {
            return Err(PlanError::Empty);
        }
        let value: Value = match serde_json::from_slice(bytes) {
            Ok(v) => v,
            Err(e) => {
                // The streaming log is JSON Lines: the first line is one message.
                let first = bytes
                    .split(|b| *b == b'\n')
                    .find(|l| !l.iter().all(|b| b.is_ascii_whitespace()));
                if let Some(Ok(v)) = first.map(serde_json::from_slice::<Value>) {
                    if is_log_message(&v) {
                        return Err(PlanError::Streaming);
                    }
                }
                return Err(if e.is_eof() {
                    PlanError::Truncated {
                        line: e.line(),
                        column: e.column(),
                    }
                } else {
                    PlanError::NotJson {
                        message: strip_position(&e.to_string()),
                        line: e.line(),
                        column: e.column(),
                    }
                });
            }
        };
        let Some(object) = value.as_object() else {
            return Err(PlanError::NotAnObject {
                found: json_kind(&value),
            });
        };
        if is_log_message(&value) {
            return Err(PlanError::Streaming);
        }
        let Some(version) = object.get("format_version") else {
            if object.contains_key("scopes") || object.contains_key("format") {
                return Err(PlanError::Snapshot);
            }
            return Err(PlanError::NotAPlan);
        };
        let version = match version {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let major = version
            .split('.')
            .next()
            .and_then(|m| m.parse::<u64>().ok());
        if !matches!(major, Some(0 | 1)) {
            return Err(PlanError::WrongVersion { found: version });
        }
        let has_plan = [
            "planned_values",
            "resource_changes",
            "prior_state",
            "configuration",
        ]
        .iter()
        .any(|k| object.contains_key(*k));
        if !has_plan {
            // `terraform show -json` of a state: `values`, no planned values.
            if object.contains_key("values") {
                return Err(PlanError::State);
            }
            return Err(PlanError::NotAPlan);
        }
        Ok(PlanDoc::read(&value, version))
    }

    fn read(v: &Value, format_version: String) -> PlanDoc {
        let mut planned = Vec::new();
        if let Some(root) = v.get("planned_values").and_then(|p| p.get("root_module")) {
            flatten(root, &mut planned);
        }
        let mut prior = Vec::new();
        if let Some(root) = v
            .get("prior_state")
            .and_then(|p| p.get("values"))
            .and_then(|p| p.get("root_module"))
        {
            flatten(root, &mut prior);
        }
        let changes = v
            .get("resource_changes")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(read_change).collect())
            .unwrap_or_default();
        let deferred = v
            .get("deferred_changes")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|d| text(d.get("resource_change")?, "address"))
                    .collect()
            })
            .unwrap_or_default();
        let config = v.get("configuration").cloned().unwrap_or(Value::Null);
        // A variable the configuration declares sensitive never leaves the file.
        let sensitive_vars: Vec<String> = config
            .get("root_module")
            .and_then(|m| m.get("variables"))
            .and_then(Value::as_object)
            .map(|vars| {
                vars.iter()
                    .filter(|(_, d)| d.get("sensitive").and_then(Value::as_bool) == Some(true))
                    .map(|(k, _)| k.clone())
                    .collect()
            })
            .unwrap_or_default();
        let variables = v
            .get("variables")
            .and_then(Value::as_object)
            .map(|vars| {
                vars.iter()
                    .filter(|(k, _)| !sensitive_vars.contains(k))
                    .filter_map(|(k, d)| Some((k.clone(), d.get("value")?.clone())))
                    .collect()
            })
            .unwrap_or_default();
        PlanDoc {
            format_version,
            terraform_version: text(v, "terraform_version"),
            timestamp: text(v, "timestamp"),
            errored: v.get("errored").and_then(Value::as_bool) == Some(true),
            complete: v.get("complete").and_then(Value::as_bool),
            variables,
            planned,
            prior,
            changes,
            deferred,
            config: Configuration {
                providers: config
                    .get("provider_config")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
                root: config
                    .get("root_module")
                    .map(read_module)
                    .unwrap_or_default(),
            },
        }
    }
}

fn flatten(module: &Value, out: &mut Vec<StateResource>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(address) = text(r, "address") else {
            continue;
        };
        out.push(StateResource {
            address,
            data: is_data(r),
            rtype: text(r, "type").unwrap_or_default(),
            name: text(r, "name").unwrap_or_default(),
            index: r.get("index").cloned().filter(|i| !i.is_null()),
            provider_name: text(r, "provider_name").unwrap_or_default(),
            values: field(r, "values"),
            sensitive_values: field(r, "sensitive_values"),
        });
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        flatten(child, out);
    }
}

fn read_change(r: &Value) -> Option<ResourceChange> {
    let change = r.get("change").cloned().unwrap_or(Value::Null);
    Some(ResourceChange {
        address: text(r, "address")?,
        module_address: text(r, "module_address").unwrap_or_default(),
        data: is_data(r),
        rtype: text(r, "type").unwrap_or_default(),
        name: text(r, "name").unwrap_or_default(),
        index: r.get("index").cloned().filter(|i| !i.is_null()),
        provider_name: text(r, "provider_name").unwrap_or_default(),
        deposed: text(r, "deposed"),
        actions: strings(&change, "actions"),
        before: field(&change, "before"),
        after: field(&change, "after"),
        after_unknown: field(&change, "after_unknown"),
        before_sensitive: field(&change, "before_sensitive"),
        after_sensitive: field(&change, "after_sensitive"),
        action_reason: text(r, "action_reason"),
    })
}

fn read_module(m: &Value) -> ConfigModule {
    let resources = m
        .get("resources")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|r| {
                    Some(ConfigResource {
                        address: text(r, "address")?,
                        data: is_data(r),
                        rtype: text(r, "type").unwrap_or_default(),
                        name: text(r, "name").unwrap_or_default(),
                        provider_config_key: text(r, "provider_config_key"),
                        expressions: field(r, "expressions"),
                        depends_on: strings(r, "depends_on"),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    let calls = m
        .get("module_calls")
        .and_then(Value::as_object)
        .map(|calls| {
            calls
                .iter()
                .map(|(name, c)| {
                    (
                        name.clone(),
                        ModuleCall {
                            expressions: field(c, "expressions"),
                            depends_on: strings(c, "depends_on"),
                            module: c.get("module").map(read_module).unwrap_or_default(),
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let outputs = m
        .get("outputs")
        .and_then(Value::as_object)
        .map(|o| {
            o.iter()
                .filter_map(|(k, v)| Some((k.clone(), v.get("expression")?.clone())))
                .collect()
        })
        .unwrap_or_default();
    ConfigModule {
        resources,
        calls,
        outputs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> PlanError {
        PlanDoc::from_slice(bytes).expect_err("must be rejected")
    }

    #[test]
    fn says_what_a_file_is_when_it_is_not_a_plan() {
        assert_eq!(err(b" \n"), PlanError::Empty);
        assert!(matches!(
            err(b"{\"format_version\":\"1.2\",\"planned"),
            PlanError::Truncated { .. }
        ));
        assert!(matches!(err(b"hello"), PlanError::NotJson { .. }));
        assert_eq!(err(b"[]"), PlanError::NotAnObject { found: "an array" });
        assert_eq!(err(br#"{"format":2,"scopes":[]}"#), PlanError::Snapshot);
        assert_eq!(
            err(br#"{"format_version":"1.0","values":{}}"#),
            PlanError::State
        );
        assert_eq!(err(br#"{"a":1}"#), PlanError::NotAPlan);
        assert_eq!(
            err(br#"{"format_version":"2.0","planned_values":{}}"#),
            PlanError::WrongVersion {
                found: "2.0".into()
            }
        );
        let log = b"{\"@level\":\"info\",\"@message\":\"Terraform 1.9.0\",\"type\":\"version\"}\n{\"@level\":\"info\",\"@message\":\"Plan: 1 to add\",\"type\":\"change_summary\"}\n";
        assert_eq!(err(log), PlanError::Streaming);
        assert_eq!(
            err(&log[..log.iter().position(|b| *b == b'\n').unwrap()]),
            PlanError::Streaming
        );
    }

    #[test]
    fn reads_a_minimal_plan_and_tolerates_odd_shapes() {
        let doc = PlanDoc::from_slice(
            br#"{"format_version":"0.1","planned_values":{"root_module":{}},
                 "resource_changes":[{"address":"aws_vpc.a","type":"aws_vpc","name":"a","index":0,
                   "change":{"actions":["create"],"before":null,"after":{"cidr_block":"10.0.0.0/16"},"after_unknown":false}}],
                 "configuration":{"root_module":{"module_calls":{"m":{"module":{}}}}},
                 "variables":{"region":{"value":"eu-west-1"}}}"#,
        )
        .unwrap();
        assert_eq!(doc.changes.len(), 1);
        assert_eq!(doc.changes[0].index, Some(serde_json::json!(0)));
        assert_eq!(doc.config.root.calls[0].0, "m");
        assert_eq!(doc.variables["region"], "eu-west-1");
    }
}
