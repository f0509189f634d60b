//! An audit's collection: the account-regions to read (the session's account,
//! `--accounts`, or the Organization's with `--org`; its region, a list, or every
//! enabled region), each discovered in its own graph of reads (`collect::discover`) —
//! at most `--concurrency` at once, each with a bounded fan-out, the SDK backing off on
//! throttling — into one snapshot of many scopes. An account-region that cannot be
//! read is a scope holding only why.

use crate::cli::AuditArgs;
use crate::collect::calls::CallLog;
use crate::collect::discover::{self, SharedIam};
use crate::collect::discover_zones::{self, AccountZones};
use crate::collect::{self, Ctx};
use crate::config::Audit;
use crate::session::AwsArgs;
use crate::{progress, verbose};
use anyhow::{anyhow, bail, Context as _, Result};
use privpath_checks::snapshot::{Scope, Snapshot, Unavailable};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests in flight at once within one account-region.
const PER_SCOPE_REQUESTS: usize = 16;

/// What the options (or the config's [audit] table) say to audit.
struct Plan {
    accounts: Accounts,
    regions: Vec<String>,
    role_name: Option<String>,
    external_id: Option<String>,
    exclude: Vec<String>,
}

enum Accounts {
    /// The session's own account, with the session's credentials.
    Own,
    List(Vec<String>),
    Organization,
}

fn plan(args: &AuditArgs, cfg: &Audit) -> Result<Plan> {
    let accounts = if args.org || (args.accounts.is_empty() && cfg.org) {
        Accounts::Organization
    } else if !args.accounts.is_empty() {
        Accounts::List(args.accounts.clone())
    } else if !cfg.accounts.is_empty() {
        Accounts::List(cfg.accounts.clone())
    } else {
        Accounts::Own
    };
    let role_name = args.role_name.clone().or_else(|| cfg.role_name.clone());
    if !matches!(accounts, Accounts::Own) && role_name.is_none() {
        bail!("auditing other accounts needs --role-name NAME (the read-only role deployed to each; docs/audit.md)");
    }
    for a in match &accounts {
        Accounts::List(a) => a.as_slice(),
        _ => &[],
    } {
        if a.len() != 12 || !a.bytes().all(|b| b.is_ascii_digit()) {
            bail!("--accounts: `{a}` is not a 12-digit AWS account id");
        }
    }
    Ok(Plan {
        accounts,
        regions: if args.regions.is_empty() {
            cfg.regions.clone()
        } else {
            args.regions.clone()
        },
        role_name,
        external_id: args.external_id.clone().or_else(|| cfg.external_id.clone()),
        exclude: cfg.exclude.clone(),
    })
}

fn excluded(exclude: &[String], account: &str, region: &str) -> bool {
    exclude
        .iter()
        .any(|e| e == account || e == region || *e == format!("{account}/{region}"))
}

fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// The scope a failure leaves: no array, the reason in `unavailable`.
fn failed_scope(account: &str, region: &str, action: &str, error: String) -> Scope {
    Scope {
        account: Some(account.to_string()),
        region: region.to_string(),
        unavailable: vec![Unavailable {
            action: action.to_string(),
            error,
        }],
        ..Scope::default()
    }
}

/// Discovers every planned account-region into one snapshot; returns it with the
/// number of AWS requests made.
pub fn collect_estate(args: &AuditArgs, cfg: &Audit, progress: bool) -> Result<(Snapshot, usize)> {
    let plan = plan(args, cfg)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let session = AwsArgs {
            profile: args.profile.clone(),
            region: args.region.clone(),
            role_arn: None,
            external_id: None,
            endpoint_url: args.endpoint_url.clone(),
            attempt_timeout: args.attempt_timeout,
        };
        let started = Instant::now();
        let base = session.load().await?;
        let mut base_ctx = Ctx::new(&base);
        let base_log = Arc::new(CallLog::default());
        base_ctx.log = base_log.clone();
        let (accounts, regions) = tokio::join!(
            accounts_of(&plan, &base, &base_ctx),
            regions_of(&plan, &base_ctx)
        );
        let (accounts, regions) = (accounts?, regions?);
        let listed = started.elapsed();
        let scopes = account_regions(&plan, &accounts, &regions)?;
        let mut run = discover_all(
            &plan,
            &session,
            args.concurrency,
            &accounts,
            &scopes,
            progress,
        )
        .await;
        private_zones(&mut run, args.concurrency).await;
        if args.verbose {
            eprint!("privpath: session:\n{}", verbose::render(&base_log, listed));
            for ((label, log), elapsed) in run.labels.iter().zip(&run.logs).zip(&run.took) {
                eprint!("privpath: {label}:\n{}", verbose::render(log, *elapsed));
            }
        }
        let calls = base_log.progress().0 + run.logs.iter().map(|l| l.progress().0).sum::<usize>();
        Ok((
            Snapshot {
                captured_at: Some(collect::now_rfc3339()),
                tool_version: Some(format!("privpath {}", env!("CARGO_PKG_VERSION"))),
                scopes: run.scopes,
                ..Snapshot::default()
            },
            calls,
        ))
    })
}

