//! The plan indexed for mapping: one [`Res`] per resource instance (from
//! `resource_changes`, `planned_values` and `prior_state`, merged), its action, its
//! values before and after the apply with secrets already removed, and where its
//! configuration (expressions, references, `depends_on`) and its provider (region,
//! account) are.

use crate::address::{without_keys, Address};
use crate::format::{ConfigModule, ConfigResource, PlanDoc, PlanError};
use crate::sensitive::sanitize;
use privpath_checks::planned::PlannedAction;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// One resource instance of the plan.
#[derive(Clone, Debug)]
pub struct Res {
    pub address: String,
    /// The module instance, with keys (`module.net[0]`); `""` for the root module.
    pub module: String,
    /// `TYPE.NAME` (`data.TYPE.NAME`), module-relative, without the instance key.
    pub resource: String,
    /// `[0]`, `["k"]`, or none.
    pub key: Option<String>,
    pub rtype: String,
    pub data: bool,
    pub action: PlannedAction,
    /// `delete` with `forget` (Terraform 1.7 `removed { destroy = false }`): the object
    /// stays in AWS, unmanaged.
    pub keeps_object: bool,
    /// Values before the apply (null when created); secrets removed.
    pub before: Value,
    /// Known values after the apply (null when destroyed); secrets removed.
    pub after: Value,
    /// `after_unknown`: `true` where a value is known only after the apply.
    pub unknown: Value,
    /// A deposed object (an old one a `create_before_destroy` replacement left).
    pub deposed: bool,
    /// The provider configuration key (`aws`, `aws.peer`).
    pub provider_key: String,
}

impl Res {
    /// The values on the side asked for: after the apply, or before it.
    pub fn side(&self, after: bool) -> &Value {
        if after {
            &self.after
        } else {
            &self.before
        }
    }

    /// Whether the object exists after the apply.
    pub fn exists_after(&self) -> bool {
        !matches!(self.action, PlannedAction::Delete) || self.keeps_object
    }
}

/// A module of the configuration, flattened: its resources, calls and outputs.
#[derive(Clone, Debug, Default)]
pub struct Module {
    pub resources: Vec<ConfigResource>,
    /// Call name → (arguments, explicit `depends_on`).
    pub calls: BTreeMap<String, (Value, Vec<String>)>,
    pub outputs: Map<String, Value>,
}

/// Where a provider configuration points.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProviderPlace {
    pub region: Option<String>,
    pub account: Option<String>,
}

/// The parsed plan, indexed.
pub struct Plan {
    pub doc: PlanDoc,
    pub resources: Vec<Res>,
    /// Config module path without keys (`""`, `module.a`) → the module.
    pub modules: HashMap<String, Module>,
    /// `(module instance, TYPE.NAME)` → indexes of its current (not deposed) instances.
    by_resource: HashMap<(String, String), Vec<usize>>,
    by_address: HashMap<String, usize>,
    pub providers: HashMap<String, ProviderPlace>,
    /// The region of resources whose provider configuration does not say (`--region`,
    /// or the snapshot's).
    pub default_region: Option<String>,
}

fn action_of(actions: &[String]) -> (PlannedAction, bool) {
    let a: Vec<&str> = actions.iter().map(String::as_str).collect();
    match a.as_slice() {
        ["no-op"] => (PlannedAction::NoOp, false),
        ["create"] => (PlannedAction::Create, false),
        ["update"] => (PlannedAction::Update, false),
        ["delete", "create"] => (PlannedAction::DeleteThenCreate, false),
        ["create", "delete"] => (PlannedAction::CreateThenDelete, false),
        ["delete"] => (PlannedAction::Delete, false),
        // The object stays in AWS; Terraform stops managing it.
        ["forget"] => (PlannedAction::NoOp, true),
        // A new object; the old one stays, unmanaged.
        ["create", "forget"] => (PlannedAction::Create, true),
        _ => (PlannedAction::Other, false),
    }
}

fn flatten_modules(path: &str, m: ConfigModule, out: &mut HashMap<String, Module>) {
    let mut calls = BTreeMap::new();
    for (name, call) in m.calls {
        let child = if path.is_empty() {
            format!("module.{name}")
        } else {
            format!("{path}.module.{name}")
        };
        calls.insert(name, (call.expressions, call.depends_on));
        flatten_modules(&child, call.module, out);
    }
    out.insert(
        path.to_string(),
        Module {
            resources: m.resources,
            calls,
            outputs: m.outputs,
        },
    );
}

/// `arn:PARTITION:SERVICE:REGION:ACCOUNT:…` → the account.
pub fn arn_account(arn: &str) -> Option<&str> {
    let account = arn.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

fn constant<'v>(exprs: &'v Value, key: &str) -> Option<&'v Value> {
    exprs.get(key)?.get("constant_value")
}

