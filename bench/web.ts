/**
 * bench:web — the web app's initial JavaScript (gzip) and the time from navigation to an
 * interactive schedules list of 200 schedules in headless Chromium, against a reference page that
 * renders the same list from the same API with no framework (plain DOM, one fetch). Both pages are
 * served by the same api process, signed in with the same session cookie, measured alternately.
 *   npx tsx bench/web.ts [--runs 7]
 * Prints one final JSON line.
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import express from "express";
import pino from "pino";
import { chromium } from "playwright-core";
import { createAccount } from "../src/accounts/account.repository.js";
import { REPORT_SECTIONS, REPORT_TYPES } from "../src/figures/report-types.js";
import { buildWebApp } from "../src/api/http/build-web-app.js";
import { createApiApp, listen } from "../src/api/server.js";
import { parseEnv } from "../src/config/env.js";
import { createTestDatabase } from "../test/support/database.js";
import { intFlag } from "./support/int-flag.js";

const runs = intFlag("runs", 7);
const ROWS = 200;

/**
 * The reference renders the same list as the app's page, with no framework: the same eight
 * columns with the same words (cadence in words, area, last run with its relative time, next run
 * in the schedule's zone with the viewer's time on hover), the same links and switches, under the
 * app's own stylesheet, from one fetch of the same procedure. A reference with fewer columns or
 * no styles would measure a smaller page, not the framework.
 */
function referenceHtml(stylesheet: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reference</title><link rel="stylesheet" href="${stylesheet}"></head>
<body><main id="main"><h1>Schedules</h1><div class="table-wrap"><table><thead><tr><th scope="col">Name</th><th scope="col">Report</th><th scope="col">Area</th>
<th scope="col">Cadence</th><th scope="col">Recipients</th><th scope="col">Active</th><th scope="col">Last run</th><th scope="col">Next run</th></tr></thead>
<tbody id="rows"></tbody></table></div></main><script src="/bench-reference.js"></script></body></html>`;
}

const REFERENCE_JS = `
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
const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
function relativeTime(iso) {
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
const input = encodeURIComponent(JSON.stringify({ status: "all", limit: ${ROWS} }));
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

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const db = await createTestDatabase("mr_bench_web", 4);
const webDir = await mkdtemp(path.join(os.tmpdir(), "mr-bench-web-"));
try {
  await buildWebApp(webDir);
  const index = await readFile(path.join(webDir, "index.html"), "utf8");
  const scripts = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const stylesheet = /href="(\/assets\/[^"]+\.css)"/.exec(index)?.[1];
  if (!stylesheet) throw new Error("bench:web: the built index.html links no stylesheet");
  let gzipBytes = 0;
  for (const s of scripts) gzipBytes += gzipSync(await readFile(path.join(webDir, s))).length;

  const { account, apiKey } = await createAccount(db.handle.db, "Bench Realty");
  await db.handle.db
    .insertInto("schedules")
    .values(
      Array.from({ length: ROWS }, (_, i) => ({
        account_id: account.id,
        name: `Schedule ${String(i).padStart(3, "0")}`,
        report_type: "market_snapshot",
        city: "San Diego",
        zip_codes: ["92101", "92103"],
        cadence: "weekly" as const,
        weekly_dow: i % 7,
        timezone: "America/Los_Angeles",
        recipients: ["a@example.com", "b@example.com"],
        next_run_at: new Date(Date.now() + (i + 1) * 3_600_000),
      })),
    )
    .execute();

  const env = parseEnv({ UNSUBSCRIBE_SECRET: "bench-web-unsubscribe-secret-0123456789", REPORT_LINK_SECRET: "bench-web-report-link-secret-0123456789", LOG_LEVEL: "silent" });
  // The reference pages go in front of the API app, whose last handler answers every other path 404.
  const app = express();
  app.get("/bench-reference", (_req, res) => res.type("html").send(referenceHtml(stylesheet)));
  app.get("/bench-reference.js", (_req, res) => res.type("js").send(REFERENCE_JS));
  app.use(createApiApp({ env, db: db.handle.db, logger: pino({ level: "silent" }), webAppDir: webDir }));
  const server = await listen(app, 0, "127.0.0.1");
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const signIn = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({ api_key: apiKey }),
    });
    const cookie = /mr_session=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")![1]!;

    /** Navigation start to the moment all rows are in the DOM with their switches (handlers attached). */
    async function timeToInteractive(url: string): Promise<number> {
      const context = await browser.newContext();
      await context.addCookies([{ name: "mr_session", value: cookie, url: server.url }]);
      const page = await context.newPage();
      await page.goto(url, { waitUntil: "commit" });
      await page.waitForFunction((n) => document.querySelectorAll('tbody tr [role="switch"]').length >= n, ROWS, { polling: "raf", timeout: 60_000 });
      const ms = await page.evaluate(() => performance.now());
      await page.getByRole("switch").first().click();
      await context.close();
      return ms;
    }

    const app: number[] = [];
    const reference: number[] = [];
    await timeToInteractive(`${server.url}/schedules`); // warm-up: server and disk caches for both
    await timeToInteractive(`${server.url}/bench-reference`);
    for (let i = 0; i < runs; i++) {
      app.push(await timeToInteractive(`${server.url}/schedules`));
      reference.push(await timeToInteractive(`${server.url}/bench-reference`));
    }
    const appMs = median(app);
    const refMs = median(reference);
    const result = {
      bench: "web",
      initial_js_gzip_kb: Math.round((gzipBytes / 1024) * 10) / 10,
      initial_js_files: scripts.length,
      rows: ROWS,
      runs,
      app_tti_ms: Math.round(appMs),
      reference_tti_ms: Math.round(refMs),
      ratio: Math.round((appMs / refMs) * 100) / 100,
      targets: { initial_js_gzip_kb: 150, ratio: 1.5 },
      pass: gzipBytes / 1024 <= 150 && appMs / refMs <= 1.5,
      load_average: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
    console.log(`app: ${app.map(Math.round).join(", ")} ms; reference: ${reference.map(Math.round).join(", ")} ms`);
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.close(1_000);
  }
} finally {
  await rm(webDir, { recursive: true, force: true });
  await db.drop();
}
