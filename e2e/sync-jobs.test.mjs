// End-to-end checks of the CipherTrust sync-job list on the built page:
// filter, page, expand a failed job, share the view's address, export CSV,
// axe in both themes, screenshots at 320 and 1280 px.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { launch, open, sim, signIn, axe, shot, wordsBrokenAcrossLines } from "./support.mjs";

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function openSignedIn(options = {}) {
  const opened = await open(browser, options);
  await signIn(opened.page, "sign-in-cckm");
  await opened.page.locator('[data-kw="sync-jobs"] [data-kw="job"]').first().waitFor({ timeout: 15000 });
  return opened;
}

test("filter by status, page, and open a failed job's failed region", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "failing" });
  const { context, page, problems } = await openSignedIn();
  const card = page.locator('[data-kw="sync-jobs"]');
  await card.locator('[data-kw="statuses"] [data-status="failed"]').click();
  await card.locator('[data-kw="range"]').filter({ hasText: /^1–/ }).waitFor({ timeout: 15000 });
  await page.waitForFunction(() => {
    const panel = document.querySelector("keywatch-panel").shadowRoot;
    const rows = [...panel.querySelectorAll('[data-kw="sync-jobs"] [data-kw="job"]')];
    return rows.length > 0 && rows.every((r) => r.dataset.status === "failed");
  }, null, { timeout: 15000 });
  assert.match(page.url(), /status=failed/);

  const range = await card.locator('[data-kw="range"]').innerText();
  const total = Number(range.replace(/^.* of /, "").replace(/,/g, ""));
  if (total > 10) {
    await card.locator('[data-kw="next"]').click();
    await card.locator('[data-kw="range"]').filter({ hasText: /^11–/ }).waitFor({ timeout: 15000 });
    assert.match(page.url(), /skip=10/);
    await page.goBack();
    await card.locator('[data-kw="range"]').filter({ hasText: /^1–/ }).waitFor({ timeout: 15000 });
  }

  await card.locator('[data-kw="job"] [data-kw="expand"]').first().click();
  const detail = card.locator('[data-kw="job-detail"]');
  await detail.waitFor({ timeout: 15000 });
  assert.ok((await detail.locator('[data-kw="region"][data-reading="failed"]').count()) >= 1, "the failed region is shown");
  await page.screenshot({ path: shot("sync-jobs-failed.png"), fullPage: true });
  assert.deepEqual(problems, []);
  await context.close();
});

