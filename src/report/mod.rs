//! Reporters: one [`Run`] rendered for people (table, markdown for a CI step summary)
//! and for tools (JSON, JUnit XML, SARIF). Every format is made from the same outcomes;
//! none collects or decides anything of its own.

pub mod audit;
pub mod closing;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod picture;
pub mod sarif;
pub mod table;
pub mod text;

use crate::outcome::Run;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table per target, for people at a terminal.
    Table,
    /// One JSON document (docs/json-schema.json).
    Json,
    /// JUnit XML: a test suite per target, a test case per check.
    Junit,
    /// SARIF 2.1.0, for GitHub code scanning.
    Sarif,
    /// GitHub-flavoured Markdown, for $GITHUB_STEP_SUMMARY or a merge-request note.
    Markdown,
    /// One self-contained HTML page: the matrix, the path pictures, filters.
    Html,
}

impl Format {
    /// The report written to `out`: SARIF result by result (an audit's results are
    /// never all held), the others rendered whole.
    pub fn write(
        self,
        run: &Run,
        style: &table::Style,
        out: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        match self {
            Format::Sarif => sarif::write(run, out),
            _ => out.write_all(self.render(run, style).as_bytes()),
        }?;
        out.flush()
    }

    pub fn render(self, run: &Run, style: &table::Style) -> String {
        match self {
            Format::Table if run.audit => audit::table(run, style.width),
            Format::Markdown if run.audit => audit::markdown(run),
            Format::Table => table::render(run, style),
            Format::Json => json::render(run),
            Format::Junit => junit::render(run),
            Format::Sarif => sarif::render(run),
            Format::Markdown => markdown::render(run),
            Format::Html => html::render(run),
        }
    }
}
