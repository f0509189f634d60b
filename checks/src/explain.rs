//! The troubleshooting desk's knowledge: error texts engineers meet on this path, what
//! each means, and which checks tell why. `privpath explain` renders it; every check id
//! named here is a real one (a test holds that).

/// One error an engineer pastes in.
#[derive(Debug)]
pub struct Symptom {
    /// Stable kebab-case name.
    pub id: &'static str,
    /// Where the text comes from, e.g. "API Gateway CreateDeployment".
    pub seen_in: &'static str,
    /// Alternatives; each is a set of fragments that must all appear (compared
    /// case-insensitively, with whitespace collapsed and typographic quotes made plain).
    pub patterns: &'static [&'static [&'static str]],
    /// What the text means on this architecture.
    pub meaning: &'static str,
    /// The checks that explain it, most likely cause first.
    pub checks: &'static [&'static str],
    /// What to do once the checks have named the hop.
    pub next: &'static str,
    /// Generic symptoms this one implies and hides when both match (the anonymous-denied
    /// body also says Forbidden; a Lambda timeout also says "timed out after").
    pub hides: &'static [&'static str],
}

pub static SYMPTOMS: &[Symptom] = &[
    Symptom {
        id: "no-resource-policy",
        seen_in: "API Gateway CreateDeployment / CreateStage (BadRequestException)",
        patterns: &[
            &["doesn't have a resource policy"],
            &["does not have a resource policy"],
            &["resource policy attached"],
        ],
        meaning: "A PRIVATE REST API cannot be deployed until it has a resource policy: without \
                  one nobody may invoke it, so API Gateway refuses the deployment.",
        checks: &["api-resource-policy", "api-policy-allows-endpoint", "api-private-endpoint"],
        next: "Attach a policy that allows execute-api:Invoke from the client's execute-api endpoint \
               (condition aws:SourceVpce), then create the deployment again. With Terraform, the \
               policy may exist and the deployment still have been created first: check the plan \
               with `privpath check --plan tfplan.json` (plan-deployment-after-policy).",
        hides: &[],
    },
    Symptom {
        id: "anonymous-not-authorized",
        seen_in: "the API's 403 response body",
        patterns: &[&["not authorized to perform", "execute-api:invoke"]],
        meaning: "API Gateway reached the API and its resource policy denied the call: no Allow \
                  matched this endpoint, or a Deny did.",
        checks: &["api-policy-allows-endpoint", "api-resource-policy", "api-deployed"],
        next: "Fix the statement the check names (aws:SourceVpce is the endpoint id, aws:SourceVpc \
               the endpoint's VPC, never the client's), then redeploy: policy changes take effect \
               only after a new deployment.",
        hides: &["forbidden"],
    },
    Symptom {
        id: "forbidden",
        seen_in: "curl against the API (HTTP 403)",
        patterns: &[&["\"message\":\"forbidden\""], &["forbidden"], &["http/1.1 403"], &["http/2 403"]],
        meaning: "The request reached API Gateway, so the network path works. A private API \
                  answers 403 Forbidden when the resource policy does not allow this endpoint, \
                  when the request does not name the API (the endpoint's DNS name without an \
                  x-apigw-api-id header, or private DNS resolving a non-private API to the \
                  endpoint), when the method needs an API key that is missing or not in a usage \
                  plan for the stage, or when the policy changed without a redeployment. Through \
                  a private custom domain name also when the domain's own policy denies the \
                  endpoint, the endpoint has no access association with the domain, or no base \
                  path mapping covers the URL.",
        checks: &[
            "api-policy-allows-endpoint",
            "dns-resolution",
            "api-key-usage-plan",
            "api-private-endpoint",
            "api-resource-policy",
            "api-deployed",
            "domain-policy-allows-endpoint",
            "domain-access-association",
            "domain-base-path",
        ],
        next: "Send the request exactly as privpath's \"Call it from …\" line shows (URL, Host or \
               x-apigw-api-id, x-api-key); if the checks pass and it still fails, redeploy the stage.",
        hides: &[],
    },
    Symptom {
        id: "missing-authentication-token",
        seen_in: "curl against the API (HTTP 403)",
        patterns: &[&["missing authentication token"]],
        meaning: "API Gateway has no such method on the deployed stage: a wrong stage or path, \
                  a method added after the last deployment, or a URL that does not name the API.",
        checks: &["api-deployed", "dns-resolution"],
        next: "Compare the URL with the stage and resource the check names; redeploy when the \
               method was added after the stage's deployment.",
        hides: &["forbidden"],
    },
    Symptom {
        id: "lambda-permission",
        seen_in: "API Gateway execution log (client sees HTTP 500 Internal server error)",
        patterns: &[&["invalid permissions on lambda function"]],
        meaning: "API Gateway may not invoke the integration's function: its resource-based policy \
                  has no statement for apigateway.amazonaws.com with this API's execution ARN.",
        checks: &["lambda-invoke-permission"],
        next: "Run the `aws lambda add-permission` command the check prints; no redeployment needed.",
        hides: &["internal-server-error"],
    },
    Symptom {
        id: "endpoint-request-timeout",
        seen_in: "the API's 504 response body",
        patterns: &[&["endpoint request timed out"]],
        meaning: "The integration did not answer within API Gateway's timeout (29 s by default). \
                  On this path that is usually the Lambda function waiting on RDS: its security \
                  groups, subnets or routes do not reach the database.",
        checks: &["lambda-vpc-to-rds", "lambda-vpc-role"],
        next: "Open the database's security group to the function's security group on the DB port \
               as the check shows; a function in a VPC also needs its role's ENI permissions.",
        hides: &[],
    },
    Symptom {
        id: "internal-server-error",
        seen_in: "the API's 500/502 response body",
        patterns: &[&["internal server error"]],
        meaning: "API Gateway reached the API but the integration failed: it could not invoke the \
                  function, or the function failed (often while reaching the database).",
        checks: &["lambda-invoke-permission", "lambda-vpc-role", "lambda-vpc-to-rds"],
        next: "Read the stage's execution log (CloudWatch) for the request id; \"Invalid \
               permissions on Lambda function\" there means lambda-invoke-permission.",
        hides: &[],
    },
    Symptom {
        id: "target-not-connected",
        seen_in: "aws ssm start-session",
        patterns: &[&["targetnotconnected"], &["target not connected"], &["is not connected"]],
        meaning: "Session Manager has no live agent connection from the instance: the agent is \
                  missing or too old, the instance role lacks AmazonSSMManagedInstanceCore (or \
                  equal grants), or a private subnet has no ssm, ssmmessages and ec2messages \
                  endpoints the agent can reach on 443.",
        checks: &["ssm-agent-version", "ssm-instance-role", "ssm-endpoints"],
        next: "Fix what the checks name, then wait a few minutes or restart the agent: it \
               registers again on its own.",
        hides: &[],
    },
    Symptom {
        id: "connect-timeout",
        seen_in: "curl on the client instance (exit 28)",
        patterns: &[
            &["curl: (28)"],
            &["connection timed out"],
            &["operation timed out"],
            &["timed out after"],
            &["failed to connect", "timed out"],
        ],
        meaning: "Packets to the endpoint are dropped silently: a security group, a route, the \
                  peering connection or a network ACL on the way there or back, or no endpoint \
                  in the subnets the name resolves to. (A refusal would be fast; a timeout is a drop.)",
        checks: &[
            "sg-client-egress",
            "route-client-to-endpoint",
            "peering-active",
            "sg-endpoint-ingress",
            "route-endpoint-to-client",
            "nacl-path",
            "execute-api-endpoint",
        ],
        next: "Fix the first failing hop in path order; every hop must pass both ways (the \
               return route and the ephemeral-port NACL rules too).",
        hides: &[],
    },
    Symptom {
        id: "could-not-resolve-host",
        seen_in: "curl on the client instance (exit 6)",
        patterns: &[
            &["could not resolve host"],
            &["curl: (6)"],
            &["name or service not known"],
            &["nxdomain"],
        ],
        meaning: "The client's resolver has no answer for the name: private DNS names of an \
                  execute-api endpoint resolve only inside the endpoint's VPC, so a peered client \
                  needs the {api-id}-{vpce-id} alias or the endpoint's DNS name; the client VPC \
                  also needs DNS support. A private custom domain name resolves only through a \
                  private hosted zone associated with the client's VPC that holds its record.",
        checks: &["dns-resolution", "execute-api-endpoint", "domain-dns"],
        next: "Use the URL from privpath's \"Call it from …\" line.",
        hides: &[],
    },
    Symptom {
        id: "tls-name-mismatch",
        seen_in: "curl on the client instance (exit 60 or 51)",
        patterns: &[
            &["no alternative certificate subject name"],
            &["ssl: certificate subject name"],
            &["curl: (60)"],
            &["curl: (51)"],
        ],
        meaning: "The URL's host is not a name on API Gateway's certificate: calling an endpoint \
                  IP address or a custom name. Call a DNS name the endpoint serves and name the \
                  API in the host or the x-apigw-api-id header; through a private custom domain \
                  name, its ACM certificate must cover the name (and be issued, not expired).",
        checks: &["dns-resolution", "domain-private"],
        next: "Use the URL from privpath's \"Call it from …\" line.",
        hides: &[],
    },
    Symptom {
        id: "lambda-task-timed-out",
        seen_in: "the function's CloudWatch log (REPORT … Status: timeout) or a test invoke",
        patterns: &[&["task timed out after"], &["status: timeout"]],
        meaning: "The Lambda function ran out of its own timeout, not the client's network: on \
                  this path it is almost always waiting on the database — the function's or the \
                  DB's security groups do not admit the port, its subnets do not route to the DB, \
                  or the DB is stopped — or on an AWS API it cannot reach from private subnets \
                  without a NAT gateway or endpoint. API Gateway then answers 502 or 504.",
        checks: &["lambda-vpc-to-rds", "lambda-vpc-role"],
        next: "Fix what lambda-vpc-to-rds names (the DB's group must admit the function's group \
               on the DB port); a timeout shorter than the driver's connect timeout hides the \
               driver's own error, so raise it while testing.",
        hides: &["connect-timeout"],
    },
    Symptom {
        id: "mysql-cannot-connect",
        seen_in: "the function's log: a MySQL or MariaDB driver",
        patterns: &[
            &["can't connect to mysql server"],
            &["cannot connect to mysql server"],
            &["lost connection to mysql server"],
            &["(2003,"],
            &["error 2003"],
            &["econnrefused", ":3306"],
            &["etimedout", ":3306"],
            &["connect etimedout", "3306"],
        ],
        meaning: "The function reached no MySQL listener: a timeout (errno 110, ETIMEDOUT) means a \
                  security group, route or network ACL drops the packets; a refusal (111, \
                  ECONNREFUSED) means the address answers but nothing listens on the port (wrong \
                  port, or the DB is stopped or rebooting).",
        checks: &["lambda-vpc-to-rds"],
        next: "Open the DB's security group to the function's group on 3306 (the check prints the \
               command) and confirm the DB is available.",
        hides: &["connect-timeout"],
    },
    Symptom {
        id: "postgres-cannot-connect",
        seen_in: "the function's log: a PostgreSQL driver (psycopg, node-postgres, JDBC)",
        patterns: &[
            &["could not connect to server"],
            &["connection to server at", "failed"],
            &["psycopg2.operationalerror"],
            &["psycopg.operationalerror"],
            &["econnrefused", ":5432"],
            &["etimedout", ":5432"],
            &["connection attempt failed", "postgresql"],
            &["org.postgresql.util.psqlexception", "connection"],
        ],
        meaning: "The function reached no PostgreSQL listener: \"Connection timed out\" means a \
                  security group, route or network ACL drops the packets; \"Connection refused\" \
                  means nothing listens on the port (wrong port, or the DB is stopped); \"timeout \
                  expired\" is the driver giving up on the same drop.",
        checks: &["lambda-vpc-to-rds"],
        next: "Open the DB's security group to the function's group on 5432 (the check prints the \
               command) and confirm the DB is available.",
        hides: &["connect-timeout"],
    },
    Symptom {
        id: "usage-plan-throttled",
        seen_in: "curl against the API (HTTP 429)",
        patterns: &[
            &["too many requests"],
            &["\"message\":\"limit exceeded\""],
            &["http/1.1 429"],
            &["http/2 429"],
            &["toomanyrequestsexception"],
        ],
        meaning: "API Gateway refused the call before the integration: the API key's usage plan \
                  throttles it (\"Too Many Requests\": the plan's or the method's rate or burst \
                  limit) or its quota for the period is used up (\"Limit Exceeded\"). The network \
                  path and the resource policy are fine.",
        checks: &["api-key-usage-plan"],
        next: "Read the plan's limits and the key's usage: `aws apigateway get-usage-plan \
               --usage-plan-id PLAN` and `aws apigateway get-usage --usage-plan-id PLAN --key-id KEY \
               --start-date … --end-date …`; raise the throttle or quota, or back off and retry.",
        hides: &[],
    },
    Symptom {
        id: "public-api-forbidden-through-private-dns",
        seen_in: "a client in a VPC calling a public (REGIONAL or EDGE) API (HTTP 403)",
        patterns: &[
            &["forbidden", "public api"],
            &["forbidden", "regional api"],
            &["forbidden", "edge-optimized"],
            &["forbidden", "edge api"],
            &["403", "public api"],
        ],
        meaning: "With private DNS on for an execute-api interface endpoint, every \
                  *.execute-api.REGION.amazonaws.com name in that VPC resolves to the endpoint, \
                  public APIs included: their calls reach the endpoint, which serves only private \
                  APIs, and get 403 Forbidden.",
        checks: &["dns-resolution", "execute-api-endpoint"],
        next: "Turn private DNS off on the endpoint and call private APIs through the \
               {api-id}-{vpce-id} alias, or call the public API from outside that VPC; `privpath \
               audit` lists every such endpoint (estate-private-dns-public-apis).",
        hides: &["forbidden"],
    },
    Symptom {
        id: "ssm-agent-cannot-reach-endpoints",
        seen_in: "the SSM Agent's log on the instance (/var/log/amazon/ssm/amazon-ssm-agent.log)",
        patterns: &[
            &["error when calling aws apis"],
            &["failed to get controlchannel token"],
            &["createcontrolchannel failed"],
            &["ssmmessages.", "i/o timeout"],
            &["ec2messages.", "i/o timeout"],
            &["ssm.", "amazonaws.com", "i/o timeout"],
            &["ssmmessages.", "dial tcp"],
            &["ec2messages.", "dial tcp"],
            &["unable to contact the ssm service"],
        ],
        meaning: "The agent runs but cannot reach Systems Manager: ssm (registration, health), \
                  ssmmessages (Session Manager's channels) or ec2messages (older agents' \
                  messages). In a private subnet that means no interface endpoint for the \
                  service, private DNS off on it, or its security group not admitting 443 from \
                  the instance — or no NAT route to the public endpoints; \"AccessDenied\" in \
                  the same lines is the instance role instead.",
        checks: &["ssm-endpoints", "ssm-instance-role", "ssm-agent-version"],
        next: "Create the missing endpoints (or open their security group to the instance on \
               443) as ssm-endpoints prints, then restart the agent: `sudo systemctl restart \
               amazon-ssm-agent`.",
        hides: &["connect-timeout"],
    },
];

/// Lower-cases, collapses whitespace and makes typographic quotes plain, so a pasted
/// message matches however a terminal or a browser rendered it.
fn normalise(text: &str) -> String {
    let plain: String = text
        .chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201c}' | '\u{201d}' => '"',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    let collapsed = plain.split_whitespace().collect::<Vec<_>>().join(" ");
    // JSON bodies are often pasted with spaces around the colon.
    collapsed
        .replace("\" : \"", "\":\"")
        .replace("\": \"", "\":\"")
        .replace("\" :\"", "\":\"")
}

/// The symptoms whose patterns the text matches, in knowledge-base order. A more
/// specific symptom that matches hides a generic one it implies (the anonymous-denied
/// body also says Forbidden).
pub fn diagnose(text: &str) -> Vec<&'static Symptom> {
    let text = normalise(text);
    let found: Vec<&'static Symptom> = SYMPTOMS
        .iter()
        .filter(|s| {
            s.patterns
                .iter()
                .any(|all| all.iter().all(|fragment| text.contains(fragment)))
        })
        .collect();
    let hidden: Vec<&str> = found.iter().flat_map(|s| s.hides.iter().copied()).collect();
    found
        .into_iter()
        .filter(|s| !hidden.contains(&s.id))
        .collect()
}
