//! `execute-api-endpoint`: an available interface endpoint for execute-api, with
//! subnets, is tied to the API.

use crate::check::{api, endpoint, CheckMeta, Hop, Severity};
use crate::finding::Finding;
use crate::path::{execute_api_service, EndpointLink, ResolvedPath};
use crate::snapshot::Source;
use crate::symptom::{shared, Evidence, Likelihood, Symptom};

pub static META: CheckMeta = CheckMeta {
    id: "execute-api-endpoint",
    title: "An execute-api interface endpoint serves the API",
    hop: Hop::Endpoint,
    severity: Severity::High,
    what: "Collects the VPC endpoints tied to the API (listed in `endpointConfiguration.vpcEndpointIds`, named by an `aws:SourceVpce` condition of its resource policy, or in a VPC named by `aws:SourceVpc`) and checks that the one the client will use is an interface endpoint for `com.amazonaws.REGION.execute-api`, in state `available`, with at least one subnet.",
    why: "A PRIVATE REST API is reachable only through an execute-api interface endpoint. An endpoint that is missing, deleted, pending, for another service or without subnets has no network interface to send the request to.",
    fix: "Create the endpoint in the service VPC (`aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name com.amazonaws.REGION.execute-api …`) and associate it with the API (`aws apigateway update-rest-api … op=add,path=/endpointConfiguration/vpcEndpointIds,value=VPCE`).",
    links: &[
        "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-private-apis.html",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html",
    ],
    needs: &[endpoint(Source::VpcEndpoints), api(Source::RestApis)],
    symptoms: SYMPTOMS,
};
/// What this check explains (`privpath explain`): the execute-api interface
/// endpoint's existence, state, subnets and private DNS, and the errors of creating it.
const SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "private-dns-conflict",
        seen_in: "EC2 CreateVpcEndpoint (CLI, Terraform, CloudFormation)",
        patterns: shared::PRIVATE_DNS_CONFLICT,
        meaning: "An interface endpoint for the same service with private DNS (or a private hosted zone for its name) already exists in the VPC: reuse it, or create this one without private DNS.",
        ..Symptom::BASE
    },
    Symptom {
        id: "availability-zone-not-supported",
        evidence: Evidence::Code,
        seen_in: "EC2 CreateVpcEndpoint",
        patterns: &[&["does not support the availability zone of the subnet"]],
        meaning: "A subnet given to the endpoint is in an Availability Zone where the service offers no endpoint: choose subnets in supported zones.",
        ..Symptom::BASE
    },
    Symptom {
        id: "not-an-interface-endpoint",
        evidence: Evidence::Code,
        seen_in: "EC2 CreateVpcEndpoint (Terraform defaults to a Gateway endpoint)",
        patterns: &[&["only supported for interface"]],
        meaning: "The endpoint was created as a Gateway endpoint, which takes no subnets: execute-api needs an Interface endpoint.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-not-found",
        evidence: Evidence::Code,
        seen_in: "EC2, API Gateway (endpointConfiguration.vpcEndpointIds)",
        patterns: &[&["invalidvpcendpointid*"], &["<vpce>", "does not exist"]],
        meaning: "The endpoint named does not exist in this account and region.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-state",
        evidence: Evidence::State,
        seen_in: "describe-vpc-endpoints, the VPC console",
        patterns: &[
            &["<vpce>", "pendingacceptance"],
            &["<vpce>", "rejected"],
            &["<vpce>", "\"state\":\"failed\""],
            &["<vpce>", "\"state\":\"pending\""],
            &["<vpce>", "\"state\":\"deleted\""],
            &["<vpce>", "\"state\":\"deleting\""],
        ],
        meaning: "The endpoint is not available: it serves no requests until it is.",
        ..Symptom::BASE
    },
    Symptom {
        id: "dns-attributes",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "EC2 CreateVpcEndpoint / ModifyVpcEndpoint",
        patterns: shared::DNS_ATTRIBUTES,
        meaning: "The endpoint cannot have private DNS in a VPC without DNS support and DNS hostnames.",
        ..Symptom::BASE
    },
    Symptom {
        id: "conflicting-domain",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "Route 53 CreateHostedZone, EC2 CreateVpcEndpoint",
        patterns: shared::CONFLICTING_DOMAIN,
        meaning: "The endpoint's private DNS and a private hosted zone claim the same name in the VPC.",
        ..Symptom::BASE
    },
    Symptom {
        id: "could-not-resolve",
        evidence: Evidence::Code,
        likelihood: Likelihood::Possible,
        seen_in: "curl (exit 6) or an SDK on the client",
        patterns: shared::COULD_NOT_RESOLVE,
        meaning: "No endpoint answers for the name: none exists, or it is not available.",
        ..Symptom::BASE
    },
    Symptom {
        id: "endpoint-url",
        likelihood: Likelihood::Possible,
        seen_in: "an AWS SDK or the CLI on the client",
        patterns: &[
            &["could not connect to the endpoint url"],
            &["connect timeout on endpoint url"],
        ],
        unless: &["ssm*", "ec2messages*"],
        meaning: "The SDK could not connect to the service's endpoint: no interface endpoint for it, or one the client cannot reach.",
        ..Symptom::BASE
    },
    Symptom {
        id: "client-timeout",
        likelihood: Likelihood::Remote,
        seen_in: "curl (exit 28) or an SDK on the client",
        patterns: shared::CLIENT_TIMEOUT,
        unless: shared::NOT_THE_CLIENTS_TIMEOUT,
        meaning: "The name resolved but nothing answers: the endpoint may have no subnets where the name points, or not be available.",
        ..Symptom::BASE
    },
    Symptom {
        id: "public-api-through-private-dns",
        likelihood: Likelihood::Possible,
        seen_in: "a client in a VPC calling a public API",
        patterns: shared::PUBLIC_API_FORBIDDEN,
        meaning: "The VPC's execute-api endpoint has private DNS on and captures public APIs' names.",
        ..Symptom::BASE
    },
    Symptom {
        id: "names-an-endpoint",
        evidence: Evidence::Hint,
        seen_in: "any text naming an interface endpoint",
        patterns: &[&["<vpce>"], &["vpc endpoint"], &["interface endpoint"], &[".execute-api."]],
        meaning: "The text names an interface endpoint or the execute-api service; this check finds the endpoint tied to the API and reads its state.",
        ..Symptom::BASE
    },
];

