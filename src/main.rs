//! The `privpath` binary: CLI parsing, loading, reporting and exit status. The checks
//! themselves live in the `privpath-checks` crate.

mod catalog;
mod cli;
mod report;

use anyhow::{Context as _, Result};
use clap::Parser;
use cli::{CatalogFormat, CheckArgs, Cli, Command, Format};
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
    let file = args.snapshot.display().to_string();
    let bytes =
        std::fs::read(&args.snapshot).with_context(|| format!("cannot read snapshot {file}"))?;
    let snapshot = Snapshot::from_slice(&bytes).with_context(|| format!("snapshot {file}"))?;
    let target = Target {
        api_id: args.api_id.clone(),
        instance_id: args.instance_id.clone(),
    };
    let path =
        ResolvedPath::resolve(&snapshot, &target).with_context(|| format!("snapshot {file}"))?;
    let findings = evaluate(&path, &selection);
    let report = report::Report {
        context: report::Context::new(&path, format!("snapshot {file}")),
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

/// Writes to stdout; a closed pipe (`privpath … | head`) is not an error worth a panic.
fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
