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
import { chromium, type BrowserContext } from "playwright-core";
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
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  const browser = await chromium.launch({ executablePath });
  try {
    const signIn = await fetch(`${server.url}/auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({ api_key: apiKey }),
    });
    const cookie = /mr_session=([^;]+)/.exec(signIn.headers.get("set-cookie") ?? "")![1]!;

    async function signedInContext(): Promise<BrowserContext> {
      const context = await browser.newContext();
      await context.addCookies([{ name: "mr_session", value: cookie, url: server.url }]);
      return context;
    }

    /**
     * Navigation start to the first moment after a frame with all rows in the DOM with their
     * switches (handlers attached) has been laid out and painted. The page times itself, from a
     * script run before any of its own, and says so on the console: waiting with Playwright's
     * waitForFunction compiled Playwright's injected script in the page, 10-40 ms of main-thread
     * work that fell across the app's responses and first script, and added a round trip.
     * One load in `given` (a new incognito context, closed after, if none).
     */
    async function timeToInteractive(url: string, given?: BrowserContext): Promise<number> {
      const context = given ?? (await signedInContext());
      const page = await context.newPage();
      await page.addInitScript(INTERACTIVE_PROBE);
      const interactive = page.waitForEvent("console", { predicate: (m) => m.text().startsWith("bench:web interactive "), timeout: 60_000 });
      await page.goto(url, { waitUntil: "commit" });
      const ms = Number((await interactive).text().split(" ").at(-1));
      await page.getByRole("switch").first().click();
      await (given ? page.close() : context.close());
      return ms;
    }

    /**
     * A browser with a profile on disk that has loaded the page before: its HTTP cache holds the
     * hashed assets (cached for a year) and Chromium's code cache their compiled code, which an
     * incognito context (newContext) never keeps. A browser of its own, for one page.
     */
    async function returningBrowser(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
      const profile = await mkdtemp(path.join(os.tmpdir(), "mr-bench-web-profile-"));
      const context = await chromium.launchPersistentContext(profile, { executablePath });
      await context.addCookies([{ name: "mr_session", value: cookie, url: server.url }]);
      return {
        context,
        close: async () => {
          await context.close();
          await rm(profile, { recursive: true, force: true });
        },
      };
    }

    /**
     * Alternating loads of the app and the reference, each a first visit (a new incognito context
     * per load) or, `returning`, each in a browser that has loaded that page before.
     */
    async function measure(returning: boolean): Promise<{ app: number; reference: number; ratio: number }> {
      const appBrowser = returning ? await returningBrowser() : undefined;
      const referenceBrowser = returning ? await returningBrowser() : undefined;
      const app: number[] = [];
      const reference: number[] = [];
      try {
        // Warm-up: server and disk caches for both (returning: twice, as Chromium keeps compiled
        // code only once a script has run more than once).
        for (let i = 0; i < (returning ? 2 : 1); i++) {
          await timeToInteractive(`${server.url}/schedules`, appBrowser?.context);
          await timeToInteractive(`${server.url}/bench-reference`, referenceBrowser?.context);
        }
        for (let i = 0; i < runs; i++) {
          app.push(await timeToInteractive(`${server.url}/schedules`, appBrowser?.context));
          reference.push(await timeToInteractive(`${server.url}/bench-reference`, referenceBrowser?.context));
        }
      } finally {
        await appBrowser?.close();
        await referenceBrowser?.close();
      }
      console.log(`${returning ? "returning" : "first visit"}: app ${app.map(Math.round).join(", ")} ms; reference ${reference.map(Math.round).join(", ")} ms`);
      return { app: Math.round(median(app)), reference: Math.round(median(reference)), ratio: Math.round((median(app) / median(reference)) * 100) / 100 };
    }

    const firstVisit = await measure(false);
    const returning = await measure(true);
    const result = {
      bench: "web",
      initial_js_gzip_kb: Math.round((gzipBytes / 1024) * 10) / 10,
      initial_js_files: scripts.length,
      rows: ROWS,
      runs,
      app_tti_ms: firstVisit.app,
      reference_tti_ms: firstVisit.reference,
      ratio: firstVisit.ratio,
      returning: { app_tti_ms: returning.app, reference_tti_ms: returning.reference, ratio: returning.ratio },
      targets: { initial_js_gzip_kb: 150, ratio: 1.5 },
      // The target holds for a first visit; a returning browser's figure is reported beside it.
      pass: gzipBytes / 1024 <= 150 && firstVisit.ratio <= 1.5,
      load_average: os.loadavg().map((l) => Math.round(l * 100) / 100),
    };
    console.log(JSON.stringify(result));
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  await rm(webDir, { recursive: true, force: true });
  await db.drop();
}
