// The console's glue: load keywatch (which defines <keywatch-panel>), and
// keep a badge in the console's header from the panels' keywatch-status events.
import init from "/keywatch.js";

const badge = document.getElementById("keys-badge");
const latest = new Map(); // panel element -> its last summary

function summarise() {
  const all = {};
  for (const summary of latest.values()) {
    for (const [key, value] of Object.entries(summary)) {
      if (value !== null) all[key] = value;
    }
  }
  const problems = [];
  if (all.backupResult === "failed") problems.push("last backup failed");
  if (all.syncJobsFailed > 0) problems.push(`${all.syncJobsFailed} sync jobs failed`);
  const busy = [];
  if (all.backupRunning) busy.push("backup running");
  if (all.restoreState === "running") busy.push(`restore phase ${all.restorePhase}`);
  if (all.syncJobsInProgress > 0) busy.push(`${all.syncJobsInProgress} syncs running`);
  if (problems.length) {
    badge.dataset.state = "attention";
    badge.textContent = "Keys: " + problems.join(", ");
  } else if (busy.length) {
    badge.dataset.state = "busy";
    badge.textContent = "Keys: " + busy.join(", ");
  } else if (Object.keys(all).length) {
    badge.dataset.state = "ok";
    badge.textContent = "Keys: all well";
  }
}

document.addEventListener("keywatch-status", (event) => {
  latest.set(event.target, event.detail);
  summarise();
});
document.addEventListener("keywatch-error", (event) => {
  console.warn("keywatch:", event.detail.message);
});

await init();
