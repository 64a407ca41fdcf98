// @ts-check
import init, { mount } from "keywatch";

/** The gateway: `?gateway=URL`, or this page's own origin. */
const gateway = new URL(new URLSearchParams(location.search).get("gateway") ?? "/", location.href);

/** @type {import("keywatch").KeywatchTokenProvider} */
const tokenProvider = async (system) => {
  /** @param {string} path @param {object} body */
  const post = (path, body) =>
    fetch(new URL(path, gateway), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    }).then((r) => r.json());
  if (system === "gklm") {
    return (await post("SKLM/rest/v1/ckms/login", { userid: "kwdemo", password: "kwdemo" })).UserAuthId;
  }
  return (await post("api/v1/auth/tokens", { grant_type: "password", username: "kwdemo", password: "kwdemo" })).jwt;
};

const status = document.createElement("output");
status.id = "status";
status.textContent = "waiting";
document.body.append(status);

// The element: created, appended, then given its properties.
const panel = document.createElement("keywatch-panel");
panel.id = "keys";
document.body.append(panel);
panel.gklmUrl = new URL("SKLM/rest/v1", gateway).href;
panel.cckmUrl = new URL("api/v1", gateway).href;
panel.pollSeconds = 30;
panel.tokenProvider = tokenProvider;
panel.addEventListener("keywatch-status", (event) => {
  status.textContent = `failed sync jobs: ${event.detail.syncJobsFailed}`;
});

await init();

// And mount(), its handle not kept: the panel lives while its element does.
const mounted = document.createElement("div");
mounted.id = "mounted";
document.body.append(mounted);
mount(mounted, {
  gklmUrl: new URL("SKLM/rest/v1", gateway).href,
  cards: ["lastBackup", "restore"],
  language: "de",
  tokenProvider,
});
