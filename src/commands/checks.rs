//! `privpath checks`: every check's documentation, as text, JSON or Markdown (the
//! Markdown is docs/checks.md).

use crate::catalog;
use crate::cli::{CatalogFormat, ChecksArgs};
use crate::io::emit;
use crate::outcome::EXIT_OK;
use anyhow::Result;

pub fn run(args: &ChecksArgs) -> Result<u8> {
    let text = match args.format {
        CatalogFormat::Text => catalog::text(),
        CatalogFormat::Json => catalog::json(),
        CatalogFormat::Markdown => catalog::markdown(),
    };
    emit(&text).map(|()| EXIT_OK)
}
