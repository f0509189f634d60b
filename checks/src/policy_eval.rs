//! A policy evaluator for the questions privpath asks: does this resource policy let
//! this request through, and does this role's policy grant this action?
//!
//! It implements IAM's evaluation logic for one policy document: an explicit `Deny`
//! wins, then an `Allow`, else the request is implicitly denied. A statement applies when
//! its principal (`Principal`/`NotPrincipal`), action (`Action`/`NotAction`, wildcards,
//! case-insensitive), resource (`Resource`/`NotResource`, wildcards, the API Gateway
//! shorthand `execute-api:/stage/METHOD/path`) and every condition match.
//!
//! Conditions are evaluated for the keys the caller declares in [`Request::keys`], as
//! present (with values) or known to be absent. A condition on any other key, an
//! operator this module does not know, or a policy variable makes the statement's
//! outcome [`Outcome::Unknown`]: privpath says it cannot tell rather than guess.

use crate::net::{parse_ipv4, Cidr};
use crate::policy::{statements, string_list};
use serde_json::Value;

/// Who sends the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// An unsigned request (curl with an API key): matches only `*`.
    Anonymous,
    /// An AWS service principal such as `apigateway.amazonaws.com`.
    Service(String),
    /// Identity policies have no principal; statements are not filtered by it.
    NotApplicable,
    /// A signed caller privpath cannot name: any specific principal is unknown.
    Unknown,
}

/// A condition key's value in the request context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue {
    Present(Vec<String>),
    /// Known not to be in the request (e.g. `aws:SourceIp` through a VPC endpoint).
    Absent,
}

/// Which resource the request is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResourceSpec {
    /// One ARN. `shorthand_base` is the ARN prefix `execute-api:/…` expands to (the
    /// API the resource policy is attached to: `arn:aws:execute-api:R:ACCOUNT:API`).
    Arn {
        arn: String,
        shorthand_base: Option<String>,
    },
    /// "Any resource", for grants in identity policies: `Resource: "*"` matches,
    /// a specific ARN does not (the grant does not cover every resource).
    Any,
}

#[derive(Clone, Debug)]
pub struct Request {
    pub principal: Principal,
    pub action: String,
    pub resource: ResourceSpec,
    /// Condition keys, lower-cased, with their values.
    pub keys: Vec<(String, KeyValue)>,
}

impl Request {
    fn key(&self, name: &str) -> Option<&KeyValue> {
        let name = name.to_ascii_lowercase();
        self.keys.iter().find(|(k, _)| *k == name).map(|(_, v)| v)
    }
}

/// How one statement relates to the request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Match,
    /// Does not apply; the reason names the element that did not match.
    NoMatch(String),
    Unknown(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementResult {
    /// `Sid` when the statement has one, else `statement N` (1-based).
    pub label: String,
    pub effect: Effect,
    pub outcome: Outcome,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// The policy's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed {
        by: String,
    },
    ExplicitDeny {
        by: String,
    },
    /// No statement allows the request.
    ImplicitDeny,
    Unknown {
        reason: String,
    },
}

#[derive(Clone, Debug)]
pub struct Evaluation {
    pub verdict: Verdict,
    pub statements: Vec<StatementResult>,
}

impl Evaluation {
    /// Why each Allow statement did not apply, for an implicit deny's message.
    pub fn allow_misses(&self) -> Vec<String> {
        self.statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
            .filter_map(|s| match &s.outcome {
                Outcome::NoMatch(why) => Some(format!("{}: {why}", s.label)),
                _ => None,
            })
            .collect()
    }
}

