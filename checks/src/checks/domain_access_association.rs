//! `domain-access-association`: the execute-api endpoint on the path is associated with
//! the private custom domain name (a domain name access association).

use crate::check::{api, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::ResolvedPath;
use crate::snapshot::Source;
use crate::symptom::{shared, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "domain-access-association",
    title: "The endpoint is associated with the private custom domain name",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "Looks for a domain name access association whose `domainNameArn` is the domain's and whose source is the execute-api endpoint on the path (`accessAssociationSourceType` VPCE), as either account lists it (`get-domain-name-access-associations` with `--resource-owner SELF` in the endpoint's account, `OTHER_ACCOUNTS` in the domain's). The endpoint and the domain must be in the same region.",
    why: "A private custom domain name answers only through VPC endpoints associated with it: without the association the endpoint does not route the domain's requests and the call is refused. The association belongs to the endpoint's account: in another account the domain must first be shared with it (AWS RAM, or the domain's managementPolicy allowing `apigateway:CreateAccessAssociation`), and only that account can create it — the API's owner cannot do it for them.",
    fix: "In the endpoint's account: `aws apigateway create-domain-name-access-association --access-association-source VPCE_ID --access-association-source-type VPCE --domain-name-arn DOMAIN_ARN`.",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-associations.html",
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-custom-domains-consumer-create.html",
        "https://docs.aws.amazon.com/apigateway/latest/api/API_GetDomainNameAccessAssociations.html",
    ],
    needs: &[api(Source::DomainNames), endpoint(Source::VpcEndpoints), endpoint(Source::DomainNameAccessAssociations)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`).
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "tls-name-mismatch",
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 60 or 51), an SDK",
        patterns: shared::TLS_NAME_MISMATCH,
        meaning: "An endpoint without an access association to the domain does not serve the domain's certificate.",
        ..Symptom::BASE
    },
    Symptom {
        id: "forbidden",
        likelihood: Likelihood::Remote,
        seen_in: "curl against the domain (HTTP 403)",
        patterns: shared::FORBIDDEN,
        meaning: "Through a custom domain name, an endpoint with no access association to the domain is refused.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-an-access-association",
        seen_in: "API Gateway CreateDomainNameAccessAssociation, the console",
        patterns: &[&["access association"], &["domainnameaccessassociation*"]],
        meaning: "The text is about a domain name access association: the endpoint must be associated with the domain, by the endpoint's account.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let (d, _) = match super::common::private_domain_or_skip(id, p) {
        Ok(found) => found,
        Err(skip) => return skip,
    };
    let ep = match super::common::endpoint_or_skip(id, p, false) {
        Ok(ep) => ep,
        Err(skip) => return skip,
    };
    let Some(domain_arn) = d.arn(p.partition()) else {
        return vec![Finding::unknown(
            id,
            format!(
                "the snapshot has neither the ARN of {} nor its account",
                d.name
            ),
        )
        .resource(d.name.clone())
        .needs(Source::DomainNames.iam_action())];
    };
    let resources = vec![ep.id().to_string(), domain_arn.clone()];
    let ep_scope = ep.ix.scope;
    if ep_scope.region != d.ix.scope.region {
        return vec![Finding::fail(id, format!("{} is in {}, the domain {} in {}: a private custom domain name can be associated only with endpoints of its own region", ep.id(), ep_scope.region, d.name, d.ix.scope.region))
            .resources(resources)
            .fix(format!("aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name com.amazonaws.{}.execute-api --vpc-id VPC_OF_THAT_REGION --subnet-ids SUBNETS --security-group-ids GROUP", d.ix.scope.region))];
    }
    let matches = |a: &crate::snapshot::DomainNameAccessAssociation| {
        a.domain_name_arn == domain_arn && a.access_association_source == ep.id()
    };
    let found = p.scopes().into_iter().find_map(|ix| {
        ix.domain_records
            .associations_of(ep.id())
            .iter()
            .copied()
            .find(|a| matches(a))
    });
    if let Some(a) = found {
        let arn = if a.domain_name_access_association_arn.is_empty() {
            String::new()
        } else {
            format!(" ({})", a.domain_name_access_association_arn)
        };
        return vec![Finding::pass(
            id,
            format!("{} is associated with {domain_arn}{arn}", ep.id()),
        )
        .resources(resources)];
    }
    let owner = ep_scope.account.as_deref().unwrap_or("that owns it");
    let domain_account = d.ix.scope.account.as_deref();
    let share = if ep_scope.account.as_deref() != domain_account && domain_account.is_some() {
        format!("; the domain belongs to account {}, which must first share it with {owner} (AWS RAM, or its managementPolicy allowing apigateway:CreateAccessAssociation)", domain_account.unwrap_or_default())
    } else {
        String::new()
    };
    vec![Finding::fail(id, format!("{} is not associated with {}: the endpoint does not route the domain's requests, and the call is refused. Account {owner}, which owns {}, must create the association{share}", ep.id(), d.name, ep.id()))
        .resources(resources)
        .fix(format!("aws apigateway create-domain-name-access-association --access-association-source {} --access-association-source-type VPCE --domain-name-arn {domain_arn}", ep.id()))]
}