test("find in this page narrows the rows held, without asking the server", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "many-jobs" });
  const { context, page, problems } = await openSignedIn({ path: "#limit=100" });
  const card = page.locator('[data-kw="sync-jobs"]');
  // Rows left out are hidden, not removed.
  const rows = card.locator('[data-kw="job"]:not([hidden])');
  await page.waitForFunction(() => document.querySelector("keywatch-panel").shadowRoot
    .querySelectorAll('[data-kw="sync-jobs"] [data-kw="job"]:not([hidden])').length === 100, null, { timeout: 15000 });
  const asked = [];
  page.on("request", (r) => asked.push(r.url()));

  // The third job's id, typed in capitals: that job stays, with a count.
  const id = await rows.nth(2).getAttribute("data-id");
  const find = page.getByLabel("Find in this page");
  // The field sits right under the timeline, not at the foot of a tall box.
  // Both are measured in one frame: the counts and each source's failures
  // arrive when they do, and move everything below them alike.
  const gap = await card.evaluate((c) => {
    const timeline = c.querySelector('[data-kw="timeline"]').getBoundingClientRect();
    const field = c.querySelector('[data-kw="find"]').getBoundingClientRect();
    return field.y - timeline.bottom;
  });
  assert.ok(gap >= 0 && gap < 60, `${gap} px between the timeline and the find field`);
  await find.fill(id.slice(0, 13).toUpperCase());
  await card.locator('[data-kw="find-count"]').filter({ hasText: /^1 of 100 jobs on this page match$/ }).waitFor({ timeout: 5000 });
  assert.deepEqual(await rows.evaluateAll((all) => all.map((r) => r.dataset.id)), [id]);

  // A status word narrows to that status only.
  await find.fill("aborted");
  await card.locator('[data-kw="find-count"]').filter({ hasText: / of 100 jobs on this page match$/ }).waitFor({ timeout: 5000 });
  await page.waitForFunction(() => {
    const all = [...document.querySelector("keywatch-panel").shadowRoot.querySelectorAll('[data-kw="sync-jobs"] [data-kw="job"]:not([hidden])')];
    return all.length > 0 && all.length < 100;
  }, null, { timeout: 5000 });
  const statuses = await rows.evaluateAll((all) => all.map((r) => r.dataset.status));
  assert.ok(statuses.includes("aborted"), `aborted jobs shown: ${statuses}`);

  // Nothing found: an empty state that says so; Escape brings every row back.
  await find.fill("no such job");
  await card.locator('[data-kw="find-none"]').filter({ hasText: "no such job" }).waitFor({ timeout: 5000 });
  assert.equal(await rows.count(), 0);
  await find.press("Escape");
  await page.waitForFunction(() => document.querySelector("keywatch-panel").shadowRoot
    .querySelectorAll('[data-kw="sync-jobs"] [data-kw="job"]:not([hidden])').length === 100, null, { timeout: 5000 });
  assert.equal(await find.inputValue(), "");
  assert.equal(await card.locator('[data-kw="find-none"]').count(), 0);
  assert.deepEqual(asked.filter((u) => /aborted|no%20such|no\+such/i.test(u) || u.toUpperCase().includes(id.slice(0, 13).toUpperCase())), [],
    "no request carries the text typed");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the view's address opens the same view in a new page", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "busy" });
  const first = await openSignedIn();
  const card = first.page.locator('[data-kw="sync-jobs"]');
  await card.locator('[data-kw="sources"] [data-source="azure"]').click();
  await card.locator('[data-kw="page-size"]').selectOption("25");
  await card.locator('[data-sort="started"]').click();
  await first.page.waitForFunction(() => location.hash.includes("sort=-started"), null, { timeout: 15000 });
  const hash = new URL(first.page.url()).hash;
  assert.match(hash, /source=azure/);
  assert.match(hash, /limit=25/);

  const second = await openSignedIn({ path: hash });
  const other = second.page.locator('[data-kw="sync-jobs"]');
  assert.equal(await other.locator('[data-source="azure"]').getAttribute("aria-pressed"), "true");
  assert.equal(await other.locator('[data-kw="page-size"]').inputValue(), "25");
  assert.equal(await other.locator('th[aria-sort="descending"] [data-sort="started"]').count(), 1);
  assert.deepEqual(first.problems, []);
  assert.deepEqual(second.problems, []);
  await first.context.close();
  await second.context.close();

  // A value that is not valid is left out, with a note.
  const third = await openSignedIn({ path: "#limit=7&cloud=mars" });
  const note = third.page.locator('[data-kw="address-note"]');
  assert.match(await note.innerText(), /limit=7, cloud=mars/);
  await third.context.close();
});

test("export the page as CSV and read it back", async () => {
  await sim("/_sim/reset");
  const { context, page, problems } = await openSignedIn({ acceptDownloads: true });
  const rows = await page.locator('[data-kw="sync-jobs"] [data-kw="job"]').count();
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator('[data-kw="export"]').click(),
  ]);
  assert.match(download.suggestedFilename(), /^keywatch-sync-jobs-aws-\d+\.csv$/);
  const csv = readFileSync(await download.path(), "utf8");
  const lines = csv.split("\r\n").filter((l) => l.length > 0);
  assert.equal(lines[0], "id,status,started,completed,duration_seconds,accounts_regions,kms,abort,cloud");
  assert.equal(lines.length, rows + 1, "one line per row shown");
  const firstId = await page.locator('[data-kw="sync-jobs"] [data-kw="job"]').first().getAttribute("data-id");
  assert.ok(lines[1].startsWith(firstId), `${lines[1]} starts with ${firstId}`);

  // Each source's CSV names its containers' column as the API does, and
  // holds the containers the table shows.
  const card = page.locator('[data-kw="sync-jobs"]');
  for (const [source, column, header] of [
    ["azure", "Key vaults", "key_vaults"],
    ["sfdc", "Organizations", "organizations"],
  ]) {
    await card.locator(`[data-kw="sources"] [data-source="${source}"]`).click();
    await card.locator('[data-kw="containers-column"]').filter({ hasText: column }).waitFor({ timeout: 15000 });
    await card.locator('[data-kw="job"] [data-kw="containers"]').first().waitFor({ timeout: 15000 });
    const shown = await card.locator('[data-kw="job"] [data-kw="containers"]').allInnerTexts();
    assert.ok(shown.length > 0 && shown.every((c) => c.trim().length > 0), `${source}: ${shown}`);
    const [file] = await Promise.all([
      page.waitForEvent("download"),
      card.locator('[data-kw="export"]').click(),
    ]);
    assert.match(file.suggestedFilename(), new RegExp(`^keywatch-sync-jobs-${source}-\\d+\\.csv$`));
    const text = readFileSync(await file.path(), "utf8");
    const [head, first] = text.split("\r\n");
    assert.equal(head, `id,status,started,completed,duration_seconds,accounts_regions,${header},abort,cloud`);
    const containers = shown[0].split(", ").join("; ");
    assert.ok(first.includes(containers), `${source}: ${first} holds ${containers}`);
  }
  assert.deepEqual(problems, []);
  await context.close();
});

