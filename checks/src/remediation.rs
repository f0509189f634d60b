//! Where a fix must run. On a path across accounts or regions an `aws …` command run
//! with the wrong credentials or region fails (or, worse, changes a look-alike resource),
//! so every AWS CLI line of a fix gets the `--region` and the account of the scope that
//! owns the first resource it names. Done once here, for every check, rather than in
//! each check's fix text.

use crate::path::{Index, ResolvedPath};

/// The scope owning the first id on the line that any of the path's scopes holds; else,
/// by the service the line calls, the API's scope (API Gateway, Lambda, RDS, ACM and
/// anything unnamed) or the client's (Session Manager, and Route 53: the private hosted
/// zone is associated with the client's VPC).
fn owner<'a>(path: &ResolvedPath<'a>, line: &str) -> &'a Index<'a> {
    let scopes = path.scopes();
    let ids = line
        .split(|c: char| c.is_whitespace() || matches!(c, '=' | ',' | '"' | '\'' | '/'))
        .filter(|t| !t.is_empty() && !t.starts_with('-'));
    for token in ids {
        if let Some(ix) = scopes.iter().find(|ix| ix.owns(token)) {
            return ix;
        }
    }
    let service = line.split_whitespace().nth(1).unwrap_or_default();
    if service == "ssm" || service == "route53" {
        path.client_ix
    } else {
        path.api_ix
    }
}

/// The fix with each `aws …` line placed: `--region R` appended unless present, and
/// `# in account A` after it when the account is known.
pub fn place_commands(path: &ResolvedPath<'_>, fix: &str) -> String {
    fix.lines()
        .map(|line| {
            let command = line.trim_start();
            if !command.starts_with("aws ") {
                return line.to_string();
            }
            let scope = owner(path, command).scope;
            let mut out = line.trim_end().to_string();
            if !command.contains("--region") {
                out.push_str(" --region ");
                out.push_str(&scope.region);
            }
            if let Some(account) = &scope.account {
                if !command.contains('#') {
                    out.push_str("  # in account ");
                    out.push_str(account);
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\n")
}
