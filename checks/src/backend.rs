//! The backend behind the method: the Lambda function its integration invokes, that
//! function's resource policy and role, and the databases it talks to — or, for a
//! private integration, the VPC link and load balancer (`vpc_link.rs`).

use crate::index::Index;
use crate::snapshot::{DbInstance, Function, FunctionPolicy, Integration, RoleDetail, Stage};
use crate::vpc_link::PrivateIntegration;

/// The function an `AWS_PROXY`/`AWS` integration URI names: the classic
/// `arn:aws:apigateway:R:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`, or
/// the response-streaming one (InvokeWithResponseStream),
/// `…:lambda:path/2021-11-15/functions/FUNCTION_ARN/response-streaming-invocations`
/// (https://docs.aws.amazon.com/apigateway/latest/developerguide/response-transfer-mode-lambda.html).
pub fn integration_function_arn(integration: &Integration) -> Option<&str> {
    let uri = integration.uri.as_deref()?;
    let (_, rest) = uri.split_once(":lambda:path/")?;
    let (_, rest) = rest.split_once("/functions/")?;
    rest.strip_suffix("/response-streaming-invocations")
        .or_else(|| rest.strip_suffix("/invocations"))
}

/// Whether the integration invokes its function with response streaming (the
/// `response-streaming-invocations` URI).
pub fn invokes_streaming(integration: &Integration) -> bool {
    integration
        .uri
        .as_deref()
        .is_some_and(|u| u.ends_with("/response-streaming-invocations"))
}

/// `arn:aws:lambda:R:ACCOUNT:function:NAME[:QUALIFIER]` → (unqualified ARN, name).
pub fn split_function_arn(arn: &str) -> Option<(String, &str)> {
    let (head, rest) = arn.split_once(":function:")?;
    let name = rest.split(':').next().filter(|n| !n.is_empty())?;
    Some((format!("{head}:function:{name}"), name))
}

/// How the databases to check were chosen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbChoice {
    /// `--db-instance-id`.
    Named(String),
    /// Every DB instance in the function's VPC.
    InFunctionVpc,
}

pub struct Backend<'a> {
    /// The function ARN from the integration URI, when the method invokes Lambda.
    pub function_arn: Option<String>,
    pub function_name: Option<String>,
    pub function: Option<&'a Function>,
    /// `None`: not in the snapshot; `Some(p)` with `p.policy == None`: no policy.
    pub policy: Option<&'a FunctionPolicy>,
    pub role: Option<&'a RoleDetail>,
    pub db_choice: DbChoice,
    pub databases: Vec<&'a DbInstance>,
    /// The VPC link and load balancer, when the integration is a private one.
    pub private: Option<PrivateIntegration<'a>>,
}

impl<'a> Backend<'a> {
    pub fn resolve(
        ix: &Index<'a>,
        integration: Option<&'a Integration>,
        stage: Option<&Stage>,
        db_instance_id: Option<&str>,
    ) -> Backend<'a> {
        let private = integration.and_then(|i| PrivateIntegration::resolve(ix, i, stage));
        let function_arn = integration
            .and_then(integration_function_arn)
            .map(str::to_string);
        let split = function_arn.as_deref().and_then(split_function_arn);
        let function_name = split.as_ref().map(|(_, n)| n.to_string());
        let records = &ix.api_records;
        let function = split
            .as_ref()
            .and_then(|(arn, name)| records.function(arn, name));
        let policy = function_name
            .as_deref()
            .and_then(|name| records.function_policy(name));
        let role = function
            .and_then(|f| f.role.as_deref())
            .and_then(|arn| arn.rsplit('/').next())
            .and_then(|name| ix.roles.get(name).copied());
        let (db_choice, databases) = match db_instance_id {
            Some(id) => (
                DbChoice::Named(id.to_string()),
                records.databases_named(id).to_vec(),
            ),
            None => (
                DbChoice::InFunctionVpc,
                function
                    .and_then(Function::vpc_id)
                    .map(|vpc| records.databases_in(vpc).to_vec())
                    .unwrap_or_default(),
            ),
        };
        Backend {
            function_arn,
            function_name,
            function,
            policy,
            role,
            db_choice,
            databases,
            private,
        }
    }
}
