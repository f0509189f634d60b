//! API Gateway and the backend: the REST API (which must exist), its stages, resources
//! with methods, usage plans and API keys; the deployment the stage runs and the keys
//! of the API's plans; the integration's Lambda function and its resource policy; the
//! DB instances.

use super::board::{Fact, PathBoard, PrivateAnswers};
use crate::collect::calls::CallError;
use crate::collect::graph::{ask, ask_judged, Decl, Read, Side, Start};
use crate::collect::{all_at_once, apigateway, lambda, rds, sorted_unique, CollectError};
use privpath_checks::api_target::MethodTarget;
use privpath_checks::backend::{integration_function_arn, split_function_arn};
use privpath_checks::snapshot::{self as m, Scope, Source};
use privpath_checks::vpc_link::stage_variable;

/// A read of the API named by the API id.
macro_rules! of_api {
    ($name:expr, $fact:expr, $array:expr, $call:path, $store:expr) => {
        Read {
            decl: Decl {
                name: $name,
                action: "apigateway:GET",
                side: Side::Api,
                needs: &[Fact::ApiId],
                fills: &[$fact],
                arrays: &[$array],
            },
            start: |b, c| {
                let (c, id) = (c.clone(), b.api_id.clone().unwrap_or_default());
                ask(async move { $call(&c, &id).await }, $store)
            },
        }
    };
}

pub(super) static READS: &[Read<PathBoard>] = &[
    Read {
        decl: Decl {
            name: "the REST API",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::ApiId],
            fills: &[Fact::Api],
            arrays: &[Source::RestApis],
        },
        start: |b, c| {
            let (c, id) = (c.clone(), b.api_id.clone().unwrap_or_default());
            ask_judged(
                async move { apigateway::rest_api(&c, &id).await },
                store_api,
            )
        },
    },
    of_api!(
        "the API's stages",
        Fact::Stages,
        Source::Stages,
        apigateway::stages,
        |b: &mut PathBoard, v| b.stages = Some(v)
    ),
    of_api!(
        "the API's resources and methods",
        Fact::Resources,
        Source::Resources,
        apigateway::resources,
        |b: &mut PathBoard, v| b.resources = Some(v)
    ),
    Read {
        decl: Decl {
            name: "the usage plans",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::UsagePlans],
            arrays: &[Source::UsagePlans],
        },
        start: |_, c| {
            let c = c.clone();
            ask(async move { apigateway::usage_plans(&c).await }, |b, v| {
                b.usage_plans = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "the API keys (without their values)",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::ApiKeys],
            arrays: &[Source::ApiKeys],
        },
        start: |_, c| {
            let c = c.clone();
            ask(async move { apigateway::api_keys(&c).await }, |b, v| {
                b.api_keys = Some(v)
            })
        },
    },
    Read {
        decl: Decl {
            name: "the DB instances",
            action: "rds:DescribeDBInstances",
            side: Side::Api,
            needs: &[],
            fills: &[Fact::DbInstances],
            arrays: &[Source::DBInstances],
        },
        start: |b, c| {
            let (c, id) = (c.clone(), b.want.db_instance_id.clone());
            ask(
                async move { rds::db_instances(&c, id.as_deref()).await },
                |b, v| b.db_instances = Some(v),
            )
        },
    },
    Read::derived(
        "both ends of the path exist",
        &[Fact::Instance, Fact::Api],
        &[Fact::Ends],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| match b.api_failure.take() {
                Some(e) => Err(e),
                None => Ok(()),
            }))
        },
    ),
    Read::derived(
        "the method, stage and function the checks look at",
        &[Fact::Ends, Fact::Stages, Fact::Resources],
        &[Fact::Method],
        |_, _| {
            Start::Now(Box::new(|b: &mut PathBoard| {
                choose_method(b);
                Ok(())
            }))
        },
    ),
    Read {
        decl: Decl {
            name: "the deployment the stage runs, with its API summary",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::Method],
            fills: &[Fact::Deployments],
            arrays: &[Source::Deployments],
        },
        start: |b, c| {
            let (c, api, ids) = (
                c.clone(),
                b.api_id.clone().unwrap_or_default(),
                b.deployment_ids.clone(),
            );
            ask(
                async move {
                    let found = all_at_once(&c, &ids, |c, id| {
                        let api = api.clone();
                        async move { apigateway::deployment(&c, &api, &id).await }
                    })
                    .await;
                    found.into_iter().collect::<Result<Vec<_>, CallError>>()
                },
                |b, v| b.deployments = Some(v),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the keys of the API's usage plans",
            action: "apigateway:GET",
            side: Side::Api,
            needs: &[Fact::ApiId, Fact::UsagePlans],
            fills: &[Fact::UsagePlanKeys],
            arrays: &[Source::UsagePlanKeys],
        },
        start: |b, c| {
            let api = b.api_id.clone().unwrap_or_default();
            let plans: Vec<String> = b
                .usage_plans
                .iter()
                .flatten()
                .filter(|u| u.api_stages.iter().any(|s| s.api_id == api))
                .map(|u| u.id.clone())
                .collect();
            let c = c.clone();
            ask(
                async move {
                    let keys = all_at_once(&c, &plans, |c, plan| async move {
                        apigateway::usage_plan_keys(&c, &plan).await
                    })
                    .await;
                    keys.into_iter().collect::<Result<Vec<_>, CallError>>()
                },
                |b, v| b.usage_plan_keys = Some(v.concat()),
            )
        },
    },
    Read {
        decl: Decl {
            name: "the integration's Lambda function",
            action: "lambda:GetFunctionConfiguration",
            side: Side::Api,
            needs: &[Fact::Method],
            fills: &[Fact::Function],
            arrays: &[Source::Functions],
        },
        start: |b, c| {
            let Some(arn) = b.function_arn.clone() else {
                return function_none(|b| b.function = Some(None));
            };
            let c = c.clone();
            ask(async move { lambda::function(&c, &arn).await }, |b, f| {
                b.function = Some(Some(f))
            })
        },
    },
    Read {
        decl: Decl {
            name: "the function's resource policy",
            action: "lambda:GetPolicy",
            side: Side::Api,
            needs: &[Fact::Method],
            fills: &[Fact::FunctionPolicy],
            arrays: &[Source::FunctionPolicies],
        },
        start: |b, c| {
            let name = b
                .function_arn
                .as_deref()
                .and_then(split_function_arn)
                .map(|(_, name)| name.to_string());
            let Some(name) = name else {
                return function_none(|b| b.function_policy = Some(None));
            };
            let c = c.clone();
            ask(async move { lambda::policy(&c, &name).await }, |b, p| {
                b.function_policy = Some(Some(p))
            })
        },
    },
];

