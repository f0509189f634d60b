//! `privpath checks`: every check's documentation, from its metadata.

use privpath_checks::REGISTRY;
use serde_json::json;

pub fn text() -> String {
    let mut out = String::new();
    for check in REGISTRY {
        let m = check.meta;
        out.push_str(&format!("{} — {}\n", m.id, m.title));
        out.push_str(&format!(
            "  hop: {} · severity: {}\n",
            m.hop.title(),
            m.severity.as_str()
        ));
        out.push_str(&format!("  What it checks: {}\n", m.what));
        out.push_str(&format!("  Why it breaks the path: {}\n", m.why));
        out.push_str(&format!("  How to fix: {}\n", m.fix));
        for link in m.links {
            out.push_str(&format!("  {link}\n"));
        }
        out.push('\n');
    }
    out
}

pub fn json() -> String {
    let checks: Vec<_> = REGISTRY
        .iter()
        .map(|c| {
            let m = c.meta;
            json!({
                "id": m.id,
                "title": m.title,
                "hop": m.hop.as_str(),
                "severity": m.severity.as_str(),
                "what": m.what,
                "why": m.why,
                "fix": m.fix,
                "links": m.links,
                "iam_actions": m.needs.iter().map(|s| s.iam_action()).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::to_string_pretty(&json!({ "checks": checks })).unwrap_or_default() + "\n"
}
