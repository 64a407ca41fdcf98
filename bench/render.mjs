// The rendering and memory benchmark of issue 11, in headless Chromium
// against the simulator, beside a plain-JavaScript baseline measured in the
// same run with the same method. Run it with `cargo xtask bench render`,
// which builds the bundle, serves it with bench/pages/ at /portal/, and sets
// KEYWATCH_E2E_URL and KEYWATCH_BENCH_OUT.
//
// Every time is from a start to "painted": the end of the first task after
// the animation frame that follows the DOM change (requestAnimationFrame,
// then setTimeout 0), as seen from inside the page.
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, sim, api } from "../e2e/support.mjs";

const RUNS = Number(process.env.KEYWATCH_BENCH_RUNS ?? 7);
const IDLE_S = Number(process.env.KEYWATCH_BENCH_IDLE_S ?? 60);
const CYCLES = Number(process.env.KEYWATCH_BENCH_CYCLES ?? 1000);
const POLL_SECONDS = 15; // the panel's default
// The bounds the memory rows check, over the polling cycles (after a GC).
const HEAP_BOUND_KB = 256;
const WASM_BOUND_KB = 1024;
const GOAL_FILLED_MS = 300;
const GOAL_RATIO = 1.3;
const GOAL_WASM_MB = 24;

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1] };
}