/// Evaluates one policy document (already decoded) for a request.
pub fn evaluate(document: &Value, request: &Request) -> Evaluation {
    let results: Vec<StatementResult> = statements(document)
        .into_iter()
        .enumerate()
        .map(|(i, st)| statement_result(i, st, request))
        .collect();
    let first = |effect: Effect, want: fn(&Outcome) -> bool| {
        results
            .iter()
            .find(|r| r.effect == effect && want(&r.outcome))
    };
    let is_match = |o: &Outcome| *o == Outcome::Match;
    let is_unknown = |o: &Outcome| matches!(o, Outcome::Unknown(_));
    let verdict = if let Some(d) = first(Effect::Deny, is_match) {
        Verdict::ExplicitDeny {
            by: d.label.clone(),
        }
    } else if let Some(d) = first(Effect::Deny, is_unknown) {
        Verdict::Unknown {
            reason: format!("{} (Deny) may apply: {}", d.label, unknown_reason(d)),
        }
    } else if let Some(a) = first(Effect::Allow, is_match) {
        Verdict::Allowed {
            by: a.label.clone(),
        }
    } else if let Some(a) = first(Effect::Allow, is_unknown) {
        Verdict::Unknown {
            reason: format!("{} (Allow) may apply: {}", a.label, unknown_reason(a)),
        }
    } else {
        Verdict::ImplicitDeny
    };
    Evaluation {
        verdict,
        statements: results,
    }
}

fn unknown_reason(r: &StatementResult) -> &str {
    match &r.outcome {
        Outcome::Unknown(why) => why,
        _ => "",
    }
}

/// How findings name a statement: `statement "Sid"`, else `statement N` (1-based).
pub fn statement_label(i: usize, st: &Value) -> String {
    st.get("Sid")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map_or_else(
            || format!("statement {}", i + 1),
            |s| format!("statement {s:?}"),
        )
}

fn statement_result(i: usize, st: &Value, request: &Request) -> StatementResult {
    let label = statement_label(i, st);
    let (effect, outcome) = match st.get("Effect").and_then(Value::as_str) {
        Some("Allow") => (Effect::Allow, statement_outcome(st, request)),
        Some("Deny") => (Effect::Deny, statement_outcome(st, request)),
        other => (
            Effect::Allow,
            Outcome::Unknown(format!("Effect is {other:?}, not \"Allow\" or \"Deny\"")),
        ),
    };
    StatementResult {
        label,
        effect,
        outcome,
    }
}

/// All of a statement's elements must match; the first that does not decides.
fn statement_outcome(st: &Value, request: &Request) -> Outcome {
    let parts = [
        principal_outcome(st, &request.principal),
        action_outcome(st, &request.action),
        resource_outcome(st, &request.resource),
        conditions_outcome(st, request),
    ];
    let mut unknown = None;
    for part in parts {
        match part {
            Outcome::NoMatch(why) => return Outcome::NoMatch(why),
            Outcome::Unknown(why) => {
                unknown.get_or_insert(why);
            }
            Outcome::Match => {}
        }
    }
    unknown.map_or(Outcome::Match, Outcome::Unknown)
}

fn principal_outcome(st: &Value, principal: &Principal) -> Outcome {
    if *principal == Principal::NotApplicable {
        return Outcome::Match;
    }
    match (st.get("Principal"), st.get("NotPrincipal")) {
        (Some(p), _) => match principal_matches(p, principal) {
            Some(true) => Outcome::Match,
            Some(false) => {
                Outcome::NoMatch(format!("Principal {} does not name the caller", compact(p)))
            }
            None => Outcome::Unknown(format!(
                "cannot tell whether Principal {} names the caller",
                compact(p)
            )),
        },
        (None, Some(np)) => match principal_matches(np, principal) {
            Some(true) => {
                Outcome::NoMatch(format!("NotPrincipal {} excludes the caller", compact(np)))
            }
            Some(false) => Outcome::Match,
            None => Outcome::Unknown(format!(
                "cannot tell whether NotPrincipal {} excludes the caller",
                compact(np)
            )),
        },
        (None, None) => Outcome::Unknown(
            "the statement has no Principal (required in a resource policy)".into(),
        ),
    }
}

/// `Some(true)` when the principal element names the caller, `None` when privpath
/// cannot know (a specific principal and a signed caller it cannot name).
fn principal_matches(element: &Value, principal: &Principal) -> Option<bool> {
    if element.as_str() == Some("*") {
        return Some(true);
    }
    let Value::Object(map) = element else {
        return Some(false);
    };
    let mut unsure = false;
    for (kind, values) in map {
        for v in string_list(Some(values)) {
            let hit = match (kind.as_str(), principal) {
                ("AWS", _) if v == "*" => Some(true),
                ("Service", Principal::Service(s)) => Some(v.eq_ignore_ascii_case(s)),
                (_, Principal::Unknown) => None,
                _ => Some(false),
            };
            match hit {
                Some(true) => return Some(true),
                None => unsure = true,
                Some(false) => {}
            }
        }
    }
    if unsure {
        None
    } else {
        Some(false)
    }
}

