//! `estate-policy-any-vpc`: a private API whose resource policy lets every VPC endpoint
//! invoke it — no `aws:SourceVpce` or `aws:SourceVpc` condition anywhere.

use super::paths::{policy_document, Estate};
use crate::check::{CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::policy;

pub static META: CheckMeta = CheckMeta {
    id: "estate-policy-any-vpc",
    title: "No private API admits every VPC",
    hop: Hop::Estate,
    severity: Severity::Medium,
    what: "For every audited API with a resource policy, checks that some statement conditions on `aws:SourceVpce` or `aws:SourceVpc`.",
    why: "Without a VPC condition a private API's policy admits calls through any execute-api endpoint — of any VPC, in any account — that can name the API: 'private' then only means 'not on the internet'. AWS's examples restrict by endpoint or VPC.",
    fix: "Add `\"Condition\": {\"StringEquals\": {\"aws:SourceVpce\": \"vpce-…\"}}` to the Allow statement (or a Deny with `StringNotEquals`), then redeploy the API: a policy change takes effect only after a new deployment.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html#apigateway-resource-policies-source-vpc-example",
    ],
    needs: &[],
    symptoms: &[],
};

pub fn run(e: &Estate<'_, '_>) -> Vec<Finding> {
    let id = META.id;
    let mut out = Vec::new();
    for (pos, api) in &e.apis {
        let Some(doc) = policy_document(api) else {
            continue;
        };
        if policy::restricts_by_vpc(&doc) {
            continue;
        }
        let scope = e.scope(*pos);
        out.push(
            Finding::warn(id, format!("the resource policy of API {} ({}) has no aws:SourceVpce or aws:SourceVpc condition: any VPC endpoint of any account may invoke it", api.id, scope.label()))
                .resource(&api.id)
                .fix(format!("aws apigateway get-rest-api --rest-api-id {} --region {} --query policy   # add an aws:SourceVpce condition, update the policy, then:\naws apigateway create-deployment --rest-api-id {} --stage-name STAGE --region {}", api.id, scope.region, api.id, scope.region)),
        );
    }
    if out.is_empty() {
        out.push(Finding::pass(id, "every audited API's policy restricts callers by endpoint or VPC (or it has none: see api-resource-policy)"));
    }
    out
}