async function json(path, body) {
  const res = await fetch(api(path), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status}`);
  return res.json();
}

/** Sessions signed in before the page opens, so that its cards fill with data. */
async function sessions() {
  const gklm = await json("/SKLM/rest/v1/ckms/login", { userid: "kwdemo", password: "kwdemo" });
  const cckm = await json("/api/v1/auth/tokens", { grant_type: "password", username: "kwdemo", password: "kwdemo" });
  return { gklmAuthId: gklm.UserAuthId ?? gklm.userAuthId, cckmToken: cckm.jwt };
}

async function config(extra = {}) {
  return { gklmUrl: "/SKLM/rest/v1", cckmUrl: "/api/v1", language: "en", ...(await sessions()), ...extra };
}

// Installed in every bench page before its own scripts: what the
// measurements share, so that both pages are measured the same way.
function pageTools({ watchCards }) {
  const root = () => document.getElementById("panel")?.shadowRoot ?? null;
  // Rows shown: "Find in this page" hides the others.
  const rows = (r) => r.querySelectorAll('[data-kw="sync-jobs"] tbody [data-kw="job"]:not([hidden])').length;
  // Jobs the table holds: its aria-rowcount less the header when windowed
  // (its rows drawn are only those in view), else the rows shown.
  const count = (r) => {
    const table = r.querySelector('[data-kw="sync-jobs"] [data-kw="jobs"]');
    const said = table?.getAttribute("aria-rowcount");
    return said ? Number(said) - 1 - (r.querySelector('[data-kw="job-detail"]') ? 1 : 0) : rows(r);
  };
  // The table's page of `n` jobs is in: held and drawn.
  const holds = (r, n) => count(r) >= n && rows(r) > 0;
  // The frame after `holds(root)` becomes true: resolves with its time.
  const painted = (holds) => new Promise((resolve) => {
    const done = () => requestAnimationFrame(() => setTimeout(() => resolve(performance.now()), 0));
    const watch = () => {
      const r = root();
      if (!r) return requestAnimationFrame(watch);
      if (holds(r)) return done();
      const observer = new MutationObserver(() => {
        if (holds(r)) {
          observer.disconnect();
          done();
        }
      });
      observer.observe(r, { childList: true, subtree: true, attributes: true, characterData: true });
    };
    watch();
  });
  // When the reply whose address matches `pattern` ended.
  const replyEnd = (pattern) => new Promise((resolve) => {
    const re = new RegExp(pattern);
    new PerformanceObserver((list, observer) => {
      for (const e of list.getEntries()) {
        if (re.test(e.name)) {
          observer.disconnect();
          resolve(e.responseEnd);
        }
      }
    }).observe({ type: "resource", buffered: true });
  });
  performance.setResourceTimingBufferSize(100000);
  // Each of the first `n` rows, as markup with its attributes in order.
  const markup = (n) => {
    const canon = (el) => (el.nodeType === Node.TEXT_NODE ? JSON.stringify(el.data)
      : `<${el.nodeName} ${[...el.attributes].map((a) => `${a.name}=${a.value}`).sort().join(" ")}>${[...el.childNodes].map(canon).join("")}</>`);
    return [...root().querySelectorAll('[data-kw="sync-jobs"] tbody [data-kw="job"]')].slice(0, n).map((tr) => [tr.dataset.id, canon(tr)]);
  };
  window.__kw = { root, rows, count, holds, painted, replyEnd, markup };
  if (!watchCards) return;
  // Navigation start to the frame after every card shows data.
  const EMPTY = ["loading", "sign-in", "error"];
  window.__kwFilled = painted((r) => {
    const cards = [...r.querySelectorAll("section.kw-card")];
    return cards.length >= 6 && cards.every((c) => !EMPTY.includes(c.dataset.state));
  });
}

async function open(browser, file, cfg, hash = "", watchCards = true) {
  const context = await browser.newContext({ locale: "en-US", viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    // As in the end-to-end checks, "Failed to load resource" lines are left out.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript((c) => { window.__kwBenchConfig = c; }, cfg);
  await page.addInitScript(pageTools, { watchCards });
  await page.goto(api(`/portal/${file}${hash}`));
  return { context, page, problems };
}

function check(problems, what) {
  if (problems.length) throw new Error(`${what}: ${problems.join("; ")}`);
}

// (a) Navigation until every card shows simulator data, on `file`.
async function navigation(browser, file) {
  const cfg = await config();
  const { context, page, problems } = await open(browser, file, cfg);
  const filled = await page.evaluate(() => window.__kwFilled);
  // Where the time went: the bundle, its start, the cards' requests.
  const steps = await page.evaluate((filled) => {
    const resources = performance.getEntriesByType("resource");
    const end = (re) => Math.max(0, ...resources.filter((e) => re.test(e.name)).map((e) => e.responseEnd));
    const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
    const api = resources.filter((e) => /\/(SKLM|api\/v1)\//.test(e.name) && e.responseEnd <= filled);
    return {
      wasm: end(/keywatch_bg\.wasm/),
      init: mark("kw-init-done"),
      mounted: mark("kw-mounted"),
      firstAsk: Math.min(...api.map((e) => e.startTime)),
      lastReply: Math.max(...api.map((e) => e.responseEnd)),
      requests: api.length,
    };
  }, filled);
  const states = await page.evaluate(() => [...window.__kw.root().querySelectorAll("section.kw-card")].map((c) => `${c.dataset.kw}=${c.dataset.state}`));
  check(problems, "navigation");
  await context.close();
  return { filled, states, steps };
}

const JOBS_REPLY = (limit) => `synchronization-jobs\\?.*limit=${limit}(&|$)`;

// (b) A page of `limit` jobs: the reply's end to the painted table.
async function keywatchTable(browser, limit) {
  const cfg = await config({ cards: ["syncJobs"] });
  const opened = await open(browser, "panel.html", cfg, `#limit=${limit}`, false);
  const ms = await opened.page.evaluate(async ([limit, pattern]) => {
    const end = window.__kw.replyEnd(pattern);
    const painted = await window.__kw.painted((r) => window.__kw.holds(r, limit));
    return painted - (await end);
  }, [limit, JOBS_REPLY(limit)]);
  check(opened.problems, `keywatch, ${limit} rows`);
  return { ms, ...opened };
}