fn action_outcome(st: &Value, action: &str) -> Outcome {
    let matches = |v: &Value| {
        string_list(Some(v))
            .iter()
            .any(|p| glob(&p.to_ascii_lowercase(), &action.to_ascii_lowercase()))
    };
    match (st.get("Action"), st.get("NotAction")) {
        (Some(a), _) if matches(a) => Outcome::Match,
        (Some(a), _) => Outcome::NoMatch(format!("Action {} does not cover {action}", compact(a))),
        (None, Some(na)) if matches(na) => {
            Outcome::NoMatch(format!("NotAction {} excludes {action}", compact(na)))
        }
        (None, Some(_)) => Outcome::Match,
        (None, None) => Outcome::Unknown("the statement has no Action".into()),
    }
}

fn resource_outcome(st: &Value, resource: &ResourceSpec) -> Outcome {
    let matches = |v: &Value| -> bool {
        string_list(Some(v)).iter().any(|p| match resource {
            ResourceSpec::Any => *p == "*",
            ResourceSpec::Arn {
                arn,
                shorthand_base,
            } => {
                let expanded;
                let pattern = match (p.strip_prefix("execute-api:"), shorthand_base) {
                    (Some(rest), Some(base)) => {
                        // `execute-api:/*` covers the resource itself too: a private
                        // custom domain's policy grants it so, and its invoke ARN
                        // (`…:/domainnames/NAME+ID`) has nothing after the base. A REST
                        // API's method ARN always does, so nothing changes for APIs.
                        if rest == "/*" && arn == base {
                            return true;
                        }
                        expanded = format!("{base}{rest}");
                        expanded.as_str()
                    }
                    _ => p,
                };
                glob(pattern, arn)
            }
        })
    };
    let what = match resource {
        ResourceSpec::Any => "every resource".to_string(),
        ResourceSpec::Arn { arn, .. } => arn.clone(),
    };
    match (st.get("Resource"), st.get("NotResource")) {
        (Some(r), _) if matches(r) => Outcome::Match,
        (Some(r), _) => Outcome::NoMatch(format!("Resource {} does not cover {what}", compact(r))),
        (None, Some(nr)) if matches(nr) => {
            Outcome::NoMatch(format!("NotResource {} excludes {what}", compact(nr)))
        }
        // For "any resource", a NotResource grant covers all but the listed ones.
        (None, Some(_)) => Outcome::Match,
        (None, None) => Outcome::Unknown("the statement has no Resource".into()),
    }
}

fn conditions_outcome(st: &Value, request: &Request) -> Outcome {
    let Some(block) = st.get("Condition") else {
        return Outcome::Match;
    };
    let Value::Object(operators) = block else {
        return Outcome::Unknown(format!("Condition is not an object: {}", compact(block)));
    };
    let mut unknown = None;
    for (operator, keys) in operators {
        let Value::Object(keys) = keys else {
            return Outcome::Unknown(format!("{operator} is not an object of keys"));
        };
        for (key, values) in keys {
            match condition(operator, key, values, request) {
                Ok(true) => {}
                Ok(false) => {
                    return Outcome::NoMatch(format!(
                        "condition {operator} {key} {} is false for {}",
                        compact(values),
                        describe_key(request.key(key))
                    ))
                }
                Err(why) => {
                    unknown.get_or_insert(why);
                }
            }
        }
    }
    unknown.map_or(Outcome::Match, Outcome::Unknown)
}

