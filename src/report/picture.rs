//! The path as a picture: the request's hops in order — client instance, its route out,
//! the peering, the endpoint, the API, Lambda and RDS (or, for a private integration,
//! the VPC link and its load balancer) — and the Session Manager branch,
//! each with its status mark and ids, so the broken hop is seen before it is read.
//! Drawn as text for a terminal and as a Mermaid flowchart for Markdown and HTML.

use crate::outcome::{Outcome, PathIds};
use privpath_checks::Status;

/// One hop of the picture: what it is, the ids that make it, the checks that judge it.
#[derive(Clone)]
pub struct Hop {
    /// A stable key (Mermaid node id, HTML class).
    pub key: &'static str,
    pub label: &'static str,
    pub ids: String,
    pub status: Status,
    /// The checks of this hop that did not pass (unsuppressed), in path order.
    pub broken: Vec<&'static str>,
    /// The operator's branch, not the request's.
    pub side_branch: bool,
}

/// Which hop each check judges.
const HOPS: [(&str, &str, &[&str]); 11] = [
    ("client", "client", &["sg-client-egress"]),
    ("routes", "route out", &["route-client-to-endpoint"]),
    // One of the two: what carries the request between the VPCs.
    ("peering", "peering", &["peering-active"]),
    ("transit", "TGW", &["tgw-path"]),
    (
        "endpoint",
        "endpoint",
        &[
            "dns-resolution",
            "execute-api-endpoint",
            "sg-endpoint-ingress",
            "route-endpoint-to-client",
            "nacl-path",
        ],
    ),
    // Shown only when the client calls a custom domain name.
    (
        "domain",
        "domain",
        &[
            "domain-dns",
            "domain-private",
            "domain-access-association",
            "domain-policy-allows-endpoint",
            "domain-base-path",
        ],
    ),
    (
        "api",
        "API",
        &[
            "api-private-endpoint",
            "api-access-mode",
            "api-resource-policy",
            "api-policy-allows-endpoint",
            "api-deployed",
            "api-key-usage-plan",
        ],
    ),
    (
        "lambda",
        "Lambda",
        &[
            "lambda-invoke-permission",
            "lambda-vpc-role",
            "lambda-runtime-supported",
            "lambda-timeout-fits",
        ],
    ),
    ("rds", "RDS", &["lambda-vpc-to-rds"]),
    // Instead of Lambda and RDS: a private integration's VPC link and load balancer.
    ("balancer", "backend", &["backend-vpc-link"]),
    (
        "ssm",
        "operator",
        &["ssm-agent-version", "ssm-instance-role", "ssm-endpoints"],
    ),
];

/// The hops, each with the worst status of its checks (skipped checks do not count; a
/// hop whose checks were all skipped or not run is a skip). `passed`: checks whose
/// passing findings a streamed audit dropped ([`crate::outcome::Evaluated::compact`]).
pub fn hops(ids: &PathIds, outcomes: &[Outcome], passed: &[&str]) -> Vec<Hop> {
    HOPS.iter()
        .filter(|(key, _, _)| match *key {
            "domain" => ids.domain.is_some(),
            "peering" => ids.transit.is_none(),
            "transit" => ids.transit.is_some(),
            "lambda" | "rds" => ids.load_balancer.is_none(),
            "balancer" => ids.load_balancer.is_some(),
            _ => true,
        })
        .map(|(key, label, checks)| {
            let mine: Vec<&Outcome> = outcomes
                .iter()
                .filter(|o| checks.contains(&o.finding.check))
                .collect();
            let judged: Vec<&Outcome> = mine
                .iter()
                .copied()
                .filter(|o| o.finding.status != Status::Skip)
                .collect();
            let dropped_pass = checks.iter().any(|c| passed.contains(c));
            let status = if judged.is_empty() && !dropped_pass {
                Status::Skip
            } else {
                judged
                    .iter()
                    .filter(|o| o.suppressed.is_none())
                    .map(|o| o.finding.status)
                    .max()
                    .unwrap_or(Status::Pass)
            };
            let broken = judged
                .iter()
                .filter(|o| o.suppressed.is_none() && o.finding.status != Status::Pass)
                .map(|o| o.finding.check)
                .collect();
            Hop {
                key,
                label,
                ids: hop_ids(key, ids),
                status,
                broken,
                side_branch: *key == "ssm",
            }
        })
        .collect()
}

fn hop_ids(key: &str, ids: &PathIds) -> String {
    let or = |v: &Option<String>, none: &str| v.clone().unwrap_or_else(|| none.to_string());
    match key {
        "client" => {
            let mut s = ids.instance.clone();
            if let Some(ip) = &ids.client_ip {
                s.push_str(&format!(" {ip}"));
            }
            if let Some(subnet) = &ids.client_subnet {
                s.push_str(&format!(" {subnet}"));
            }
            s
        }
        "routes" => or(&ids.route_table, "no route table"),
        "peering" => or(&ids.peering, "none (same VPC, or see peering-active)"),
        "transit" => or(&ids.transit, "transit gateway"),
        "endpoint" => or(&ids.endpoint, "no execute-api endpoint"),
        "api" => match &ids.method {
            Some(m) => format!("{} {m}", ids.api),
            None => ids.api.clone(),
        },
        "domain" => or(&ids.domain, "no custom domain"),
        "lambda" => or(&ids.function, "no function"),
        "balancer" => or(&ids.load_balancer, "no load balancer"),
        "rds" => {
            if ids.databases.is_empty() {
                "no database".to_string()
            } else {
                ids.databases.join(" ")
            }
        }
        _ => format!("Session Manager to {}", ids.instance),
    }
}

