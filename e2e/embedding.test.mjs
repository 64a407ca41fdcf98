// The npm package's entry (dist/index.js) in a page on the gateway's origin,
// used in every order a host may set things up: the element defined before
// the wasm, handles that are dropped and garbage-collected, and no request
// that leaves without the credential the host gives.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launch, sim, api, BASE } from "./support.mjs";

const LOADS = Number(process.env.KEYWATCH_E2E_LOADS ?? 20);
const AT_ONCE = 4;
const PAGE = BASE + "embedding.html";
const SIGN_INS = new Set(["/SKLM/rest/v1/ckms/login", "/GKLM/rest/v1/ckms/login", "/api/v1/auth/tokens"]);

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** A GKLM session and a CipherTrust token from the simulator, as a host's back end would hold them. */
async function credentials() {
  const gklm = await fetch(api("/SKLM/rest/v1/ckms/login"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ userid: "kwdemo", password: "kwdemo" }),
  }).then((r) => r.json());
  const cckm = await fetch(api("/api/v1/auth/tokens"), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ grant_type: "password", username: "kwdemo", password: "kwdemo" }),
  }).then((r) => r.json());
  assert.ok(gklm.UserAuthId && cckm.jwt, "the simulator signs in");
  return { gklm: gklm.UserAuthId, cckm: cckm.jwt };
}

