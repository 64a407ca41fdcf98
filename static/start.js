// The standalone page: mounts one panel with the configuration in
// config.json beside this page, or, without one, with the gateway that
// serves this page. Never from the address bar: a link must not be able to
// point the sign-in form at another server.
import init, { mountPage } from "./keywatch.js";

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

try {
  const [config] = await Promise.all([pageConfig(), init()]);
  host.textContent = "";
  window.keywatchPanel = mountPage(host, config);
} catch (e) {
  host.textContent = "keywatch could not start: " + (e && e.message ? e.message : e);
  host.setAttribute("role", "alert");
}
