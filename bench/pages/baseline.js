// The plain-JavaScript baseline for bench/render.mjs: no framework, the same
// sync-job JSON from the simulator rendered into the same table markup as
// keywatch's JobRow (same classes, columns and row structure), in a shadow
// root under the panel's own stylesheet (keywatch.css, copied beside this
// page), and "Find in this page" with the same matching. Written as a careful
// hand would: rows cloned from a template and added at once; finding hides
// the rows that do not match and shows those that do, touching only the rows
// that change.
//
// As baseline.html?windowed, a page of more than WINDOW_FROM jobs is drawn
// windowed as keywatch draws it: the rows in view and OVERSCAN either side,
// built when they come into the window and dropped when they leave, two
// spacers (heights set through the CSS object model) for the others, rows
// measured once, aria-rowcount and aria-rowindex; finding draws the window
// over the jobs that match.
const config = window.__kwBenchConfig;
const WINDOWED = new URLSearchParams(location.search).has("windowed");
// keywatch's threshold (src/state/row_window.rs); ?from=N to measure another.
const WINDOW_FROM = Number(new URLSearchParams(location.search).get("from") ?? 100);
const OVERSCAN = 8;

const STATUS = {
  completed: ["kw-tone-good", "✓", "Completed", "completed"],
  failed: ["kw-tone-bad", "✕", "Failed", "failed"],
  in_progress: ["kw-tone-active", "↻", "In progress", "in_progress"],
  aborted: ["kw-tone-warning", "!", "Aborted", "aborted"],
};
const OTHER = ["kw-tone-neutral", "–", null, "other"];
// Made at first use, as the panel does: the first one costs tens of ms.
let dateTimeFormat = null;
const dateTime = {
  format(ms) {
    dateTimeFormat ??= new Intl.DateTimeFormat(["en"], { dateStyle: "short", timeStyle: "medium" });
    return dateTimeFormat.format(ms);
  },
};

const sheet = new CSSStyleSheet();
sheet.replaceSync(await (await fetch("keywatch.css")).text());
const root = document.getElementById("panel").attachShadow({ mode: "open" });
root.adoptedStyleSheets = [sheet];
root.append(document.getElementById("shell").content.cloneNode(true));
const card = root.querySelector('[data-kw="sync-jobs"]');
const tbody = root.querySelector("tbody");
const findInput = root.querySelector('[data-kw="find"]');
const findCount = root.querySelector('[data-kw="find-count"]');
const findNone = root.querySelector('[data-kw="find-none"]');
const wrap = root.querySelector(".kw-table-wrap");
const table = root.querySelector("table");

const rowTemplate = document.createElement("template");
rowTemplate.innerHTML = `<tr class="kw-job" data-kw="job"><td><button type="button" class="kw-expand" aria-expanded="false" data-kw="expand">▸</button></td><td></td><td class="kw-nowrap"><code data-kw="job-id"></code><button type="button" class="kw-copy" title="Copy the full ID" aria-label="Copy the full ID"></button></td><td class="kw-nowrap"></td><td class="kw-nowrap"></td><td class="kw-num kw-nowrap" data-kw="duration"></td><td><span class="kw-account"></span><span class="kw-nowrap"></span></td><td data-kw="containers"></td><td></td></tr>`;
const rowSkeleton = rowTemplate.content.firstChild;

function statusOf(wire) {
  const key = String(wire ?? "").trim().toLowerCase();
  return STATUS[key] ?? OTHER;
}

function badge(wire) {
  const [tone, icon, word, name] = statusOf(wire);
  const span = document.createElement("span");
  span.className = `kw-badge ${tone}`;
  span.dataset.status = name;
  const i = document.createElement("span");
  i.className = "kw-icon";
  i.setAttribute("aria-hidden", "true");
  i.textContent = icon;
  span.append(i, word ?? String(wire));
  return span;
}

function regionFailed(text) {
  const t = text.trim().toLowerCase();
  return t.includes("fail") || t.includes("error") || t.includes("abort");
}

