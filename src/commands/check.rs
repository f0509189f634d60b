//! `privpath check`: decide the targets (the command line's, or the config's), check
//! each, apply severities and suppressions, write every requested format, and return
//! the gate's exit status. Deciding, collecting and checking a target is shared with
//! `privpath explain` ([`plans`], [`collect`], [`check_one`]): both must see the same
//! path for the same options.

use super::{destinations, finish};
use crate::cli::{CheckArgs, MethodArgs, TargetArgs};
use crate::config::{Config, NamedTarget, TargetSpec};
use crate::gate;
use crate::io::{read_snapshot, write_snapshot};
use crate::live::{collect_all, Collected, LiveTarget};
use crate::outcome::{Context, Evaluated, Stats, TargetRun};
use crate::session::{AwsArgs, ClientAwsArgs, NetworkAwsArgs};
use anyhow::{anyhow, bail, Context as _, Result};
use privpath_checks::date::Date;
use privpath_checks::{evaluate, ResolvedPath, ScopeFilter, Selection, SnapshotIndex, Target};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One target as this run checks it.
pub(crate) struct Plan {
    pub(crate) name: String,
    /// The file that defines the target, and its line there.
    file: Option<String>,
    line: Option<usize>,
    snapshot: Option<PathBuf>,
    api_id: Option<String>,
    instance_id: Option<String>,
    method: MethodArgs,
    aws: AwsArgs,
    client: ClientAwsArgs,
    network: NetworkAwsArgs,
}

fn from_command_line(args: &TargetArgs) -> Plan {
    Plan {
        name: args
            .api_id
            .clone()
            .or_else(|| args.method.domain_name.clone())
            .unwrap_or_else(|| "command-line".to_string()),
        file: args.snapshot.as_ref().map(|p| p.display().to_string()),
        line: None,
        snapshot: args.snapshot.clone(),
        api_id: args.api_id.clone(),
        instance_id: args.instance_id.clone(),
        method: args.method.clone(),
        aws: args.aws.clone(),
        client: args.client.clone(),
        network: args.network.clone(),
    }
}

/// The network side: the command line's options win over the target's.
fn args_network(cli: &NetworkAwsArgs, s: &TargetSpec) -> NetworkAwsArgs {
    NetworkAwsArgs {
        network_profile: cli
            .network_profile
            .clone()
            .or_else(|| s.network_profile.clone()),
        network_role_arn: cli
            .network_role_arn
            .clone()
            .or_else(|| s.network_role.clone()),
        network_external_id: cli
            .network_external_id
            .clone()
            .or_else(|| s.network_external_id.clone()),
        network_region: cli
            .network_region
            .clone()
            .or_else(|| s.network_region.clone()),
    }
}

fn from_config(
    t: &NamedTarget,
    config: &Config,
    cli: &AwsArgs,
    client_cli: &ClientAwsArgs,
    cli_network: &NetworkAwsArgs,
) -> Plan {
    let s = &t.spec;
    // Options on the command line win over the file, as with the AWS CLI.
    let aws = AwsArgs {
        profile: cli.profile.clone().or_else(|| s.profile.clone()),
        region: cli.region.clone().or_else(|| s.region.clone()),
        role_arn: cli.role_arn.clone().or_else(|| s.role.clone()),
        external_id: cli.external_id.clone().or_else(|| s.external_id.clone()),
        endpoint_url: cli.endpoint_url.clone(),
        attempt_timeout: cli.attempt_timeout,
    };
    let client = ClientAwsArgs {
        client_profile: client_cli
            .client_profile
            .clone()
            .or_else(|| s.client_profile.clone()),
        client_region: client_cli
            .client_region
            .clone()
            .or_else(|| s.client_region.clone()),
        client_role_arn: client_cli
            .client_role_arn
            .clone()
            .or_else(|| s.client_role.clone()),
        client_external_id: client_cli
            .client_external_id
            .clone()
            .or_else(|| s.client_external_id.clone()),
    };
    Plan {
        network: args_network(cli_network, s),
        name: t.name.clone(),
        file: config.path.clone(),
        line: t.line,
        snapshot: s.snapshot.clone(),
        api_id: s.api.clone(),
        instance_id: s.instance.clone(),
        method: MethodArgs {
            stage: s.stage.clone(),
            method: s.method.clone(),
            path: s.path.clone(),
            db_instance_id: s.db_instance.clone(),
            domain_name: s.domain.clone(),
            base_path: s.base_path.clone(),
        },
        aws,
        client,
    }
}

