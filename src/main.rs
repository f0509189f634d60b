//! The `privpath` binary: CLI parsing, loading, reporting and exit status. The checks
//! themselves live in the `privpath-checks` crate.

mod catalog;
mod cli;
mod collect;
mod iam_policy;
mod report;
mod session;
mod verbose;

use anyhow::{bail, Context as _, Result};
use clap::Parser;
use cli::{CatalogFormat, CheckArgs, Cli, Command, Format, SnapshotArgs};
use privpath_checks::{evaluate, ResolvedPath, Selection, Snapshot, Status, Target};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Exit status: nothing failed (warnings allowed).
const EXIT_OK: u8 = 0;
/// Exit status: at least one check failed.
const EXIT_FAILED: u8 = 1;
/// Exit status: usage, input or collection error (also clap's for usage errors).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run_check(&args),
        Command::Checks(args) => {
            let text = match args.format {
                CatalogFormat::Text => catalog::text(),
                CatalogFormat::Json => catalog::json(),
            };
            emit(&text).map(|()| EXIT_OK)
        }
        Command::Snapshot(args) => run_snapshot(&args),
        Command::IamPolicy => emit(&iam_policy::render()).map(|()| EXIT_OK),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            // One line, outermost context first: "snapshot x.json: truncated JSON …".
            let chain: Vec<String> = e.chain().map(|c| c.to_string()).collect();
            eprintln!("privpath: error: {}", chain.join(": "));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

fn run_check(args: &CheckArgs) -> Result<u8> {
    let selection = Selection {
        only: args.only.clone(),
        skip: args.skip.clone(),
    };
    selection.validate()?;
    let (snapshot, source) = match &args.snapshot {
        Some(file) => (read_snapshot(file)?, format!("snapshot {}", file.display())),
        None => {
            let (Some(api_id), Some(instance_id)) = (&args.api_id, &args.instance_id) else {
                bail!("a live check needs --api-id and --instance-id (or check a file with --snapshot FILE)");
            };
            let snapshot =
                collect_live(&args.aws, api_id, instance_id, &args.method, args.verbose)?;
            if let Some(out) = &args.save_snapshot {
                write_snapshot(out, &snapshot)?;
            }
            let source = match &args.aws.endpoint_url {
                Some(url) => format!("live, {url}"),
                None => "live".to_string(),
            };
            (snapshot, source)
        }
    };
    let target = Target {
        api_id: args.api_id.clone(),
        instance_id: args.instance_id.clone(),
        stage: args.method.stage.clone(),
        http_method: args.method.method.clone(),
        resource_path: args.method.path.clone(),
        db_instance_id: args.method.db_instance_id.clone(),
    };
    let path = ResolvedPath::resolve(&snapshot, &target).with_context(|| source.clone())?;
    let findings = evaluate(&path, &selection);
    let report = report::Report {
        context: report::Context::new(&path, source),
        findings: &findings,
    };
    let text = match args.format {
        Format::Table => {
            let terminal = std::io::stdout().is_terminal();
            let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
            report::table::render(&report, &report::table::Style { terminal, colour })
        }
        Format::Json => report::json::render(&report),
    };
    emit(&text)?;
    let failed = findings.iter().any(|f| f.status == Status::Fail);
    Ok(if failed { EXIT_FAILED } else { EXIT_OK })
}

fn run_snapshot(args: &SnapshotArgs) -> Result<u8> {
    let snapshot = collect_live(
        &args.aws,
        &args.api_id,
        &args.instance_id,
        &args.method,
        args.verbose,
    )?;
    write_snapshot(&args.output, &snapshot)?;
    Ok(EXIT_OK)
}

fn read_snapshot(file: &std::path::Path) -> Result<Snapshot> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read snapshot {name}"))?;
    Snapshot::from_slice(&bytes).with_context(|| format!("snapshot {name}"))
}

fn write_snapshot(file: &std::path::Path, snapshot: &Snapshot) -> Result<()> {
    std::fs::write(file, snapshot.to_json_pretty() + "\n")
        .with_context(|| format!("cannot write snapshot {}", file.display()))
}

/// Collects the path from AWS. Errors that stop the run carry their own context.
fn collect_live(
    aws: &session::AwsArgs,
    api_id: &str,
    instance_id: &str,
    method: &cli::MethodArgs,
    verbose: bool,
) -> Result<Snapshot> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let config = aws.load().await?;
        let region = config.region().map(|r| r.to_string()).unwrap_or_default();
        let ctx = collect::Ctx::new(&config);
        let start = std::time::Instant::now();
        let target = collect::Wanted {
            api_id,
            instance_id,
            stage: method.stage.as_deref(),
            http_method: method.method.as_deref(),
            resource_path: method.path.as_deref(),
            db_instance_id: method.db_instance_id.as_deref(),
        };
        let result = collect::collect(&ctx, &region, &target).await;
        // Also when collection stopped early: the calls made so far explain why.
        if verbose {
            eprint!("{}", verbose::render(&ctx.log, start.elapsed()));
        }
        Ok(result?)
    })
}

/// Writes to stdout; a closed pipe (`privpath … | head`) is not an error worth a panic.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