/** API requests the simulator saw without an `Authorization` header, sign-ins aside. */
async function unauthenticated() {
  const hits = await sim("/_sim/hits", undefined, "GET");
  return Object.entries(hits)
    .filter(([path]) => /^\/(SKLM|GKLM)\/rest\/v1\/|^\/api\/v1\//.test(path) && !SIGN_INS.has(path))
    .reduce((n, [, h]) => n + h.unauthenticated, 0);
}

/**
 * A page with `body` in it; `tokens` become the host's token provider
 * (`window.provider`), which answers a little later, as a host's own
 * request for a token would.
 */
async function opened(context, body, tokens = null) {
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.route(PAGE, (route) => route.fulfill({
    contentType: "text/html",
    body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>host</title>
<script>
  window.tokens = ${JSON.stringify(tokens)};
  window.provider = (system) => new Promise((answer) => setTimeout(() => answer(window.tokens[system]), 30));
  window.config = { gklmUrl: "/SKLM/rest/v1", cckmUrl: "/api/v1", pollSeconds: 30 };
</script></head><body>${body}</body></html>`,
  }));
  await page.goto(PAGE);
  return { page, problems };
}

/** Every panel in `selector` shows simulator data: GKLM's last backup and CipherTrust's jobs. */
async function showsData(page, selector) {
  for (const host of await page.locator(selector).all()) {
    await host.locator('[data-kw="last-backup"][data-state]:not([data-state="loading"]):not([data-state="sign-in"])').waitFor({ timeout: 15000 });
    await host.locator('[data-kw="sync-jobs"] [data-kw="job"]').first().waitFor({ timeout: 15000 });
  }
}

// Each order a host may follow, as a module script in the page.
const ORDERS = {
  "properties before init()": {
    body: `<keywatch-panel id="p"></keywatch-panel>
<script>Object.assign(document.getElementById("p"), window.config, { tokenProvider: window.provider });</script>
<script type="module">import init from "/index.js"; await init();</script>`,
    panels: "#p",
  },
  "properties before init(), element defined first": {
    body: `<script type="module">
  import init from "/index.js";
  const p = document.createElement("keywatch-panel");
  p.id = "p";
  document.body.append(p);
  Object.assign(p, window.config, { tokenProvider: window.provider });
  await init();
</script>`,
    panels: "#p",
  },
  "createElement then append, after init()": {
    body: `<script type="module">
  import init from "/index.js";
  await init();
  const p = document.createElement("keywatch-panel");
  p.id = "p";
  p.setAttribute("gklm-url", window.config.gklmUrl);
  document.body.append(p);
  p.cckmUrl = window.config.cckmUrl;
  p.tokenProvider = window.provider;
</script>`,
    panels: "#p",
  },
  "mount()": {
    body: `<div id="p"></div>
<script type="module">
  import init, { mount } from "/index.js";
  await init();
  mount(document.getElementById("p"), { ...window.config, tokenProvider: window.provider });
</script>`,
    panels: "#p",
  },
  "several panels": {
    body: `<keywatch-panel class="p" gklm-url="/SKLM/rest/v1" cckm-url="/api/v1"></keywatch-panel>
<div class="p"></div><div class="p"></div>
<script>document.querySelector("keywatch-panel").tokenProvider = window.provider;</script>
<script type="module">
  import init, { mount } from "/index.js";
  const late = document.createElement("keywatch-panel");
  late.className = "p";
  document.body.append(late);
  await init();
  Object.assign(late, window.config, { tokenProvider: window.provider });
  for (const el of document.querySelectorAll("div.p")) {
    mount(el, { ...window.config, tokenProvider: window.provider });
  }
</script>`,
    panels: ".p",
  },
};

for (const [order, { body, panels }] of Object.entries(ORDERS)) {
  test(`no request leaves without its credential: ${order}, ${LOADS} loads`, async () => {
    await sim("/_sim/reset");
    const tokens = await credentials();
    await sim("/_sim/hits", undefined, "DELETE");
    const context = await browser.newContext();
    // A few pages at once: the count is the simulator's, over every load.
    const load = async (n) => {
      const { page, problems } = await opened(context, body, tokens);
      await showsData(page, panels);
      assert.deepEqual(problems, [], `load ${n + 1}`);
      await page.close();
    };
    for (let n = 0; n < LOADS; n += AT_ONCE) {
      await Promise.all(Array.from({ length: Math.min(AT_ONCE, LOADS - n) }, (_, i) => load(n + i)));
    }
    await context.close();
    const sent = await unauthenticated();
    console.log(`unauthenticated requests, ${order}, ${LOADS} loads: ${sent}`);
    assert.equal(sent, 0, `${sent} requests went out without their credential`);
  });
}

test("the count can fail: a panel with nothing to ask sends its first checks without a credential", async () => {
  await sim("/_sim/reset");
  await sim("/_sim/hits", undefined, "DELETE");
  const context = await browser.newContext();
  const { page } = await opened(context, `<keywatch-panel id="p" gklm-url="/SKLM/rest/v1"></keywatch-panel>
<script type="module">import init from "/index.js"; await init();</script>`);
  await page.locator('#p [data-kw="sign-in"]').waitFor({ timeout: 15000 });
  assert.ok(await unauthenticated() > 0, "the simulator counts a request without Authorization");
  await context.close();
});

test("the element is defined before the wasm, takes properties and lowercased attributes, and starts at init()", async () => {
  await sim("/_sim/reset");
  const tokens = await credentials();
  const context = await browser.newContext();
  // As React 19 writes a property it does not find on an element: an
  // attribute by the property's own name, lowercased by HTML.
  const { page, problems } = await opened(context, `<keywatch-panel id="p" gklmurl="/SKLM/rest/v1" cckmurl="/api/v1" pollseconds="30"></keywatch-panel>`, tokens);
  const before = await page.evaluate(async () => {
    const { mount, mountedPanels } = await import("/index.js");
    const p = document.getElementById("p");
    const defined = customElements.get("keywatch-panel") !== undefined;
    p.tokenProvider = window.provider;
    let thrown = null;
    try { mount(document.body.appendChild(document.createElement("div")), window.config); } catch (e) { thrown = e.message; }
    return { defined, upgraded: p instanceof customElements.get("keywatch-panel"), own: Object.hasOwn(p, "tokenProvider"), thrown, panels: mountedPanels() };
  });
  assert.deepEqual(
    { ...before, thrown: null },
    { defined: true, upgraded: true, own: false, thrown: null, panels: 0 },
    "defined at import, the provider taken as a property, nothing running yet",
  );
  assert.match(before.thrown, /before the panel's WebAssembly was loaded: call it after `await init\(\)`/);
  assert.equal(await page.locator('#p [data-kw="panel"]').count(), 0, "no panel before init()");
  await page.evaluate(async () => { const { default: init } = await import("/index.js"); await init(); await init(); });
  await showsData(page, "#p");
  assert.equal(await page.evaluate(async () => (await import("/index.js")).mountedPanels()), 1, "init() twice starts one panel");
  assert.deepEqual(problems, []);
  await context.close();
});

test("a handle is not a lifeline: a mount() panel outlives its garbage-collected or freed handle", async () => {
  await sim("/_sim/reset");
  const tokens = await credentials();
  const context = await browser.newContext();
  const { page, problems } = await opened(context, `<div id="dropped"></div><div id="freed"></div>`, tokens);
  await page.evaluate(async () => {
    const { default: init, mount } = await import("/index.js");
    await init();
    window.collected = false;
    const registry = new FinalizationRegistry(() => { window.collected = true; });
    // The handle is dropped at once: only the registry knows of it.
    registry.register(mount(document.getElementById("dropped"), { ...window.config, tokenProvider: window.provider }), "handle");
    window.registry = registry;
    mount(document.getElementById("freed"), { ...window.config, tokenProvider: window.provider }).free();
  });
  await showsData(page, "#dropped, #freed");
  const cdp = await context.newCDPSession(page);
  // Collected once nothing holds it; wasm-bindgen's own finalizer runs in the same round.
  for (let round = 0; round < 20 && !(await page.evaluate(() => window.collected)); round++) {
    await cdp.send("HeapProfiler.collectGarbage");
    await page.waitForFunction(() => window.collected, null, { timeout: 1000 }).catch(() => {});
  }
  assert.ok(await page.evaluate(() => window.collected), "the handle was garbage-collected");
  // Both panels still run: a check asked now reaches the server.
  for (const id of ["dropped", "freed"]) {
    await sim("/_sim/hits", undefined, "DELETE");
    await page.locator(`#${id} [data-kw="refresh"]`).click();
    await page.waitForFunction(async () => {
      const hits = await fetch("/_sim/hits").then((r) => r.json());
      return (hits["/SKLM/rest/v1/ckms/backups/result"]?.count ?? 0) > 0;
    }, null, { timeout: 15000, polling: 200 });
  }
  assert.equal(await page.evaluate(async () => (await import("/index.js")).mountedPanels()), 2, "both panels run");
  assert.equal(await page.locator('#dropped [data-kw="panel"]').count(), 1, "the panel is still shown");
  // Removing the element ends its panel.
  await page.evaluate(() => document.getElementById("dropped").remove());
  await page.waitForFunction(async () => (await import("/index.js")).mountedPanels() === 1, null, { timeout: 15000 });
  assert.deepEqual(problems, []);
  await context.close();
});