async function baselineTable(browser, limit, file = "baseline.html") {
  const cfg = await config();
  const opened = await open(browser, file, cfg, "", false);
  await opened.page.waitForFunction(() => window.__kwBaseline?.ready);
  const ms = await opened.page.evaluate(async ([limit, pattern]) => {
    const end = window.__kw.replyEnd(pattern);
    const painted = window.__kw.painted((r) => window.__kw.holds(r, limit));
    await window.__kwBaseline.load(limit);
    return (await painted) - (await end);
  }, [limit, JOBS_REPLY(limit)]);
  check(opened.problems, `${file}, ${limit} rows`);
  return { ms, ...opened };
}

const windowedTable = (browser, limit) => baselineTable(browser, limit, "baseline.html?windowed");

// A click on the 10th of 1,000 jobs (in view: the table is windowed) to the
// frame after its detail is shown (keywatch only: the baseline has no detail row).
async function openDetail(page) {
  return page.evaluate(async () => {
    const r = window.__kw.root();
    const button = r.querySelectorAll('[data-kw="sync-jobs"] [data-kw="expand"]')[9];
    const start = performance.now();
    button.click();
    return (await window.__kw.painted((root) => root.querySelector('[data-kw="job-detail"]') !== null)) - start;
  });
}

// (c) One input event in "Find in this page" to the frame after the page
// has answered it: its count of matches changed and agrees with the rows
// shown (or, for blank text, no count and every one of the `held` rows).
// Answers the time and the rows then shown.
async function find(page, text, held) {
  return page.evaluate(async ([text, held]) => {
    const r = window.__kw.root();
    const input = r.querySelector('[data-kw="find"]');
    const countText = (root) => root.querySelector('[data-kw="find-count"]')?.textContent.trim() ?? "";
    const before = countText(r);
    const answered = (root) => {
      const said = countText(root);
      const rows = window.__kw.count(root);
      if (text.trim() === "") return said === "" && rows === held && window.__kw.rows(root) > 0;
      const m = /^([\d,]+) of ([\d,]+) /.exec(said);
      return said !== before && m !== null && Number(m[1].replace(/,/g, "")) === rows && Number(m[2].replace(/,/g, "")) === held;
    };
    const start = performance.now();
    input.value = text;
    input.dispatchEvent(new InputEvent("input", { bubbles: true, composed: true, inputType: "insertText", data: text.slice(-1) || null }));
    const end = await window.__kw.painted(answered);
    return { ms: end - start, shown: window.__kw.count(r) };
  }, [text, held]);
}

// (b) Steady scrolling through the table of 10,000 jobs, top to bottom in
// SCROLL_MS, its position set at each animation frame: the intervals between
// frames (requestAnimationFrame's timestamps) and the long tasks (over 50 ms)
// meanwhile. At RELOAD_AT_MS the page is asked for again, as a poll does,
// after the simulator's clock moved on (so that it changed): keywatch by
// refresh(), the baselines by their load(). Answers whether the last job was
// drawn at the end, in view, and whether that reply came during the scroll.
const SCROLL_MS = 5000;
const RELOAD_AT_MS = 1500;
async function scrolling(page) {
  return page.evaluate(async ([ms, reloadAt]) => {
    const r = window.__kw.root();
    const frame = r.querySelector('[data-kw="sync-jobs"] .kw-table-wrap');
    frame.scrollIntoView();
    frame.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    const longTasks = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); });
    observer.observe({ type: "longtask" });
    const frames = [];
    await new Promise((resolve) => {
      let start = null;
      let last = null;
      const step = (t) => {
        if (start === null) start = t;
        else frames.push(t - last);
        last = t;
        if (reloadAt !== null && t - start >= reloadAt) {
          reloadAt = null;
          fetch("/_sim/clock", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ advance_seconds: 30 }) })
            .then(() => (window.__kwPanel ? window.__kwPanel.refresh() : window.__kwBaseline.load(10000)));
        }
        const done = Math.min(1, (t - start) / ms);
        frame.scrollTop = done * (frame.scrollHeight - frame.clientHeight);
        if (done < 1) requestAnimationFrame(step);
        else resolve();
      };
      requestAnimationFrame(step);
    });
    const scrolled = performance.now();
    await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    const pages = performance.getEntriesByType("resource").filter((e) => /synchronization-jobs\?.*limit=10000(&|$)/.test(e.name));
    const reloaded = pages.length >= 2 && pages[pages.length - 1].responseEnd < scrolled;
    const view = frame.getBoundingClientRect();
    const last = [...r.querySelectorAll('[data-kw="sync-jobs"] tbody [data-kw="job"]')].pop();
    const box = last?.getBoundingClientRect();
    const count = window.__kw.count(r);
    const lastIsLast = last?.getAttribute("aria-rowindex") === String(count + 1) || (!last?.hasAttribute("aria-rowindex") && count === window.__kw.rows(r));
    // Where it fell short: the last row's index drawn, and how far the frame could still scroll.
    const short = `row ${last?.getAttribute("aria-rowindex") ?? "none"} of ${count + 1}, ${Math.round(frame.scrollHeight - frame.clientHeight - frame.scrollTop)} px left`;
    return { frames, longTasks, short, reloaded, reachedEnd: Boolean(box && lastIsLast && box.bottom <= view.bottom + 1 && box.bottom > view.top) };
  }, [SCROLL_MS, RELOAD_AT_MS]);
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

