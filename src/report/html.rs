//! One self-contained HTML page (inline CSS and script, no fetches: it opens from a CI
//! artifact offline): the verdict, the matrix — client subnets × API methods, each cell
//! the verdict and first broken hop — filterable by status and account, each API
//! method's path as a picture, the estate findings, one fix per broken group, and what
//! could not be read. Built for `audit`; a `check` run is the same page with fewer rows.

use super::audit::{estate_outcomes, headline, matrix, needing_attention, Group};
use super::picture;
use crate::outcome::Run;
use privpath_checks::Status;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:24px;color:#1d1d1f;background:#fafafa}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}
code,.id{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px;white-space:nowrap}
.verdict{font-size:16px;font-weight:600;margin:4px 0 16px}
.verdict.ok{color:#1b7f3b}.verdict.bad{color:#b3261e}
#filters{margin:8px 0 12px;display:flex;gap:16px;align-items:center}
table{border-collapse:collapse;background:#fff;box-shadow:0 0 0 1px #ddd}
th,td{border:1px solid #e3e3e3;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2;font-weight:600}
td.cell{min-width:140px}
.pass{background:#e8f5e9}.fail{background:#fde2e1}.warn{background:#fff4d6}.unknown{background:#eeeeee}.skip{background:#f7f7f7}
.mark{font-weight:700;margin-right:4px}
.path{display:flex;flex-wrap:wrap;gap:6px;align-items:stretch;margin:6px 0 14px}
.hop{border:1px solid #ccc;border-radius:6px;padding:4px 8px;background:#fff;max-width:260px}
.hop .label{font-weight:600}.hop .ids{display:block;font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.hop.fail{border-color:#c62828}.hop.warn{border-color:#b26a00}.hop.unknown{border-color:#757575}
.arrow{align-self:center;color:#888}
.side{margin-left:16px;border-style:dashed}
pre{background:#fff;border:1px solid #ddd;padding:8px;overflow-x:auto}
.hidden{display:none}
";

/// Filters the matrix rows (and each cell within a row) by status and account.
const SCRIPT: &str = "
(function(){
  var s=document.getElementById('f-status'), a=document.getElementById('f-account');
  function apply(){
    var st=s.value, ac=a.value, shown=0;
    document.querySelectorAll('#matrix tbody tr').forEach(function(row){
      var cells=row.querySelectorAll('td.cell[data-status]'), any=false;
      cells.forEach(function(c){
        var ok=(!st||c.dataset.status===st)&&(!ac||(' '+c.dataset.accounts+' ').indexOf(' '+ac+' ')>=0);
        c.classList.toggle('dim',!ok); if(ok) any=true;
      });
      row.classList.toggle('hidden',!any); if(any) shown++;
    });
    document.getElementById('shown').textContent=shown;
  }
  s.addEventListener('change',apply); a.addEventListener('change',apply); apply();
})();
";

/// Words with each one unbreakable: a browser may wrap between ids, never inside one
/// (it would break `vpc-0a11…` at its hyphens).
fn ids_html(text: &str) -> String {
    text.split_whitespace()
        .map(|w| format!("<span class=\"id\">{}</span>", esc(w)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn account_of(scope: &str) -> &str {
    scope.split('/').next().unwrap_or(scope)
}

/// One hop's box: mark, label, ids, and (on the request's way) the checks that broke
/// it; the operator's branch dashed.
fn hop_html(h: &picture::Hop) -> String {
    format!(
        "<div class=\"hop{} {}\" data-hop=\"{}\"><span class=\"mark\">{}</span><span class=\"label\">{}</span><span class=\"ids\">{}</span>{}</div>",
        if h.side_branch { " side" } else { "" },
        h.status,
        h.key,
        picture::mark(h.status),
        esc(h.label),
        ids_html(&h.ids),
        if h.broken.is_empty() || h.side_branch {
            String::new()
        } else {
            format!("<code>{}</code>", esc(&h.broken.join(", ")))
        }
    )
}

fn picture_html(g: &Group<'_>) -> String {
    let e = g.path;
    let hops = picture::hops(&e.context.ids, &e.outcomes, &e.passed());
    let mut out = String::from("<div class=\"path\">");
    let request: Vec<&picture::Hop> = hops.iter().filter(|h| !h.side_branch).collect();
    for (i, h) in request.iter().enumerate() {
        if i > 0 {
            out.push_str("<span class=\"arrow\">→</span>");
        }
        out.push_str(&hop_html(h));
    }
    for h in hops.iter().filter(|h| h.side_branch) {
        out.push_str(&hop_html(h));
    }
    out.push_str("</div>");
    out
}

/// Up to this many API methods the matrix has a column each; past it, a row lists the
/// methods its clients call.
const MATRIX_COLUMNS: usize = 12;

pub fn render(run: &Run) -> String {
    let apis = matrix(run);
    let title = headline(run, &apis);
    let ok = run.exit_status() == crate::outcome::EXIT_OK;
    // Rows: client subnets (with VPC and account/region); columns: API methods.
    let mut rows: BTreeMap<(String, String, String), BTreeMap<usize, Vec<&Group>>> =
        BTreeMap::new();
    let mut accounts: BTreeSet<String> = BTreeSet::new();
    for (col, (heading, groups)) in apis.iter().enumerate() {
        if let Some(scope) = heading.rsplit(" · ").next() {
            accounts.insert(account_of(scope).to_string());
        }
        for g in groups {
            accounts.insert(account_of(&g.scope).to_string());
            rows.entry((g.scope.clone(), g.vpc.clone(), g.subnet.clone()))
                .or_default()
                .entry(col)
                .or_default()
                .push(g);
        }
    }
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>privpath report</title>\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><style>{STYLE}.dim{{opacity:.25}}</style></head><body>\n\
         <h1>privpath</h1><p class=\"verdict {}\" id=\"verdict\">{}</p>\n",
        if ok { "ok" } else { "bad" },
        esc(title.trim_start_matches("privpath audit: "))
    );
    out.push_str(
        "<div id=\"filters\"><label>Status <select id=\"f-status\"><option value=\"\">all</option>",
    );
    for s in ["fail", "warn", "unknown", "pass"] {
        let _ = write!(out, "<option value=\"{s}\">{s}</option>");
    }
    out.push_str(
        "</select></label><label>Account <select id=\"f-account\"><option value=\"\">all</option>",
    );
    for a in &accounts {
        let _ = write!(out, "<option value=\"{a}\">{a}</option>", a = esc(a));
    }
    out.push_str(
        "</select></label><span><span id=\"shown\"></span> client subnet(s) shown</span></div>\n",
    );

    // Past a few columns a full matrix is mostly empty cells, subnets × APIs of them (an
    // estate of 10,000 subnets and 1,000 APIs would be 10 million): each row then lists
    // only the API methods its clients call, each cell naming its method.
    let sparse = apis.len() > MATRIX_COLUMNS;
    out.push_str("<h2>Client subnets × API methods</h2>\n<table id=\"matrix\"><thead><tr><th>Client subnet</th><th>VPC</th><th>Account/region</th>");
    if sparse {
        out.push_str("<th class=\"api\">API methods its clients call</th>");
    } else {
        for (heading, _) in &apis {
            let _ = write!(out, "<th class=\"api\">{}</th>", esc(heading));
        }
    }
    out.push_str("</tr></thead><tbody>\n");
    for ((scope, vpc, subnet), cols) in &rows {
        let _ = write!(
            out,
            "<tr><td class=\"id\">{}</td><td class=\"id\">{}</td><td class=\"id\">{}</td>",
            esc(subnet),
            esc(vpc),
            esc(scope)
        );
        for (col, (heading, _)) in apis.iter().enumerate() {
            let Some(groups) = cols.get(&col) else {
                if !sparse {
                    out.push_str("<td class=\"cell empty\">·</td>");
                }
                continue;
            };
            let named = if sparse {
                format!("<span class=\"id\">{}</span><br>", esc(heading))
            } else {
                String::new()
            };
            // One cell: the worst verdict of the subnet's clients on this method.
            let worst = groups
                .iter()
                .map(|g| g.status)
                .max()
                .unwrap_or(Status::Pass);
            let clients: usize = groups.iter().map(|g| g.instances.len()).sum();
            let api_account = heading.rsplit(" · ").next().map(account_of).unwrap_or("");
            let broken: Vec<&str> = groups.iter().filter_map(|g| g.check).collect();
            let _ = write!(
                out,
                "<td class=\"cell {worst}\" data-status=\"{worst}\" data-accounts=\"{} {}\">{named}<span class=\"mark\">{}</span>{worst} · {clients} client(s){}</td>",
                esc(account_of(scope)),
                esc(api_account),
                picture::mark(worst),
                if broken.is_empty() {
                    String::new()
                } else {
                    format!("<br><code>{}</code>", esc(&broken.join(", ")))
                }
            );
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");

    out.push_str("<h2>Paths</h2>\n");
    for (heading, groups) in &apis {
        let _ = writeln!(out, "<h3>{}</h3>", esc(heading));
        // The picture of the first group: broken first, as the matrix orders them.
        if let Some(g) = groups.first() {
            let _ = writeln!(
                out,
                "<p>{} of {} client(s) in <span class=\"id\">{}</span>:</p>{}",
                esc(g.instances[0]),
                g.instances.len(),
                esc(&g.subnet),
                picture_html(g)
            );
        }
    }

    let estate = estate_outcomes(run);
    if !estate.is_empty() {
        out.push_str("<h2>Estate</h2>\n<table id=\"estate\"><thead><tr><th>Status</th><th>Check</th><th>Finding</th></tr></thead><tbody>\n");
        for o in &estate {
            let f = &o.finding;
            let _ = writeln!(
                out,
                "<tr class=\"{}\"><td>{} {}</td><td><code>{}</code></td><td>{}</td></tr>",
                f.status,
                picture::mark(f.status),
                f.status,
                f.check,
                ids_html(&f.message)
            );
        }
        out.push_str("</tbody></table>\n");
    }

    let broken = needing_attention(&apis);
    if !broken.is_empty() {
        out.push_str("<h2>What to fix</h2>\n");
        for g in broken {
            let Some(f) = g.example else { continue };
            let _ = writeln!(
                out,
                "<p class=\"{}\"><span class=\"mark\">{}</span><code>{}</code> — <span class=\"id\">{}</span> in <span class=\"id\">{}</span> ({} client(s)): {}</p>{}",
                f.status,
                picture::mark(f.status),
                f.check,
                esc(g.instances[0]),
                esc(&g.subnet),
                g.instances.len(),
                ids_html(&f.message),
                f.remediation
                    .as_deref()
                    .map(|r| format!("<pre>{}</pre>", esc(r)))
                    .unwrap_or_default()
            );
        }
    }
    let unread = run.not_checked();
    if !unread.is_empty() {
        out.push_str("<h2>Could not be checked</h2>\n<ul id=\"unread\">");
        for (name, why) in unread {
            let _ = write!(out, "<li><b>{}</b>: {}</li>", esc(name), esc(why));
        }
        out.push_str("</ul>\n");
    }
    let _ = write!(out, "<script>{SCRIPT}</script>\n</body></html>\n");
    out
}
