//! Live collection of one or more targets. Targets are independent (often different
//! accounts, regions or roles), so they are collected at the same time, each in its own
//! waves: a run with several targets takes about as long as its slowest one.

use crate::cli::MethodArgs;
use crate::collect::{self, calls::CallLog};
use crate::session::AwsArgs;
use crate::{progress, verbose};

pub mod estate;
use anyhow::{anyhow, Context as _, Result};
use privpath_checks::Snapshot;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug)]
pub struct LiveTarget {
    /// How progress and `--verbose` name the target.
    pub label: String,
    /// The API side's settings (and the client's, unless `client_aws` is set).
    pub aws: AwsArgs,
    /// The client side's settings, when they differ from the API side's.
    pub client_aws: Option<AwsArgs>,
    /// The transit gateway owner's settings, when it is a third account.
    pub network_aws: Option<AwsArgs>,
    /// `None`: the domain's base path mapping names it.
    pub api_id: Option<String>,
    pub instance_id: String,
    pub method: MethodArgs,
}

/// A target's snapshot (or why there is none) and the AWS requests collecting it took,
/// counted whether or not it succeeded.
pub struct Collected {
    pub snapshot: Result<Snapshot>,
    pub calls: usize,
}

async fn collect_one(
    t: LiveTarget,
    log: Arc<CallLog>,
    verbose: Option<String>,
) -> Result<Snapshot> {
    let load = |side: &Option<AwsArgs>| {
        let side = side.clone();
        async move {
            match side {
                Some(c) => c.load().await.map(Some),
                None => Ok(None),
            }
        }
    };
    let (config, client_config, network_config) =
        tokio::join!(t.aws.load(), load(&t.client_aws), load(&t.network_aws));
    let config = config?;
    let client_config = client_config.context("client side (--client-* options)")?;
    let network_config = network_config.context("network side (--network-* options)")?;
    let mut ctx = collect::Ctx::new(&config);
    ctx.log = log.clone();
    let side_ctx = |c: aws_types::SdkConfig| {
        let mut ctx = collect::Ctx::new(&c);
        ctx.log = log.clone();
        ctx
    };
    let client_ctx = client_config.map(side_ctx);
    let network_ctx = network_config.map(side_ctx);
    let start = Instant::now();
    let wanted = collect::path::Wanted {
        api_id: t.api_id.clone(),
        instance_id: t.instance_id.clone(),
        stage: t.method.stage.clone(),
        http_method: t.method.method.clone(),
        resource_path: t.method.path.clone(),
        db_instance_id: t.method.db_instance_id.clone(),
        domain_name: t.method.domain_name.clone(),
        base_path: t.method.base_path.clone(),
    };
    let order = collect::graph::Order::from_env();
    let result = collect::path::collect(
        &ctx,
        client_ctx.as_ref(),
        network_ctx.as_ref(),
        &wanted,
        order,
    )
    .await;
    // Also when collection stopped early: the calls made so far explain why. One
    // eprint! per target, so concurrent targets' logs do not interleave.
    if let Some(header) = verbose {
        eprint!("{header}{}", verbose::render(&ctx.log, start.elapsed()));
    }
    Ok(result?)
}

/// Collects every target concurrently; the results are in the targets' order. Errors
/// that stop one target carry their own context and leave the others alone.
pub fn collect_all(
    targets: Vec<LiveTarget>,
    verbose: bool,
    progress: bool,
) -> Result<Vec<Collected>> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let several = targets.len() > 1;
    let logs: Vec<Arc<CallLog>> = targets.iter().map(|_| Arc::default()).collect();
    let labels: Vec<String> = targets.iter().map(|t| t.label.clone()).collect();
    runtime.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, (t, log)) in targets.into_iter().zip(&logs).enumerate() {
            let header = verbose.then(|| {
                if several {
                    format!("privpath: target {}:\n", t.label)
                } else {
                    String::new()
                }
            });
            let log = log.clone();
            set.spawn(async move { (i, collect_one(t, log, header).await) });
        }
        let mut results: Vec<Option<Result<Snapshot>>> = labels.iter().map(|_| None).collect();
        let drain = async {
            while let Some(joined) = set.join_next().await {
                match joined {
                    Ok((i, r)) => results[i] = Some(r),
                    // A panicking task is a bug, not the account's state; it must not
                    // take the other targets down with it.
                    Err(e) => eprintln!("privpath: error: a collection task failed: {e}"),
                }
            }
        };
        if progress {
            progress::while_collecting(&labels, &logs, drain).await;
        } else {
            drain.await;
        }
        Ok(results
            .into_iter()
            .zip(&logs)
            .map(|(r, log)| Collected {
                snapshot: r.unwrap_or_else(|| Err(anyhow!("collection stopped unexpectedly"))),
                calls: log.progress().0,
            })
            .collect())
    })
}
