// The example admin console (examples/portal/, served at /portal/ under a
// strict Content-Security-Policy): hostile global CSS kept out, two panels
// working, a header badge fed by keywatch-status, no CSP violation, no axe
// violation; and a leak check of mount()/destroy() a hundred times.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { axe, launch, sim, shot, BASE } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The portal page, with CSP violations and page errors collected. */
async function openPortal({ width = 1280, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport: { width, height: 1000 }, colorScheme });
  await context.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      window.__csp.push(`${e.violatedDirective}: ${e.blockedURI}`);
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(`console: ${m.text()}`);
  });
  const response = await page.goto(BASE + "portal/");
  const csp = response.headers()["content-security-policy"] ?? "";
  return { context, page, problems, csp };
}

async function signInTo(page, panel, form) {
  const f = page.locator(`#${panel} [data-kw="${form}"]`);
  await f.waitFor({ timeout: 15000 });
  await f.locator('input[name="userid"]').fill("kwdemo");
  await f.locator('input[name="password"]').fill("kwdemo");
  await f.locator('input[name="password"]').press("Enter");
}

test("the portal's hostile CSS stays out, both panels work, the badge follows", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "failing" });
  await sim("/_sim/backup", { result: "0", running: false });
  const { context, page, problems, csp } = await openPortal();
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /style-src 'self'(;|$)/, "no 'unsafe-inline' for styles");
  assert.doesNotMatch(csp, /'unsafe-inline'|'unsafe-eval'/);

  await signInTo(page, "gklm-panel", "sign-in");
  await page.locator('#gklm-panel [data-kw="last-backup"][data-state="succeeded"]').waitFor({ timeout: 15000 });
  await signInTo(page, "cckm-panel", "sign-in-cckm");
  await page.locator('#cckm-panel [data-kw="sync-jobs"] [data-kw="job"]').first().waitFor({ timeout: 15000 });

  // Host CSS: the console's own button rule hides its buttons, not ours; its
  // font and colour reach the host element but nothing inside.
  const look = await page.evaluate(() => {
    const root = document.getElementById("gklm-panel").shadowRoot;
    const refresh = root.querySelector('[data-kw="refresh"]');
    const title = root.querySelector(".kw-panel-title");
    const s = (el) => getComputedStyle(el);
    return {
      refreshDisplay: s(refresh).display,
      refreshBackground: s(refresh).backgroundColor,
      titleFont: s(title).fontFamily,
      titleColor: s(title).color,
      panelBox: s(refresh).boxSizing,
      hostFont: s(document.getElementById("gklm-panel")).fontFamily,
      consoleText: s(document.querySelector("h1")).color,
    };
  });
  assert.equal(look.consoleText, "rgb(139, 0, 0)", "the hostile rules are in force on the console");
  assert.match(look.hostFont, /serif/, "…and on the host element itself");
  assert.notEqual(look.refreshDisplay, "none", "button { display: none !important } got in");
  assert.doesNotMatch(look.titleFont, /^serif$/, "the console's font got in");
  assert.notEqual(look.titleColor, "rgb(139, 0, 0)", "the console's colour got in");
  assert.equal(look.panelBox, "border-box", "the console's box-sizing got in");
  assert.equal(look.refreshBackground, "rgb(105, 41, 196)", "--kw-accent set by the console applies");

  // The badge in the console's header follows the panels.
  const badge = page.locator("#keys-badge");
  await badge.filter({ hasText: /sync jobs failed/ }).waitFor({ timeout: 15000 });
  assert.equal(await badge.getAttribute("data-state"), "attention");
  await page.screenshot({ path: shot("portal-1280.png"), fullPage: true });
  await sim("/_sim/backup", { result: "1", running: false });
  await badge.filter({ hasText: /last backup failed/ }).waitFor({ timeout: 15000 });

  assert.deepEqual(await page.evaluate(() => window.__csp), [], "CSP violations");
  assert.deepEqual(await axe(page), [], "axe violations at 1280 px");
  await page.setViewportSize({ width: 320, height: 900 });
  assert.equal(await page.evaluate(() => document.documentElement.scrollWidth), 320, "the page scrolls sideways at 320 px");
  await page.screenshot({ path: shot("portal-320.png"), fullPage: true });
  assert.deepEqual(await axe(page), [], "axe violations at 320 px");
  assert.deepEqual(problems, []);
  await context.close();
});

