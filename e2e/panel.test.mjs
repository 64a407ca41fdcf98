// End-to-end checks: the built page (dist/), served by `keywatch-gateway demo`,
// in headless Chromium, as a person would use it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { api, launch, open as openPage, sim, signIn, shot, wordsBrokenAcrossLines } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const open = (locale = "en-US") => openPage(browser, { locale, width: 1100 });

test("the Last backup card shows GKLM's result after signing in", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/backup", { result: "2", running: false });
  const { context, page, problems } = await open();

  // Before a sign-in GKLM refuses (CTGKM6002E): the panel asks for one.
  const form = page.locator('[data-kw="sign-in"]');
  await form.waitFor({ timeout: 15000 });
  await form.locator('[data-kw="sign-in-reason"]').filter({ hasText: "CTGKM6002E" }).waitFor({ timeout: 15000 });
  await page.screenshot({ path: shot("sign-in.png"), fullPage: true });
  await signIn(page);
  const card = page.locator('[data-kw="last-backup"][data-state="succeeded-with-warning"]');
  await card.waitFor({ timeout: 15000 });
  assert.match(await card.locator('[data-kw="verdict"]').innerText(), /Succeeded with warning$/);
  assert.equal(await page.locator('[data-kw="sign-in"]').count(), 0, "the form goes away");

  // The card shows the server's own status text, as the server sent it.
  const login = await fetch(api("/SKLM/rest/v1/ckms/login"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userid: "kwdemo", password: "kwdemo" }),
  }).then((r) => r.json());
  const wire = await fetch(api("/SKLM/rest/v1/ckms/backups/result"), {
    headers: { authorization: `SKLMAuth userAuthId=${login.UserAuthId}`, "accept-language": "en" },
  }).then((r) => r.json());
  assert.equal(wire.code, "2");
  assert.equal(await card.locator('[data-kw="server-status"]').innerText(), wire.status);
  assert.match(await card.locator('[data-kw="age"]').innerText(), /^Updated .* ago$/);

  await page.screenshot({ path: shot("panel.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a wrong password is refused with GKLM's own code, and no credential is kept", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await open();
  await signIn(page, "sign-in", "kwdemo", "not-the-password");
  const error = page.locator('[data-kw="sign-in"] [role="alert"]');
  await error.filter({ hasText: "CTGKM6003E" }).waitFor({ timeout: 15000 });
  assert.equal(await page.locator('[data-kw="sign-in"] input[name="password"]').inputValue(), "");
  const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }) + document.cookie);
  assert.equal(stored, "{}{}", "nothing is written to storage or cookies");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a German browser gets the panel in German", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/backup", { result: "1", running: false });
  const { context, page, problems } = await open("de-DE");
  await signIn(page);
  const card = page.locator('[data-kw="last-backup"][data-state="failed"]');
  await card.waitFor({ timeout: 15000 });
  assert.equal(await card.locator("h3").textContent(), "Letzte Sicherung");
  assert.match(await card.locator('[data-kw="verdict"]').innerText(), /Fehlgeschlagen$/);
  assert.equal(await card.locator('[data-kw="server-status"]').getAttribute("lang"), "de");
  await page.screenshot({ path: shot("panel-de.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("at 320 px in German no card's verdict breaks inside a word", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await openPage(browser, { locale: "de-DE", width: 320 });
  await signIn(page);
  // "Keine Wiederherstellung aktiv": the longest word of any verdict.
  await page.locator('[data-kw="restore"] [data-kw="verdict"]').filter({ hasText: "Wiederherstellung" }).waitFor({ timeout: 15000 });
  await page.locator('[data-kw="cluster"] [data-kw="verdict"]').waitFor({ timeout: 15000 });
  const { looked, broken } = await wordsBrokenAcrossLines(page, '[data-kw="verdict"]');
  assert.ok(looked >= 4, `verdicts shown: ${looked}`);
  assert.deepEqual(broken, [], "words broken across lines");
  assert.deepEqual(problems, []);
  await context.close();
});
