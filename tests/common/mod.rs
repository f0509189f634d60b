//! Helpers the integration tests share: running the binary, reading its output, the
//! project venv, scratch folders. Each test crate uses some of them.
#![allow(dead_code)]

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// Runs privpath in `dir`, with no stdin and `NO_COLOR` and `COLUMNS` unset (colour and
/// width must follow the terminal, not the test runner's environment).
pub fn privpath_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .expect("run privpath")
}

/// Runs privpath at the repository root as a terminal `columns` wide would (`COLUMNS`).
pub fn privpath_at_width(columns: usize, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_privpath"))
        .args(args)
        .current_dir(ROOT)
        .env_remove("NO_COLOR")
        .env("COLUMNS", columns.to_string())
        .stdin(Stdio::null())
        .output()
        .expect("run privpath")
}

/// Runs privpath at the repository root, where fixture paths are relative to.
pub fn privpath(args: &[&str]) -> Output {
    privpath_in(Path::new(ROOT), args)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("utf-8 stdout")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).expect("utf-8 stderr")
}

pub fn json(o: &Output) -> Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", stdout(o)))
}

/// The project venv's Python; `for_what` says which tests need it.
pub fn python(for_what: &str) -> PathBuf {
    let venv = Path::new(ROOT).join(".venv/bin/python");
    assert!(
        venv.exists(),
        "{} is missing: run scripts/test, which creates the venv with {for_what}",
        venv.display()
    );
    venv
}

/// A fresh, empty folder `group/name` under the target's test scratch space.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(group)
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}
