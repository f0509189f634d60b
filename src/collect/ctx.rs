//! What every read is sent with and how it fails: the SDK clients of one side (or one
//! account-region) with the call log and the wave its requests belong to, the errors
//! that stop a collection, and the fan-out of one request per item.

use super::calls::{CallError, CallLog};
use aws_types::SdkConfig;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::SystemTime;

/// The SDK clients and the call log, with the wave the next requests belong to.
#[derive(Clone)]
pub struct Ctx {
    pub ec2: aws_sdk_ec2::Client,
    pub ssm: aws_sdk_ssm::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub apigatewayv2: aws_sdk_apigatewayv2::Client,
    pub elbv2: aws_sdk_elasticloadbalancingv2::Client,
    pub iam: aws_sdk_iam::Client,
    pub lambda: aws_sdk_lambda::Client,
    pub rds: aws_sdk_rds::Client,
    pub sts: aws_sdk_sts::Client,
    pub route53: aws_sdk_route53::Client,
    pub acm: aws_sdk_acm::Client,
    /// The region the clients send to.
    pub region: String,
    /// At most this many of the context's fanned-out requests in flight at once (an
    /// audit's bound per account-region, so a large one does not trip rate limits).
    pub limit: Option<Arc<tokio::sync::Semaphore>>,
    pub log: Arc<CallLog>,
    pub wave: usize,
}

impl Ctx {
    pub fn new(config: &SdkConfig) -> Ctx {
        Ctx {
            ec2: aws_sdk_ec2::Client::new(config),
            ssm: aws_sdk_ssm::Client::new(config),
            apigateway: aws_sdk_apigateway::Client::new(config),
            apigatewayv2: aws_sdk_apigatewayv2::Client::new(config),
            elbv2: aws_sdk_elasticloadbalancingv2::Client::new(config),
            iam: aws_sdk_iam::Client::new(config),
            lambda: aws_sdk_lambda::Client::new(config),
            rds: aws_sdk_rds::Client::new(config),
            sts: aws_sdk_sts::Client::new(config),
            route53: aws_sdk_route53::Client::new(config),
            acm: aws_sdk_acm::Client::new(config),
            region: config.region().map(|r| r.to_string()).unwrap_or_default(),
            limit: None,
            log: Arc::new(CallLog::default()),
            wave: 0,
        }
    }

    pub(crate) fn at(&self, wave: usize) -> Ctx {
        Ctx {
            wave,
            ..self.clone()
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum CollectError {
    #[error("{0}")]
    Global(CallError),
    #[error(
        "instance {id} does not exist in {region} (or is not visible to these credentials){hint}"
    )]
    InstanceNotFound {
        id: String,
        region: String,
        hint: &'static str,
    },
    #[error("REST API {id} does not exist in {region}: {detail}")]
    ApiNotFound {
        id: String,
        region: String,
        detail: String,
    },
    #[error("custom domain name {name}: {why}")]
    Domain { name: String, why: String },
    #[error("cannot read {what} ({action}): {error}")]
    Required {
        what: &'static str,
        action: &'static str,
        error: CallError,
    },
}

pub fn now_rfc3339() -> String {
    aws_smithy_types::DateTime::from(SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// Runs `call` for every item at once (within the context's bound on requests in
/// flight) and returns the results in the items' order.
pub async fn all_at_once<T, F, Fut>(
    ctx: &Ctx,
    items: &[String],
    call: F,
) -> Vec<Result<T, CallError>>
where
    F: Fn(Ctx, String) -> Fut,
    Fut: std::future::Future<Output = Result<T, CallError>> + Send + 'static,
    T: Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for (i, item) in items.iter().enumerate() {
        let fut = call(ctx.clone(), item.clone());
        let limit = ctx.limit.clone();
        set.spawn(async move {
            // A closed semaphore only means no bound.
            let _permit = match &limit {
                Some(l) => l.clone().acquire_owned().await.ok(),
                None => None,
            };
            (i, fut.await)
        });
    }
    let mut results = Vec::with_capacity(items.len());
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(r) => results.push(r),
            // A panicked task is a bug here; report the call as failed, not the run.
            Err(e) => results.push((
                usize::MAX,
                Err(CallError::Malformed(format!("collector task failed: {e}"))),
            )),
        }
    }
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

pub fn sorted_unique(items: impl IntoIterator<Item = String>) -> Vec<String> {
    items
        .into_iter()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}