/// Whether the command line names one target itself (a snapshot, live ids or a
/// domain), rather than leaving the targets to privpath.toml.
pub(crate) fn names_a_target(args: &TargetArgs) -> bool {
    args.snapshot.is_some()
        || args.api_id.is_some()
        || args.instance_id.is_some()
        || args.method.domain_name.is_some()
}

/// The targets the options name: one from the command line (`--snapshot`, live ids,
/// `--domain-name`), else the config's (all, or those `--target` names).
pub(crate) fn plans(args: &TargetArgs, config: &Config) -> Result<Vec<Plan>> {
    if names_a_target(args) {
        return Ok(vec![from_command_line(args)]);
    }
    if config.targets.is_empty() {
        match &config.path {
            Some(p) => bail!(
                "{p} has no [targets.NAME] table: add one, or pass --api-id and --instance-id"
            ),
            None => bail!(
                "nothing to check: pass --api-id and --instance-id (or --snapshot FILE), \
                 or write privpath.toml with named targets (`privpath init`)"
            ),
        }
    }
    for name in &args.targets {
        if !config.targets.iter().any(|t| &t.name == name) {
            let known: Vec<&str> = config.targets.iter().map(|t| t.name.as_str()).collect();
            bail!(
                "no target named `{name}` in {}; its targets are: {}",
                config.path.as_deref().unwrap_or("the config"),
                known.join(", ")
            );
        }
    }
    Ok(config
        .targets
        .iter()
        .filter(|t| args.targets.is_empty() || args.targets.contains(&t.name))
        .map(|t| from_config(t, config, &args.aws, &args.client, &args.network))
        .collect())
}

pub fn run(args: &CheckArgs) -> Result<u8> {
    let config = Config::discover(args.target.config.as_deref())?;
    let selection = config.selection(&args.report.only, &args.report.skip)?;
    let destinations = destinations(&args.report.format, &args.report.output)?;
    let plans = plans(&args.target, &config)?;
    let ad_hoc = plans.len() == 1 && plans[0].line.is_none();
    let live = plans.iter().filter(|p| p.snapshot.is_none()).count();
    if args.save_snapshot.is_some() && live != 1 {
        bail!("--save-snapshot needs exactly one live target");
    }
    let progress = !args.report.quiet && !args.verbose && std::io::stderr().is_terminal();

    let start = Instant::now();
    let mut stats = Stats::default();
    let mut collected = collect(&plans, args.verbose, progress)?;
    let mut targets = Vec::new();
    for (plan, live) in plans.iter().zip(collected.iter_mut()) {
        let result = check_one(
            plan,
            live.take(),
            args.save_snapshot.as_deref(),
            &selection,
            &config,
            &mut stats,
        );
        let result = match result {
            Ok(e) => Ok(e),
            // Alone on the command line, a target that cannot be checked is the run's
            // error: one line, exit 2, nothing on stdout.
            Err(e) if ad_hoc => return Err(e),
            Err(e) => {
                let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
                let why = chain.join(": ");
                eprintln!("privpath: error: target {}: {why}", plan.name);
                Err(why)
            }
        };
        // A snapshot checked without --api-id is named by the API it resolved to.
        let name = match &result {
            Ok(e) if ad_hoc && plan.api_id.is_none() => e.context.api_id.clone(),
            _ => plan.name.clone(),
        };
        targets.push(TargetRun {
            name,
            file: plan.file.clone(),
            line: plan.line,
            result,
        });
    }
    stats.elapsed = start.elapsed();

    // A suppression scoped to a target this run did not check is neither used nor unused.
    let names: Vec<&str> = plans.iter().map(|p| p.name.as_str()).collect();
    let rules: Vec<_> = config
        .suppressions
        .iter()
        .filter(|r| r.target.as_deref().is_none_or(|t| names.contains(&t)))
        .cloned()
        .collect();
    finish(
        targets,
        &rules,
        &config,
        &args.report,
        stats,
        false,
        &destinations,
    )
}

