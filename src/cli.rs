//! Command-line interface, in clap's derive form.

use crate::outcome::FailOn;
use crate::report::Format;
use crate::session::{AwsArgs, ClientAwsArgs, NetworkAwsArgs};
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
                  Exit status: 0 the gate passed, 1 a finding at or above --fail-on (default: fail), \
                  2 usage, config, input or collection error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Run the checks for one target (from options) or every target in privpath.toml.
    Check(CheckArgs),
    /// Find every private API and every instance that can call it, across regions and
    /// accounts, and check every path.
    Audit(AuditArgs),
    /// Name the checks that explain an error text, or print one check's documentation.
    Explain(ExplainArgs),
    /// Write a commented starter privpath.toml.
    Init(InitArgs),
    /// List every check with its documentation.
    Checks(ChecksArgs),
    /// Collect what the checks need from AWS and write it as a snapshot file.
    Snapshot(SnapshotArgs),
    /// Print the least-privilege read-only IAM policy for every call privpath makes.
    IamPolicy(IamPolicyArgs),
}

#[derive(clap::Args, Debug)]
pub struct IamPolicyArgs {
    /// Print every declared read instead (what it reads, its IAM action, what it needs,
    /// the snapshot arrays it fills) as Markdown: docs/reads.md.
    #[arg(long)]
    pub reads: bool,
}

#[derive(clap::Args, Debug)]
pub struct CheckArgs {
    #[command(flatten)]
    pub target: TargetArgs,
    /// Also write what a live check collected to this snapshot file.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["snapshot", "offline"])]
    pub save_snapshot: Option<PathBuf>,
    /// Report every AWS call, per-service counts and each wave's wall time on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// Which path to look at: one target from these options (live, or in a snapshot), or
/// the targets of privpath.toml. `check` and `explain` resolve them the same way.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TargetArgs {
    /// Config file [default: privpath.toml in the working directory, when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Only this target of the config (repeatable) [default: every target].
    #[arg(long = "target", value_name = "NAME", conflicts_with_all = ["snapshot", "api_id", "instance_id", "plan"])]
    pub targets: Vec<String>,
    /// This snapshot file (docs/snapshot-format.md) instead of the live account.
    /// With a snapshot of several accounts or regions, --region and --client-region
    /// say where to look for the API and the instance.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["profile", "role_arn", "client_profile", "client_role_arn", "network_profile", "network_role_arn"])]
    pub snapshot: Option<PathBuf>,
    /// A Terraform plan as JSON (`terraform show -json PLAN`, or `tofu show -json PLAN`):
    /// check the path as it will be after the apply — the plan's changes over the live
    /// read (default), or over --snapshot. docs/plan.md.
    #[arg(long, value_name = "PLAN.json")]
    pub plan: Option<PathBuf>,
    /// With --plan: check the plan by itself, reading no state; what neither holds is
    /// `unknown`, named.
    #[arg(long, requires = "plan", conflicts_with_all = ["snapshot", "profile", "role_arn", "client_profile", "client_role_arn", "network_profile", "network_role_arn"])]
    pub offline: bool,
    /// The private REST API. Required for a live check unless --domain-name's mapping
    /// names it; with --snapshot, defaults to the only PRIVATE API in it. With --plan, a
    /// Terraform address (aws_api_gateway_rest_api.orders) names it too.
    #[arg(long, value_name = "ID")]
    pub api_id: Option<String>,
    /// The client EC2 instance. Required for a live check; with --snapshot, defaults to
    /// the only instance in it. With --plan, a Terraform address
    /// (module.net.aws_instance.client[0]) names it too.
    #[arg(long, value_name = "ID")]
    pub instance_id: Option<String>,
    #[command(flatten)]
    pub method: MethodArgs,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub client: ClientAwsArgs,
    #[command(flatten)]
    pub network: NetworkAwsArgs,
}

/// What to report and when to fail: shared by `check` and `audit`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct ReportArgs {
    /// Output format (repeatable: the n-th --output is where the n-th --format goes; a
    /// format without one goes to stdout) [default: table].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Vec<Format>,
    /// Write the matching --format to this file instead of stdout (repeatable).
    #[arg(long, short, value_name = "FILE")]
    pub output: Vec<PathBuf>,
    /// What makes the exit status 1: fail, warn (fail or warn) or unknown (fail, warn
    /// or data privpath could not read) [default: the config's, else fail].
    #[arg(long, value_enum, value_name = "STATUS")]
    pub fail_on: Option<FailOn>,
    /// No progress indicator and no closing summary on stderr.
    #[arg(long, short)]
    pub quiet: bool,
    /// In the table, every check's full message (not only what is wrong).
    #[arg(long)]
    pub details: bool,
    /// Run only these checks (comma-separated ids; path or estate checks).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these checks (comma-separated ids).
    #[arg(long, value_name = "IDS", value_delimiter = ',')]
    pub skip: Vec<String>,
}

