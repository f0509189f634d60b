//! What several plan-only checks share: the plan on the path (or the `skip` without
//! one), how a planned resource is named, and how a `depends_on` refers to another.

use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::planned::{module_of, PlanContext};

/// The plan on the path, or the `skip` of a plan check on a run without one.
pub(super) fn plan_or_skip<'a>(
    id: &'static str,
    p: &ResolvedPath<'a>,
) -> Result<&'a PlanContext, Vec<Finding>> {
    p.plan.ok_or_else(|| {
        vec![Finding::skip(
            id,
            "no Terraform plan: this check runs with --plan PLAN.json",
        )]
    })
}

/// `ADDRESS (id)` for a planned resource, or the address alone when the id is a
/// placeholder (it names the address already).
pub(super) fn named(address: &str, id: &str) -> String {
    if crate::planned::is_placeholder(id) || id.is_empty() {
        address.to_string()
    } else {
        format!("{address} ({id})")
    }
}

/// How `other` is written in a `depends_on` of a resource at `from`: relative to the
/// module they share, without instance keys; a resource of another module is reached
/// through its module.
pub(super) fn depends_on_reference(from: &str, other: &str) -> String {
    let (from_module, other_module) = (module_of(from), module_of(other));
    let strip_key = |s: &str| match s.find('[') {
        Some(i) => s[..i].to_string(),
        None => s.to_string(),
    };
    if from_module == other_module {
        let local = other[other_module.len()..].trim_start_matches('.');
        return strip_key(local);
    }
    // The first module below the shared one that holds `other`.
    let inside = other_module
        .strip_prefix(from_module)
        .unwrap_or(other_module)
        .trim_start_matches('.');
    match inside.strip_prefix("module.") {
        Some(rest) => {
            let name: String = rest
                .chars()
                .take_while(|c| *c != '.' && *c != '[')
                .collect();
            format!("module.{name}")
        }
        None => strip_key(other.rsplit_once('.').map_or(other, |_| other)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depends_on_is_written_relative_to_the_module() {
        assert_eq!(module_of("aws_x.y"), "");
        assert_eq!(module_of("module.api[0].aws_x.y[\"k\"]"), "module.api[0]");
        assert_eq!(
            module_of("module.a.module.b[\"x.y\"].aws_x.y"),
            "module.a.module.b[\"x.y\"]"
        );
        assert_eq!(
            depends_on_reference(
                "aws_api_gateway_deployment.d",
                "aws_api_gateway_rest_api_policy.p"
            ),
            "aws_api_gateway_rest_api_policy.p"
        );
        assert_eq!(
            depends_on_reference(
                "module.api[0].aws_api_gateway_deployment.d",
                "module.api[0].aws_api_gateway_rest_api_policy.p[0]"
            ),
            "aws_api_gateway_rest_api_policy.p"
        );
        assert_eq!(
            depends_on_reference(
                "aws_api_gateway_deployment.d",
                "module.policy.aws_api_gateway_rest_api_policy.p"
            ),
            "module.policy"
        );
    }
}
