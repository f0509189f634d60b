// Checks privpath's reports in a real browser — Debian's chromium, driven by
// playwright-core (which downloads nothing): the HTML audit report's DOM and filters,
// a screenshot of it, and that every ```mermaid block of a Markdown report parses with
// the Mermaid library itself.
//
//   node check_reports.mjs REPORT.html EXPECT.json REPORT.md SCREENSHOT.png
//
// EXPECT.json: {"rows", "apis", "failingRows", "verdict", "accounts": [..],
// "otherAccount", "otherRows"}: what the page must show.
// Prints one line per check and exits 1 on the first failure.
import { chromium } from 'playwright-core';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { dirname, join } from 'node:path';

const [html, expectFile, markdown, screenshot] = process.argv.slice(2);
const expect = JSON.parse(readFileSync(expectFile, 'utf8'));
const here = dirname(fileURLToPath(import.meta.url));

function check(ok, what) {
  if (!ok) {
    console.error(`FAIL ${what}`);
    process.exit(1);
  }
  console.log(`ok ${what}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  // The page must need nothing from the network.
  const requests = [];
  page.on('request', (r) => { if (!r.url().startsWith('file:') && !r.url().startsWith('data:')) requests.push(r.url()); });
  await page.goto(pathToFileURL(html).href);
  check(requests.length === 0, `the report loads nothing from the network (${requests.join(', ')})`);

  const rows = await page.locator('#matrix tbody tr').count();
  check(rows === expect.rows, `the matrix has ${expect.rows} client-subnet rows (found ${rows})`);
  const apis = await page.locator('#matrix thead th.api').count();
  check(apis === expect.apis, `the matrix has ${expect.apis} API-method columns (found ${apis})`);
  const failing = await page.locator('#matrix td.cell[data-status="fail"]').count();
  check(failing === expect.failingRows, `${expect.failingRows} cells fail (found ${failing})`);
  const verdict = await page.locator('#verdict').textContent();
  check(verdict.includes(expect.verdict), `the verdict says "${expect.verdict}" (${verdict})`);
  const options = await page.locator('#f-account option').allTextContents();
  for (const a of expect.accounts) check(options.includes(a), `the account filter offers ${a}`);
  const hops = await page.locator('.path .hop').count();
  check(hops >= 8, `each API's path is drawn hop by hop (${hops} hops)`);
  const brokenHops = await page.locator('.path .hop.fail').count();
  check(brokenHops >= (expect.failingRows > 0 ? 1 : 0), `a broken hop is marked (${brokenHops})`);

  // Filters: only failing rows, then back to all.
  await page.selectOption('#f-status', 'fail');
  const shownFail = await page.locator('#matrix tbody tr:not(.hidden)').count();
  check(shownFail === expect.failingRows, `status=fail leaves ${expect.failingRows} rows (found ${shownFail})`);
  const shownCount = await page.locator('#shown').textContent();
  check(shownCount === String(expect.failingRows), `the count says ${shownCount}`);
  await page.selectOption('#f-status', 'pass');
  const shownPass = await page.locator('#matrix tbody tr:not(.hidden)').count();
  check(shownPass === expect.rows - expect.failingRows, `status=pass leaves ${expect.rows - expect.failingRows} rows (found ${shownPass})`);
  await page.selectOption('#f-status', '');
  await page.selectOption('#f-account', expect.otherAccount);
  const shownOther = await page.locator('#matrix tbody tr:not(.hidden)').count();
  check(shownOther === expect.otherRows, `account=${expect.otherAccount} leaves its ${expect.otherRows} row(s) (found ${shownOther})`);
  await page.selectOption('#f-account', '');
  const shownAll = await page.locator('#matrix tbody tr:not(.hidden)').count();
  check(shownAll === expect.rows, `clearing the filters shows every row again (${shownAll})`);
  await page.screenshot({ path: screenshot, fullPage: true });
  check(true, `screenshot saved to ${screenshot}`);

  // Mermaid: parse every block with the real library, in the browser.
  const blocks = [...readFileSync(markdown, 'utf8').matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
  check(blocks.length >= 1, `the Markdown has ${blocks.length} mermaid block(s)`);
  const mermaidPage = await browser.newPage();
  await mermaidPage.setContent('<!doctype html><html><body></body></html>');
  await mermaidPage.addScriptTag({ path: join(here, 'node_modules/mermaid/dist/mermaid.min.js') });
  for (const [i, block] of blocks.entries()) {
    const result = await mermaidPage.evaluate(async (text) => {
      try {
        mermaid.initialize({ startOnLoad: false });
        const parsed = await mermaid.parse(text);
        const { svg } = await mermaid.render(`d${Math.random().toString(36).slice(2)}`, text);
        return { ok: !!parsed, type: parsed.diagramType, svg: svg.length };
      } catch (e) {
        return { ok: false, error: String(e) };
      }
    }, block);
    check(result.ok && result.type === 'flowchart-v2' && result.svg > 1000,
      `mermaid block ${i + 1} parses and renders as a flowchart (${JSON.stringify(result)})`);
  }
} finally {
  await browser.close();
}
