//! The reports in a real browser: the HTML audit report of a saved estate loads with
//! nothing from the network, shows the matrix, draws every API method's path, and its
//! status and account filters work; a screenshot of it is kept as a test artifact
//! (`target/test-artifacts/audit-report.png`); and the Markdown report's Mermaid path
//! parses and renders with the Mermaid library. Debian's chromium, driven by
//! playwright-core (tests/browser/check_reports.mjs); `scripts/test` installs both.

mod common;

use common::{privpath, ROOT};
use std::path::Path;
use std::process::Command;

#[test]
fn html_audit_report_and_mermaid_path_in_a_real_browser() {
    let browser = Path::new(ROOT).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists() && browser.join("node_modules/playwright-core").exists(),
        "the browser tests need Debian's chromium and tests/browser/node_modules: run scripts/test"
    );
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&scratch).unwrap();
    let artifacts = Path::new(ROOT).join("target/test-artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    let (html, markdown) = (scratch.join("audit.html"), scratch.join("path.md"));
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions-and-another-account.json",
        "-q",
        "--format",
        "html",
        "--output",
        html.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let o = privpath(&[
        "check",
        "--snapshot",
        "fixtures/broken/route-client-shadowed-by-igw.json",
        "-q",
        "--format",
        "markdown",
        "--output",
        markdown.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    // Four client subnets (two regions of one account, one of another) × three API
    // methods; the us-west-2 subnets fail.
    let expect = scratch.join("expect.json");
    std::fs::write(
        &expect,
        r#"{"rows": 4, "apis": 3, "failingRows": 2, "verdict": "gate failed",
            "accounts": ["111122223333", "777788889999"], "otherAccount": "777788889999", "otherRows": 1}"#,
    )
    .unwrap();
    let screenshot = artifacts.join("audit-report.png");
    let out = Command::new("node")
        .arg(browser.join("check_reports.mjs"))
        .args([&html, &expect, &markdown, &screenshot])
        .env("CHROMIUM", &chromium)
        .output()
        .expect("run node");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("mermaid block 1 parses and renders as a flowchart"),
        "{text}"
    );
    assert!(std::fs::metadata(&screenshot).unwrap().len() > 10_000);
}

/// The HTML page's structure, pinned: what the browser test clicks through.
#[test]
fn html_report_structure_is_pinned() {
    let o = privpath(&[
        "audit",
        "--snapshot",
        "fixtures/estate/two-regions.json",
        "-q",
        "--format",
        "html",
    ]);
    let html = String::from_utf8(o.stdout).unwrap();
    // Self-contained: no script, stylesheet, font or image to fetch.
    for fetch in ["<script src", "<link", "url(", "@import", "<img"] {
        assert!(!html.contains(fetch), "{fetch} in the page");
    }
    insta::assert_snapshot!("audit_two_regions_html", html);
}
