// The standalone page: one <keywatch-panel>, configured from config.json
// beside this page or, without one, for the gateway that serves this page.
// Never from the address bar: a link must not be able to point the sign-in
// form at another server. The address holds the sync-job view only.
import init from "./keywatch.js";

const host = document.getElementById("keywatch");

async function pageConfig() {
  const defaults = {
    gklmUrl: "/SKLM/rest/v1",
    cckmUrl: "/api/v1",
    language: (navigator.language || "en").slice(0, 2),
  };
  try {
    const res = await fetch("config.json", { cache: "no-store" });
    if (res.ok) return { ...defaults, ...(await res.json()) };
  } catch (_) {
    // No config.json: the defaults fit a page served by keywatch-gateway.
  }
  return defaults;
}

function say(text) {
  const p = document.createElement("p");
  p.setAttribute("role", "alert");
  p.className = "kw-page-error";
  p.textContent = text;
  host.replaceChildren(p);
}

try {
  const [config] = await Promise.all([pageConfig(), init()]);
  const panel = document.createElement("keywatch-panel");
  panel.addEventListener("keywatch-error", (e) => say("keywatch: " + e.detail.message));
  panel.viewInAddress = true;
  Object.assign(panel, config);
  host.replaceChildren(panel);
} catch (e) {
  say("keywatch could not start: " + (e && e.message ? e.message : e));
}