const KEYSTROKES = [
  ["f", "typing f into the empty field"],
  ["fa", "then a (fa)"],
  ["", "clearing the field (all rows back)"],
];

// (d) One idle minute of polling, every card on the page.
async function idle(browser, cdpOf) {
  await sim("/_sim/reset");
  const cfg = await config();
  const { context, page, problems } = await open(browser, "panel.html", cfg);
  await page.evaluate(() => window.__kwFilled);
  const cdp = await cdpOf(page);
  const metrics = async () => Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  await page.evaluate(() => {
    const r = window.__kw.root();
    window.__kwBatches = 0;
    new MutationObserver(() => { window.__kwBatches += 1; }).observe(r, { childList: true, subtree: true, attributes: true, characterData: true });
    window.__kwStart = {
      requests: window.__kwRequests.started,
      renders: [...r.querySelectorAll("section.kw-card")].reduce((n, c) => n + Number(c.dataset.renders), 0),
    };
  });
  const before = await metrics();
  await new Promise((resolve) => setTimeout(resolve, IDLE_S * 1000));
  const after = await metrics();
  const counted = await page.evaluate(() => {
    const r = window.__kw.root();
    return {
      requests: window.__kwRequests.started - window.__kwStart.requests,
      renders: [...r.querySelectorAll("section.kw-card")].reduce((n, c) => n + Number(c.dataset.renders), 0) - window.__kwStart.renders,
      batches: window.__kwBatches,
    };
  });
  check(problems, "idle minute");
  await context.close();
  return {
    ...counted,
    taskMs: (after.TaskDuration - before.TaskDuration) * 1000,
    scriptMs: (after.ScriptDuration - before.ScriptDuration) * 1000,
  };
}

