//! The `privpath` binary: CLI parsing, loading, reporting and exit status. The checks
//! themselves live in the `privpath-checks` crate.

mod audit;
mod catalog;
mod cli;
mod collect;
mod config;
mod explain;
mod gate;
mod iam_policy;
mod live;
mod progress;
mod report;
mod run;
mod session;
mod verbose;

use anyhow::{bail, Context as _, Result};
use clap::Parser;
use cli::{CatalogFormat, Cli, Command, InitArgs, SnapshotArgs};
use gate::{EXIT_ERROR, EXIT_OK};
use privpath_checks::Snapshot;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => run::check(&args),
        Command::Audit(args) => audit::audit(&args),
        Command::Explain(args) => explain::run(&args.text),
        Command::Init(args) => run_init(&args),
        Command::Checks(args) => {
            let text = match args.format {
                CatalogFormat::Text => catalog::text(),
                CatalogFormat::Json => catalog::json(),
                CatalogFormat::Markdown => catalog::markdown(),
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

fn run_init(args: &InitArgs) -> Result<u8> {
    let path = &args.output;
    if path.exists() && !args.force {
        bail!(
            "{} exists: edit it, or pass --force to replace it",
            path.display()
        );
    }
    std::fs::write(path, config::STARTER)
        .with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!(
        "privpath: wrote {}: set your targets' ids, then run `privpath check`",
        path.display()
    );
    Ok(EXIT_OK)
}

fn run_snapshot(args: &SnapshotArgs) -> Result<u8> {
    let progress = !args.verbose && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let target = live::LiveTarget {
        label: args
            .api_id
            .clone()
            .or_else(|| args.method.domain_name.clone())
            .unwrap_or_default(),
        aws: args.aws.clone(),
        client_aws: args.client.side(&args.aws),
        api_id: args.api_id.clone(),
        instance_id: args.instance_id.clone(),
        method: args.method.clone(),
    };
    let mut collected = live::collect_all(vec![target], args.verbose, progress)?;
    let snapshot = collected.remove(0).snapshot?;
    write_snapshot(&args.output, &snapshot)?;
    Ok(EXIT_OK)
}

pub(crate) fn read_snapshot(file: &std::path::Path) -> Result<Snapshot> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read snapshot {name}"))?;
    Snapshot::from_slice(&bytes).with_context(|| format!("snapshot {name}"))
}

pub(crate) fn write_snapshot(file: &std::path::Path, snapshot: &Snapshot) -> Result<()> {
    std::fs::write(file, snapshot.to_json_pretty() + "\n")
        .with_context(|| format!("cannot write snapshot {}", file.display()))
}

/// Writes to stdout; a closed pipe (`privpath … | head`) is not an error worth a panic.
pub(crate) fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
