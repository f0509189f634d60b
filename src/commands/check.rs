//! `privpath check`: decide the targets (the command line's, or the config's), check
//! each, apply severities and suppressions, write every requested format, and return
//! the gate's exit status. Deciding, collecting and checking a target is shared with
//! `privpath explain` ([`plans`], [`collect`], [`check_one`]): both must see the same
//! path for the same options.

use super::{destinations, finish};
use crate::cli::{CheckArgs, MethodArgs, TargetArgs};
use crate::config::{Config, NamedTarget, TargetSpec};
use crate::gate;
use crate::io::{read_plan, read_snapshot, write_snapshot};
use crate::live::{collect_all, Collected, LiveTarget};
use crate::outcome::{Context, Evaluated, PlanInfo, Stats, TargetRun};
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
    /// A Terraform plan to overlay on the state, and whether to read no state at all.
    tf_plan: Option<PathBuf>,
    offline: bool,
    api_id: Option<String>,
    instance_id: Option<String>,
    method: MethodArgs,
    aws: AwsArgs,
    client: ClientAwsArgs,
    network: NetworkAwsArgs,
}

/// A target's Terraform plan, read before anything is collected: it may name the API
/// and the instance by address, and decide whether there is anything live to read.
pub(crate) struct TfPlan {
    plan: privpath_plan::Plan,
    file: String,
    /// Why the run reads no state although it was not asked to be offline.
    note: Option<String>,
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
        tf_plan: args.plan.clone(),
        offline: args.offline,
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
        tf_plan: s.plan.clone(),
        offline: s.offline,
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
        || args.plan.is_some()
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
    let mut plans = plans(&args.target, &config)?;
    let ad_hoc = plans.len() == 1 && plans[0].line.is_none();
    // Terraform plans first: they may name targets by address, and say whether there
    // is anything live to read.
    let mut tf_plans: Vec<Result<Option<TfPlan>>> = Vec::with_capacity(plans.len());
    for p in plans.iter_mut() {
        let read = prepare_plan(p);
        if let (Err(e), true) = (&read, ad_hoc) {
            return Err(anyhow!("{e:#}"));
        }
        tf_plans.push(read);
    }
    let live = plans
        .iter()
        .filter(|p| p.snapshot.is_none() && !p.offline)
        .count();
    if args.save_snapshot.is_some() && live != 1 {
        bail!("--save-snapshot needs exactly one live target");
    }
    let progress = !args.report.quiet && !args.verbose && std::io::stderr().is_terminal();

    let start = Instant::now();
    let mut stats = Stats::default();
    let mut collected = collect(&plans, args.verbose, progress)?;
    let mut targets = Vec::new();
    for ((plan, live), tf) in plans.iter().zip(collected.iter_mut()).zip(tf_plans) {
        let result = tf.and_then(|tf| {
            check_one(
                plan,
                live.take(),
                tf,
                args.save_snapshot.as_deref(),
                &selection,
                &config,
                &mut stats,
            )
        });
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
        if p.snapshot.is_some() || p.offline {
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

/// Reads a target's Terraform plan, turns the addresses naming its API and instance
/// into ids, and decides whether there is a live state to read: not when the plan
/// creates the API or the instance (then the plan is checked by itself, and the
/// report says why).
pub(crate) fn prepare_plan(p: &mut Plan) -> Result<Option<TfPlan>> {
    let Some(file) = p.tf_plan.clone() else {
        return Ok(None);
    };
    let plan = read_plan(&file)?;
    let name = file.display().to_string();
    let id_for = |wanted: &Option<String>| -> Result<Option<String>> {
        match wanted {
            Some(a) if privpath_plan::is_address(a) => {
                let r = plan
                    .at_address(a)
                    .ok_or_else(|| anyhow!("plan {name} has no resource at {a}"))?;
                Ok(Some(plan.id_of(r)))
            }
            other => Ok(other.clone()),
        }
    };
    p.api_id = id_for(&p.api_id)?;
    p.instance_id = id_for(&p.instance_id)?;
    let mut note = None;
    if p.snapshot.is_none() && !p.offline {
        // A live read starts from the two ids: the plan's only API and instance when
        // they are not named.
        let only = |rtype: &str| plan.only(rtype).map(|r| (plan.id_of(r), r.address.clone()));
        if p.api_id.is_none() && p.method.domain_name.is_none() {
            p.api_id = only("aws_api_gateway_rest_api").map(|(id, _)| id);
        }
        if p.instance_id.is_none() {
            p.instance_id = only("aws_instance").map(|(id, _)| id);
        }
        let created: Vec<String> = [&p.api_id, &p.instance_id]
            .into_iter()
            .flatten()
            .filter(|id| privpath_checks::planned::is_placeholder(id))
            .cloned()
            .collect();
        if !created.is_empty() {
            note = Some(format!(
                "{} {} created by this plan: there is nothing live to read, so the plan is checked by itself",
                created.join(" and "),
                if created.len() == 1 { "is" } else { "are" }
            ));
            p.offline = true;
        }
    }
    Ok(Some(TfPlan {
        plan,
        file: name,
        note,
    }))
}

/// Resolves the target's path in its snapshot (read from its file, or collected live
/// and saved to `save_snapshot` when asked), with its Terraform plan applied over it
/// when there is one, and runs the selected checks on it.
pub(crate) fn check_one(
    plan: &Plan,
    live: Option<Collected>,
    tf: Option<TfPlan>,
    save_snapshot: Option<&Path>,
    selection: &Selection,
    config: &Config,
    stats: &mut Stats,
) -> Result<Evaluated> {
    let (state, source) = match (&plan.snapshot, plan.offline) {
        (Some(file), _) => (
            Some(read_snapshot(file)?),
            format!("snapshot {}", file.display()),
        ),
        (None, true) => (None, "no state".to_string()),
        (None, false) => {
            let live = live.ok_or_else(|| anyhow!("nothing was collected"))?;
            stats.calls += live.calls;
            let snapshot = live.snapshot?;
            if let Some(out) = save_snapshot {
                // What was read, before the plan: the state a later run can start from.
                write_snapshot(out, &snapshot)?;
            }
            let source = match &plan.aws.endpoint_url {
                Some(url) => format!("live, {url}"),
                None => "live".to_string(),
            };
            (Some(snapshot), source)
        }
    };
    let (snapshot, source, planned) = match tf {
        None => (
            state.ok_or_else(|| anyhow!("nothing to check"))?,
            source,
            None,
        ),
        Some(mut tf) => {
            let over = privpath_plan::overlay(
                &mut tf.plan,
                state,
                &privpath_plan::Options {
                    default_region: plan.aws.region.clone(),
                },
            )
            .with_context(|| format!("plan {}", tf.file))?;
            let over_what = if plan.offline {
                "by itself".to_string()
            } else {
                format!("over {source}")
            };
            let info = PlanInfo {
                file: tf.file.clone(),
                over: over_what.clone(),
                summary: over.summary,
                note: tf.note,
            };
            (
                over.snapshot,
                format!("plan {} {over_what}", tf.file),
                Some((over.context, info)),
            )
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
        execute_api_name: false,
    };
    let index = SnapshotIndex::build(&snapshot);
    let mut path = ResolvedPath::resolve(&index, &target).with_context(|| source.clone())?;
    path.plan = planned.as_ref().map(|(context, _)| context);
    let findings = evaluate(&path, selection);
    let mut context = Context::new(&path, source);
    context.plan = planned.map(|(_, info)| info);
    Ok(Evaluated::new(
        context,
        gate::judge(findings, &config.checks.severity),
    ))
}
