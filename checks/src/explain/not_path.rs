//! Texts that are not a path problem: the request crossed every hop privpath checks and
//! something else failed — the function's own code or package, the database's answer
//! to a connection that did arrive, a deployment still in progress. Saying so honestly
//! saves an afternoon of staring at security groups; each names what to look at
//! instead. They rank among the checks by the same weights, so a text that is both
//! (a driver error naming a database host of `localhost`) answers with this first.

use crate::symptom::{Evidence, Likelihood, Symptom};

/// A cause outside the path, and where to look instead.
#[derive(Debug)]
pub struct NotAPathProblem {
    pub symptom: Symptom,
    pub look_at: &'static str,
}

pub static NOT_A_PATH: &[NotAPathProblem] = &[
    NotAPathProblem {
        symptom: Symptom {
            id: "malformed-proxy-response",
            evidence: Evidence::Code,
            seen_in: "API Gateway execution log (the client sees 502)",
            patterns: &[&["malformed lambda proxy response"]],
            meaning: "API Gateway invoked the function and it answered: the path works. Its return value is not what a Lambda proxy integration expects.",
            ..Symptom::BASE
        },
        look_at: "the handler's return value: an object with a numeric statusCode, string headers and the body as a string (JSON.stringify / json.dumps), nothing else.",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "function-error",
            evidence: Evidence::Code,
            seen_in: "API Gateway execution log or an Invoke response",
            patterns: &[
                &["customer function error"],
                &["lambda execution failed with status 200"],
                &["process exited before completing request"],
                &["runtime exited with error"],
                &["\"errortype\":\"runtime.exiterror\""],
            ],
            meaning: "The function ran and failed on its own: an unhandled exception, a crash or running out of memory. API Gateway reached it, so every hop privpath checks before it works.",
            ..Symptom::BASE
        },
        look_at: "the function's CloudWatch log for the request id (the exception and its stack trace, or REPORT … Max Memory Used against Memory Size).",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "package-error",
            evidence: Evidence::Code,
            seen_in: "the function's log or an Invoke response (errorType Runtime.*)",
            patterns: &[
                &["runtime.handlernotfound"],
                &["is undefined or not exported"],
                &["runtime.importmoduleerror"],
                &["unable to import module"],
                &["no module named"],
                &["cannot find module"],
                &["runtime.usercodesyntaxerror"],
                &["classnotfoundexception"],
                &["no suitable driver found"],
            ],
            meaning: "The function's code could not start or load a library (a handler name that does not match the export, a driver missing from the package or built for another platform, a JDBC URL no driver accepts). Nothing was sent over the network.",
            ..Symptom::BASE
        },
        look_at: "the deployment package and the handler setting: the module and function names, the dependencies built for Lambda's platform (a layer or a build in a Lambda-compatible image), the connection URL's scheme (jdbc:mysql://…).",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "handler-exception",
            seen_in: "the function's log (a stack trace)",
            patterns: &[
                &["typeerror"],
                &["referenceerror"],
                &["keyerror"],
                &["attributeerror"],
                &["nameerror"],
                &["valueerror"],
                &["invalid literal for int()"],
                &["nullpointerexception"],
                &["cannot read propert*"],
                &["is not a function"],
                &["unsupported operand type"],
            ],
            meaning: "An exception in the handler's own code: the request reached the function, which then failed on the event it was given (through API Gateway the request's values arrive in event.body, as a string).",
            ..Symptom::BASE
        },
        look_at: "the handler's code against the event API Gateway sends (log the event; a proxy integration puts the body in event.body as a string).",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "database-refused-login",
            evidence: Evidence::Code,
            seen_in: "the function's log: a database driver",
            patterns: &[
                &["access denied for user"],
                &["er_access_denied_error"],
                &["password authentication failed"],
                &["no pg_hba.conf entry"],
                &["login failed for user"],
                &["ora-01017"],
                &["pam authentication failed"],
            ],
            meaning: "The connection reached the database, which refused the login: the network path to it works.",
            ..Symptom::BASE
        },
        look_at: "the user, password or secret the function sends, the database's grants, and its host-based rules (pg_hba.conf, rds.force_ssl: connect with SSL) or IAM authentication settings.",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "database-host-localhost",
            evidence: Evidence::Code,
            seen_in: "the function's log: a database driver",
            patterns: &[
                &["host \"localhost\""],
                &["host 'localhost'"],
                &["on 'localhost'"],
                &["localhost:3306"],
                &["localhost:5432"],
                &["<loopback>:3306"],
                &["<loopback>:5432"],
                &["<loopback>:1433"],
                &["econnrefused <loopback>"],
            ],
            meaning: "The function connects to its own host (localhost, 127.0.0.1): there is no database inside a Lambda function, so the connection is refused before any network hop.",
            ..Symptom::BASE
        },
        look_at: "the function's database host setting (an environment variable or secret left at its default): it must be the RDS endpoint's name, e.g. orders.c0abc.eu-west-1.rds.amazonaws.com.",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "bad-database-host",
            likelihood: Likelihood::Possible,
            seen_in: "the function's log: a database driver",
            patterns: &[
                &["unable to connect to any of the specified mysql hosts"],
                &["unknown mysql server host"],
                &["could not translate host name"],
            ],
            unless: &["timeout", "timed out", "etimedout"],
            meaning: "Without a timeout, the driver found no host by the name it was given: usually a mistyped or empty host in the connection string rather than a blocked path.",
            ..Symptom::BASE
        },
        look_at: "the host (Server=…, host=…) in the connection string: the RDS endpoint's exact name; with a timeout in the same error it is the path (lambda-vpc-to-rds).",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "deployment-in-progress",
            evidence: Evidence::Code,
            seen_in: "Lambda UpdateFunctionCode / UpdateFunctionConfiguration (Terraform, SAM, Serverless)",
            patterns: &[
                &["resourceconflictexception"],
                &["an update is in progress"],
                &["the operation cannot be performed at this time"],
                &["following state: pending"],
            ],
            meaning: "Two updates of the same function raced: a VPC configuration change takes a minute, and Lambda refuses a second update meanwhile. Nothing is wrong with the path.",
            ..Symptom::BASE
        },
        look_at: "the deployment's order: wait for the first update (`aws lambda wait function-updated-v2 --function-name NAME`) before the next, or retry.",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "lambda-authorizer-denied",
            evidence: Evidence::Code,
            seen_in: "the API's 403 response body",
            patterns: &[&["user is not authorized to access this resource"]],
            meaning: "A Lambda authorizer denied the caller: the request reached API Gateway, and its resource policy let it through.",
            ..Symptom::BASE
        },
        look_at: "the authorizer's policy for this caller and its cached result (authorizerResultTtlInSeconds), and the token or identity source the client sends.",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "lambda-throttled",
            evidence: Evidence::Code,
            seen_in: "API Gateway execution log or an Invoke response",
            patterns: &[
                &["lambda invocation failed with status: 429"],
                &["toomanyrequestsexception", "invoke operation"],
                &["rate exceeded", "invoke operation"],
            ],
            meaning: "Lambda throttled the invocation: the function's reserved concurrency or the account's concurrency is used up. The path works.",
            ..Symptom::BASE
        },
        look_at: "the function's reserved concurrency and the account's ConcurrentExecutions metric (`aws lambda get-function-concurrency --function-name NAME`).",
    },
    NotAPathProblem {
        symptom: Symptom {
            id: "request-body",
            evidence: Evidence::Code,
            seen_in: "API Gateway execution log",
            patterns: &[
                &["could not parse request body into json"],
                &["invalid request body"],
            ],
            meaning: "API Gateway received the request and could not map its body: the path works up to the API.",
            ..Symptom::BASE
        },
        look_at: "the request's Content-Type and body against the method's request validator or mapping template.",
    },
];
