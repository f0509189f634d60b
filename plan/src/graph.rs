//! What a resource depends on, as Terraform orders the apply: the references of its
//! expressions (through module outputs and input variables) and its `depends_on`
//! (naming a resource or a whole module), transitively; a resource in a module also
//! depends on what the module call depends on. Nodes are configuration addresses
//! (module path without keys, and `TYPE.NAME`): the order is decided per resource, not
//! per instance.

use crate::address::{without_keys, Ref};
use crate::model::{Plan, Res};
use serde_json::Value;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Node {
    Resource(String, String),
    Output(String, String),
    Var(String, String),
    /// Every resource of a module and its children.
    Module(String),
}

fn child(module: &str, call: &str) -> String {
    if module.is_empty() {
        format!("module.{call}")
    } else {
        format!("{module}.module.{call}")
    }
}

fn parent(module: &str) -> Option<(String, String)> {
    let i = module.rfind("module.")?;
    Some((
        module[..i].trim_end_matches('.').to_string(),
        module[i + "module.".len()..].to_string(),
    ))
}

fn collect_references(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                if k == "references" {
                    out.extend(
                        x.as_array()
                            .into_iter()
                            .flatten()
                            .filter_map(|r| r.as_str().map(str::to_string)),
                    );
                } else {
                    collect_references(x, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_references(x, out)),
        _ => {}
    }
}

fn targets(module: &str, refs: &[String]) -> Vec<Node> {
    refs.iter()
        .filter_map(|r| match Ref::parse(r) {
            Ref::Resource { resource, .. } => Some(Node::Resource(module.to_string(), resource)),
            Ref::Output { call, output, .. } => Some(Node::Output(child(module, &call), output)),
            Ref::Var(name) => Some(Node::Var(module.to_string(), name)),
            _ if r.starts_with("module.") => {
                let call = r["module.".len()..].split(['.', '[']).next().unwrap_or("");
                Some(Node::Module(child(module, call)))
            }
            _ => None,
        })
        .collect()
}

impl Plan {
    fn edges(&self, n: &Node) -> Vec<Node> {
        let mut out = Vec::new();
        match n {
            Node::Resource(m, res) => {
                if let Some(c) = self
                    .modules
                    .get(m)
                    .and_then(|md| md.resources.iter().find(|r| r.address == *res))
                {
                    let mut refs = Vec::new();
                    collect_references(&c.expressions, &mut refs);
                    out.extend(targets(m, &refs));
                    out.extend(targets(m, &c.depends_on));
                }
                // The module call's own depends_on holds for everything inside.
                let mut m = m.clone();
                while let Some((p, call)) = parent(&m) {
                    if let Some((_, deps)) = self.modules.get(&p).and_then(|md| md.calls.get(&call))
                    {
                        out.extend(targets(&p, deps));
                    }
                    m = p;
                }
            }
            Node::Output(m, name) => {
                if let Some(e) = self.modules.get(m).and_then(|md| md.outputs.get(name)) {
                    let mut refs = Vec::new();
                    collect_references(e, &mut refs);
                    out.extend(targets(m, &refs));
                }
            }
            Node::Var(m, name) => {
                if let Some((p, call)) = parent(m) {
                    if let Some((exprs, _)) =
                        self.modules.get(&p).and_then(|md| md.calls.get(&call))
                    {
                        let mut refs = Vec::new();
                        if let Some(e) = exprs.get(name) {
                            collect_references(e, &mut refs);
                        }
                        out.extend(targets(&p, &refs));
                    }
                }
            }
            Node::Module(m) => {
                for (path, md) in &self.modules {
                    if path == m || path.starts_with(&format!("{m}.")) {
                        out.extend(
                            md.resources
                                .iter()
                                .map(|r| Node::Resource(path.clone(), r.address.clone())),
                        );
                    }
                }
            }
        }
        out
    }

    /// Whether `from` depends on `to`, directly or transitively.
    pub fn depends_on(&self, from: &Res, to: &Res) -> bool {
        let start = Node::Resource(without_keys(&from.module), from.resource.clone());
        let goal = Node::Resource(without_keys(&to.module), to.resource.clone());
        let mut seen: HashSet<Node> = HashSet::new();
        let mut stack = self.edges(&start);
        while let Some(n) = stack.pop() {
            if n == goal {
                return true;
            }
            if seen.insert(n.clone()) {
                stack.extend(self.edges(&n));
            }
        }
        false
    }
}
