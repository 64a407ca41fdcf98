// Benchmark: the time from a 1,000-job reply to the painted sync-job table,
// and from a click on a job to its painted detail, in headless Chromium
// against the simulator's many-jobs scenario. Prints medians with min and
// max over repeated runs, and writes the table to bench-sync-table.txt in the
// target directory (KEYWATCH_BENCH_OUT, which `cargo xtask bench` sets).
// Run it with `cargo xtask bench`, which builds and serves the page.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, open, sim, signIn } from "../e2e/support.mjs";

const RUNS = Number(process.env.KEYWATCH_BENCH_RUNS ?? 7);
const ROWS = 1000;

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted.length % 2
    ? sorted[(sorted.length - 1) / 2]
    : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

const browser = await launch();
await sim("/_sim/reset");
await sim("/_sim/scenario", { name: "many-jobs" });
const replyToPaint = [];
const expandToPaint = [];
for (let run = 0; run < RUNS; run++) {
  const { context, page } = await open(browser, { path: `#limit=${ROWS}` });
  await page.waitForFunction(() => document.querySelector("keywatch-panel")?.shadowRoot);
  await page.evaluate((rows) => {
    const panel = document.querySelector("keywatch-panel").shadowRoot;
    // When the reply for the 1,000-job page ended, and when the table was
    // painted with its rows: the frame after the rows are in the DOM.
    window.__kw = { replyEnd: null, painted: null };
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (e.name.includes(`limit=${rows}`)) window.__kw.replyEnd = e.responseEnd;
      }
    }).observe({ type: "resource", buffered: true });
    const seen = () => panel.querySelectorAll('[data-kw="sync-jobs"] [data-kw="job"]').length >= rows;
    new MutationObserver((_, observer) => {
      if (window.__kw.painted === null && seen()) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => { window.__kw.painted = performance.now(); }, 0));
      }
    }).observe(panel, { childList: true, subtree: true });
  }, ROWS);
  await signIn(page, "sign-in-cckm");
  await page.waitForFunction(() => window.__kw.painted !== null && window.__kw.replyEnd !== null, null, { timeout: 60000 });
  replyToPaint.push(await page.evaluate(() => window.__kw.painted - window.__kw.replyEnd));

  const expand = await page.evaluate(() => new Promise((resolve) => {
    const panel = document.querySelector("keywatch-panel").shadowRoot;
    const button = panel.querySelectorAll('[data-kw="sync-jobs"] [data-kw="expand"]')[500];
    const start = performance.now();
    new MutationObserver((_, observer) => {
      if (panel.querySelector('[data-kw="job-detail"]')) {
        observer.disconnect();
        requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
      }
    }).observe(panel, { childList: true, subtree: true });
    button.click();
  }));
  expandToPaint.push(expand);
  await context.close();
}
await browser.close();

const rows = [
  [`${ROWS}-job reply to painted table`, stats(replyToPaint)],
  ["click on a job to its painted detail (1,000 rows)", stats(expandToPaint)],
];
const lines = [
  `keywatch sync-job table, headless Chromium, ${RUNS} runs (ms)`,
  "| measure | median | min | max |",
  "| --- | ---: | ---: | ---: |",
  ...rows.map(([name, s]) => `| ${name} | ${s.median.toFixed(1)} | ${s.min.toFixed(1)} | ${s.max.toFixed(1)} |`),
];
console.log(lines.join("\n"));
const out = process.env.KEYWATCH_BENCH_OUT ?? fileURLToPath(new URL("../target/bench-sync-table.txt", import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join("\n") + "\n");
console.log(`written to ${out}`);