/// Collects every live target at once; `None` for snapshot targets.
pub(crate) fn collect(
    plans: &[Plan],
    verbose: bool,
    progress: bool,
) -> Result<Vec<Option<Collected>>> {
    let mut slots: Vec<Option<Collected>> = plans.iter().map(|_| None).collect();
    let mut wanted = Vec::new();
    let mut at = Vec::new();
    for (i, p) in plans.iter().enumerate() {
        if p.snapshot.is_some() {
            continue;
        }
        match (&p.api_id, &p.instance_id) {
            (api_id, Some(instance_id)) if api_id.is_some() || p.method.domain_name.is_some() => {
                wanted.push(LiveTarget {
                    label: p.name.clone(),
                    aws: p.aws.clone(),
                    client_aws: p.client.side(&p.aws),
                    network_aws: p.network.side(&p.aws),
                    api_id: api_id.clone(),
                    instance_id: instance_id.clone(),
                    method: p.method.clone(),
                });
                at.push(i);
            }
            _ => {
                slots[i] = Some(Collected {
                    snapshot: Err(anyhow!(
                        "a live check needs --instance-id and --api-id (or --domain-name), or a file with --snapshot FILE"
                    )),
                    calls: 0,
                })
            }
        }
    }
    if !wanted.is_empty() {
        for (i, r) in at.into_iter().zip(collect_all(wanted, verbose, progress)?) {
            slots[i] = Some(r);
        }
    }
    Ok(slots)
}

/// Resolves the target's path in its snapshot (read from its file, or collected live
/// and saved to `save_snapshot` when asked) and runs the selected checks on it.
pub(crate) fn check_one(
    plan: &Plan,
    live: Option<Collected>,
    save_snapshot: Option<&Path>,
    selection: &Selection,
    config: &Config,
    stats: &mut Stats,
) -> Result<Evaluated> {
    let (snapshot, source) = match (&plan.snapshot, live) {
        (Some(file), _) => (read_snapshot(file)?, format!("snapshot {}", file.display())),
        (None, live) => {
            let live = live.ok_or_else(|| anyhow!("nothing was collected"))?;
            stats.calls += live.calls;
            let snapshot = live.snapshot?;
            if let Some(out) = save_snapshot {
                write_snapshot(out, &snapshot)?;
            }
            let source = match &plan.aws.endpoint_url {
                Some(url) => format!("live, {url}"),
                None => "live".to_string(),
            };
            (snapshot, source)
        }
    };
    let target = Target {
        api_id: plan.api_id.clone(),
        instance_id: plan.instance_id.clone(),
        stage: plan.method.stage.clone(),
        http_method: plan.method.method.clone(),
        resource_path: plan.method.path.clone(),
        db_instance_id: plan.method.db_instance_id.clone(),
        // In a snapshot of several scopes, the regions say where to look; a live
        // snapshot holds only the sides' own scopes.
        api_scope: ScopeFilter {
            region: plan.snapshot.as_ref().and(plan.aws.region.clone()),
            account: None,
        },
        client_scope: ScopeFilter {
            region: plan
                .snapshot
                .as_ref()
                .and(plan.client.client_region.clone()),
            account: None,
        },
        // A snapshot without `captured_at` is judged as of today.
        today: Some(Date::today().to_string()),
        domain_name: plan.method.domain_name.clone(),
        base_path: plan.method.base_path.clone(),
    };
    let index = SnapshotIndex::build(&snapshot);
    let path = ResolvedPath::resolve(&index, &target).with_context(|| source.clone())?;
    let findings = evaluate(&path, selection);
    Ok(Evaluated {
        context: Context::new(&path, source),
        outcomes: gate::judge(findings, &config.checks.severity),
    })
}