function duration(secs) {
  const d = Math.floor(secs / 86400), h = Math.floor(secs / 3600) % 24;
  const m = Math.floor(secs / 60) % 60, s = secs % 60;
  const two = (n) => String(n).padStart(2, "0");
  if (d > 0) return `${d} d ${two(h)} h`;
  if (h > 0) return `${h} h ${two(m)} min`;
  if (m > 0) return `${m} min ${two(s)} s`;
  return `${s} s`;
}

/** The wire job, with what a row shows and what "Find" searches. */
function readJob(raw) {
  const details = Object.keys(raw.detailed_status ?? {}).sort().map((key) => {
    const slash = key.indexOf("/");
    return {
      account: slash < 0 ? "" : key.slice(0, slash),
      region: slash < 0 ? key : key.slice(slash + 1),
      text: String(raw.detailed_status[key]),
    };
  });
  const created = Date.parse(raw.createdAt);
  const completed = raw.completed_at ? Date.parse(raw.completed_at) : null;
  return { raw, id: raw.id, status: String(raw.overall_status ?? ""), details, created, completed };
}

function row(job) {
  const tr = rowSkeleton.cloneNode(true);
  const [expand, status, idCell, started, ended, took, regions, kms, abort] = tr.children;
  const short = job.id.slice(0, 8);
  tr.dataset.id = job.id;
  tr.dataset.status = statusOf(job.status)[3];
  const button = expand.firstChild;
  button.setAttribute("aria-controls", `kw-job-${encodeURIComponent(job.id)}`);
  button.setAttribute("aria-label", `Details ${short}`);
  status.append(badge(job.status));
  const code = idCell.firstChild;
  code.title = job.id;
  code.textContent = short;
  started.textContent = dateTime.format(job.created);
  ended.textContent = job.completed === null ? "—" : dateTime.format(job.completed);
  if (job.status === "in_progress" && job.completed === null) {
    const live = document.createElement("span");
    live.className = "kw-live";
    live.textContent = duration(Math.max(0, Math.floor((Date.now() - job.created) / 1000)));
    took.append(live);
  } else {
    took.textContent = job.completed === null ? "—" : duration(Math.max(0, Math.floor((job.completed - job.created) / 1000)));
  }
  const first = job.details[0];
  const [account, name] = regions.children;
  if (first?.account) account.textContent = `${first.account}/`;
  if (first) name.textContent = first.region;
  if (job.details.length > 1) {
    const more = document.createElement("span");
    more.className = "kw-muted";
    more.textContent = ` +${job.details.length - 1}`;
    regions.append(more);
  }
  const failed = job.details.filter((d) => regionFailed(d.text)).length;
  if (failed > 0) {
    const b = document.createElement("span");
    b.className = "kw-badge kw-tone-bad kw-small";
    const i = document.createElement("span");
    i.setAttribute("aria-hidden", "true");
    i.textContent = "✕";
    b.append(i, String(failed));
    regions.append(b);
  }
  kms.textContent = (job.raw.kms ?? []).join(", ");
  const a = document.createElement("span");
  a.className = job.raw.abort ? "kw-badge kw-tone-warning kw-small" : "kw-muted";
  a.textContent = job.raw.abort ? "abort requested" : "no";
  abort.append(a);
  return tr;
}

/** keywatch's FindText::matches: id, status (as sent and as shown), account, regions, region texts. */
function matches(job, needle) {
  const has = (field) => typeof field === "string" && field.toLowerCase().includes(needle);
  return has(job.id) || has(job.status) || has(statusOf(job.status)[2]) || has(job.raw.account)
    || job.details.some((d) => has(d.account) || has(d.region) || has(d.text))
    || (job.raw.regions ?? []).some(has);
}