/// The accounts to audit: the session's, the list, or the Organization's.
async fn accounts_of(plan: &Plan, base: &aws_types::SdkConfig, ctx: &Ctx) -> Result<Vec<String>> {
    match &plan.accounts {
        Accounts::Own => collect::sts::account(ctx)
            .await
            .map_err(|e| anyhow!("cannot tell the session's account (sts:GetCallerIdentity): {e}"))?
            .map(|a| vec![a])
            .ok_or_else(|| anyhow!("sts:GetCallerIdentity named no account")),
        Accounts::List(a) => Ok(a.clone()),
        Accounts::Organization => {
            let client = aws_sdk_organizations::Client::new(base);
            collect::organizations::active_accounts(&client, ctx)
                .await
                .map_err(|e| anyhow!("cannot list the Organization's accounts (organizations:ListAccounts, from the management account or a delegated administrator): {e}"))
        }
    }
}

/// The regions to audit: the session's, the list, or every enabled one.
async fn regions_of(plan: &Plan, ctx: &Ctx) -> Result<Vec<String>> {
    match plan.regions.as_slice() {
        [] => Ok(vec![ctx.region.clone()]),
        [all] if all == "all" => collect::ec2::enabled_regions(ctx)
            .await
            .map_err(|e| anyhow!("cannot list the enabled regions (ec2:DescribeRegions): {e}")),
        list => Ok(list.to_vec()),
    }
}

/// Every account × region not excluded.
fn account_regions(
    plan: &Plan,
    accounts: &[String],
    regions: &[String],
) -> Result<Vec<(String, String)>> {
    let mut scopes = Vec::new();
    for a in accounts {
        for r in regions {
            if !excluded(&plan.exclude, a, r) {
                scopes.push((a.clone(), r.clone()));
            }
        }
    }
    if scopes.is_empty() {
        bail!("nothing to audit: every account-region is excluded");
    }
    Ok(scopes)
}

/// The account-regions as discovered, in the planned order, with each one's log and
/// time.
struct Discovered {
    scopes: Vec<Scope>,
    /// Each account-region's clients, when its credentials worked.
    ctxs: Vec<Option<Ctx>>,
    labels: Vec<String>,
    logs: Vec<Arc<CallLog>>,
    took: Vec<Duration>,
}

/// Discovers every account-region, at most `concurrency` at once; one that fails is a
/// scope saying why.
async fn discover_all(
    plan: &Plan,
    session: &AwsArgs,
    concurrency: usize,
    accounts: &[String],
    scopes: &[(String, String)],
    progress: bool,
) -> Discovered {
    let iam: HashMap<String, SharedIam> = accounts
        .iter()
        .map(|a| (a.clone(), SharedIam::default()))
        .collect();
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let logs: Vec<Arc<CallLog>> = scopes.iter().map(|_| Arc::default()).collect();
    let labels: Vec<String> = scopes.iter().map(|(a, r)| format!("{a}/{r}")).collect();
    let mut set = tokio::task::JoinSet::new();
    for (i, (account, region)) in scopes.iter().cloned().enumerate() {
        let aws = scope_session(plan, session, &account, &region);
        let (log, limit, shared) = (logs[i].clone(), limit.clone(), iam[&account].clone());
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.ok();
            let started = Instant::now();
            let (scope, ctx) = discover_one(aws, account, region, log, shared).await;
            (i, scope, ctx, started.elapsed())
        });
    }
    let mut found: Vec<Option<Scope>> = scopes.iter().map(|_| None).collect();
    let mut ctxs: Vec<Option<Ctx>> = scopes.iter().map(|_| None).collect();
    let mut took = vec![Duration::ZERO; scopes.len()];
    let drain = async {
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((i, scope, ctx, elapsed)) => {
                    found[i] = Some(scope);
                    ctxs[i] = ctx;
                    took[i] = elapsed;
                }
                Err(e) => eprintln!("privpath: error: a discovery task failed: {e}"),
            }
        }
    };
    if progress {
        progress::while_collecting_named(&labels, &logs, "account-regions", drain).await;
    } else {
        drain.await;
    }
    let scopes = found
        .into_iter()
        .zip(scopes)
        .map(|(s, (a, r))| {
            s.unwrap_or_else(|| failed_scope(a, r, "discovery", "the task stopped".to_string()))
        })
        .collect();
    Discovered {
        scopes,
        ctxs,
        labels,
        logs,
        took,
    }
}

/// The session of one account-region: the audit role in another account.
fn scope_session(plan: &Plan, session: &AwsArgs, account: &str, region: &str) -> AwsArgs {
    let role_arn = match (&plan.accounts, &plan.role_name) {
        (Accounts::Own, _) | (_, None) => None,
        (_, Some(name)) => Some(format!(
            "arn:{}:iam::{account}:role/{name}",
            partition(region)
        )),
    };
    AwsArgs {
        region: Some(region.to_string()),
        external_id: role_arn.as_ref().and(plan.external_id.clone()),
        role_arn,
        ..session.clone()
    }
}

