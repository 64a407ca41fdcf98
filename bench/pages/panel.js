// The panel as a host page mounts it, for bench/render.mjs. The benchmark
// puts the configuration (with sessions it signed in for) in
// window.__kwBenchConfig before this runs, so the cards show data, not a
// sign-in form; with `renewSessions` it also gives the panel a token
// provider that signs in again when a session expires. It counts the
// panel's requests, and keeps the panel's handle and the wasm exports (for
// `memory`) where the benchmark reads them.
import init, { mountPage } from "/keywatch.js";

const requests = { started: 0, inflight: 0 };
const fetchBefore = window.fetch;
window.fetch = function (...args) {
  requests.started += 1;
  requests.inflight += 1;
  return fetchBefore.apply(this, args).finally(() => { requests.inflight -= 1; });
};
window.__kwRequests = requests;

/** What a host's token provider does: sign in to the simulator for `system`. */
async function signIn(system) {
  const [url, body] = system === "gklm"
    ? ["/SKLM/rest/v1/ckms/login", { userid: "kwdemo", password: "kwdemo" }]
    : ["/api/v1/auth/tokens", { grant_type: "password", username: "kwdemo", password: "kwdemo" }];
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${system} sign-in: ${res.status}`);
  const reply = await res.json();
  return system === "gklm" ? reply.UserAuthId ?? reply.userAuthId : reply.jwt;
}

const exports = await init();
performance.mark("kw-init-done");
window.__kwWasm = exports;
const config = { ...window.__kwBenchConfig };
// Sessions expire on the simulator's clock, which the memory benchmark runs fast.
if (config.renewSessions) config.tokenProvider = signIn;
delete config.renewSessions;
window.__kwPanel = mountPage(document.getElementById("panel"), config);
performance.mark("kw-mounted");