/// No function on the method: collected, and there is none.
fn function_none(set: fn(&mut PathBoard)) -> Start<PathBoard> {
    Start::Now(Box::new(move |b: &mut PathBoard| {
        set(b);
        Ok(())
    }))
}

/// The API must exist and be readable: without it there is no path. Its failure is
/// said once the instance has answered, so that a run naming neither right always
/// reports the instance first.
fn store_api(b: &mut PathBoard, answer: Result<m::RestApi, CallError>) -> Result<(), CollectError> {
    let failure = match answer {
        Ok(api) => {
            b.api = Some(api);
            return Ok(());
        }
        Err(e) if e.is_global() => return Err(CollectError::Global(e)),
        Err(CallError::NotFound { message, .. }) => CollectError::ApiNotFound {
            id: b.api_id.clone().unwrap_or_default(),
            region: b.api_region().to_string(),
            detail: message,
        },
        Err(error) => CollectError::Required {
            what: "the REST API",
            action: "apigateway:GET",
            error,
        },
    };
    b.api_failure = Some(failure);
    Ok(())
}

/// The method, stage and function the checks will look at, chosen by the same rules
/// the checks use: which deployments and which function to read.
fn choose_method(b: &mut PathBoard) {
    let Some(api) = b.api.as_ref() else {
        return;
    };
    let partial = Scope {
        stages: b.stages.clone(),
        resources: b.resources.clone(),
        ..Scope::default()
    };
    let method = MethodTarget::resolve(
        &privpath_checks::index::Index::build(&partial),
        api,
        b.stage.as_deref(),
        b.want.http_method.as_deref(),
        b.want.resource_path.as_deref(),
    );
    // Through a domain whose mapping is read beside the API (--api-id given), the stage
    // is not known yet: every stage's deployment is read (an API has a few).
    b.deployment_ids =
        if b.want.domain_name.is_some() && b.want.api_id.is_some() && b.stage.is_none() {
            sorted_unique(
                b.stages
                    .iter()
                    .flatten()
                    .filter_map(|s| s.deployment_id.clone()),
            )
        } else {
            method
                .stage
                .found()
                .and_then(|s| s.deployment_id.clone())
                .into_iter()
                .collect()
        };
    let integration = method.method().and_then(|m| m.method_integration.as_ref());
    b.function_arn = integration
        .and_then(integration_function_arn)
        .map(str::to_string);
    if let Some(i) = integration.filter(|i| i.is_vpc_link()) {
        let connection = i
            .connection_id
            .as_deref()
            .map(str::trim)
            .unwrap_or_default();
        let link_id = match stage_variable(connection) {
            Some(name) => method
                .stage
                .found()
                .and_then(|s| s.variables.get(name))
                .cloned(),
            None => Some(connection.to_string()),
        };
        b.private = PrivateAnswers {
            private: true,
            link_id: link_id.filter(|l| !l.is_empty()),
            target_arn: i.integration_target.clone().filter(|t| !t.is_empty()),
            ..PrivateAnswers::default()
        };
    }
}
