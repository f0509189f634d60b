//! Texts that several checks explain. Each check that declares one of these writes its
//! own [`super::Symptom`] around the pattern — its own meaning and likelihood — so the
//! patterns are written once and the checks stay the place where knowledge lives.
//! Every fragment is in normalised form (see `normalise.rs`).

/// API Gateway's 403 body or status line. The body alone is `ForbiddenException`: AWS
/// documents it for an API key that is missing, wrong or not in a usage plan of the
/// stage, and a private API answers it to a request that does not name an API the
/// endpoint serves; a resource policy's refusal reads "User: anonymous is not
/// authorized…" ([`ANONYMOUS_DENIED`]) instead.
pub const FORBIDDEN: &[&[&str]] = &[
    &["\"message\":\"forbidden\""],
    &["403 forbidden"],
    &["forbidden"],
    &["http/1.1 403"],
    &["http/2 403"],
    &["status code: 403"],
    &["status: 403"],
];

/// A 403 from a public (REGIONAL or EDGE) API called from a VPC whose execute-api
/// endpoint has private DNS on.
pub const PUBLIC_API_FORBIDDEN: &[&[&str]] = &[
    &["forbidden", "public api"],
    &["forbidden", "regional api"],
    &["forbidden", "edge-optimized"],
    &["forbidden", "edge api"],
    &["403", "public api"],
];

/// The resource policy's refusal, `AccessDeniedException`. Misspellings of
/// "anonymous" occur in pasted texts, so the pattern does not need the word.
pub const ANONYMOUS_DENIED: &[&[&str]] = &[
    &["not authorized to perform", "execute-api:invoke"],
    &["accessdeniedexception", "execute-api*"],
    &["anonymous is not authorized"],
];

/// API Gateway found no such method on the deployed stage.
pub const MISSING_AUTHENTICATION_TOKEN: &[&[&str]] = &[
    &["missing authentication token"],
    &["missingauthenticationtokenexception"],
];

/// The integration failed; the client sees only this.
pub const INTERNAL_SERVER_ERROR: &[&[&str]] = &[
    &["internal server error"],
    &["internalservererrorexception"],
    &["http/1.1 500"],
    &["http/2 500"],
    &["http/1.1 502"],
    &["http/2 502"],
];

/// The integration did not answer within API Gateway's timeout (29 s by default).
pub const ENDPOINT_REQUEST_TIMED_OUT: &[&[&str]] = &[
    &["endpoint request timed out"],
    &["execution failed due to a timeout error"],
    &["integration_timeout"],
];

/// The function ran out of its own timeout.
pub const LAMBDA_TASK_TIMED_OUT: &[&[&str]] = &[
    &["task timed out"],
    &["status: timeout"],
    &["sandbox.timedout"],
];

/// A client's request to the execute-api endpoint that times out: packets dropped on
/// the way there or back. Texts about the database, Systems Manager or Lambda's own
/// API are other hops' ([`NOT_THE_CLIENTS_TIMEOUT`]).
pub const CLIENT_TIMEOUT: &[&[&str]] = &[
    &["curl: (28)"],
    &["failed to connect", "port 443"],
    &["timed out", ".execute-api."],
    &["timed out", "<vpce>"],
    &["timeout", ".execute-api."],
    &["etimedout", ":443"],
    &["i/o timeout", ":443"],
    &["timed out", ":443"],
    &["connect timeout on endpoint url", "execute-api*"],
];

/// Any timeout at all: a last resort for the network checks.
pub const ANY_TIMEOUT: &[&[&str]] = &[
    &["connection timed out"],
    &["operation timed out"],
    &["etimedout"],
    &["i/o timeout"],
    &["connect timeout"],
    &["timed out"],
];