impl Plan {
    pub fn parse(bytes: &[u8]) -> Result<Plan, PlanError> {
        Ok(Plan::new(PlanDoc::from_slice(bytes)?))
    }

    pub fn new(mut doc: PlanDoc) -> Plan {
        let mut modules = HashMap::new();
        flatten_modules("", std::mem::take(&mut doc.config.root), &mut modules);
        let planned: HashMap<&str, &crate::format::StateResource> = doc
            .planned
            .iter()
            .map(|r| (r.address.as_str(), r))
            .collect();
        let mut resources: Vec<Res> = Vec::new();
        let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
        for c in &doc.changes {
            let (action, keeps_object) = action_of(&c.actions);
            let sensitive_values = planned
                .get(c.address.as_str())
                .map_or(&Value::Null, |p| &p.sensitive_values);
            let mut before = c.before.clone();
            let mut after = c.after.clone();
            sanitize(&c.rtype, &mut before, &[&c.before_sensitive]);
            sanitize(
                &c.rtype,
                &mut after,
                &[&c.after_sensitive, sensitive_values],
            );
            let parsed = Address::parse(&c.address);
            if c.deposed.is_none() {
                seen.insert(c.address.clone());
            }
            resources.push(Res {
                address: c.address.clone(),
                module: if c.module_address.is_empty() {
                    parsed.module.clone()
                } else {
                    c.module_address.clone()
                },
                resource: parsed.resource,
                key: parsed.key,
                rtype: c.rtype.clone(),
                data: c.data,
                action,
                keeps_object,
                before,
                after,
                unknown: c.after_unknown.clone(),
                deposed: c.deposed.is_some(),
                provider_key: String::new(),
            });
        }
        // What the changes do not list: planned values of older or hand-made files, and
        // prior state (data sources read while planning, resources left out by
        // -target) — unchanged by the apply.
        for r in doc.planned.iter().chain(doc.prior.iter()) {
            if !seen.insert(r.address.clone()) {
                continue;
            }
            let mut values = r.values.clone();
            sanitize(&r.rtype, &mut values, &[&r.sensitive_values]);
            let parsed = Address::parse(&r.address);
            resources.push(Res {
                address: r.address.clone(),
                module: parsed.module,
                resource: parsed.resource,
                key: parsed.key,
                rtype: r.rtype.clone(),
                data: r.data,
                action: PlannedAction::NoOp,
                keeps_object: false,
                before: values.clone(),
                after: values,
                unknown: Value::Null,
                deposed: false,
                provider_key: String::new(),
            });
        }
        let mut plan = Plan {
            doc,
            resources,
            modules,
            by_resource: HashMap::new(),
            by_address: HashMap::new(),
            providers: HashMap::new(),
            default_region: None,
        };
        for i in 0..plan.resources.len() {
            let key = plan
                .config_of(&plan.resources[i])
                .and_then(|c| c.provider_config_key.clone())
                .unwrap_or_else(|| "aws".to_string());
            let r = &mut plan.resources[i];
            r.provider_key = key;
            if !r.deposed {
                plan.by_address.insert(r.address.clone(), i);
                plan.by_resource
                    .entry((r.module.clone(), r.resource.clone()))
                    .or_default()
                    .push(i);
            }
        }
        plan.providers = plan.provider_places();
        plan
    }

    /// The configuration block of a resource instance.
    pub fn config_of(&self, r: &Res) -> Option<&ConfigResource> {
        self.modules
            .get(&without_keys(&r.module))?
            .resources
            .iter()
            .find(|c| c.address == r.resource)
    }

