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
import { buildWebApp } from "../src/api/http/build-web-app.js";
import { createApiApp, listen } from "../src/api/server.js";
import { parseEnv } from "../src/config/env.js";
import { createTestDatabase } from "../test/support/database.js";
import { intFlag } from "./support/int-flag.js";

const runs = intFlag("runs", 7);
const ROWS = 200;

const REFERENCE_HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>reference</title></head>
<body><main><h1>Schedules</h1><table><tbody id="rows"></tbody></table></main><script src="/bench-reference.js"></script></body></html>`;
const REFERENCE_JS = `
const input = encodeURIComponent(JSON.stringify({ status: "all", limit: ${ROWS} }));
const formats = new Map();
const formatIn = (zone) => formats.get(zone) ?? formats.set(zone, new Intl.DateTimeFormat("en-GB", { timeZone: zone, dateStyle: "short", timeStyle: "medium" })).get(zone);
fetch("/trpc/schedules.list?input=" + input).then((r) => r.json()).then((body) => {
  const tbody = document.getElementById("rows");
  for (const s of body.result.data.schedules) {
    const tr = document.createElement("tr");
    const name = document.createElement("td"); name.textContent = s.name; tr.appendChild(name);
    const next = document.createElement("td"); next.textContent = formatIn(s.timezone).format(new Date(s.next_run_at)); tr.appendChild(next);
    const cell = document.createElement("td"); const b = document.createElement("button");
    b.setAttribute("role", "switch"); b.setAttribute("aria-checked", String(s.active)); b.textContent = s.active ? "Active" : "Paused";
    b.addEventListener("click", () => b.setAttribute("aria-checked", String(b.getAttribute("aria-checked") !== "true")));
    cell.appendChild(b); tr.appendChild(cell); tbody.appendChild(tr);
  }
});`;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const db = await createTestDatabase("mr_bench_web", 4);
const webDir = await mkdtemp(path.join(os.tmpdir(), "mr-bench-web-"));
try {
  await buildWebApp(webDir);
  const index = await readFile(path.join(webDir, "index.html"), "utf8");
  const scripts = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
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
  app.get("/bench-reference", (_req, res) => res.type("html").send(REFERENCE_HTML));
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
