// End-to-end checks of every GKLM card on the built page, served by
// `keywatch-gateway demo`: what the simulator was pinned to, a notification
// lookup, sign-out, axe in both themes, and screenshots at 320 and 1280 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, open as openPage, sim, signIn, axe, shot } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/**
 * The table frames inside cards that are wider than they are: each
 * `.kw-table-wrap`, and the parent of a table not in one, named by its card.
 */
async function overflowingTables(page) {
  return page.evaluate(() => {
    const root = document.querySelector("keywatch-panel").shadowRoot;
    const frames = new Set(root.querySelectorAll(".kw-card .kw-table-wrap"));
    for (const table of root.querySelectorAll(".kw-card table")) {
      if (!table.closest(".kw-table-wrap")) frames.add(table.parentElement);
    }
    return [...frames]
      .filter((frame) => frame.scrollWidth > frame.clientWidth + 1)
      .map((frame) => `${frame.closest(".kw-card").dataset.kw}: ${frame.scrollWidth} px in ${frame.clientWidth} px`);
  });
}

/** The page at `width` in `colorScheme`, signed in to GKLM. */
async function open({ width = 1280, colorScheme = "light" } = {}) {
  const opened = await openPage(browser, { width, colorScheme });
  await signIn(opened.page);
  await opened.page.locator('[data-kw="last-backup"][data-state]:not([data-state="loading"]):not([data-state="sign-in"])').waitFor({ timeout: 15000 });
  return opened;
}