let jobs = [];
let rows = [];
// Windowed: the positions of the jobs shown, the rows drawn by job, the spacers.
let windowed = false;
let shownJobs = [];
let drawn = new Map();
let rowHeight = 33;
let measured = false;
const spacer = () => {
  const tr = document.createElement("tr");
  tr.className = "kw-spacer";
  tr.setAttribute("aria-hidden", "true");
  const td = document.createElement("td");
  td.colSpan = 9;
  tr.append(td);
  return tr;
};
const [topSpacer, bottomSpacer] = [spacer(), spacer()];

function drawWindow() {
  const count = shownJobs.length;
  const y = wrap.scrollTop;
  const at = (px) => Math.max(0, Math.min(count - 1, Math.floor(px / rowHeight)));
  const first = count === 0 ? 0 : Math.max(0, at(y) - OVERSCAN);
  const end = count === 0 ? 0 : Math.min(count, at(y + wrap.clientHeight) + 1 + OVERSCAN);
  const next = new Map();
  const list = [topSpacer];
  for (let p = first; p < end; p++) {
    const i = shownJobs[p];
    const tr = drawn.get(i) ?? row(jobs[i]);
    if (tr.getAttribute("aria-rowindex") !== String(p + 2)) tr.setAttribute("aria-rowindex", String(p + 2));
    next.set(i, tr);
    list.push(tr);
  }
  list.push(bottomSpacer);
  drawn = next;
  topSpacer.style.height = `${first * rowHeight}px`;
  bottomSpacer.style.height = `${(count - end) * rowHeight}px`;
  table.setAttribute("aria-rowcount", String(count + 1));
  tbody.replaceChildren(...list);
  if (!measured && list.length > 2) {
    measured = true;
    const heights = list.slice(1, -1).map((tr) => tr.offsetHeight);
    rowHeight = Math.round((heights.reduce((a, b) => a + b, 0) / heights.length) * 4) / 4;
    drawWindow();
  }
}

function show() {
  const needle = findInput.value.trim().toLowerCase();
  let shown = 0;
  if (windowed) {
    shownJobs = [];
    for (let i = 0; i < jobs.length; i++) if (needle === "" || matches(jobs[i], needle)) shownJobs.push(i);
    shown = shownJobs.length;
    drawWindow();
  } else {
    for (let i = 0; i < jobs.length; i++) {
      const hit = needle === "" || matches(jobs[i], needle);
      if (rows[i].hidden === hit) rows[i].hidden = !hit;
      if (hit) shown += 1;
    }
  }
  findCount.textContent = needle === "" ? "" : `${shown.toLocaleString("en")} of ${jobs.length.toLocaleString("en")} jobs on this page match`;
  findNone.hidden = !(needle !== "" && shown === 0);
  findNone.textContent = findNone.hidden ? "" : `No job on this page matches “${findInput.value.trim()}”.`;
}

findInput.addEventListener("input", show);
wrap.addEventListener("scroll", () => { if (windowed) drawWindow(); }, { passive: true });
tbody.addEventListener("click", (e) => {
  const button = e.target.closest('[data-kw="expand"]');
  if (button) button.setAttribute("aria-expanded", String(button.getAttribute("aria-expanded") !== "true"));
});

/** Fetches the first page of `limit` AWS jobs, as the panel asks for it, and shows it. */
async function load(limit) {
  const url = new URL(`${config.cckmUrl}/cckm/aws/synchronization-jobs?skip=0&limit=${limit}`, location.href);
  const res = await fetch(url, { headers: { authorization: `Bearer ${config.cckmToken}`, accept: "application/json" } });
  const body = await res.json();
  jobs = body.resources.map(readJob);
  windowed = WINDOWED && jobs.length > WINDOW_FROM;
  if (windowed) {
    rows = [];
    drawn = new Map();
    measured = false;
    table.querySelector("thead tr").setAttribute("aria-rowindex", "1");
    show();
  } else {
    rows = jobs.map(row);
    const fragment = document.createDocumentFragment();
    fragment.append(...rows);
    tbody.replaceChildren(fragment);
    show();
  }
  card.dataset.state = "loaded";
}

window.__kwBaseline = { load, ready: true };
