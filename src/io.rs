//! The files and streams a command names: snapshots read and written, and stdout (a
//! closed pipe — `privpath … | head` — is not an error).

use anyhow::{Context as _, Result};
use privpath_checks::Snapshot;
use std::io::Write;
use std::path::Path;

pub fn read_snapshot(file: &Path) -> Result<Snapshot> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read snapshot {name}"))?;
    Snapshot::from_slice(&bytes).with_context(|| format!("snapshot {name}"))
}

/// Reads a Terraform plan (`terraform show -json PLAN`); an error names the file.
pub fn read_plan(file: &Path) -> Result<privpath_plan::Plan> {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read plan {name}"))?;
    privpath_plan::Plan::parse(&bytes).with_context(|| format!("plan {name}"))
}

pub fn write_snapshot(file: &Path, snapshot: &Snapshot) -> Result<()> {
    std::fs::write(file, snapshot.to_json_pretty() + "\n")
        .with_context(|| format!("cannot write snapshot {}", file.display()))
}

/// Writes to stdout; a closed pipe is not an error worth a panic.
pub fn emit(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("cannot write to stdout"),
    }
}