// Memory: JS heap and wasm linear memory after a GC, after load, after the
// polling cycles (the simulator's clock moved on POLL_SECONDS per cycle, then
// every card checked with refresh()), and after a 10,000-job page.
async function memory(browser, cdpOf) {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "many-jobs" });
  const cfg = await config({ pollSeconds: 3600, renewSessions: true });
  const { context, page, problems } = await open(browser, "panel.html", cfg);
  await page.evaluate(() => window.__kwFilled);
  const cdp = await cdpOf(page);
  const measure = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const m = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((x) => [x.name, x.value]));
    const wasm = await page.evaluate(() => window.__kwWasm.memory.buffer.byteLength);
    return { heap: m.JSHeapUsedSize, wasm };
  };
  const afterLoad = await measure();
  const checkpoints = [];
  const cycleMs = [];
  for (let cycle = 1; cycle <= CYCLES; cycle++) {
    await sim("/_sim/clock", { advance_seconds: POLL_SECONDS });
    const t0 = performance.now();
    await page.evaluate(async () => {
      const requests = window.__kwRequests;
      const before = requests.started;
      window.__kwPanel.refresh();
      const tick = () => new Promise((resolve) => setTimeout(resolve, 0));
      // The cycle's requests: started, all answered, and none after two more turns.
      for (let quiet = 0; quiet < 3;) {
        await tick();
        quiet = requests.started > before && requests.inflight === 0 ? quiet + 1 : 0;
      }
    });
    cycleMs.push(performance.now() - t0);
    if (cycle === Math.min(100, CYCLES)) checkpoints.push([`after ${cycle} cycles`, await measure()]);
  }
  const afterCycles = await measure();
  const signIn = await page.evaluate(() => window.__kw.root().querySelectorAll('[data-kw="sign-in"], [data-kw="sign-in-cckm"]').length);
  await page.locator('[data-kw="page-size"]').selectOption("10000");
  await page.evaluate(() => window.__kw.painted((r) => window.__kw.holds(r, 10000)));
  const afterRows = await measure();
  await page.locator('[data-kw="page-size"]').selectOption("10");
  await page.evaluate(() => window.__kw.painted((r) => window.__kw.count(r) === 10 && window.__kw.rows(r) === 10));
  const afterBack = await measure();
  check(problems, "memory");
  await context.close();
  return { afterLoad, checkpoints, afterCycles, afterRows, afterBack, signIn, cycle: stats(cycleMs) };
}

const browser = await launch();
const cdpOf = (page) => page.context().newCDPSession(page).then(async (cdp) => {
  await cdp.send("Performance.enable");
  return cdp;
});
const lines = [];
const say = (line = "") => { lines.push(line); console.log(line); };
const ms = (v) => v.toFixed(1);
const row = (name, s, extra = "") => `| ${name} | ${ms(s.median)} | ${ms(s.min)} | ${ms(s.max)} |${extra}`;

// (a)
await sim("/_sim/reset");
const filled = [];
const steps = [];
let states = [];
// The same, on a host page without the README's preloads (in turn with it).
const filledBare = [];
const stepsBare = [];
for (let run = 0; run < RUNS; run++) {
  const r = await navigation(browser, "panel.html");
  filled.push(r.filled);
  steps.push(r.steps);
  states = r.states;
  const bare = await navigation(browser, "panel-bare.html");
  filledBare.push(bare.filled);
  stepsBare.push(bare.steps);
}

// (b) and (c): both pages in each run, the baseline first.
await sim("/_sim/reset");
await sim("/_sim/scenario", { name: "many-jobs" });
// "baseline" renders every row; "windowed" draws the rows in view, as keywatch does.
const WHO = [["baseline", baselineTable], ["windowed", windowedTable], ["keywatch", keywatchTable]];
const table = Object.fromEntries(WHO.map(([who]) => [who, { 1000: [], 10000: [] }]));
const keys = Object.fromEntries(WHO.map(([who]) => [who, KEYSTROKES.map(() => [])]));
const shownRows = Object.fromEntries(WHO.map(([who]) => [who, []]));
const scrolled = Object.fromEntries(WHO.map(([who]) => [who, { p50: [], p95: [], longest: [], frames: [], longTasks: [], longestTask: [], missed: [], reloaded: 0 }]));
const detail = [];
// The rows' markup, each page loaded in turn before anything moves the
// simulator's clock (stopped by the gateway; the scrolling below moves
// it), so that all are shown the same jobs.
const markups = {};
for (const [who, open10k] of WHO) {
  const small = await open10k(browser, 1000);
  markups[who] = new Map(await small.page.evaluate(() => window.__kw.markup(1000)));
  await small.context.close();
}
for (let run = 0; run < RUNS; run++) {
  for (const [who, open10k] of WHO) {
    const small = await open10k(browser, 1000);
    table[who][1000].push(small.ms);
    if (who === "keywatch") detail.push(await openDetail(small.page));
    await small.context.close();
    const big = await open10k(browser, 10000);
    table[who][10000].push(big.ms);
    const held = await big.page.evaluate(() => window.__kw.count(window.__kw.root()));
    for (const [i, [text]] of KEYSTROKES.entries()) {
      const k = await find(big.page, text, held);
      keys[who][i].push(k.ms);
      if (run === 0) shownRows[who].push(k.shown);
    }
    const s = await scrolling(big.page);
    const into = scrolled[who];
    into.p50.push(percentile(s.frames, 50));
    into.p95.push(percentile(s.frames, 95));
    into.longest.push(Math.max(...s.frames));
    into.frames.push(s.frames.length);
    into.longTasks.push(s.longTasks.length);
    into.longestTask.push(Math.max(0, ...s.longTasks));
    if (!s.reachedEnd) into.missed.push(s.short);
    if (s.reloaded) into.reloaded += 1;
    check(big.problems, `${who}, find and scrolling`);
    await big.context.close();
  }
}

