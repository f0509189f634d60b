//! The backend behind the method: the Lambda function its integration invokes, that
//! function's resource policy and role, and the databases it talks to — or, for a
//! private integration, the VPC link and load balancer (`vpc_link.rs`).

use crate::index::Index;
use crate::snapshot::{DbInstance, Function, FunctionPolicy, Integration, RoleDetail, Stage};
use crate::vpc_link::PrivateIntegration;

pub use crate::lambda_arn::{integration_function_arn, invokes_streaming, split_function_arn};

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