async fn discover_one(
    aws: AwsArgs,
    account: String,
    region: String,
    log: Arc<CallLog>,
    iam: SharedIam,
) -> (Scope, Option<Ctx>) {
    let config = match aws.load().await {
        Ok(c) => c,
        Err(e) => {
            return (
                failed_scope(&account, &region, "config", e.to_string()),
                None,
            )
        }
    };
    let mut ctx = Ctx::new(&config);
    ctx.log = log;
    ctx.limit = Some(Arc::new(tokio::sync::Semaphore::new(PER_SCOPE_REQUESTS)));
    let order = collect::graph::Order::from_env();
    match discover::discover(&ctx, Some(account.clone()), iam, order).await {
        Ok(scope) => (scope, Some(ctx)),
        Err(e) => {
            let action = if aws.role_arn.is_some() {
                "sts:AssumeRole"
            } else {
                "credentials"
            };
            (failed_scope(&account, &region, action, e.to_string()), None)
        }
    }
}

/// Once every account-region is discovered: when the estate holds private custom domain
/// names, each account's private hosted zones for them (`collect::discover_zones`), with
/// the credentials of its first readable region, at most `concurrency` accounts at once;
/// then each scope gets the zones of its VPCs. An estate without such names makes no
/// Route 53 request.
async fn private_zones(run: &mut Discovered, concurrency: usize) {
    let names = discover_zones::estate_domain_names(&run.scopes);
    if names.is_empty() {
        return;
    }
    let mut first: Vec<(String, Ctx)> = Vec::new();
    for (scope, ctx) in run.scopes.iter().zip(&run.ctxs) {
        if let (Some(account), Some(ctx)) = (&scope.account, ctx) {
            if !first.iter().any(|(a, _)| a == account) {
                first.push((account.clone(), ctx.clone()));
            }
        }
    }
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let order = collect::graph::Order::from_env();
    let mut set = tokio::task::JoinSet::new();
    for (account, ctx) in first {
        let (names, limit) = (names.clone(), limit.clone());
        set.spawn(async move {
            let _permit = limit.acquire_owned().await.ok();
            discover_zones::discover_zones(&ctx, &account, names, order)
                .await
                .unwrap_or_else(|e| AccountZones {
                    account: account.clone(),
                    zones: Vec::new(),
                    records: Vec::new(),
                    unavailable: vec![Unavailable {
                        action: "route53:ListHostedZonesByName".to_string(),
                        error: e.to_string(),
                    }],
                })
        });
    }
    let mut found = Vec::new();
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(zones) => found.push(zones),
            Err(e) => eprintln!("privpath: error: a Route 53 task failed: {e}"),
        }
    }
    discover_zones::place(&mut run.scopes, &found);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exclusions_name_an_account_a_region_or_both() {
        let exclude = [
            "999988887777".to_string(),
            "ap-east-1".to_string(),
            "111122223333/me-south-1".to_string(),
        ];
        assert!(excluded(&exclude, "999988887777", "us-east-1"));
        assert!(excluded(&exclude, "111122223333", "ap-east-1"));
        assert!(excluded(&exclude, "111122223333", "me-south-1"));
        assert!(!excluded(&exclude, "444455556666", "me-south-1"));
        assert!(!excluded(&exclude, "111122223333", "us-east-1"));
    }

    #[test]
    fn other_accounts_need_a_role_and_real_account_ids() {
        let base = || AuditArgs {
            config: None,
            snapshot: None,
            regions: vec![],
            org: false,
            accounts: vec![],
            role_name: None,
            external_id: None,
            profile: None,
            region: None,
            endpoint_url: None,
            attempt_timeout: 10,
            concurrency: 8,
            save_snapshot: None,
            verbose: false,
            report: crate::cli::ReportArgs::default(),
        };
        let cfg = Audit::default();
        assert!(matches!(
            plan(&base(), &cfg).unwrap().accounts,
            Accounts::Own
        ));
        let args = AuditArgs {
            accounts: vec!["111122223333".into()],
            ..base()
        };
        assert!(plan(&args, &cfg)
            .err()
            .unwrap()
            .to_string()
            .contains("--role-name"));
        let args = AuditArgs {
            accounts: vec!["1111".into()],
            role_name: Some("r".into()),
            ..base()
        };
        assert!(plan(&args, &cfg)
            .err()
            .unwrap()
            .to_string()
            .contains("12-digit"));
        let from_config = Audit {
            org: true,
            role_name: Some("r".into()),
            regions: vec!["all".into()],
            ..Audit::default()
        };
        let p = plan(&base(), &from_config).unwrap();
        assert!(matches!(p.accounts, Accounts::Organization));
        assert_eq!(p.regions, ["all"]);
        assert_eq!(p.role_name.as_deref(), Some("r"));
    }
}