    /// The expression of an argument in the resource's configuration.
    pub fn expression<'a>(&'a self, r: &Res, attr: &str) -> Option<&'a Value> {
        self.config_of(r)?.expressions.get(attr)
    }

    pub fn by_address(&self, address: &str) -> Option<&Res> {
        self.by_address.get(address).map(|i| &self.resources[*i])
    }

    /// The resource instance at a Terraform address — as written, or, for an address
    /// without its key, the resource's only instance.
    pub fn at_address(&self, address: &str) -> Option<&Res> {
        if let Some(r) = self.by_address(address) {
            return Some(r);
        }
        let a = Address::parse(address);
        match self.instances(&a.module, &a.resource).as_slice() {
            [only] if a.key.is_none() => Some(*only),
            _ => None,
        }
    }

    /// The only managed resource of a type that exists after the apply.
    pub fn only(&self, rtype: &str) -> Option<&Res> {
        let mut found = self
            .resources
            .iter()
            .filter(|r| r.rtype == rtype && !r.data && !r.deposed && r.exists_after());
        match (found.next(), found.next()) {
            (Some(r), None) => Some(r),
            _ => None,
        }
    }

    /// The current instances of a resource of a module instance.
    pub fn instances(&self, module: &str, resource: &str) -> Vec<&Res> {
        self.by_resource
            .get(&(module.to_string(), resource.to_string()))
            .map(|ix| ix.iter().map(|i| &self.resources[*i]).collect())
            .unwrap_or_default()
    }

    /// The instances of `module.CALL` (with any key) below a module instance.
    pub fn module_instances(&self, parent: &str, call: &str) -> Vec<String> {
        let prefix = if parent.is_empty() {
            format!("module.{call}")
        } else {
            format!("{parent}.module.{call}")
        };
        let mut out: Vec<String> = Vec::new();
        for r in &self.resources {
            if let Some(rest) = r.module.strip_prefix(&prefix) {
                if rest.is_empty() || rest.starts_with('[') || rest.starts_with('.') {
                    let end = if rest.starts_with('[') {
                        privpath_checks::planned::skip_key(rest, 0)
                    } else {
                        0
                    };
                    let m = format!("{prefix}{}", &rest[..end]);
                    if !out.contains(&m) {
                        out.push(m);
                    }
                }
            }
        }
        out
    }

    /// Every provider configuration's region and account, as far as the plan tells:
    /// the region from the block (a constant, or a root variable), the account from
    /// `allowed_account_ids`, an `assume_role` ARN, the `aws_caller_identity` data
    /// source read with it, or an ARN of a resource it manages.
    fn provider_places(&self) -> HashMap<String, ProviderPlace> {
        let mut out: HashMap<String, ProviderPlace> = HashMap::new();
        let mut keys: Vec<String> = self.doc.config.providers.keys().cloned().collect();
        for r in &self.resources {
            if !keys.contains(&r.provider_key) {
                keys.push(r.provider_key.clone());
            }
        }
        for key in keys {
            let exprs = self
                .doc
                .config
                .providers
                .get(&key)
                .and_then(|p| p.get("expressions"))
                .cloned()
                .unwrap_or(Value::Null);
            let region = constant(&exprs, "region")
                .and_then(Value::as_str)
                .map(str::to_string)
                .or_else(|| {
                    let refs = exprs.get("region")?.get("references")?.as_array()?;
                    let var = refs.first()?.as_str()?.strip_prefix("var.")?;
                    self.doc.variables.get(var)?.as_str().map(str::to_string)
                });
            let from_allowed = constant(&exprs, "allowed_account_ids")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
                .and_then(Value::as_str)
                .map(str::to_string);
            let from_role = exprs
                .get("assume_role")
                .and_then(|a| a.get(0).or(Some(a)))
                .and_then(|a| a.get("role_arn"))
                .and_then(|a| a.get("constant_value"))
                .and_then(Value::as_str)
                .and_then(arn_account)
                .map(str::to_string);
            let mine = self.resources.iter().filter(|r| r.provider_key == key);
            let mut from_identity = None;
            let mut from_arn = None;
            for r in mine {
                if r.rtype == "aws_caller_identity" {
                    from_identity = r
                        .after
                        .get("account_id")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                }
                if from_arn.is_none() && !r.data {
                    from_arn = r
                        .after
                        .get("arn")
                        .and_then(Value::as_str)
                        .and_then(arn_account)
                        .map(str::to_string);
                }
            }
            out.insert(
                key,
                ProviderPlace {
                    region,
                    account: from_allowed.or(from_role).or(from_identity).or(from_arn),
                },
            );
        }
        out
    }

    /// The region and account of a resource: its own `region` (provider 6), else its
    /// provider configuration's; `default_region` when the plan does not say.
    pub fn place_of(&self, r: &Res, default_region: Option<&str>) -> ProviderPlace {
        let p = self
            .providers
            .get(&r.provider_key)
            .cloned()
            .unwrap_or_default();
        let own = r
            .after
            .get("region")
            .or_else(|| r.before.get("region"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        ProviderPlace {
            region: own.or(p.region).or(default_region.map(str::to_string)),
            account: p.account,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_map_to_what_the_apply_does() {
        let a = |v: &[&str]| action_of(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(a(&["create", "delete"]).0, PlannedAction::CreateThenDelete);
        assert_eq!(a(&["delete", "create"]).0, PlannedAction::DeleteThenCreate);
        assert_eq!(a(&["forget"]), (PlannedAction::NoOp, true));
        assert_eq!(a(&["frobnicate"]).0, PlannedAction::Other);
        assert_eq!(
            arn_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
    }
}
