import { REPORT_SECTIONS, REPORT_TYPES } from "../../src/figures/report-types.js";

/**
 * The reference renders the same list as the app's page, with no framework: the same eight
 * columns with the same words (cadence in words, area, last run with its relative time, next run
 * in the schedule's zone with the viewer's time on hover), the same links and switches, under the
 * app's own stylesheet, from one fetch of the same procedure. A reference with fewer columns or
 * no styles would measure a smaller page, not the framework.
 */
export function referenceHtml(stylesheet: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reference</title><link rel="stylesheet" href="${stylesheet}"></head>
<body><main id="main"><h1>Schedules</h1><div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Report</th><th scope="col">Area</th>
<th scope="col">Cadence</th><th scope="col">Recipients</th><th scope="col">Active</th><th scope="col">Last run</th><th scope="col">Next run</th></tr></thead>
<tbody id="rows"></tbody></table></div></main><script src="/bench-reference.js"></script></body></html>`;
}

/** The reference page's script: one fetch of `rows` schedules, then plain DOM. */
export function referenceJs(rows: number): string {
  return `
const LABELS = ${JSON.stringify(Object.fromEntries(REPORT_TYPES.map((t) => [t, REPORT_SECTIONS[t].title])))};
const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const pad = (n) => String(n).padStart(2, "0");
const ordinal = (n) => (n % 100 >= 11 && n % 100 <= 13 ? n + "th" : n + (["th", "st", "nd", "rd"][n % 10] || "th"));
function cadence(s) {
  const at = "at " + pad(s.send_hour) + ":" + pad(s.send_minute) + ", " + s.timezone;
  if (s.cadence === "weekly") return WEEKDAYS[s.weekly_dow || 0] + "s " + at;
  if (s.cadence === "monthly") return "Monthly on " + (s.monthly_dom === 31 ? "the last day" : "the " + ordinal(s.monthly_dom || 1)) + " " + at;
  return "Daily " + at;
}
const formats = new Map();
function inZone(iso, timeZone) {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone, weekday: "short", day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZoneName: "short" });
    formats.set(timeZone, f);
  }
  return f.format(new Date(iso));
}
const viewerZone = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
let relative;
function relativeTime(iso) {
  relative = relative || new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  const seconds = Math.round((new Date(iso).getTime() - Date.now()) / 1000);
  for (const [unit, size] of [["day", 86400], ["hour", 3600], ["minute", 60]]) if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  return relative.format(seconds, "second");
}
function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (attrs) for (const k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}
const input = encodeURIComponent(JSON.stringify({ status: "all", limit: ${rows} }));
fetch("/trpc/schedules.list?input=" + input).then((r) => r.json()).then((body) => {
  const tbody = document.getElementById("rows");
  for (const s of body.result.data.schedules) {
    const tr = el("tr");
    const name = el("td");
    name.append(el("a", s.name, { href: "/schedules/" + s.id }), el("br"), el("a", "Runs", { href: "/schedules/" + s.id + "/runs", class: "small" }));
    tr.append(name, el("td", LABELS[s.report_type] || s.report_type), el("td", [s.city, s.zip_codes.join(", ")].filter(Boolean).join(" · ")), el("td", cadence(s)), el("td", String(s.recipients.length)));
    const cell = el("td");
    const b = el("button", s.active ? "Active" : "Paused", { type: "button", role: "switch", class: "switch " + (s.active ? "on" : "off"), "aria-checked": String(s.active), "aria-label": "Active: " + s.name });
    b.addEventListener("click", () => {
      const on = b.getAttribute("aria-checked") !== "true";
      b.setAttribute("aria-checked", String(on)); b.className = "switch " + (on ? "on" : "off"); b.textContent = on ? "Active" : "Paused";
    });
    cell.append(b);
    const last = el("td");
    if (!s.last_run) last.textContent = "Never";
    else {
      const at = s.last_run.finished_at || s.last_run.scheduled_for;
      last.append(el("span", s.last_run.status, { class: "status status-" + s.last_run.status }));
      if (s.last_run.kind !== "scheduled") last.append(el("span", " (" + s.last_run.kind + ")", { class: "hint" }));
      last.append(el("br"), el("span", relativeTime(at), { title: "Your time: " + inZone(at, viewerZone) + " (" + viewerZone + ")" }));
    }
    const next = el("td");
    if (s.next_run_at && s.active) next.append(el("span", inZone(s.next_run_at, s.timezone), { title: "Your time: " + inZone(s.next_run_at, viewerZone) + " (" + viewerZone + ")" }));
    else next.textContent = "\u2014";
    tr.append(cell, last, next);
    tbody.append(tr);
  }
});`;
}
