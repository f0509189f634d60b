//! One file per subcommand. `main.rs` parses the command line and calls the command's
//! `run`; what `check` and `audit` share — where each format goes, and the end of a run
//! (suppressions, reports, the closing line, the exit status) — is here.

pub mod audit;
pub mod check;
pub mod checks;
pub mod explain;
pub mod iam_policy;
pub mod init;
pub mod snapshot;

use crate::cli::ReportArgs;
use crate::config::Config;
use crate::gate;
use crate::outcome::{FailOn, Run, Stats, SuppressionRule, TargetRun};
use crate::report::{closing, table, text, Format};
use anyhow::{bail, Context as _, Result};
use privpath_checks::date::Date;
use std::io::IsTerminal;
use std::path::PathBuf;

/// The end of a `check` or an `audit`: apply the suppressions, write every format, say
/// the closing line, and return the gate's exit status.
pub(crate) fn finish(
    mut targets: Vec<TargetRun>,
    rules: &[SuppressionRule],
    config: &Config,
    report: &ReportArgs,
    stats: Stats,
    audit: bool,
    destinations: &[(Format, Option<PathBuf>)],
) -> Result<u8> {
    let suppressions = gate::suppress(&mut targets, rules, Date::today());
    let run = Run {
        targets,
        suppressions,
        fail_on: fail_on(config, report),
        config_path: config.path.clone(),
        stats,
        audit,
    };
    conclude(&run, report, destinations)
}

/// The gate's threshold: the command line's, else the config's, else `fail`.
pub(crate) fn fail_on(config: &Config, report: &ReportArgs) -> FailOn {
    report.fail_on.or(config.fail_on).unwrap_or(FailOn::Fail)
}

/// Writes the reports of a finished run, says the closing line, and returns the exit
/// status.
pub(crate) fn conclude(
    run: &Run,
    report: &ReportArgs,
    destinations: &[(Format, Option<PathBuf>)],
) -> Result<u8> {
    write_reports(run, destinations, report.details)?;
    if !report.quiet {
        let table_shown = destinations
            .iter()
            .any(|(f, file)| *f == Format::Table && file.is_none());
        // A terminal's width (or COLUMNS); a log line is not wrapped.
        let width = if std::io::stderr().is_terminal() || std::env::var_os("COLUMNS").is_some() {
            text::output_width(true)
        } else {
            usize::MAX
        };
        if let Some(line) = closing::line(run, width, table_shown) {
            eprintln!("{line}");
        }
    }
    Ok(run.exit_status())
}

/// Where each format goes: the n-th --output is the n-th --format's file.
pub(crate) fn destinations(
    format: &[Format],
    output: &[PathBuf],
) -> Result<Vec<(Format, Option<PathBuf>)>> {
    let formats = if format.is_empty() {
        vec![Format::Table]
    } else {
        format.to_vec()
    };
    if output.len() > formats.len() {
        bail!(
            "{} --output for {} --format: give a --format for each --output",
            output.len(),
            formats.len()
        );
    }
    let pairs: Vec<(Format, Option<PathBuf>)> = formats
        .into_iter()
        .enumerate()
        .map(|(i, f)| (f, output.get(i).cloned()))
        .collect();
    if pairs.iter().filter(|(_, o)| o.is_none()).count() > 1 {
        bail!("only one --format can go to stdout: give the others an --output FILE");
    }
    Ok(pairs)
}

/// Writes every requested format: to its file, or (one of them) to stdout, styled for a
/// terminal when stdout is one.
pub(crate) fn write_reports(
    run: &Run,
    destinations: &[(Format, Option<PathBuf>)],
    details: bool,
) -> Result<()> {
    for (format, file) in destinations {
        match file {
            Some(path) => {
                let style = table::Style {
                    width: text::PIPED_WIDTH,
                    colour: false,
                    details,
                };
                let file = std::fs::File::create(path)
                    .with_context(|| format!("cannot write {}", path.display()))?;
                format
                    .write(run, &style, &mut std::io::BufWriter::new(file))
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
            None => {
                let terminal = std::io::stdout().is_terminal();
                let colour = terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
                let width = text::output_width(terminal);
                let style = table::Style {
                    width,
                    colour,
                    details,
                };
                let mut out = std::io::BufWriter::new(std::io::stdout().lock());
                match format.write(run, &style, &mut out) {
                    Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
                    other => other.context("cannot write to stdout")?,
                }
            }
        }
    }
    Ok(())
}