#[derive(clap::Args, Debug)]
pub struct AuditArgs {
    /// Config file [default: privpath.toml in the working directory, when present]; its
    /// [audit] table sets what the options below do not.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Audit this snapshot file (as --save-snapshot wrote it) instead of the accounts.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["org", "accounts", "regions", "role_name", "save_snapshot"])]
    pub snapshot: Option<PathBuf>,
    /// Regions to audit: `all` (the enabled regions, ec2:DescribeRegions) or a
    /// comma-separated list [default: the session's region].
    #[arg(long, value_name = "all|R1,R2", value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Audit every active account of the Organization (organizations:ListAccounts, from
    /// the management account or a delegated administrator).
    #[arg(long, conflicts_with = "accounts", requires = "role_name")]
    pub org: bool,
    /// Audit these accounts (comma-separated ids).
    #[arg(
        long,
        value_name = "ID,ID",
        value_delimiter = ',',
        requires = "role_name"
    )]
    pub accounts: Vec<String>,
    /// In each account, assume arn:aws:iam::ID:role/NAME (the read-only role of
    /// `privpath iam-policy`, deployed to every account).
    #[arg(long, value_name = "NAME")]
    pub role_name: Option<String>,
    /// External id for --role-name.
    #[arg(long, value_name = "ID", requires = "role_name")]
    pub external_id: Option<String>,
    /// Named profile of the session that lists accounts and assumes the roles.
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// The session's region [default: AWS_REGION / the profile's].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send every request to this endpoint (an emulator).
    #[arg(long, value_name = "URL", env = "AWS_ENDPOINT_URL")]
    pub endpoint_url: Option<String>,
    /// Seconds one request attempt may take before it is retried.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub attempt_timeout: u64,
    /// At most this many account-regions are read at once (each with at most 16
    /// requests in flight; AWS's rate limits are per account and region).
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub concurrency: usize,
    /// Also write what was discovered to this snapshot file.
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,
    /// Report every AWS call per account-region on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

#[derive(clap::Args, Debug)]
pub struct SnapshotArgs {
    /// The private REST API (may be left out with --domain-name: the mapping names it).
    #[arg(long, value_name = "ID", required_unless_present = "domain_name")]
    pub api_id: Option<String>,
    /// The client EC2 instance.
    #[arg(long, value_name = "ID")]
    pub instance_id: String,
    #[command(flatten)]
    pub method: MethodArgs,
    /// Where to write the snapshot.
    #[arg(long, short, value_name = "FILE")]
    pub output: PathBuf,
    /// Report every AWS call, per-service counts and each wave's wall time on stderr.
    #[arg(long, short)]
    pub verbose: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub client: ClientAwsArgs,
    #[command(flatten)]
    pub network: NetworkAwsArgs,
}

/// Which method of the API the client calls, and which database sits behind it.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct MethodArgs {
    /// The stage the client calls [default: the API's only stage].
    #[arg(long, value_name = "NAME")]
    pub stage: Option<String>,
    /// The HTTP method the client sends [default: POST].
    #[arg(long, value_name = "VERB")]
    pub method: Option<String>,
    /// The resource path, e.g. /orders [default: the only resource with the method].
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// The RDS DB instance the Lambda function writes to [default: every DB instance
    /// in the function's VPC].
    #[arg(long, value_name = "ID")]
    pub db_instance_id: Option<String>,
    /// The private custom domain name the client calls (orders.internal.example.com);
    /// its base path mapping then gives the API and stage, so --api-id may be left out.
    #[arg(long, value_name = "NAME")]
    pub domain_name: Option<String>,
    /// The base path under the domain (orders in https://NAME/orders/…) [default: the
    /// domain's only mapping, or its only one to the API, else the empty base path].
    #[arg(long, value_name = "PATH", requires = "domain_name")]
    pub base_path: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct ExplainArgs {
    /// An error text as you saw it (quote it), `-` to read it from stdin, or a check id.
    /// Options may follow the text; a text that starts with `-` goes after `--`.
    #[arg(required = true, value_name = "TEXT|CHECK-ID", num_args = 1..)]
    pub text: Vec<String>,
    /// With a path (--snapshot, live ids, or privpath.toml's targets), the checks that
    /// fail there come first, with their finding and fix.
    #[command(flatten)]
    pub target: TargetArgs,
    /// Report every AWS call of a live read on stderr.
    #[arg(long, short)]
    pub verbose: bool,
}

#[derive(clap::Args, Debug)]
pub struct InitArgs {
    /// Where to write it.
    #[arg(long, short, value_name = "FILE", default_value = "privpath.toml")]
    pub output: PathBuf,
    /// Overwrite an existing file.
    #[arg(long)]
    pub force: bool,
}

#[derive(clap::Args, Debug)]
pub struct ChecksArgs {
    /// Output format: text documentation, JSON metadata, or the Markdown catalog
    /// (docs/checks.md).
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CatalogFormat {
    Text,
    Json,
    Markdown,
}
