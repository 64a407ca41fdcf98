// What the end-to-end checks share: Debian's Chromium through
// playwright-core, the simulator's controls, and a page opened with its
// console and CSP complaints collected.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

export const BASE = process.env.KEYWATCH_E2E_URL ?? "http://127.0.0.1:8917/";
export const SHOTS = new URL("./screenshots/", import.meta.url);
export const api = (path) => new URL(path.replace(/^\//, ""), BASE).href;
export const shot = (name) => new URL(name, SHOTS).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

export async function launch() {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: [
      "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
      "--no-first-run", "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--js-flags=--expose-gc",
    ],
  });
}

/** Calls a `/_sim/…` control; answers its JSON, if any. */
export async function sim(path, body, method = "POST") {
  const res = await fetch(api(path), {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `${method} ${path}: ${res.status}`);
  return res.status === 204 ? null : res.json();
}

/** A new page at `path`, collecting what the console and the CSP complain about. */
export async function open(browser, { path = "", locale = "en-US", width = 1280, colorScheme = "light", acceptDownloads = false, init = null } = {}) {
  const context = await browser.newContext({ locale, colorScheme, acceptDownloads, viewport: { width, height: 900 } });
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) {
      problems.push(`console: ${m.text()}`);
    }
  });
  await page.goto(BASE + path);
  return { context, page, problems };
}

/** Signs in through the form named `name` (`sign-in` or `sign-in-cckm`). */
export async function signIn(page, name = "sign-in", user = "kwdemo", password = "kwdemo") {
  const form = page.locator(`[data-kw="${name}"]`);
  await form.waitFor({ timeout: 15000 });
  await form.locator('input[name="userid"]').fill(user);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
}

/**
 * The words drawn on more than one line ("Wiederherstellun" above "g") in
 * the elements matching `selector` in the panel's shadow root, with the
 * number of elements looked at: `{ looked, broken }`.
 */
export async function wordsBrokenAcrossLines(page, selector) {
  return page.evaluate((selector) => {
    const elements = [...document.querySelector("keywatch-panel").shadowRoot.querySelectorAll(selector)];
    const broken = [];
    for (const el of elements) {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        for (const m of n.data.matchAll(/\S+/g)) {
          const tops = new Set();
          for (let i = m.index; i < m.index + m[0].length; i++) {
            const range = document.createRange();
            range.setStart(n, i);
            range.setEnd(n, i + 1);
            const r = range.getBoundingClientRect();
            if (r.width > 0) tops.add(Math.round(r.top));
          }
          if (tops.size > 1) broken.push(m[0]);
        }
      }
    }
    return { looked: elements.length, broken };
  }, selector);
}

/** axe-core's WCAG 2 A/AA and best-practice violations on the page. */
export async function axe(page) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    window.axe.run(document, { runOnly: ["wcag2a", "wcag2aa", "best-practice"] }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}
