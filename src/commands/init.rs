//! `privpath init`: write a commented starter privpath.toml.

use crate::cli::InitArgs;
use crate::config;
use crate::outcome::EXIT_OK;
use anyhow::{bail, Context as _, Result};

pub fn run(args: &InitArgs) -> Result<u8> {
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