pub fn run(p: &ResolvedPath<'_>) -> Vec<Finding> {
    let id = META.id;
    let api = &p.api.id;
    let service = execute_api_service(p.region);
    let associate = |vpce: &str| {
        format!("aws apigateway update-rest-api --rest-api-id {api} --patch-operations op=add,path=/endpointConfiguration/vpcEndpointIds,value={vpce}")
    };
    if p.endpoint_refs.is_empty() {
        let vpc = p.client.vpc_id.unwrap_or("VPC_ID");
        return vec![Finding::fail(id, format!("no execute-api interface endpoint exists for API {api}: none is associated with it, named by its resource policy, or present in the snapshot"))
            .resource(api)
            .fix(format!(
                "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name {service} --vpc-id {vpc} --subnet-ids SUBNET_IDS --security-group-ids SG_ID\n{}",
                associate("VPCE_ID_FROM_ABOVE")
            ))];
    }
    let missing: Vec<&str> = p
        .endpoint_refs
        .iter()
        .filter(|r| r.record.is_none())
        .map(|r| r.id.as_str())
        .collect();
    let Some(ep) = &p.endpoint else {
        if missing.len() == p.endpoint_refs.len() {
            return vec![Finding::fail(
                id,
                format!("API {api} is tied to {}, which does not exist in {} (deleted, or owned by another account)", missing.join(", "), p.region),
            )
            .resource(api)
            .resources(missing.iter().map(|s| s.to_string()))
            .fix(format!(
                "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name {service} --vpc-id VPC_ID --subnet-ids SUBNET_IDS --security-group-ids SG_ID\n{}\n\
                 aws apigateway update-rest-api --rest-api-id {api} --patch-operations op=remove,path=/endpointConfiguration/vpcEndpointIds,value={}",
                associate("VPCE_ID_FROM_ABOVE"),
                missing[0]
            ))];
        }
        let seen: Vec<String> = p
            .endpoint_refs
            .iter()
            .map(|r| match r.record {
                Some((_, e)) => format!(
                    "{} ({}, {})",
                    r.id,
                    e.service_name,
                    e.vpc_endpoint_type.as_deref().unwrap_or("type unknown")
                ),
                None => format!("{} (not in this account and region)", r.id),
            })
            .collect();
        return vec![Finding::fail(id, format!("API {api} is tied to {}, none of them an interface endpoint for {service}", seen.join(", ")))
            .resource(api)
            .resources(p.endpoint_refs.iter().map(|r| r.id.clone()))
            .fix(format!(
                "aws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name {service} --vpc-id VPC_ID --subnet-ids SUBNET_IDS --security-group-ids SG_ID\n{}",
                associate("VPCE_ID_FROM_ABOVE")
            ))];
    };
    let vpce = ep.id();
    let links: Vec<&str> = p
        .endpoint_refs
        .iter()
        .find(|r| r.id == vpce)
        .map(|r| r.links.iter().map(|l| l.describe()).collect())
        .unwrap_or_default();
    let base = Finding::fail(id, "").resources([vpce, ep.vpc_id(), api.as_str()]);
    if !ep.endpoint.is_available() {
        let state = ep.endpoint.state_str();
        return vec![Finding {
            message: format!("{vpce} ({service}) is {state}, not available"),
            ..base
        }
        .fix(format!(
            "aws ec2 describe-vpc-endpoints --vpc-endpoint-ids {vpce} --query 'VpcEndpoints[0].[State,LastError]'\n\
             if it is failed or deleted, create a new one:\naws ec2 create-vpc-endpoint --vpc-endpoint-type Interface --service-name {service} --vpc-id {} --subnet-ids SUBNET_IDS --security-group-ids SG_ID",
            ep.vpc_id()
        ))];
    }
    if ep.subnets.is_empty() {
        let candidate = ep
            .ix
            .subnets
            .values()
            .filter(|s| s.vpc_id == ep.vpc_id())
            .map(|s| s.subnet_id.as_str())
            .min()
            .unwrap_or("SUBNET_ID");
        return vec![Finding {
            message: format!("{vpce} is available but has no subnets, so it has no network interface to receive requests"),
            ..base
        }
        .fix(format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {vpce} --add-subnet-ids {candidate}"))];
    }
    let subnets: Vec<&str> = ep.subnets.iter().map(|s| s.id).collect();
    let mut message = format!(
        "{vpce} ({service}) is available in {} with subnets {}; {}",
        ep.vpc_id(),
        subnets.join(", "),
        links.join(", ")
    );
    if !missing.is_empty() {
        message.push_str(&format!(
            "; also tied to {} (not in this account and region)",
            missing.join(", ")
        ));
    }
    let unlinked = links.len() == 1 && links[0] == EndpointLink::Unlinked.describe();
    if unlinked {
        return vec![Finding::warn(id, message)
            .resources([vpce, ep.vpc_id(), api.as_str()])
            .fix(associate(vpce))];
    }
    vec![Finding::pass(id, message).resources([vpce, ep.vpc_id(), api.as_str()])]
}