const idleMinute = await idle(browser, cdpOf);
const mem = await memory(browser, cdpOf);
await browser.close();

const ratio = (k, b) => stats(k).median / stats(b).median;
const verdict = (holds) => (holds ? "holds" : "MISSED");
say(`keywatch rendering and memory, headless Chromium (${process.env.CHROMIUM ?? "/usr/bin/chromium"}), simulator on loopback, ${RUNS} runs`);
say();
say("(a) navigation start (performance.timeOrigin) to the frame after the last of the 6 cards shows simulator data");
say("    (data-state not loading, sign-in or error); GKLM and CCKM sessions signed in before navigation, default scenario;");
say("    the host page preloads keywatch.js and the wasm as the README says (bench/pages/panel.html); the last two rows,");
say("    a page without them (panel-bare.html), loaded in turn with it");
say("| measure (ms) | median | min | max |");
say("| --- | ---: | ---: | ---: |");
say(row("the wasm file received", stats(steps.map((s) => s.wasm))));
say(row("init() done: wasm compiled and started", stats(steps.map((s) => s.init))));
say(row("panel mounted", stats(steps.map((s) => s.mounted))));
say(row("first card request sent", stats(steps.map((s) => s.firstAsk))));
say(row(`last card reply received (of ${steps[0].requests} requests)`, stats(steps.map((s) => s.lastReply))));
say(row("every card filled", stats(filled)));
say(row("without preloads: the wasm file received", stats(stepsBare.map((s) => s.wasm))));
say(row("without preloads: every card filled", stats(filledBare)));
say(`goal: within ${GOAL_FILLED_MS} ms: ${verdict(stats(filled).median <= GOAL_FILLED_MS)}; card states then: ${states.join(", ")}`);
say();
say("(b) end of the reply for the page (resource timing responseEnd) to the frame after its rows are in the table;");
say("    (c) one input event in \"Find in this page\" over the 10,000 jobs held, to the frame after the rows shown match;");
say("    scenario many-jobs, AWS; keywatch shows only its sync-job card. Two plain-JavaScript baselines, same table markup and");
say("    stylesheet: \"every row\" renders all the page's rows, \"windowed\" the rows in view and 8 either side above 100 jobs, as keywatch");
say("| measure (ms) | keywatch median | min | max | every row median | min | max | windowed median | min | max | ÷ every row | ÷ windowed |");
say("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
const three = (name, k, b, w) => {
  const [sk, sb, sw] = [stats(k), stats(b), stats(w)];
  say(`| ${name} | ${ms(sk.median)} | ${ms(sk.min)} | ${ms(sk.max)} | ${ms(sb.median)} | ${ms(sb.min)} | ${ms(sb.max)} | ${ms(sw.median)} | ${ms(sw.min)} | ${ms(sw.max)} | ${ratio(k, b).toFixed(2)}× | ${ratio(k, w).toFixed(2)}× |`);
};
three("(b) 1,000-job page, reply to paint", table.keywatch[1000], table.baseline[1000], table.windowed[1000]);
three("(b) 10,000-job page, reply to paint", table.keywatch[10000], table.baseline[10000], table.windowed[10000]);
for (const [i, [, name]] of KEYSTROKES.entries()) {
  const [k, b, w] = [shownRows.keywatch[i], shownRows.baseline[i], shownRows.windowed[i]].map((n) => n.toLocaleString("en"));
  three(`(c) find: ${name}; jobs shown ${k === b && b === w ? k : `${k} (baselines ${b}, ${w})`}`, keys.keywatch[i], keys.baseline[i], keys.windowed[i]);
}
const common = [...markups.keywatch.keys()].filter((id) => markups.windowed.has(id));
const alike = common.filter((id) => markups.keywatch.get(id) === markups.windowed.get(id)).length;
say(`same row markup (elements, attributes, text) as the windowed baseline: ${alike} of the ${common.length} jobs drawn on both 1,000-job pages`);
say(row("click on the 10th of 1,000 jobs to its painted detail (keywatch only)", stats(detail), " | | | | | | | | |"));
const pageRatios = [1000, 10000].flatMap((n) => [ratio(table.keywatch[n], table.baseline[n]), ratio(table.keywatch[n], table.windowed[n])]);
const findRatios = KEYSTROKES.map((_, i) => ratio(keys.keywatch[i], keys.windowed[i]));
say(`goal: each page at most 0.1× every row and ${GOAL_RATIO}× windowed: ${verdict([0, 2].every((i) => pageRatios[i] <= 0.1) && [1, 3].every((i) => pageRatios[i] <= GOAL_RATIO))} `
  + `(1,000: ${pageRatios[0].toFixed(2)}×, ${pageRatios[1].toFixed(2)}×; 10,000: ${pageRatios[2].toFixed(2)}×, ${pageRatios[3].toFixed(2)}×); `
  + `find at most ${GOAL_RATIO}× windowed: ${verdict(findRatios.every((r) => r <= GOAL_RATIO))} (worst ${Math.max(...findRatios).toFixed(2)}×)`);
say();
say(`(b) scrolling: the 10,000-job table scrolled top to bottom in ${SCROLL_MS / 1000} s, its scrollTop set at each animation frame;`);
say("    frame time = interval between requestAnimationFrame timestamps (p50, p95, longest, each a median over the runs);");
say("    long tasks from PerformanceObserver (entry type longtask, over 50 ms);");
say(`    at ${RELOAD_AT_MS / 1000} s the page asked for again, as a poll does, after the simulator's clock moved 30 s (keywatch: refresh(); the baselines: their load())`);
say("| measure | keywatch | every row | windowed | ÷ every row | ÷ windowed |");
say("| --- | ---: | ---: | ---: | ---: | ---: |");
const med = (v) => stats(v).median;
for (const [name, key] of [["frame time p50 (ms)", "p50"], ["frame time p95 (ms)", "p95"], ["longest frame (ms)", "longest"]]) {
  const [k, b, w] = ["keywatch", "baseline", "windowed"].map((who) => med(scrolled[who][key]));
  say(`| ${name} | ${ms(k)} | ${ms(b)} | ${ms(w)} | ${(k / b).toFixed(2)}× | ${(k / w).toFixed(2)}× |`);
}
say(`| frames in ${SCROLL_MS / 1000} s | ${["keywatch", "baseline", "windowed"].map((who) => med(scrolled[who].frames)).join(" | ")} | | |`);
say(`| long tasks (most in a run; longest, ms) | ${["keywatch", "baseline", "windowed"].map((who) => `${Math.max(...scrolled[who].longTasks)}; ${ms(Math.max(...scrolled[who].longestTask))}`).join(" | ")} | | |`);
say(`the page asked again answered during the scroll: ${["keywatch", "baseline", "windowed"].map((who) => `${who} in ${scrolled[who].reloaded} of ${RUNS} runs`).join(", ")}`);
say(`the last job drawn and in view at the end: ${["keywatch", "baseline", "windowed"].map((who) => {
  const { missed } = scrolled[who];
  return `${who} ${missed.length ? `NO in ${missed.length} of ${RUNS} runs (${missed.join("; ")})` : "yes"}`;
}).join(", ")}`);
const p95 = med(scrolled.keywatch.p95) / med(scrolled.windowed.p95);
const tasks = Math.max(...scrolled.keywatch.longTasks);
say(`goal: p95 frame time at most ${GOAL_RATIO}× windowed: ${verdict(p95 <= GOAL_RATIO)} (${p95.toFixed(2)}×); no long task: ${verdict(tasks === 0)} (${tasks})`);
say();
say(`(d) ${IDLE_S} s idle on the page with every card, polling every ${POLL_SECONDS} s (one run; CPU from CDP Performance.getMetrics)`);
say("| measure | value |");
say("| --- | ---: |");
say(`| requests made | ${idleMinute.requests} |`);
say(`| card renders (sum of the cards' data-renders) | ${idleMinute.renders} |`);
say(`| DOM mutation batches in the shadow root | ${idleMinute.batches} |`);
say(`| main-thread task time (TaskDuration), ms | ${ms(idleMinute.taskMs)} |`);
say(`| script time (ScriptDuration), ms | ${ms(idleMinute.scriptMs)} |`);
say();
const kb = (b) => (b / 1024).toFixed(0);
say(`Memory after a GC (HeapProfiler.collectGarbage): JS heap (JSHeapUsedSize) and wasm linear memory (memory.buffer.byteLength);`);
say(`a cycle = the simulator's clock moved ${POLL_SECONDS} s, then refresh() and all its requests answered (median ${ms(mem.cycle.median)} ms, max ${ms(mem.cycle.max)} ms); scenario many-jobs, pages of 10 jobs`);
say("| when | JS heap (KB) | wasm memory (KB) |");
say("| --- | ---: | ---: |");
say(`| after load | ${kb(mem.afterLoad.heap)} | ${kb(mem.afterLoad.wasm)} |`);
for (const [name, m] of mem.checkpoints) say(`| ${name} | ${kb(m.heap)} | ${kb(m.wasm)} |`);
say(`| after ${CYCLES.toLocaleString("en")} cycles | ${kb(mem.afterCycles.heap)} | ${kb(mem.afterCycles.wasm)} |`);
say(`| then after a 10,000-job page | ${kb(mem.afterRows.heap)} | ${kb(mem.afterRows.wasm)} |`);
say(`| then back to a 10-job page | ${kb(mem.afterBack.heap)} | ${kb(mem.afterBack.wasm)} |`);
const heapGrowth = mem.afterCycles.heap - mem.afterLoad.heap;
const wasmGrowth = mem.afterCycles.wasm - mem.afterLoad.wasm;
say(`bound over the ${CYCLES.toLocaleString("en")} cycles: JS heap grows < ${HEAP_BOUND_KB} KB (grew ${kb(heapGrowth)} KB): ${verdict(heapGrowth < HEAP_BOUND_KB * 1024)}; `
  + `wasm memory grows < ${WASM_BOUND_KB} KB (grew ${kb(wasmGrowth)} KB): ${verdict(wasmGrowth < WASM_BOUND_KB * 1024)}`);
say(`goal: wasm memory after a 10,000-job page under ${GOAL_WASM_MB} MB: ${verdict(mem.afterRows.wasm < GOAL_WASM_MB * 1024 * 1024)} (${(mem.afterRows.wasm / 1048576).toFixed(1)} MB)`);
if (mem.signIn > 0) say(`NOTE: the panel showed a sign-in form after the cycles (${mem.signIn})`);

const out = process.env.KEYWATCH_BENCH_OUT ?? fileURLToPath(new URL("../target/bench-render-table.txt", import.meta.url));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, lines.join("\n") + "\n");
console.log(`written to ${out}`);