pub fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✓",
        Status::Fail => "✗",
        Status::Warn => "!",
        Status::Unknown => "?",
        Status::Skip => "-",
    }
}

/// The picture as text: one line per hop, the request's hops joined by a vertical
/// line, the operator's branch last. No line is wider than `width` unless an id alone
/// is; the broken checks go on a line of their own when they do not fit beside.
pub fn text(hops: &[Hop], width: usize) -> String {
    // Lambda and RDS share a line: the backend is one hop to the reader of a terminal.
    let merged: Vec<Hop>;
    let hops = match hops.iter().position(|h| h.key == "lambda") {
        Some(i) if hops.get(i + 1).is_some_and(|n| n.key == "rds") => {
            let (l, r) = (&hops[i], &hops[i + 1]);
            let backend = Hop {
                key: "backend",
                label: "backend",
                ids: format!("{} → {}", l.ids, r.ids),
                status: if l.status == Status::Skip {
                    r.status
                } else if r.status == Status::Skip {
                    l.status
                } else {
                    l.status.max(r.status)
                },
                broken: l.broken.iter().chain(&r.broken).copied().collect(),
                side_branch: false,
            };
            merged = hops[..i]
                .iter()
                .cloned()
                .chain(std::iter::once(backend))
                .chain(hops[i + 2..].iter().cloned())
                .collect();
            merged.as_slice()
        }
        _ => hops,
    };
    let mut out = String::new();
    for (i, h) in hops.iter().enumerate() {
        let joint = if h.side_branch {
            "  ┄ "
        } else if i == 0 {
            "  ┌ "
        } else if hops.get(i + 1).is_none_or(|n| n.side_branch) {
            "  └ "
        } else {
            "  │ "
        };
        let line = format!("{joint}{} {:<9} {}", mark(h.status), h.label, h.ids);
        let tail = if h.broken.is_empty() {
            String::new()
        } else {
            format!("  ← {}", h.broken.join(", "))
        };
        if tail.is_empty() {
            out.push_str(&line);
        } else if super::text::width_of(&line) + super::text::width_of(&tail) <= width {
            out.push_str(&line);
            out.push_str(&tail);
        } else {
            out.push_str(&line);
            out.push('\n');
            out.push_str(&format!(
                "  {}            {}",
                if h.side_branch { " " } else { "│" },
                tail.trim_start()
            ));
        }
        out.push('\n');
    }
    out
}

/// The picture as a Mermaid flowchart: the request's hops left to right, the operator's
/// branch dashed into the client; failed hops red, warned amber, unknown grey.
pub fn mermaid(hops: &[Hop]) -> String {
    let mut out = String::from("flowchart LR\n");
    let node = |h: &Hop| {
        // Mermaid labels are quoted: quotes inside become #quot;.
        let text = format!("{} {}<br/>{}", mark(h.status), h.label, h.ids).replace('"', "#quot;");
        format!("  {}[\"{text}\"]\n", h.key)
    };
    let request: Vec<&Hop> = hops.iter().filter(|h| !h.side_branch).collect();
    for h in hops {
        out.push_str(&node(h));
    }
    let chain: Vec<&str> = request.iter().map(|h| h.key).collect();
    out.push_str(&format!("  {}\n", chain.join(" --> ")));
    for h in hops.iter().filter(|h| h.side_branch) {
        out.push_str(&format!("  {} -.-> client\n", h.key));
    }
    out.push_str("  classDef fail fill:#fde2e1,stroke:#c62828,color:#7f0000\n");
    out.push_str("  classDef warn fill:#fff4d6,stroke:#b26a00,color:#5a3600\n");
    out.push_str("  classDef unknown fill:#eeeeee,stroke:#757575,color:#333333\n");
    for (class, status) in [
        ("fail", Status::Fail),
        ("warn", Status::Warn),
        ("unknown", Status::Unknown),
    ] {
        let keys: Vec<&str> = hops
            .iter()
            .filter(|h| h.status == status)
            .map(|h| h.key)
            .collect();
        if !keys.is_empty() {
            out.push_str(&format!("  class {} {class}\n", keys.join(",")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::HOPS;

    #[test]
    fn every_path_check_is_drawn_on_exactly_one_hop() {
        // A check left out of HOPS would fail while its hop is drawn with a tick.
        for check in privpath_checks::REGISTRY {
            let id = check.meta.id;
            let on = HOPS.iter().filter(|(_, _, c)| c.contains(&id)).count();
            assert_eq!(on, 1, "{id} is on {on} hops of the picture");
        }
    }
}