test("mount() and destroy() a hundred times leave no timer, listener, request or memory behind", async () => {
  await sim("/_sim/reset");
  const context = await browser.newContext();
  // Count what outlives a panel: timers, and listeners on the window and
  // the document (listeners inside a panel's shadow root go with it).
  await context.addInitScript(() => {
    const live = { timeouts: new Set(), intervals: new Set(), listeners: 0 };
    window.__live = live;
    const { setTimeout: st, clearTimeout: ct, setInterval: si, clearInterval: ci } = window;
    window.setTimeout = (f, ms, ...a) => {
      const id = st((...x) => { live.timeouts.delete(id); typeof f === "function" && f(...x); }, ms, ...a);
      live.timeouts.add(id);
      return id;
    };
    window.clearTimeout = (id) => { live.timeouts.delete(id); ct(id); };
    window.setInterval = (f, ms, ...a) => { const id = si(f, ms, ...a); live.intervals.add(id); return id; };
    window.clearInterval = (id) => { live.intervals.delete(id); ci(id); };
    for (const target of [window, document]) {
      const add = target.addEventListener.bind(target);
      const remove = target.removeEventListener.bind(target);
      target.addEventListener = (...a) => { live.listeners++; add(...a); };
      target.removeEventListener = (...a) => { live.listeners--; remove(...a); };
    }
  });
  const page = await context.newPage();
  await page.goto(BASE + "portal/");
  await page.waitForFunction(() => customElements.get("keywatch-panel"));
  // Only the leak check's own panels: the portal's are removed first.
  const result = await page.evaluate(async () => {
    document.querySelectorAll("keywatch-panel").forEach((p) => p.remove());
    const { default: init, mount, mountedPanels } = await import("/keywatch.js");
    const wasm = await init();
    const pause = (ms) => new Promise((r) => setTimeout(r, ms));
    await pause(200);
    const host = document.createElement("div");
    document.body.append(host);
    const sample = () => {
      gc();
      return {
        timeouts: window.__live.timeouts.size,
        intervals: window.__live.intervals.size,
        listeners: window.__live.listeners,
        heap: performance.memory.usedJSHeapSize,
        wasm: wasm.memory.buffer.byteLength,
        panels: mountedPanels(),
      };
    };
    const config = { gklmUrl: "/SKLM/rest/v1", cckmUrl: "/api/v1", pollSeconds: 2 };
    const cycle = async (n) => {
      for (let i = 0; i < n; i++) {
        const panel = mount(host, config);
        await pause(20);
        panel.destroy();
        panel.free();
      }
      await pause(300);
    };
    const before = sample();
    await cycle(10);
    const warm = sample();
    await cycle(100);
    const after = sample();
    return { before, warm, after };
  });
  const { before, warm, after } = result;
  console.log(`leak check: ${JSON.stringify(result)}`);
  assert.equal(after.panels, 0, "panels still mounted");
  assert.equal(after.intervals, before.intervals, "intervals left running");
  assert.equal(after.timeouts, before.timeouts, "timeouts left pending");
  assert.equal(after.listeners, before.listeners, "listeners left on window or document");
  // The bound: after a warm-up of 10 cycles, 100 more grow the JS heap by
  // less than 1 MiB and the wasm memory (which never shrinks) by at most 1 MiB.
  assert.ok(after.heap - warm.heap < 1 << 20, `JS heap grew ${after.heap - warm.heap} B`);
  assert.ok(after.wasm - warm.wasm <= 1 << 20, `wasm memory grew ${after.wasm - warm.wasm} B`);
  // Nothing more is asked of the servers.
  const hits = async () => (await fetch(new URL("_sim/hits", BASE)).then((r) => r.json()));
  const count = (h) => Object.entries(h).filter(([p]) => p.startsWith("/SKLM/") || p.startsWith("/api/"))
    .reduce((n, [, v]) => n + (v.count ?? 0), 0);
  const first = count(await hits());
  await new Promise((r) => setTimeout(r, 3000));
  assert.equal(count(await hits()), first, "requests after every panel was destroyed");
  await context.close();
});
