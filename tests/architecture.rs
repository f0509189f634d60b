//! The layout ARCHITECTURE.md promises, held by a test: in neither crate does a module
//! import, directly or through others, a module that imports it back, and nothing
//! imports the binary's `main.rs`.
//!
//! A module is a file (`a/b.rs` and `a/b/mod.rs` are `a::b`). Module A depends on B when
//! A's code outside its `#[cfg(test)]` part names an item B defines: through `use`,
//! through a path in the code (`crate::…`, `super::…`, `self::…`, or a child module's
//! name), following `pub use` re-exports to where the item is defined. Declaring a
//! child module (`mod b;`) is not a dependency.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

type Module = Vec<String>;

struct Source {
    module: Module,
    /// Code outside the tests, without comment lines.
    code: String,
    children: BTreeSet<String>,
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn module_of(src: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Module = rel
        .iter()
        .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "main" | "lib")
    ) {
        parts.pop();
    }
    parts
}

fn read(src: &Path) -> Vec<Source> {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    files
        .iter()
        .map(|f| {
            let text = std::fs::read_to_string(f).unwrap();
            let body = match text.find("\n#[cfg(test)]") {
                Some(i) => &text[..i],
                None => &text,
            };
            let code: String = body
                .lines()
                .filter(|l| !l.trim_start().starts_with("//"))
                .collect::<Vec<_>>()
                .join("\n");
            let children = code
                .lines()
                .filter_map(|l| {
                    let l = l.trim();
                    let l = l
                        .strip_prefix("pub(crate) ")
                        .or_else(|| l.strip_prefix("pub "))
                        .unwrap_or(l);
                    l.strip_prefix("mod ")?
                        .strip_suffix(';')
                        .map(|n| n.trim().to_string())
                })
                .collect();
            Source {
                module: module_of(src, f),
                code,
                children,
            }
        })
        .collect()
}

/// `use a::{b, c::{d, e}}` → `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str, prefix: &str, out: &mut Vec<String>) {
    let tree = tree.trim();
    if let Some(open) = tree.find('{') {
        let head = tree[..open].trim_end_matches("::");
        let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
        let mut depth = 0;
        let mut start = 0;
        let joined = format!("{prefix}{head}::");
        for (i, c) in inner.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    expand(&inner[start..i], &joined, out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        expand(&inner[start..], &joined, out);
    } else if !tree.is_empty() {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        out.push(format!("{prefix}{path}"));
    }
}

/// Every `use` path of the code (expanded), with whether it is a `pub use`.
fn use_paths(code: &str) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for statement in code.split(';') {
        let s = statement.trim();
        let (public, rest) = if let Some(r) = s.strip_prefix("pub use ") {
            (true, r)
        } else if let Some(r) = s.strip_prefix("pub(crate) use ") {
            (true, r)
        } else if let Some(i) = s
            .rfind("\nuse ")
            .or_else(|| s.starts_with("use ").then_some(0))
        {
            let r = s[i..].trim_start().trim_start_matches("use ");
            (false, r)
        } else if let Some(i) = s.rfind("\npub use ") {
            (true, s[i..].trim_start().trim_start_matches("pub use "))
        } else {
            continue;
        };
        let mut paths = Vec::new();
        expand(rest, "", &mut paths);
        out.extend(paths.into_iter().map(|p| (p, public)));
    }
    out
}

/// Paths written in the code itself: `crate::a::b`, `super::x`, `self::y`, `child::z`.
fn inline_paths(code: &str, children: &BTreeSet<String>) -> Vec<String> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        if word(bytes[i]) && (i == 0 || !(word(bytes[i - 1]) || bytes[i - 1] == b':')) {
            let mut j = i;
            while j < bytes.len()
                && (word(bytes[j]) || (bytes[j] == b':' && bytes.get(j + 1) == Some(&b':')))
            {
                j += if bytes[j] == b':' { 2 } else { 1 };
            }
            let path = code[i..j].trim_end_matches("::");
            let first = path.split("::").next().unwrap_or_default();
            // `a::{b, c}` is a use tree: `use_paths` expands it.
            let tree = code[j..].starts_with('{');
            if !tree
                && path.contains("::")
                && (matches!(first, "crate" | "super" | "self") || children.contains(first))
            {
                out.push(path.to_string());
            }
            i = j.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}

struct Crate {
    sources: Vec<Source>,
    modules: BTreeSet<Module>,
    /// (module, name) → the path a `pub use` sends it to, resolved from that module.
    reexports: BTreeMap<(Module, String), String>,
}

impl Crate {
    fn load(src: &Path) -> Crate {
        let sources = read(src);
        let modules = sources.iter().map(|s| s.module.clone()).collect();
        let mut reexports = BTreeMap::new();
        for s in &sources {
            for (path, public) in use_paths(&s.code) {
                if public {
                    let name = path.rsplit("::").next().unwrap_or_default().to_string();
                    reexports.insert((s.module.clone(), name), path);
                }
            }
        }
        Crate {
            sources,
            modules,
            reexports,
        }
    }

