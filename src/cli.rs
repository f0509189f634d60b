//! Command-line interface, in clap's derive form.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "privpath",
    version,
    about = "Prove that a private API Gateway path works end to end, before deploying or filing a ticket",
    long_about = "privpath checks, read-only, every hop from an EC2 client in one VPC to a PRIVATE REST API \
                  behind an execute-api interface endpoint in a peered VPC, plus the operator's Session Manager \
                  access, and names the first broken hop with the fix.\n\n\
                  Exit status: 0 nothing failed (warnings allowed), 1 a check failed, 2 usage, input or collection error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the checks over a snapshot and report every hop.
    Check(CheckArgs),
    /// List every check with its documentation.
    Checks(ChecksArgs),
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    /// Snapshot file to check (the JSON format in docs/snapshot-format.md).
    #[arg(long, value_name = "FILE")]
    pub snapshot: PathBuf,
    /// The private REST API; defaults to the only PRIVATE API in the snapshot.
    #[arg(long, value_name = "ID")]
    pub api_id: Option<String>,
    /// The client EC2 instance; defaults to the only instance in the snapshot.
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Run only these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct ChecksArgs {
    /// Output format: text documentation, or JSON metadata.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Text,
    Json,
}
