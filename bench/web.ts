/**
 * bench:web — the web app's initial JavaScript (gzip) and the time from navigation to an
 * interactive schedules list of 200 schedules in headless Chromium, against a reference page that
 * renders the same list from the same API with no framework (plain DOM, one fetch; see
 * support/web-reference-page.ts). Both pages are served by the same api process, its own (see
 * support/web-server-process.ts), signed in with the same session cookie, measured alternately.
 *   npx tsx bench/web.ts [--runs 11]
 * Prints one final JSON line.
 */
import { readFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { createAccount } from "../src/accounts/account.repository.js";
import { buildWebApp } from "../src/api/http/build-web-app.js";
import { createTestDatabase } from "../test/support/database.js";
import { intFlag } from "./support/int-flag.js";
import { startReadyChild } from "./support/ready-child.js";

// Each page load is one sample of a noisy machine: 11 of each keep the medians steadier than 7 did.
const runs = intFlag("runs", 11);
const ROWS = 200;

/** The api (with the reference page) in its own process, see support/web-server-process.ts. */
async function startServer(databaseUrl: string, webDir: string, stylesheet: string): Promise<{ url: string; stop(): Promise<void> }> {
  const { child, ready } = await startReadyChild("bench/support/web-server-process.ts", [databaseUrl, webDir, stylesheet, String(ROWS)]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: ready,
    stop: () => {
      child.kill("SIGTERM");
      return exited;
    },
  };
}

/**
 * Run in each page before its own scripts. A string, not a function: tsx would wrap a function's
 * inner functions in a helper the page does not have.
 */
const INTERACTIVE_PROBE = `(() => {
  const poll = () => {
    if (document.querySelectorAll('tbody tr [role="switch"]').length >= ${ROWS}) setTimeout(() => console.debug("bench:web interactive " + performance.now()));
    else requestAnimationFrame(poll);
  };
  requestAnimationFrame(poll);
})();`;

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

  const server = await startServer(db.url, webDir, stylesheet);
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" });
  try {
    const signIn = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({ api_key: apiKey }),
    });
    const cookie = /mr_session=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")![1]!;

    /**
     * Navigation start to the first moment after a frame with all rows in the DOM with their
     * switches (handlers attached) has been laid out and painted. The page times itself, from a
     * script run before any of its own, and says so on the console: waiting with Playwright's
     * waitForFunction compiled Playwright's injected script in the page, 10-40 ms of main-thread
     * work that fell across the app's responses and first script, and added a round trip.
     */
    async function timeToInteractive(url: string): Promise<number> {
      const context = await browser.newContext();
      await context.addCookies([{ name: "mr_session", value: cookie, url: server.url }]);
      const page = await context.newPage();
      await page.addInitScript(INTERACTIVE_PROBE);
      const interactive = page.waitForEvent("console", { predicate: (m) => m.text().startsWith("bench:web interactive "), timeout: 60_000 });
      await page.goto(url, { waitUntil: "commit" });
      const ms = Number((await interactive).text().split(" ").at(-1));
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
    await server.stop();
  }
} finally {
  await rm(webDir, { recursive: true, force: true });
  await db.drop();
}