test("the source switch fits at 320 and 1280 px and each source is one press away", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "failing" });
  // Every keywatch-status the panel sends, as a host would receive it.
  const init = () => {
    window.kwStatus = [];
    document.addEventListener("keywatch-status", (e) => window.kwStatus.push(e.detail));
  };
  for (const width of [320, 1280]) {
    const { context, page, problems } = await openSignedIn({ width, init });
    const card = page.locator('[data-kw="sync-jobs"]');
    const switcher = card.locator('[data-kw="sources"]');
    assert.equal(await switcher.locator("button").count(), 9);
    // Failures per source arrive on the switch, and in keywatch-status.
    await switcher.locator('[data-kw="source-failed"]').first().waitFor({ timeout: 20000 });
    const told = await page.waitForFunction(() => window.kwStatus.map((s) => s.syncJobsFailedBySource).filter(Boolean).pop(), null, { timeout: 15000 });
    const bySource = await told.jsonValue();
    const keys = await switcher.locator("button").evaluateAll((all) => all.map((b) => b.dataset.source));
    assert.deepEqual(Object.keys(bySource), keys);
    for (const key of keys) {
      const badge = switcher.locator(`[data-source="${key}"] [data-kw="source-failed"]`);
      const shown = (await badge.count()) ? Number((await badge.innerText()).replace(/\D/g, "")) : 0;
      assert.equal(bySource[key], shown, `${key}: the status and the switch agree`);
    }
    const box = await card.boundingBox();
    for (const button of await switcher.locator("button").all()) {
      const b = await button.boundingBox();
      assert.ok(b.x >= box.x - 0.5 && b.x + b.width <= box.x + box.width + 0.5, `a source button leaves the card at ${width} px`);
    }
    await switcher.locator('[data-source="sap"]').click();
    await card.locator('[data-kw="containers-column"]').filter({ hasText: "Groups" }).waitFor({ timeout: 15000 });
    assert.match(page.url(), /source=sap/);
    await switcher.screenshot({ path: shot(`sync-sources-${width}.png`) });
    assert.deepEqual(await axe(page), [], `axe at ${width} px`);
    assert.deepEqual(problems, []);
    await context.close();
  }
});

for (const colorScheme of ["light", "dark"]) {
  test(`the list: axe finds no violations, and screenshots at 320 and 1280 px (${colorScheme})`, async () => {
    await sim("/_sim/reset");
    await sim("/_sim/scenario", { name: "busy" });
    for (const width of [320, 1280]) {
      const { context, page, problems } = await openSignedIn({ width, colorScheme });
      await page.locator('[data-kw="expand"]').first().click();
      await page.locator('[data-kw="job-detail"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="summary"]').waitFor({ timeout: 15000 });
      await page.locator('[data-kw="sync-jobs"]').screenshot({ path: shot(`sync-jobs-${width}-${colorScheme}.png`) });
      assert.deepEqual(await axe(page), [], `axe at ${width} px, ${colorScheme}`);
      assert.deepEqual(problems, []);
      await context.close();
    }
  });
}

