//! `privpath snapshot`: collect one target live and write what was read, in the format
//! `--snapshot` reads, so the check can be run again offline.

use crate::cli::SnapshotArgs;
use crate::io::write_snapshot;
use crate::live::{self, LiveTarget};
use crate::outcome::EXIT_OK;
use anyhow::Result;

pub fn run(args: &SnapshotArgs) -> Result<u8> {
    let progress = !args.verbose && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let target = LiveTarget {
        label: args
            .api_id
            .clone()
            .or_else(|| args.method.domain_name.clone())
            .unwrap_or_default(),
        aws: args.aws.clone(),
        client_aws: args.client.side(&args.aws),
        network_aws: args.network.side(&args.aws),
        api_id: args.api_id.clone(),
        instance_id: args.instance_id.clone(),
        method: args.method.clone(),
    };
    let mut collected = live::collect_all(vec![target], args.verbose, progress)?;
    let snapshot = collected.remove(0).snapshot?;
    write_snapshot(&args.output, &snapshot)?;
    Ok(EXIT_OK)
}
