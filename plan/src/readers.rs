//! Which checks read which values: a value the plan leaves unknown makes exactly these
//! checks `unknown` on a path through its record (and no others), so an unknown ARN
//! that no check reads costs nothing.

/// Route tables: targets, destinations, states.
pub const ROUTES: &[&str] = &[
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "lambda-vpc-to-rds",
    "ssm-endpoints",
];

/// Security group rules.
pub const GROUPS: &[&str] = &[
    "sg-client-egress",
    "sg-endpoint-ingress",
    "ssm-endpoints",
    "lambda-vpc-to-rds",
];

pub const ACLS: &[&str] = &["nacl-path", "lambda-vpc-to-rds"];

/// A subnet's CIDR or VPC.
pub const SUBNETS: &[&str] = &[
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "sg-client-egress",
    "sg-endpoint-ingress",
    "nacl-path",
    "ssm-endpoints",
    "lambda-vpc-to-rds",
    "execute-api-endpoint",
];

/// A VPC's CIDRs and DNS attributes.
pub const VPCS: &[&str] = &[
    "peering-active",
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "dns-resolution",
    "domain-dns",
];

pub const PEERING: &[&str] = &[
    "peering-active",
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "sg-endpoint-ingress",
];

/// An endpoint's VPC, subnets, groups and state.
pub const ENDPOINT: &[&str] = &[
    "execute-api-endpoint",
    "sg-endpoint-ingress",
    "sg-client-egress",
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "nacl-path",
    "dns-resolution",
    "api-private-endpoint",
    "ssm-endpoints",
];

/// An endpoint's DNS names (the alias of a custom domain's record leads to them).
pub const ENDPOINT_DNS: &[&str] = &["domain-dns"];

/// The client instance's address.
pub const INSTANCE_IP: &[&str] = &[
    "sg-endpoint-ingress",
    "api-policy-allows-endpoint",
    "nacl-path",
    "ssm-endpoints",
    "domain-policy-allows-endpoint",
];

/// The client instance's subnet, VPC and groups.
pub const INSTANCE_NETWORK: &[&str] = &[
    "sg-client-egress",
    "route-client-to-endpoint",
    "route-endpoint-to-client",
    "peering-active",
    "nacl-path",
    "dns-resolution",
    "ssm-endpoints",
    "sg-endpoint-ingress",
];

/// The instance profile and its role.
pub const INSTANCE_ROLE: &[&str] = &["ssm-instance-role"];

/// What Systems Manager will know of a new instance.
pub const SSM_REGISTRATION: &[&str] = &["ssm-agent-version"];

pub const API_POLICY: &[&str] = &["api-resource-policy", "api-policy-allows-endpoint"];

/// A REST API's security policy and endpoint access mode.
pub const API_ACCESS_MODE: &[&str] = &["api-access-mode"];

pub const API_ENDPOINT_CONFIG: &[&str] = &[
    "api-private-endpoint",
    "execute-api-endpoint",
    "dns-resolution",
    "api-resource-policy",
    "api-policy-allows-endpoint",
];

/// A deployment and its stage (whose variables may name a VPC link).
pub const DEPLOYMENT: &[&str] = &["api-deployed", "backend-vpc-link"];

/// A method and its integration (the integration names the function behind it).
pub const METHOD: &[&str] = &[
    "api-deployed",
    "api-key-usage-plan",
    "lambda-invoke-permission",
    "lambda-vpc-role",
    "lambda-vpc-to-rds",
    "lambda-runtime-supported",
    "lambda-timeout-fits",
    "backend-vpc-link",
];

pub const USAGE: &[&str] = &["api-key-usage-plan"];

pub const LAMBDA_PERMISSION: &[&str] = &["lambda-invoke-permission"];

pub const FUNCTION: &[&str] = &[
    "lambda-vpc-role",
    "lambda-vpc-to-rds",
    "lambda-runtime-supported",
    "lambda-invoke-permission",
    "lambda-timeout-fits",
];

pub const ROLE: &[&str] = &["lambda-vpc-role", "ssm-instance-role"];

pub const DATABASE: &[&str] = &["lambda-vpc-to-rds"];

pub const DOMAIN: &[&str] = &[
    "domain-private",
    "domain-access-association",
    "domain-policy-allows-endpoint",
    "domain-base-path",
    "domain-dns",
];

/// A transit gateway's attachments, associations and routes.
pub const TRANSIT: &[&str] = &["tgw-path"];
