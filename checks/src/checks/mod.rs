//! One module per check; [`REGISTRY`] lists them in path order. Adding a check means one
//! module here, one line in the registry, one broken fixture under `fixtures/broken/`.

use crate::check::Check;

pub mod api_access_mode;
pub mod api_deployed;
pub mod api_key_usage_plan;
pub mod api_policy_allows_endpoint;
pub mod api_private_endpoint;
pub mod api_resource_policy;
pub mod backend_vpc_link;
pub mod common;
pub mod dns_resolution;
pub mod domain_access_association;
pub mod domain_base_path;
pub mod domain_dns;
pub mod domain_policy_allows_endpoint;
pub mod domain_private;
pub mod execute_api_endpoint;
pub mod lambda_invoke_permission;
pub mod lambda_runtime_supported;
pub mod lambda_timeout_fits;
pub mod lambda_vpc_role;
pub mod lambda_vpc_to_rds;
pub mod nacl_path;
pub mod peering_active;
pub mod route_client_to_endpoint;
pub mod route_endpoint_to_client;
pub mod sg_client_egress;
pub mod sg_endpoint_ingress;
pub mod ssm_agent_version;
pub mod ssm_endpoints;
pub mod ssm_instance_role;
pub mod tgw_path;

/// Every check, in the order of the hops a request crosses.
pub static REGISTRY: &[Check] = &[
    Check {
        meta: &ssm_agent_version::META,
        run: ssm_agent_version::run,
    },
    Check {
        meta: &ssm_instance_role::META,
        run: ssm_instance_role::run,
    },
    Check {
        meta: &ssm_endpoints::META,
        run: ssm_endpoints::run,
    },
    Check {
        meta: &dns_resolution::META,
        run: dns_resolution::run,
    },
    Check {
        meta: &domain_dns::META,
        run: domain_dns::run,
    },
    Check {
        meta: &sg_client_egress::META,
        run: sg_client_egress::run,
    },
    Check {
        meta: &route_client_to_endpoint::META,
        run: route_client_to_endpoint::run,
    },
    Check {
        meta: &peering_active::META,
        run: peering_active::run,
    },
    Check {
        meta: &tgw_path::META,
        run: tgw_path::run,
    },
    Check {
        meta: &execute_api_endpoint::META,
        run: execute_api_endpoint::run,
    },
    Check {
        meta: &sg_endpoint_ingress::META,
        run: sg_endpoint_ingress::run,
    },
    Check {
        meta: &route_endpoint_to_client::META,
        run: route_endpoint_to_client::run,
    },
    Check {
        meta: &nacl_path::META,
        run: nacl_path::run,
    },
    Check {
        meta: &domain_private::META,
        run: domain_private::run,
    },
    Check {
        meta: &domain_access_association::META,
        run: domain_access_association::run,
    },
    Check {
        meta: &domain_policy_allows_endpoint::META,
        run: domain_policy_allows_endpoint::run,
    },
    Check {
        meta: &domain_base_path::META,
        run: domain_base_path::run,
    },
    Check {
        meta: &api_private_endpoint::META,
        run: api_private_endpoint::run,
    },
    Check {
        meta: &api_access_mode::META,
        run: api_access_mode::run,
    },
    Check {
        meta: &api_resource_policy::META,
        run: api_resource_policy::run,
    },
    Check {
        meta: &api_policy_allows_endpoint::META,
        run: api_policy_allows_endpoint::run,
    },
    Check {
        meta: &api_deployed::META,
        run: api_deployed::run,
    },
    Check {
        meta: &api_key_usage_plan::META,
        run: api_key_usage_plan::run,
    },
    Check {
        meta: &lambda_invoke_permission::META,
        run: lambda_invoke_permission::run,
    },
    Check {
        meta: &backend_vpc_link::META,
        run: backend_vpc_link::run,
    },
    Check {
        meta: &lambda_vpc_role::META,
        run: lambda_vpc_role::run,
    },
    Check {
        meta: &lambda_vpc_to_rds::META,
        run: lambda_vpc_to_rds::run,
    },
    Check {
        meta: &lambda_runtime_supported::META,
        run: lambda_runtime_supported::run,
    },
    Check {
        meta: &lambda_timeout_fits::META,
        run: lambda_timeout_fits::run,
    },
];

/// The checks of a private custom domain name: they read their data only when the
/// client calls a domain, and skip otherwise (the engine does not ask for data a path
/// without a domain never needs).
pub const DOMAIN_CHECKS: [&str; 5] = [
    "domain-dns",
    "domain-private",
    "domain-access-association",
    "domain-policy-allows-endpoint",
    "domain-base-path",
];

/// The checks of a transit gateway hop: they read their data only on a path that
/// crosses a TGW, and skip otherwise (a peering path reads no TGW data).
pub const TRANSIT_CHECKS: [&str; 1] = ["tgw-path"];

/// The checks of a private integration (a VPC link to a load balancer): they read their
/// data only when the method's integration goes through a VPC link, and skip otherwise.
pub const VPC_LINK_CHECKS: [&str; 1] = ["backend-vpc-link"];

/// The checks of a Lambda backend: on a private integration they need none of their
/// data, and skip saying the backend is a load balancer.
pub const LAMBDA_CHECKS: [&str; 5] = [
    "lambda-invoke-permission",
    "lambda-vpc-role",
    "lambda-vpc-to-rds",
    "lambda-runtime-supported",
    "lambda-timeout-fits",
];