fn describe_key(value: Option<&KeyValue>) -> String {
    match value {
        Some(KeyValue::Present(v)) => format!("the request's {}", v.join(", ")),
        Some(KeyValue::Absent) => "a request without that key".into(),
        None => "an unknown value".into(),
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SetQualifier {
    None,
    AnyValue,
    AllValues,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    IpAddress,
    Bool,
    ArnLike,
}

/// Parses `ForAnyValue:StringNotLikeIfExists` into (qualifier, base, negated, if-exists).
fn parse_operator(op: &str) -> Option<(SetQualifier, Base, bool, bool)> {
    let (qualifier, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
        (SetQualifier::AnyValue, r)
    } else if let Some(r) = op.strip_prefix("ForAllValues:") {
        (SetQualifier::AllValues, r)
    } else {
        (SetQualifier::None, op)
    };
    let (name, if_exists) = match rest.strip_suffix("IfExists") {
        Some(n) => (n, true),
        None => (rest, false),
    };
    let (base, negated) = match name {
        "StringEquals" => (Base::StringEquals, false),
        "StringNotEquals" => (Base::StringEquals, true),
        "StringEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, false),
        "StringNotEqualsIgnoreCase" => (Base::StringEqualsIgnoreCase, true),
        "StringLike" => (Base::StringLike, false),
        "StringNotLike" => (Base::StringLike, true),
        "IpAddress" => (Base::IpAddress, false),
        "NotIpAddress" => (Base::IpAddress, true),
        "Bool" => (Base::Bool, false),
        "ArnEquals" | "ArnLike" => (Base::ArnLike, false),
        "ArnNotEquals" | "ArnNotLike" => (Base::ArnLike, true),
        _ => return None,
    };
    Some((qualifier, base, negated, if_exists))
}

/// One operator over one key: `Ok(bool)` when decided, `Err(why)` when privpath
/// cannot decide.
fn condition(operator: &str, key: &str, values: &Value, request: &Request) -> Result<bool, String> {
    let wanted: Vec<String> = match values {
        Value::String(s) => vec![s.clone()],
        Value::Bool(b) => vec![b.to_string()],
        Value::Number(n) => vec![n.to_string()],
        Value::Array(items) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect(),
        other => {
            return Err(format!(
                "{operator} {key} has a value privpath cannot read: {other}"
            ))
        }
    };
    if wanted.iter().any(|w| w.contains("${")) {
        return Err(format!("{operator} {key} uses a policy variable"));
    }
    let Some(value) = request.key(key) else {
        return Err(format!("condition key {key} is not known for this request"));
    };
    if operator == "Null" {
        let absent = *value == KeyValue::Absent;
        return match wanted.as_slice() {
            [w] if w.eq_ignore_ascii_case("true") => Ok(absent),
            [w] if w.eq_ignore_ascii_case("false") => Ok(!absent),
            _ => Err(format!("Null {key} expects \"true\" or \"false\"")),
        };
    }
    let Some((qualifier, base, negated, if_exists)) = parse_operator(operator) else {
        return Err(format!("condition operator {operator} is not supported"));
    };
    let present = match value {
        KeyValue::Absent => {
            // IAM: a missing key satisfies IfExists, ForAllValues and the negated
            // operators, and nothing else.
            return Ok(if_exists || qualifier == SetQualifier::AllValues || negated);
        }
        KeyValue::Present(v) => v,
    };
    let one = |v: &str| -> Result<bool, String> {
        let mut hit = false;
        for w in &wanted {
            if value_matches(base, w, v)
                .ok_or_else(|| format!("{operator} {key}: {w:?} is not a valid value"))?
            {
                hit = true;
            }
        }
        Ok(hit != negated)
    };
    match qualifier {
        SetQualifier::AllValues => {
            for v in present {
                if !one(v)? {
                    return Ok(false);
                }
            }
            Ok(true)
        }
        SetQualifier::AnyValue | SetQualifier::None => {
            for v in present {
                if one(v)? {
                    return Ok(true);
                }
            }
            Ok(false)
        }
    }
}

/// `None` when the policy's value is malformed for the operator.
fn value_matches(base: Base, wanted: &str, actual: &str) -> Option<bool> {
    Some(match base {
        Base::StringEquals => wanted == actual,
        Base::StringEqualsIgnoreCase => wanted.eq_ignore_ascii_case(actual),
        Base::StringLike | Base::ArnLike => glob(wanted, actual),
        Base::Bool => wanted.eq_ignore_ascii_case(actual),
        Base::IpAddress => {
            let range = Cidr::parse(wanted).or_else(|| parse_ipv4(wanted).map(Cidr::host))?;
            parse_ipv4(actual).is_some_and(|ip| range.contains_ip(ip))
        }
    })
}

/// IAM's wildcard match: `*` any run of characters, `?` any one character.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

fn compact(v: &Value) -> String {
    match v {
        Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// The action grants of a set of identity policies (a role's managed and inline
/// policies), for "does this role allow X?" questions.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Grant {
    /// Allowed, by the named policy.
    Granted(String),
    /// Explicitly denied by the named policy.
    Denied(String),
    /// Only under conditions privpath cannot evaluate (policy, reason).
    Unknown(String, String),
    NotGranted,
}

/// Whether any of `policies` (name, decoded document) grants `action` on every resource,
/// with an explicit deny in any of them winning.
pub fn grants(policies: &[(String, Value)], action: &str) -> Grant {
    let request = Request {
        principal: Principal::NotApplicable,
        action: action.to_string(),
        resource: ResourceSpec::Any,
        keys: Vec::new(),
    };
    let mut allowed = None;
    let mut unknown = None;
    for (name, doc) in policies {
        let eval = evaluate(doc, &request);
        for st in &eval.statements {
            match (&st.outcome, st.effect) {
                (Outcome::Match, Effect::Deny) => return Grant::Denied(name.clone()),
                (Outcome::Match, Effect::Allow) => {
                    allowed.get_or_insert_with(|| name.clone());
                }
                (Outcome::Unknown(why), Effect::Allow) => {
                    unknown.get_or_insert_with(|| (name.clone(), why.clone()));
                }
                // A conditional deny does not take a grant away for certain.
                _ => {}
            }
        }
    }
    match (allowed, unknown) {
        (Some(name), _) => Grant::Granted(name),
        (None, Some((name, why))) => Grant::Unknown(name, why),
        (None, None) => Grant::NotGranted,
    }
}

/// What a role's policies say about every action of a set, in the order a check
/// reports it: an explicit deny of any action, else all granted, else a grant only
/// under a condition privpath cannot evaluate, else missing documents that might grant
/// the rest, else not granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ActionsGrant<'a> {
    Denied {
        action: &'a str,
        by: String,
    },
    /// Every action granted; the granting policies, sorted, each once.
    Granted {
        by: Vec<String>,
    },
    Conditional {
        action: &'a str,
        policy: String,
        why: String,
    },
    /// Not granted by what privpath could read; `unread` are the policies it could not.
    Unread {
        missing: Vec<&'a str>,
        unread: Vec<String>,
    },
    NotGranted {
        missing: Vec<&'a str>,
    },
}

/// [`grants`] for each of `actions`, summed up. `unread` names the role's policies whose
/// documents are not available.
pub fn grants_all<'a>(
    policies: &[(String, Value)],
    unread: Vec<String>,
    actions: &[&'a str],
) -> ActionsGrant<'a> {
    let results: Vec<(&'a str, Grant)> =
        actions.iter().map(|a| (*a, grants(policies, a))).collect();
    if let Some((action, Grant::Denied(by))) =
        results.iter().find(|(_, g)| matches!(g, Grant::Denied(_)))
    {
        return ActionsGrant::Denied {
            action,
            by: by.clone(),
        };
    }
    let missing: Vec<&'a str> = results
        .iter()
        .filter(|(_, g)| !matches!(g, Grant::Granted(_)))
        .map(|(a, _)| *a)
        .collect();
    if missing.is_empty() {
        let mut by: Vec<String> = results
            .into_iter()
            .filter_map(|(_, g)| match g {
                Grant::Granted(name) => Some(name),
                _ => None,
            })
            .collect();
        by.sort_unstable();
        by.dedup();
        return ActionsGrant::Granted { by };
    }
    if let Some((action, Grant::Unknown(policy, why))) = results
        .iter()
        .find(|(_, g)| matches!(g, Grant::Unknown(..)))
    {
        return ActionsGrant::Conditional {
            action,
            policy: policy.clone(),
            why: why.clone(),
        };
    }
    if !unread.is_empty() {
        return ActionsGrant::Unread { missing, unread };
    }
    ActionsGrant::NotGranted { missing }
}
