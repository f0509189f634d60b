//! Terraform addresses and references, as strings. Addresses are kept whole and
//! compared as strings (the plan never needs them rebuilt); they are only split to find
//! the module they live in. References (`configuration…expressions.X.references`) are
//! split into what they name: a resource (with its key and attribute), a module
//! output, a variable, or something privpath does not follow (`local.*`, `each.*`,
//! `count.index`, `path.*`, …).
//!
//! Grammar: `(module.NAME([KEY])?.)*(data.)?TYPE.NAME([KEY])?`, KEY a number or a quoted
//! string with Go escapes (which may hold dots and brackets).

use privpath_checks::planned::{module_of, skip_key};

/// A module instance path without its instance keys: `module.a[0].module.b["x"]` →
/// `module.a.module.b`. That is how `configuration` names modules.
pub fn without_keys(module: &str) -> String {
    let mut out = String::with_capacity(module.len());
    let mut i = 0;
    while i < module.len() {
        let c = module.as_bytes()[i];
        if c == b'[' {
            i = skip_key(module, i);
            continue;
        }
        out.push(c as char);
        i += 1;
    }
    out
}

/// An address split into its module instance, and the resource within it
/// (`aws_x.y`, `data.aws_x.y`), and that resource's instance key (`[0]`, `["k"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub module: String,
    /// `TYPE.NAME` or `data.TYPE.NAME`, module-relative, without the key.
    pub resource: String,
    pub key: Option<String>,
}

impl Address {
    pub fn parse(address: &str) -> Address {
        let module = module_of(address).to_string();
        let rest = address[module.len()..].trim_start_matches('.');
        let (resource, key) = match rest.find('[') {
            Some(i) => (rest[..i].to_string(), Some(rest[i..].to_string())),
            None => (rest.to_string(), None),
        };
        Address {
            module,
            resource,
            key,
        }
    }
}

/// What one reference names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ref {
    /// A managed or data resource of the referencing module: `aws_x.y`, with an
    /// instance key when the reference has a constant one, and the attribute read.
    Resource {
        resource: String,
        key: Option<String>,
        attr: Option<String>,
    },
    /// An output of a called module: `module.m.out` (`module.m["k"].out`).
    Output {
        call: String,
        key: Option<String>,
        output: String,
    },
    /// `var.NAME`.
    Var(String),
    /// `count.index`, `each.key`, `each.value`: the referencing instance's own key.
    InstanceKey,
    /// `local.*`, `path.*`, `terraform.*`, `self`: not followed (locals are not in the
    /// plan JSON).
    Other,
}

/// Splits `s` at the dots that are not inside a `[KEY]`.
fn steps(s: &str) -> Vec<&str> {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'[' => i = skip_key(s, i),
            b'.' => {
                out.push(&s[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    out.push(&s[start..]);
    out
}

/// `name[KEY]` → (`name`, Some(`[KEY]`)).
fn split_key(step: &str) -> (&str, Option<String>) {
    match step.find('[') {
        Some(i) => (&step[..i], Some(step[i..].to_string())),
        None => (step, None),
    }
}

impl Ref {
    pub fn parse(reference: &str) -> Ref {
        let parts = steps(reference);
        match parts.as_slice() {
            ["var", name, ..] => Ref::Var(split_key(name).0.to_string()),
            ["count", "index"] | ["each", "key"] | ["each", "value", ..] => Ref::InstanceKey,
            ["local" | "path" | "terraform" | "self" | "count" | "each", ..] => Ref::Other,
            ["module", call, output, ..] => {
                let (call, key) = split_key(call);
                Ref::Output {
                    call: call.to_string(),
                    key,
                    output: split_key(output).0.to_string(),
                }
            }
            ["module", ..] => Ref::Other,
            ["data", rtype, name, rest @ ..] => {
                let (name, key) = split_key(name);
                Ref::Resource {
                    resource: format!("data.{rtype}.{name}"),
                    key,
                    attr: rest.first().map(|a| split_key(a).0.to_string()),
                }
            }
            [rtype, name, rest @ ..] if rtype.contains('_') => {
                let (name, key) = split_key(name);
                Ref::Resource {
                    resource: format!("{rtype}.{name}"),
                    key,
                    attr: rest.first().map(|a| split_key(a).0.to_string()),
                }
            }
            _ => Ref::Other,
        }
    }
}

/// The distinct things a `references` list names, longest form first: Terraform lists
/// `aws_x.y[0].id`, then `aws_x.y[0]`, then `aws_x.y`; the first (most specific) is
/// kept for each resource or module output.
pub fn distinct(references: &[String]) -> Vec<Ref> {
    let mut out: Vec<Ref> = Vec::new();
    for r in references {
        let parsed = Ref::parse(r);
        let covered = out.iter().any(|o| match (o, &parsed) {
            (Ref::Resource { resource: a, .. }, Ref::Resource { resource: b, .. }) => a == b,
            (
                Ref::Output {
                    call: a, output: x, ..
                },
                Ref::Output {
                    call: b, output: y, ..
                },
            ) => a == b && x == y,
            (Ref::Var(a), Ref::Var(b)) => a == b,
            (Ref::InstanceKey, Ref::InstanceKey) | (Ref::Other, Ref::Other) => true,
            _ => false,
        });
        // `module.m` alone follows `module.m.out`: it adds nothing.
        let bare_module = r.starts_with("module.") && steps(r).len() == 2;
        if !covered && !bare_module {
            out.push(parsed);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_split_into_module_resource_and_key() {
        assert_eq!(
            Address::parse("module.net[\"eu.west\"].aws_subnet.private[2]"),
            Address {
                module: "module.net[\"eu.west\"]".into(),
                resource: "aws_subnet.private".into(),
                key: Some("[2]".into())
            }
        );
        assert_eq!(
            Address::parse("data.aws_iam_policy_document.p").resource,
            "data.aws_iam_policy_document.p"
        );
        assert_eq!(
            without_keys("module.a[0].module.b[\"x.y\"]"),
            "module.a.module.b"
        );
    }

    #[test]
    fn references_name_resources_outputs_and_variables() {
        assert_eq!(
            Ref::parse("aws_vpc_peering_connection.main.id"),
            Ref::Resource {
                resource: "aws_vpc_peering_connection.main".into(),
                key: None,
                attr: Some("id".into())
            }
        );
        assert_eq!(
            Ref::parse("aws_subnet.a[0].id"),
            Ref::Resource {
                resource: "aws_subnet.a".into(),
                key: Some("[0]".into()),
                attr: Some("id".into())
            }
        );
        assert_eq!(
            Ref::parse("data.aws_iam_policy_document.p.json"),
            Ref::Resource {
                resource: "data.aws_iam_policy_document.p".into(),
                key: None,
                attr: Some("json".into())
            }
        );
        assert_eq!(
            Ref::parse("module.inner.event_rule_arn"),
            Ref::Output {
                call: "inner".into(),
                key: None,
                output: "event_rule_arn".into()
            }
        );
        assert_eq!(Ref::parse("var.region"), Ref::Var("region".into()));
        assert_eq!(Ref::parse("local.x"), Ref::Other);
        assert_eq!(Ref::parse("count.index"), Ref::InstanceKey);
        let refs: Vec<String> = ["aws_vpc.a.id", "aws_vpc.a", "module.m.x", "module.m"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(distinct(&refs).len(), 2);
    }
}