test("each card shows what the simulator was pinned to", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/backup", { result: "1", running: true });
  await sim("/_sim/restore", { phase: 3 });
  const { context, page, problems } = await open();

  const last = page.locator('[data-kw="last-backup"][data-state="failed"]');
  await last.waitFor({ timeout: 15000 });
  assert.match(await last.locator('[data-kw="verdict"]').innerText(), /Failed$/);
  const need = last.locator('[data-kw="backup-need"][data-state="keys-waiting"]');
  await need.waitFor({ timeout: 15000 });
  assert.match(await need.innerText(), /waiting to be backed up/);

  const activity = page.locator('[data-kw="backup-activity"][data-state="running"]');
  await activity.waitFor({ timeout: 15000 });
  assert.equal(await activity.locator('[data-kw="server-status"]').innerText(), "CTGKM3290I Backup process is running.");

  const restore = page.locator('[data-kw="restore"][data-state="running"]');
  await restore.waitFor({ timeout: 15000 });
  assert.equal(await restore.locator("li").count(), 8);
  assert.equal(await restore.locator('li[aria-current="step"]').getAttribute("data-phase"), "3");

  // Every card says how old its data is, with the exact time on hover.
  for (const name of ["last-backup", "backup-activity", "restore"]) {
    const age = page.locator(`[data-kw="${name}"] [data-kw="age"]`);
    await age.waitFor({ timeout: 15000 });
    assert.match(await age.innerText(), /^Updated .* ago$/);
    assert.ok((await age.getAttribute("title")).length > 5);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("a notification lookup: a known id, an unknown id and bad input", async () => {
  await sim("/_sim/reset");
  const { events } = await sim("/_sim/events", undefined, "GET");
  assert.ok(events.length > 0, "the simulator lists events");
  const { context, page, problems } = await open();
  const card = page.locator('[data-kw="notifications"]');
  const field = card.getByLabel("Event UUID");

  await sim("/_sim/hits", undefined, "DELETE");
  await field.fill("a/b");
  await field.press("Enter");
  await card.locator('[data-kw="uuid-problem"]').waitFor({ timeout: 15000 });
  assert.match(await card.locator('[data-kw="uuid-problem"]').innerText(), /no “\/”/);
  const hits = await sim("/_sim/hits", undefined, "GET");
  // The list of every event was read; no lookup of the refused id was sent.
  assert.deepEqual(Object.keys(hits).filter((p) => p.includes("notification/status/")), [], "nothing was sent");

  await field.fill(events[0]);
  await field.press("Enter");
  const rows = card.locator('[data-kw="deliveries"] tbody tr');
  await rows.first().waitFor({ timeout: 15000 });
  assert.ok((await rows.count()) >= 1);

  await field.fill("NOT_EVENT-0000000-00000000-0000-0000-0000-000000000000");
  await card.getByRole("button", { name: "Look up" }).click();
  await page.locator('[data-kw="notifications"][data-state="not-found"]').waitFor({ timeout: 15000 });
  assert.match(await card.locator('[data-kw="not-found"]').innerText(), /CTGKM0404E/);
  assert.equal(await card.locator('[data-kw="recent-event"]').count(), 2);
  await page.screenshot({ path: shot("notifications.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("signing out ends the GKLM session and brings the form back", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await open();
  await sim("/_sim/hits", undefined, "DELETE");
  await page.locator('[data-kw="sign-out-gklm"]').click();
  const form = page.locator('[data-kw="sign-in"]');
  await form.waitFor({ timeout: 15000 });
  assert.match(await form.locator('[data-kw="sign-in-reason"]').innerText(), /signed out of GKLM/);
  for (let i = 0; i < 100; i++) {
    const hits = await sim("/_sim/hits", undefined, "GET");
    if (hits["/SKLM/rest/v1/ckms/logout"]?.count === 1) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const hits = await sim("/_sim/hits", undefined, "GET");
  assert.equal(hits["/SKLM/rest/v1/ckms/logout"]?.count, 1, "DELETE /ckms/logout was sent once");
  assert.equal(await page.locator('[data-kw="sign-out-gklm"]').count(), 0);
  assert.deepEqual(problems, []);
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`axe finds no violations, and screenshots at 320 and 1280 px (${colorScheme})`, async () => {
    await sim("/_sim/reset");
    await sim("/_sim/backup", { result: "2", running: false });
    await sim("/_sim/restore", { phase: 5 });
    // A cluster with one master out of reach, and a backup past the day.
    await sim("/_sim/cluster", { masters: 3, unreachable: 1 });
    await sim("/_sim/backup", { last_backup_seconds_ago: 26 * 3600 });
    for (const width of [320, 1280]) {
      const { context, page, problems } = await open({ width, colorScheme });
      await page.locator('[data-kw="restore"] li[aria-current="step"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="backup-need"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="backup-age"][data-state="backup-old"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="backup-history"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="events"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="cluster"][data-state="master-down"] [data-kw="masters"]').waitFor({ timeout: 15000 });
      // Every table fits its card: no header is wider than its cell.
      const headers = await page.evaluate(() => [...document.querySelector("keywatch-panel").shadowRoot.querySelectorAll("thead th")]
        .map((th) => ({ text: th.textContent, cut: th.scrollWidth > th.clientWidth + 1 })));
      assert.ok(headers.length >= 6, `the tables' headers: ${headers.length}`);
      assert.deepEqual(headers.filter((h) => h.cut).map((h) => h.text), [], `headers cut inside a word at ${width} px`);
      // A backup's file name, broken anywhere, leaves no scrap of a line
      // (the "r" of ".jar" alone): the characters drawn on each line.
      const fileLines = await page.evaluate(() => [...document.querySelector("keywatch-panel").shadowRoot.querySelectorAll(".kw-history .kw-file")]
        .map((el) => {
          const text = el.firstChild;
          const lines = new Map();
          for (let i = 0; text && i < text.data.length; i++) {
            const range = document.createRange();
            range.setStart(text, i);
            range.setEnd(text, i + 1);
            const top = Math.round(range.getBoundingClientRect().top);
            lines.set(top, (lines.get(top) ?? 0) + 1);
          }
          return { name: el.textContent, lines: [...lines.values()] };
        }));
      assert.ok(fileLines.length >= 3, `backup files listed: ${fileLines.length}`);
      for (const { name, lines } of fileLines) {
        assert.ok(Math.min(...lines) >= 6, `${name} at ${width} px, characters per line: ${lines.join(", ")}`);
      }
      // Whether an event was delivered and a master can be reached shows
      // without scrolling a table's frame, at 320 px as at 1280.
      const states = await page.evaluate(() => [...document.querySelector("keywatch-panel").shadowRoot
        .querySelectorAll('[data-kw="event"] .kw-badge, [data-kw="master"] .kw-badge')]
        .map((badge) => {
          const frame = badge.closest(".kw-table-wrap").getBoundingClientRect();
          const r = badge.getBoundingClientRect();
          return { text: badge.textContent, inside: r.left >= frame.left && r.right <= frame.right + 0.5 };
        }));
      assert.ok(states.length >= 4, `delivery and reachability badges: ${states.length}`);
      assert.deepEqual(states.filter((s) => !s.inside).map((s) => s.text), [], `states past the frame's edge at ${width} px`);
      // The event UUID's field is wide enough to read what is typed.
      const field = await page.locator('[data-kw="event-lookup"] input[name="event-uuid"]').boundingBox();
      assert.ok(field.width >= 150, `the event UUID field at ${width} px is ${field.width} px wide`);
      // At 1280 px every table fits its card; narrower, they scroll in their frames.
      if (width === 1280) {
        assert.deepEqual(await overflowingTables(page), [], `tables wider than their frames at ${width} px`);
      }
      await page.screenshot({ path: shot(`panel-${width}-${colorScheme}.png`), fullPage: true });
      if (width === 1280 && colorScheme === "light") {
        // The README's picture: the whole panel as it is, CipherTrust signed
        // in too, made again at every run.
        await signIn(page, "sign-in-cckm");
        await page.locator('[data-kw="sync-jobs"] [data-kw="summary"]').waitFor({ timeout: 15000 });
        await page.locator('[data-kw="sync-jobs"] [data-kw="source-failed"]').first().waitFor({ timeout: 20000 });
        assert.deepEqual(await overflowingTables(page), [], "tables wider than their frames at 1280 px, CipherTrust signed in");
        await page.screenshot({ path: new URL("../docs/screenshot.png", import.meta.url).pathname, fullPage: true });
      }
      assert.deepEqual(await axe(page), [], `axe at ${width} px, ${colorScheme}`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}