    /// The module that defines what `path`, written in `from`, names.
    fn resolve(&self, from: &Module, path: &str, depth: usize) -> Option<Module> {
        let mut segments = path.split("::").peekable();
        let mut at: Module = match *segments.peek()? {
            "crate" => {
                segments.next();
                Vec::new()
            }
            "self" => {
                segments.next();
                from.clone()
            }
            "super" => {
                let mut m = from.clone();
                while segments.peek() == Some(&"super") {
                    segments.next();
                    m.pop();
                }
                m
            }
            _ => from.clone(),
        };
        for seg in segments {
            let mut next = at.clone();
            next.push(seg.to_string());
            if self.modules.contains(&next) {
                at = next;
                continue;
            }
            if let Some(target) = self.reexports.get(&(at.clone(), seg.to_string())) {
                if depth < 8 {
                    return self.resolve(&at, target, depth + 1).or(Some(at));
                }
            }
            break;
        }
        Some(at)
    }

    fn edges(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        let mut edges: BTreeMap<Module, BTreeSet<Module>> = BTreeMap::new();
        for s in &self.sources {
            let mut paths: Vec<String> = use_paths(&s.code).into_iter().map(|p| p.0).collect();
            paths.extend(inline_paths(&s.code, &s.children));
            let entry = edges.entry(s.module.clone()).or_default();
            for p in paths {
                if let Some(target) = self.resolve(&s.module, &p, 0) {
                    if target != s.module {
                        entry.insert(target);
                    }
                }
            }
        }
        edges
    }
}

/// The strongly connected components of more than one module (Tarjan).
fn cycles(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<String>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        for w in s.edges.get(v).into_iter().flatten() {
            let Some(w) = s.edges.get_key_value(w).map(|(k, _)| k) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let lw = s.low[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(lw));
            } else if s.on_stack.contains(w) {
                let iw = s.index[w];
                let lv = s.low[v];
                s.low.insert(v, lv.min(iw));
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(format!("crate::{}", w.join("::")));
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.out.push(component);
            }
        }
    }
    let mut s = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !s.index.contains_key(v) {
            visit(&mut s, v);
        }
    }
    s.out
}

#[test]
fn no_module_imports_itself_through_others_in_any_crate() {
    for src in ["src", "checks/src", "plan/src"] {
        let krate = Crate::load(&Path::new(ROOT).join(src));
        let found = cycles(&krate.edges());
        assert!(found.is_empty(), "{src}: import cycles: {found:#?}");
    }
}

#[test]
fn nothing_imports_main() {
    let krate = Crate::load(&Path::new(ROOT).join("src"));
    for (from, to) in krate.edges() {
        assert!(
            !to.contains(&Vec::new()),
            "crate::{} imports main.rs",
            from.join("::")
        );
    }
}

#[test]
fn no_check_imports_another_check() {
    // What two checks share lives in `common.rs` (or a module of the crate): a check
    // that reads another's internals changes when that one does.
    let krate = Crate::load(&Path::new(ROOT).join("checks/src"));
    for family in ["checks", "plan_checks", "estate"] {
        let shared = |m: &Module| {
            m.len() < 2 || m[0] != family || matches!(m[1].as_str(), "common" | "mod" | "paths")
        };
        for (from, to) in krate.edges() {
            if shared(&from) {
                continue;
            }
            if let Some(t) = to.iter().find(|t| !shared(t)) {
                panic!("{} imports the check {}", from.join("::"), t.join("::"));
            }
        }
    }
}

#[test]
fn the_analysis_sees_a_cycle_when_there_is_one() {
    // The checker itself: two modules naming each other are reported, one-way is not.
    let a = Source {
        module: vec!["a".into()],
        code: "use crate::b::Thing;\npub struct Other;".into(),
        children: BTreeSet::new(),
    };
    let b = Source {
        module: vec!["b".into()],
        code: "pub struct Thing;\nfn f() -> crate::a::Other { todo!() }".into(),
        children: BTreeSet::new(),
    };
    let c = Source {
        module: vec!["c".into()],
        code: "use super::a::{Other, self};".into(),
        children: BTreeSet::new(),
    };
    let modules = [&a, &b, &c].iter().map(|s| s.module.clone()).collect();
    let krate = Crate {
        sources: vec![a, b, c],
        modules,
        reexports: BTreeMap::new(),
    };
    let edges = krate.edges();
    assert_eq!(cycles(&edges), vec![vec!["crate::a", "crate::b"]]);
    assert!(edges[&vec!["c".to_string()]].contains(&vec!["a".to_string()]));
}