test("a long page is windowed: Tab walks its rows past the view, the focus stays while scrolled away, axe finds nothing", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "many-jobs" });
  const { context, page, problems } = await openSignedIn({ path: "#limit=1000" });
  const card = page.locator('[data-kw="sync-jobs"]');
  const inPanel = (fn, arg) => page.evaluate(([fn, arg]) => new Function("root", "arg", `return (${fn})(root, arg)`)(document.querySelector("keywatch-panel").shadowRoot, arg), [fn.toString(), arg]);
  await page.waitForFunction(() => document.querySelector("keywatch-panel").shadowRoot
    .querySelector('[data-kw="jobs"]')?.getAttribute("aria-rowcount") === "1001", null, { timeout: 15000 });
  const drawn = () => card.locator('[data-kw="job"]').count();
  const first = await drawn();
  assert.ok(first > 0 && first < 80, `${first} rows drawn of 1,000`);
  // Where the focus is: the row's aria-rowindex and id, and which button.
  const focus = () => inPanel((root) => {
    const a = root.activeElement;
    const row = a?.closest("tr");
    return a ? { index: row?.getAttribute("aria-rowindex"), id: row?.dataset.id, kw: a.dataset.kw ?? a.className } : null;
  });
  const frame = () => inPanel(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));

  // Tab from the first row's button, a frame between presses (a person's
  // pace): two buttons a row, through 40 rows, well past the rows first drawn.
  await card.locator('[data-kw="expand"]').first().focus();
  assert.deepEqual(await focus(), { index: "2", id: await card.locator('[data-kw="job"]').first().getAttribute("data-id"), kw: "expand" });
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    await frame();
  }
  const walked = await focus();
  assert.equal(walked.index, "42", `focus at ${JSON.stringify(walked)}`);
  assert.equal(walked.kw, "expand");
  assert.ok(await drawn() < 80, "the window moved with the focus instead of growing");
  // Enter opens the focused row, Space closes it.
  await page.keyboard.press("Enter");
  await card.locator(`[data-kw="job"][data-id="${walked.id}"] [aria-expanded="true"]`).waitFor({ timeout: 5000 });
  await card.locator('[data-kw="job-detail"]').waitFor({ timeout: 5000 });
  await page.keyboard.press(" ");
  await card.locator(`[data-kw="job"][data-id="${walked.id}"] [aria-expanded="false"]`).waitFor({ timeout: 5000 });

  // Scrolled to the end and back: the focused row stays, and so does the focus.
  await inPanel((root) => { const f = root.querySelector(".kw-table-wrap"); f.scrollTop = f.scrollHeight; });
  await card.locator('[data-kw="job"][aria-rowindex="1001"]').waitFor({ timeout: 5000 });
  assert.deepEqual(await focus(), walked, "the focus left the row scrolled away");
  await inPanel((root) => { root.querySelector(".kw-table-wrap").scrollTop = 0; });
  await card.locator('[data-kw="job"][aria-rowindex="2"]').waitFor({ timeout: 5000 });
  assert.deepEqual(await focus(), walked);
  assert.ok(await drawn() < 80);

  assert.deepEqual(await axe(page), [], "axe on the windowed table");
  assert.deepEqual(problems, []);
  await context.close();
});

test("the columns fit the card at 1280 px, an abort requested among them, every cell's text within its column in English and German; at 320 px the table scrolls in its frame", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/scenario", { name: "many-jobs" });
  for (const [width, locale] of [[1280, "en-US"], [1280, "de-DE"], [320, "en-US"]]) {
    const { context, page, problems } = await openSignedIn({ width, locale, path: "#limit=100" });
    const card = page.locator('[data-kw="sync-jobs"]');
    await card.locator('[data-kw="job"]').nth(99).waitFor({ state: "attached", timeout: 15000 });
    const seen = await card.evaluate((c) => {
      const frame = c.querySelector(".kw-table-wrap");
      const right = frame.getBoundingClientRect().left + frame.clientWidth;
      const aborts = [...c.querySelectorAll('[data-kw="job"] td:last-child .kw-badge')];
      // A cell whose text runs past its edge writes into the next column
      // ("Fehlgeschlagen" over the job's id, a date over the next date).
      const cells = [...c.querySelectorAll('[data-kw="job"] > td')];
      return {
        lang: c.closest("[lang]")?.getAttribute("lang"),
        cells: cells.length,
        over: cells.filter((td) => td.scrollWidth > td.clientWidth).map((td) => `${td.cellIndex}: ${td.textContent}`),
        aborts: aborts.length,
        scrolls: frame.scrollWidth > frame.clientWidth,
        abortHeader: c.querySelector("thead th:last-child").getBoundingClientRect().right - right,
      };
    });
    assert.equal(seen.lang, locale.slice(0, 2), "the panel speaks the browser's language");
    assert.ok(seen.aborts > 0, "an aborted job on the page");
    // A region's name drawn on two lines ("eu-central-" above "1").
    const regions = await wordsBrokenAcrossLines(page, '[data-kw="job"] > td:nth-child(7)');
    assert.equal(regions.looked, 100, "the Accounts/regions cells of 100 rows");
    assert.deepEqual(regions.broken.slice(0, 5), [], `${locale} at ${width} px: ${regions.broken.length} words drawn on two lines`);
    if (width === 1280) {
      assert.equal(seen.scrolls, false, "the table is wider than its frame at 1280 px");
      assert.ok(seen.abortHeader <= 0.5, `Abort ends ${seen.abortHeader} px past the frame`);
      assert.equal(seen.cells, 900, "nine cells in each of 100 rows");
      assert.deepEqual(seen.over.slice(0, 5), [], `${locale}: ${seen.over.length} cells wider than their column`);
    } else {
      assert.equal(seen.scrolls, true, "at 320 px the table scrolls in its frame");
    }
    assert.deepEqual(problems, []);
    await context.close();
  }
});
