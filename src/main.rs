//! The `privpath` binary: parses the command line and runs the subcommand (one file
//! each in `commands/`). Nothing imports this file. ARCHITECTURE.md maps the rest.

mod catalog;
mod cli;
mod collect;
mod commands;
mod config;
mod gate;
mod io;
mod live;
mod outcome;
mod progress;
mod report;
mod session;
mod verbose;

use clap::Parser;
use cli::{Cli, Command};
use outcome::EXIT_ERROR;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(args) => commands::check::run(&args),
        Command::Audit(args) => commands::audit::run(&args),
        Command::Explain(args) => commands::explain::run(&args),
        Command::Init(args) => commands::init::run(&args),
        Command::Checks(args) => commands::checks::run(&args),
        Command::Snapshot(args) => commands::snapshot::run(&args),
        Command::IamPolicy(args) => commands::iam_policy::run(&args),
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
