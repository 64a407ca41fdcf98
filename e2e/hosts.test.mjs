// Three console apps that install keywatch from its built package as a team
// would (e2e/hosts/: Vite + React 19 + TypeScript, webpack 5, Vue 3 +
// Vite), each built beforehand by `cargo xtask test` (install, type check,
// build). Here each build is served from its own origin and points the
// panel at the simulator on another: every card shows simulator data,
// properties and events work, and the page raises no error.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { launch, sim, BASE } from "./support.mjs";

const HOSTS = fileURLToPath(new URL("./hosts/", import.meta.url));
/** Each app and the folder its build writes. */
const APPS = { "react-vite": "dist", webpack: "build", "vue-vite": "dist" };
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };
const CARDS = ["last-backup", "backup-activity", "restore", "notifications", "cluster"];

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Serves `root` on 127.0.0.1 (`KEYWATCH_HOSTS_PORT`, or a free port). */
async function serve(root) {
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname));
    // The apps have no icon; the browser asks anyway.
    if (path === "/favicon.ico") return res.writeHead(204).end();
    const file = join(root, path.endsWith("/") ? path + "index.html" : path);
    try {
      if (!file.startsWith(root) || !(await stat(file)).isFile()) throw new Error("not a file");
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" });
      res.end(await readFile(file));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((ready) => server.listen(Number(process.env.KEYWATCH_HOSTS_PORT ?? 0), "127.0.0.1", ready));
  return server;
}

for (const [app, out] of Object.entries(APPS)) {
  test(`${app}: a console app built with the npm package shows every card, takes properties and hears events`, async () => {
    const root = join(HOSTS, app, out);
    await stat(join(root, "index.html")).catch(() => assert.fail(`${root} is not built: cargo xtask test builds it`));
    await sim("/_sim/reset");
    const server = await serve(root);
    const context = await browser.newContext({ locale: "en-US" });
    const page = await context.newPage();
    const problems = [];
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
    page.on("response", (r) => { if (r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`); });
    try {
      const started = Date.now();
      const { port } = server.address();
      await page.goto(`http://127.0.0.1:${port}/?gateway=${encodeURIComponent(BASE)}`);
      const panel = page.locator("#keys");
      for (const card of CARDS) {
        await panel.locator(`[data-kw="${card}"][data-state]:not([data-state="loading"]):not([data-state="sign-in"])`).waitFor({ timeout: 20000 });
      }
      await panel.locator('[data-kw="sync-jobs"] [data-kw="job"]').first().waitFor({ timeout: 20000 });
      assert.equal(await panel.locator('[data-kw="sign-in"], [data-kw="sign-in-cckm"]').count(), 0, "the token provider signed in");
      // keywatch-status reached the app's own state.
      await page.locator("#status", { hasText: /^failed sync jobs: \d+$/ }).waitFor({ timeout: 20000 });
      if (app === "webpack") {
        // mount() with its handle dropped, in German as configured.
        await page.locator('#mounted [data-kw="last-backup"][data-state]:not([data-state="loading"])').waitFor({ timeout: 20000 });
        assert.match(await page.locator('#mounted [data-kw="refresh"]').innerText(), /Jetzt abfragen/);
      } else {
        // A property the framework changes applies at once.
        await page.locator("#german").click();
        await panel.locator('[data-kw="refresh"]', { hasText: "Jetzt abfragen" }).waitFor({ timeout: 10000 });
      }
      console.log(`${app}: every card showed simulator data ${Date.now() - started} ms after the page was asked for`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
      server.close();
    }
  });
}