/// Words that put a timeout on another hop than the client's request to the endpoint.
pub const NOT_THE_CLIENTS_TIMEOUT: &[&str] = &[
    ":3306",
    ":5432",
    ":1433",
    ":1521",
    "port 3306",
    "port 5432",
    "mysql",
    "postgres*",
    "rds.amazonaws.com",
    "jdbc",
    "npgsql",
    "psycopg*",
    "knex*",
    "ssm.",
    "ssmmessages*",
    "ec2messages*",
    "ssm agent",
    "amazon-ssm-agent",
    "lambda.",
    "task timed out",
    "endpoint request timed out",
];

/// The resolver had no answer for a name.
pub const COULD_NOT_RESOLVE: &[&[&str]] = &[
    &["could not resolve host"],
    &["curl: (6)"],
    &["nxdomain"],
    &["no such host"],
    &["name or service not known"],
    &["getaddrinfo enotfound"],
    &["temporary failure in name resolution"],
    &["server can't find"],
    &["unknownhostexception"],
    &["name does not resolve"],
    &["nodename nor servname provided"],
];

/// The name the client called is not on the certificate the server presented.
pub const TLS_NAME_MISMATCH: &[&[&str]] = &[
    &["no alternative certificate subject name"],
    &["certificate subject name", "does not match target host"],
    &["curl: (60)"],
    &["curl: (51)"],
    &["hostname mismatch"],
    &["does not match any of the subject alternative names"],
    &["doesn't match any of the subject alternative names"],
    &["certificate_verify_failed", "hostname"],
];

/// An interface endpoint with private DNS cannot be created where the name is taken.
pub const PRIVATE_DNS_CONFLICT: &[&[&str]] = &[
    &["private-dns-enabled cannot be set"],
    &["conflicting dns domain"],
];

/// A Route 53 private hosted zone and an endpoint's private DNS claim the same name.
pub const CONFLICTING_DOMAIN: &[&[&str]] = &[
    &["conflictingdomainexists"],
    &[
        "already been associated with the hosted zone",
        "same domain name",
    ],
];

/// Private DNS on an interface endpoint needs both DNS attributes of its VPC.
pub const DNS_ATTRIBUTES: &[&[&str]] = &[
    &["enabling private dns requires", "enablednssupport"],
    &["enabling private dns requires", "enablednshostnames"],
];

/// Session Manager has no live agent connection from the instance.
pub const TARGET_NOT_CONNECTED: &[&[&str]] = &[
    &["targetnotconnected"],
    &["target not connected"],
    &["<instance> is not connected"],
];

/// Systems Manager stopped hearing from the agent.
pub const CONNECTION_LOST: &[&[&str]] = &[&["connectionlost"], &["ping status", "connection lost"]];

/// The agent could not register with Systems Manager.
pub const AGENT_NOT_ONLINE: &[&[&str]] = &[
    &["ssm agent is not online"],
    &["unable to connect to a systems manager endpoint"],
];

/// The agent gave up and sleeps, retrying rarely: it had no credentials or no way to
/// Systems Manager.
pub const AGENT_HIBERNATES: &[&[&str]] = &[
    &["entering ssm agent hibernate"],
    &["unable to acquire credentials"],
    &["health ping failed"],
];

/// A route names a target that does not exist where the route is created.
pub const ROUTE_TABLE_NOT_FOUND: &[&[&str]] = &[&["invalidroutetableid.notfound"]];

/// A route whose target is gone or not usable.
pub const BLACKHOLE: &[&[&str]] = &[&["blackhole"], &["bad_state_route"]];

/// The function's subnets have no free address for its network interfaces.
pub const SUBNET_OUT_OF_ADDRESSES: &[&[&str]] = &[
    &["subnetipaddresslimitreachedexception"],
    &["out of ip addresses"],
    &["no available ip addresses"],
    &["insufficientfreeaddressesinsubnet"],
];

/// Reachability Analyzer: a security group on the path does not admit the traffic.
pub const RA_SECURITY_GROUP: &[&[&str]] = &[&["eni_sg_rules_mismatch"]];

/// A VPC flow log record of a rejected packet to or from port 443.
pub const FLOW_LOG_REJECT_443: &[&[&str]] = &[&["<eni>", "443", "reject"]];
