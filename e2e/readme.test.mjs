// The README's embedding examples, pasted as they are into a page on the
// gateway's origin (which serves dist/ at / and both simulated APIs).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, sim, BASE } from "./support.mjs";

const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

/** The first ```html block after the heading `heading`. */
function example(heading) {
  const from = README.indexOf(heading);
  assert.ok(from >= 0, `no "${heading}" in the README`);
  const block = README.slice(from).match(/```html\n([\s\S]*?)```/);
  assert.ok(block, `no html example under "${heading}"`);
  return block[1];
}

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function pasted(html) {
  const context = await browser.newContext({ locale: "de-DE" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  const url = BASE + "readme-example.html";
  await page.route(url, (route) => route.fulfill({
    contentType: "text/html",
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>example</title></head><body>${html}</body></html>`,
  }));
  await page.goto(url);
  return { context, page, problems };
}

test("the README's element example works as pasted", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await pasted(example("### As an element"));
  // German, as its language attribute says; GKLM asks for a sign-in.
  await page.locator('#keys [data-kw="sign-in"]').waitFor({ timeout: 15000 });
  await page.locator('#keys [data-kw="sync-jobs"], #keys [data-kw="sign-in-cckm"]').first().waitFor({ timeout: 15000 });
  assert.match(await page.locator('#keys [data-kw="refresh"]').innerText(), /Jetzt abfragen/);
  assert.equal(await page.locator('#keys [data-kw="notifications"]').count(), 0, "cards= is honoured");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the README's mount() example works as pasted", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await pasted(example("### With `mount()`"));
  await page.locator('#keys [data-kw="sign-in"]').waitFor({ timeout: 15000 });
  assert.match(await page.locator('#keys [data-kw="refresh"]').innerText(), /Jetzt abfragen/);
  assert.deepEqual(problems, []);
  await context.close();
});
