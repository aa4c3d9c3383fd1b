import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import pino from "pino";
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createAccount, revokeApiKey } from "../../src/accounts/account.repository.js";
import { buildWebApp } from "../../src/api/http/build-web-app.js";
import { SCHEDULES_PAGE_FIRST_REQUESTS } from "../../src/api/http/first-page-requests.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { SEED_CREATE_BODY } from "../support/api.js";
import { postgresUp, rabbitUp } from "../support/services.js";
import { startWorkerFixture, type WorkerFixture } from "../support/worker-fixture.js";
import { CHROMIUM_BASE_ARGS } from "../../src/pdf/chromium-launch.js";

const CHROMIUM = "/usr/bin/chromium";
const up = (await postgresUp()) && (await rabbitUp());
if (!existsSync(CHROMIUM)) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  console.warn(`skipping: ${CHROMIUM} is missing`);
}
const SCREENSHOTS = process.env.WEB_SCREENSHOTS_DIR;
const POLL = { timeout: 120_000, interval: 250 };

/**
 * The web app in a real browser (Debian's Chromium through playwright-core) against the real api
 * on real Postgres, with RabbitMQ, a report worker rendering PDFs, s3rver and an SMTP server.
 * The steps share one browser and run in order, as a user would.
 */
describe.skipIf(!up || !existsSync(CHROMIUM))("web app in a browser", { timeout: 300_000 }, () => {
  let fx: WorkerFixture;
  let server: RunningServer;
  let webDir: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let keyA: string;
  let keyB: string;
  let keyBPrefix: string;
  let accountA: string;
  let base: string;
  let scheduleId: string;
  // Uncaught exceptions and CSP refusals in any of the test's pages: a test that fails because the
  // app could not start (a script refused, a bundle throwing) says so, not only that a locator
  // timed out.
  const pageProblems: string[] = [];

  async function axe(p: Page, name: string) {
    const result = await new AxeBuilder({ page: p }).analyze();
    const serious = result.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
    expect(serious.map((v) => `${name}: ${v.id} ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`)).toEqual([]);
    if (SCREENSHOTS) await p.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  }

  /** A message about a button is shown beside it: on screen, at most 200 px above or below it. */
  async function expectNear(message: Locator, button: Locator) {
    const [m, b] = [await message.boundingBox(), await button.boundingBox()];
    expect(m && b).toBeTruthy();
    const gap = Math.max(m!.y - (b!.y + b!.height), b!.y - (m!.y + m!.height), 0);
    expect(gap).toBeLessThanOrEqual(200);
    const viewport = page.viewportSize()!;
    expect(m!.y + m!.height).toBeLessThanOrEqual(viewport.height);
    expect(m!.x + m!.width).toBeLessThanOrEqual(viewport.width);
  }

  async function newContext(): Promise<BrowserContext> {
    const ctx = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    // Generous waits: on a loaded shared machine a cold page can take many seconds. No assertion
    // here is about speed (that is bench:web).
    ctx.setDefaultTimeout(120_000);
    ctx.on("weberror", (e) => pageProblems.push(`uncaught: ${e.error().message}`));
    ctx.on("console", (m) => {
      if (m.type() === "error" && /Content Security Policy/i.test(m.text())) pageProblems.push(`CSP: ${m.text()}`);
    });
    return ctx;
  }

  beforeAll(async () => {
    webDir = await mkdtemp(path.join(os.tmpdir(), "mr-web-"));
    await buildWebApp(webDir);
    fx = await startWorkerFixture();
    const a = await createAccount(fx.db, "Harbor Homes");
    const b = await createAccount(fx.db, "Other Brokerage");
    keyA = a.apiKey;
    accountA = a.account.id;
    keyB = b.apiKey;
    keyBPrefix = b.keyPrefix;
    server = await listen(
      // One test send per schedule per hour: the second one in the suite meets the limit for real.
      createApiApp({ env: { ...fx.env, SEND_TEST_PER_SCHEDULE_PER_HOUR: 1 }, db: fx.db, logger: pino({ level: "silent" }), queue: fx.queue, store: fx.store, webAppDir: webDir }),
      0,
      "127.0.0.1",
    );
    base = server.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_BASE_ARGS });
    context = await newContext();
    page = await context.newPage();
  }, 600_000);
  afterEach(() => {
    const problems = pageProblems.splice(0);
    expect(problems).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close(1_000);
    await fx?.close();
    if (webDir) await rm(webDir, { recursive: true, force: true });
  });

  it("serves the app with a strict CSP, nosniff, no framing, and long-cached hashed assets", async () => {
    const res = await fetch(`${base}/schedules`);
    expect(res.status).toBe(200);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    const html = await res.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const js = await fetch(`${base}${asset}`, { headers: { "accept-encoding": "br, gzip" } });
    expect(js.status).toBe(200);
    expect(js.headers.get("cache-control")).toContain("immutable");
    expect(js.headers.get("cache-control")).toContain("max-age=31536000");
    // The build's brotli copy, which fetch undoes: the same script as the file on disk.
    expect(js.headers.get("content-encoding")).toBe("br");
    expect(await js.text()).toBe(await readFile(path.join(webDir, asset!), "utf8"));
  });

  it("says it is loading before its code has run, and why nothing comes when JavaScript is off", async () => {
    const html = await (await fetch(`${base}/schedules`)).text();
    expect(html).toMatch(/<div id="root"><p class="loading" role="status">Loading…<\/p><\/div>/);
    expect(html).toMatch(/<noscript><p>Market Reports needs JavaScript[^<]*<\/p><\/noscript>/);
    // With no script run, what the page paints is the shell; with them, the app replaces it.
    const noScript = await browser.newContext({ javaScriptEnabled: false });
    try {
      const plain = await noScript.newPage();
      await plain.goto(`${base}/schedules`);
      expect(await plain.getByRole("status").textContent()).toBe("Loading…");
    } finally {
      await noScript.close();
    }
  });

  it("protected pages redirect to sign-in; a wrong key is refused beside the field", async () => {
    await page.goto(`${base}/schedules`);
    await page.waitForURL(/\/sign-in\?next=%2Fschedules/);
    await axe(page, "sign-in");
    await page.getByLabel("API key").fill("mr_00000000_notarealkeynotarealkeynotarealkeynotare");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.locator("#api-key-error").textContent(), POLL).toContain("unknown or revoked");
  });

  it("signs in with a key: an httpOnly, SameSite=Strict session cookie, not the key", async () => {
    await page.getByLabel("API key").fill(keyA);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(`${base}/schedules`);
    await page.getByText("No schedules yet").waitFor();
    // The shell's "Loading…" went when the app rendered.
    expect(await page.getByText("Loading…").count()).toBe(0);
    const cookies = await context.cookies();
    expect(cookies).toHaveLength(1);
    expect(cookies[0]).toMatchObject({ name: "mr_session", httpOnly: true, sameSite: "Strict" });
    expect(cookies[0]!.value).not.toContain(keyA);
    await axe(page, "schedules-empty");
  });

  it("the schedules page's first two requests start with its HTML (a preload Link header, signed in only) and each is fetched once", async () => {
    expect((await fetch(`${base}/schedules`)).headers.get("link")).toBeNull();
    const [cookie] = await context.cookies();
    const signedIn = await fetch(`${base}/schedules`, { headers: { cookie: `${cookie!.name}=${cookie!.value}` } });
    for (const url of SCHEDULES_PAGE_FIRST_REQUESTS) expect(signedIn.headers.get("link")).toContain(`<${url}>; rel=preload; as=fetch`);
    await page.goto(`${base}/schedules`);
    await page.getByText("No schedules yet").waitFor();
    // A preload the app's own fetch did not match would show as a second request of its own.
    const requested = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname + new URL(e.name).search));
    expect(requested.filter((url) => url.startsWith("/auth/session"))).toEqual([SCHEDULES_PAGE_FIRST_REQUESTS[0]]);
    expect(requested.filter((url) => url.startsWith("/trpc/schedules.list"))).toEqual([SCHEDULES_PAGE_FIRST_REQUESTS[1]]);
  });

  it("create with invalid input: each field's rule beside it, nothing created", async () => {
    await page.getByRole("link", { name: "New schedule" }).first().click();
    await page.waitForURL(`${base}/schedules/new`);
    await page.getByLabel("Lookback (days)").fill("0");
    await page.getByLabel("Recipients", { exact: true }).fill("not-an-email");
    await page.getByLabel("Recipients", { exact: true }).press("Enter");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await expect.poll(() => page.locator("#name-error").textContent(), POLL).toContain("must be 1 to 200 characters");
    expect(await page.locator("#city-error").textContent()).toContain("a city or at least one ZIP code is required");
    expect(await page.locator("#lookback_days-error").textContent()).toContain("must be 1 to 365");
    expect(await page.locator("#recipients-error").textContent()).toContain("must be a valid email address");
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    const count = await fx.db.selectFrom("schedules").select((eb) => eb.fn.countAll<string>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    await axe(page, "new-schedule-errors");
  });

  it("create with valid input: it appears in the list with its next run", async () => {
    await page.getByLabel("Name").fill("Harbor weekly");
    await page.getByLabel("City").fill("San Diego");
    await page.getByLabel("ZIP codes", { exact: true }).fill("92101, 92103");
    await page.getByLabel("ZIP codes", { exact: true }).press("Enter");
    await page.getByLabel("Lookback (days)").fill("30");
    await page.getByRole("button", { name: "Remove not-an-email" }).click();
    await page.getByLabel("Recipients", { exact: true }).fill("Ana@Example.com\nben@example.com");
    await page.getByLabel("Recipients", { exact: true }).press("Enter");
    await page.getByLabel("Cadence").selectOption("weekly");
    await page.getByLabel("Day of week").selectOption("1");
    await page.getByLabel("Send time").fill("09:00");
    await page.getByLabel("Time zone").fill("America/Los_Angeles");
    await page.getByRole("button", { name: "Create schedule" }).click();
    await page.waitForURL(`${base}/schedules`);
    const row = page.locator("tr", { hasText: "Harbor weekly" });
    await row.waitFor();
    expect(await row.textContent()).toContain("Mondays at 09:00, America/Los_Angeles");
    expect(await row.textContent()).toMatch(/Mon, \w+ \d+, \d{4}, 09:00 (PST|PDT)/);
    const saved = await fx.db.selectFrom("schedules").selectAll().executeTakeFirstOrThrow();
    scheduleId = saved.id;
    expect(saved).toMatchObject({ account_id: accountA, recipients: ["ana@example.com", "ben@example.com"], zip_codes: ["92101", "92103"] });
    await axe(page, "schedules");
  });

  it("Next 5 sends for a New York 02:30 daily schedule marks the spring-forward day's 03:30", async () => {
    // A context of its own, signed in with the same key: a clock is per context, and the other
    // steps must see the real now.
    const dated = await newContext();
    const p = await dated.newPage();
    // The browser's clock says 12 March 2027; the list starts from the browser's now.
    await p.clock.setFixedTime(new Date("2027-03-12T12:00:00Z"));
    await p.goto(`${base}/sign-in#key=${keyA}`);
    await p.waitForURL(`${base}/schedules`);
    await p.goto(`${base}/schedules/new`);
    await p.getByLabel("Cadence").selectOption("daily");
    await p.getByLabel("Send time").fill("02:30");
    await p.getByLabel("Time zone").fill("America/New_York");
    const shifted = p.locator(".next-sends li.shifted");
    await shifted.waitFor();
    expect(await shifted.count()).toBe(1);
    expect(await shifted.textContent()).toMatch(/Sun, Mar 14, 2027, 03:30 EDT.*shifted/);
    const items = await p.locator(".next-sends li").allTextContents();
    expect(items).toHaveLength(5);
    expect(items[0]).toContain("Sat, Mar 13, 2027, 02:30 EST");
    expect(items[2]).toContain("Mon, Mar 15, 2027, 02:30 EDT");
    await dated.close();
  });

  it("pause and resume with the Active switch", async () => {
    const toggle = page.getByRole("switch", { name: "Active: Harbor weekly" });
    // Keyboard first: Space on the focused switch pauses it.
    await toggle.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => toggle.getAttribute("aria-checked"), POLL).toBe("false");
    await expect.poll(async () => (await fx.db.selectFrom("schedules").select("active").executeTakeFirstOrThrow()).active, POLL).toBe(false);
    // Filters: a paused schedule is under Paused, not Active; the search is by name.
    const row = page.locator("tr", { hasText: "Harbor weekly" });
    await page.getByLabel("Show").selectOption("active");
    await page.getByText("No schedule matches these filters.").waitFor();
    await page.getByLabel("Show").selectOption("paused");
    await row.waitFor();
    await page.getByLabel("Search by name").fill("nothing like it");
    await page.getByText("No schedule matches these filters.").waitFor();
    await page.getByLabel("Search by name").fill("harbor");
    await row.waitFor();
    await page.getByLabel("Search by name").fill("");
    await page.getByLabel("Show").selectOption("all");
    await row.waitFor();
    await toggle.click();
    await expect.poll(async () => (await fx.db.selectFrom("schedules").select("active").executeTakeFirstOrThrow()).active, POLL).toBe(true);
    // Once the search box's debounce settles the list is the unfiltered one again, cached from
    // before the resume: it must show the answer, not flash "Paused".
    await page.waitForTimeout(600);
    expect(await toggle.textContent()).toBe("Active");
  });

  it("a switch the server refuses flips back and says why", async () => {
    const created = await fetch(`${base}/trpc/schedules.create`, {
      method: "POST",
      headers: { Authorization: `Bearer ${keyA}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...SEED_CREATE_BODY, name: "Gone elsewhere" }),
    });
    expect(created.status).toBe(200);
    await page.reload();
    const toggle = page.getByRole("switch", { name: "Active: Gone elsewhere" });
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    // Deleted behind the page's back (another tab, the API): the update answers NOT_FOUND.
    await fx.db.deleteFrom("schedules").where("name", "=", "Gone elsewhere").execute();
    await toggle.click();
    await page.getByRole("alert").filter({ hasText: "Could not change the schedule: schedule not found" }).waitFor();
    expect(await toggle.getAttribute("aria-checked")).toBe("true");
    expect(await toggle.textContent()).toBe("Active");
  });

  it("edit and save sends only the changed fields", async () => {
    await page.getByRole("link", { name: "Harbor weekly" }).click();
    await page.waitForURL(`${base}/schedules/${scheduleId}`);
    await page.getByLabel("Name").waitFor();
    expect(await page.getByLabel("Name").inputValue()).toBe("Harbor weekly");
    // A client-side navigation moves focus to the new page's heading (the page a document loads
    // at leaves it where the browser starts).
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName), POLL).toBe("H1");
    await axe(page, "edit-schedule");
    const sent = page.waitForRequest((r) => r.url().includes("/trpc/schedules.update"));
    await page.getByLabel("Name").fill("Harbor Monday");
    await page.getByRole("button", { name: "Save" }).click();
    const body = JSON.parse((await sent).postData() ?? "{}");
    expect(Object.keys(body["0"]).sort()).toEqual(["id", "name"]);
    await page.getByText("Saved: name.").waitFor();
    expect((await fx.db.selectFrom("schedules").select("name").executeTakeFirstOrThrow()).name).toBe("Harbor Monday");
  });

  it("Preview report renders the form's report in a sandboxed frame, storing and sending nothing", async () => {
    // An unsaved change is what the preview shows: the form's values, not the saved schedule's.
    await page.getByLabel("Name").fill("Harbor preview draft");
    await page.getByRole("button", { name: "Preview report" }).click();
    const frame = page.locator('iframe[title="Report preview"]');
    await frame.waitFor();
    expect(await frame.getAttribute("sandbox")).toBe("");
    await expect.poll(() => page.frameLocator('iframe[title="Report preview"]').locator("body").textContent(), POLL).toContain("Harbor preview draft");
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, "report-preview.png"), fullPage: true });
    expect(await fx.db.selectFrom("report_runs").select("id").execute()).toEqual([]);
    expect(await fx.db.selectFrom("schedule_runs").select("id").execute()).toEqual([]);
    expect((await fx.db.selectFrom("schedules").select("name").executeTakeFirstOrThrow()).name).toBe("Harbor Monday");
    await page.getByLabel("Name").fill("Harbor Monday");
  });

  it("Run now: the run appears and reaches completed without a reload; Open report gives a PDF", async () => {
    await page.getByRole("button", { name: "Run now" }).click();
    await page.getByText("Run started").waitFor();
    // Again within the minute: the API's CONFLICT, in its own words, beside the button.
    const runNow = page.getByRole("button", { name: "Run now" });
    await runNow.click();
    const conflict = page.getByRole("alert").filter({ hasText: "Run now failed:" });
    await conflict.waitFor();
    expect(await conflict.textContent()).toMatch(/can be run manually once a minute \(try again in \d+ s\)/);
    await expectNear(conflict, runNow);
    expect(await fx.db.selectFrom("schedule_runs").select("id").where("kind", "=", "manual").execute()).toHaveLength(1);
    await page.getByRole("link", { name: "Runs" }).click();
    await page.waitForURL(`${base}/schedules/${scheduleId}/runs`);
    const navigations: string[] = [];
    page.on("framenavigated", (f) => f === page.mainFrame() && navigations.push(f.url()));
    await page.locator(".status-completed").first().waitFor({ timeout: 90_000 });
    expect(navigations).toEqual([]);
    await page.getByRole("button", { name: "Show outcomes" }).click();
    const link = page.getByRole("link", { name: "Open report" });
    await link.waitFor();
    const pdf = await page.request.get((await link.getAttribute("href"))!);
    expect(pdf.status()).toBe(200);
    expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
    await expect.poll(() => page.locator(".outcomes li").count(), POLL).toBe(2);
    expect(await page.locator(".outcomes").textContent()).toContain("sent");
    await axe(page, "runs");
    // The list's Last run says how the newest run went, in words.
    await page.getByRole("link", { name: "Schedules", exact: true }).click();
    const lastRun = page.locator("tr", { hasText: "Harbor Monday" }).locator("td").nth(6);
    await expect.poll(() => lastRun.textContent(), POLL).toMatch(/^completed \(manual\).*(ago|now)$/);
  });

  it("a suppressed recipient shows as suppressed in the next run's outcomes", async () => {
    await page.getByRole("link", { name: "Suppressions" }).click();
    await page.getByLabel("Email address").fill("Ben@Example.com");
    await page.getByLabel("Reason (optional)").fill("asked by phone");
    await page.getByRole("button", { name: "Suppress" }).click();
    await page.getByRole("cell", { name: "ben@example.com", exact: true }).waitFor();
    expect(await page.locator("tr", { hasText: "ben@example.com" }).textContent()).toMatch(/asked by phone\d{4}-\d{2}-\d{2} \(UTC\)/);
    await axe(page, "suppressions");
    await page.goto(`${base}/schedules/${scheduleId}`);
    // Send test to a subset: only ben, ticked among the schedule's recipients.
    await page.getByRole("button", { name: "Send test", exact: true }).click();
    const dialog = page.getByRole("dialog", { name: 'Send a test of "Harbor Monday"' });
    await dialog.waitFor();
    await axe(page, "send-test-dialog");
    await dialog.getByLabel("ana@example.com").uncheck();
    await dialog.getByRole("button", { name: "Send test to 1" }).click();
    await page.getByText("Test sent to 1 recipient").waitFor();
    const run = await fx.db.selectFrom("schedule_runs").selectAll().where("kind", "=", "test").executeTakeFirstOrThrow();
    await page.goto(`${base}/schedules/${scheduleId}/runs`);
    const testRun = page.locator(`tr[data-run-id="${run.id}"]`);
    // Every chosen recipient suppressed: the run is skipped before rendering, the log says why.
    await testRun.locator(".status-skipped").waitFor({ timeout: 90_000 });
    await testRun.getByRole("button", { name: "Show outcomes" }).click();
    await expect.poll(() => page.locator(".outcomes li").allTextContents(), POLL).toEqual([expect.stringMatching(/ben@example\.com.*suppressed/)]);
    // The other outcomes a run can leave, in words: a deferral (4xx, will be retried) and a
    // recipient whose worker died before the relay answered (unknown once the run is final).
    await fx.db
      .insertInto("email_log")
      .values([
        { account_id: accountA, schedule_id: scheduleId, run_id: run.id, to_emails: ["later@example.com"], status: "failed", response_code: 451, retryable: true, error: "451 try again later" },
        { account_id: accountA, schedule_id: scheduleId, run_id: run.id, to_emails: ["lost@example.com"], status: "sending" },
      ])
      .execute();
    await page.reload();
    await testRun.getByRole("button", { name: "Show outcomes" }).click();
    const later = page.locator(".outcomes li", { hasText: "later@example.com" });
    await later.waitFor();
    expect(await later.textContent()).toMatch(/deferred \(SMTP 451\)/);
    expect(await page.locator(".outcomes li", { hasText: "lost@example.com" }).textContent()).toMatch(/unknown/);
    // Removed from the list, he is emailed again.
    await page.getByRole("link", { name: "Suppressions" }).click();
    await page.getByRole("button", { name: "Remove ben@example.com" }).click();
    await page.getByText("Nobody is suppressed.").waitFor();
    expect(await fx.db.selectFrom("email_suppressions").select("email").execute()).toEqual([]);
  });

  it("Send test past SEND_TEST_PER_SCHEDULE_PER_HOUR says which limit, beside the button, sending nothing", async () => {
    await page.goto(`${base}/schedules/${scheduleId}`);
    const sendTest = page.getByRole("button", { name: "Send test", exact: true });
    await sendTest.click();
    const dialog = page.getByRole("dialog", { name: 'Send a test of "Harbor Monday"' });
    await dialog.getByRole("button", { name: "Send test to 2" }).click();
    const refused = page.getByRole("alert").filter({ hasText: "Send test failed:" });
    await refused.waitFor();
    expect(await refused.textContent()).toContain("sendTest limit reached: 1 test sends per schedule per hour (SEND_TEST_PER_SCHEDULE_PER_HOUR)");
    await dialog.waitFor({ state: "hidden" });
    await expectNear(refused, sendTest);
    if (SCREENSHOTS) await page.screenshot({ path: path.join(SCREENSHOTS, "send-test-limit.png") });
    expect(await fx.db.selectFrom("schedule_runs").select("id").where("kind", "=", "test").execute()).toHaveLength(1);
  });

  it("a cookie-authenticated mutation from another origin is refused", async () => {
    const res = await page.request.post(`${base}/trpc/schedules.delete`, {
      headers: { Origin: "https://evil.example", "Content-Type": "application/json" },
      data: { id: scheduleId },
    });
    expect(res.status()).toBe(403);
    const same = await page.request.get(`${base}/trpc/schedules.get?input=${encodeURIComponent(JSON.stringify({ id: scheduleId }))}`);
    expect(same.status()).toBe(200);
  });

  it("another account's session sees none of the first account's data", async () => {
    const other = await newContext();
    const p = await other.newPage();
    await p.goto(`${base}/sign-in#key=${keyB}`);
    await p.waitForURL(`${base}/schedules`);
    await p.getByText("No schedules yet").waitFor();
    expect(p.url()).not.toContain(keyB);
    await p.goto(`${base}/schedules/${scheduleId}`);
    await p.getByRole("alert").filter({ hasText: "not found" }).waitFor();
    // Revoking the key ends the sessions it opened.
    expect(await revokeApiKey(fx.db, keyBPrefix)).toBe(1);
    const after = await p.request.get(`${base}/auth/session`);
    expect(after.status()).toBe(401);
    await other.close();
  });

  it("keyset paging: Load more continues after the first 200, newest first", async () => {
    const big = await createAccount(fx.db, "Big Brokerage");
    const start = Date.UTC(2026, 0, 1);
    await fx.db
      .insertInto("schedules")
      .values(
        Array.from({ length: 201 }, (_, i) => ({
          account_id: big.account.id,
          name: `Bulk ${String(i).padStart(3, "0")}`,
          report_type: "market_snapshot",
          city: "San Diego",
          cadence: "daily" as const,
          recipients: ["agent@example.com"],
          created_at: new Date(start + i * 1000),
        })),
      )
      .execute();
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${base}/sign-in#key=${big.apiKey}`);
    await p.waitForURL(`${base}/schedules`);
    const rows = p.locator("tbody tr");
    await expect.poll(() => rows.count(), POLL).toBe(200);
    expect(await rows.first().textContent()).toContain("Bulk 200");
    await p.getByRole("button", { name: "Load more" }).click();
    await expect.poll(() => rows.count(), POLL).toBe(201);
    expect(await rows.last().textContent()).toContain("Bulk 000");
    expect(await p.getByRole("button", { name: "Load more" }).count()).toBe(0);
    await ctx.close();
  });

  it("is usable at 375 px and at 1440 px wide: no sideways page scroll, the main controls on screen", async () => {
    const pages: { path: string; controls: Locator[] }[] = [
      {
        path: "/schedules",
        controls: [
          page.getByRole("link", { name: "New schedule" }).first(),
          page.getByLabel("Show"),
          page.getByLabel("Search by name"),
          page.getByRole("link", { name: "Harbor Monday" }),
          page.getByRole("switch", { name: "Active: Harbor Monday" }),
        ],
      },
      { path: "/schedules/new", controls: [page.getByLabel("Name"), page.getByLabel("Time zone"), page.getByRole("button", { name: "Create schedule" })] },
      {
        path: `/schedules/${scheduleId}`,
        controls: [
          page.getByLabel("Name"),
          page.getByRole("button", { name: "Run now" }),
          page.getByRole("button", { name: "Send test", exact: true }),
          page.getByRole("button", { name: "Delete" }),
          page.getByRole("button", { name: "Save" }),
          page.getByRole("button", { name: "Preview report" }),
        ],
      },
      { path: `/schedules/${scheduleId}/runs`, controls: [page.getByRole("button", { name: "Show outcomes" }).first(), page.locator(".status-completed").first()] },
    ];
    for (const viewport of [
      { width: 375, height: 800 },
      { width: 1440, height: 900 },
    ]) {
      await page.setViewportSize(viewport);
      for (const { path: where, controls } of pages) {
        await page.goto(`${base}${where}`);
        for (const control of controls) {
          await control.waitFor();
          // A control in a table scrolls with its table (the page itself must not).
          await control.scrollIntoViewIfNeeded();
          const box = (await control.boundingBox())!;
          expect({ where, viewport, box: box.x >= 0 && box.x + box.width <= viewport.width }).toEqual({ where, viewport, box: true });
        }
        const overflow = await page.evaluate(() => document.scrollingElement!.scrollWidth > window.innerWidth);
        expect({ where, viewport, overflow }).toEqual({ where, viewport, overflow: false });
        if (viewport.width === 375 && where === "/schedules/new") await axe(page, "new-schedule-375");
      }
    }
  });

  it("delete asks for confirmation naming the schedule", async () => {
    await page.goto(`${base}/schedules/${scheduleId}`);
    // By keyboard: Enter opens it with focus on Cancel (the safe choice), Shift+Tab reaches the
    // destructive button, Escape closes it and focus returns to Delete.
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    await page.getByRole("button", { name: "Delete" }).focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: 'Delete "Harbor Monday"?' });
    await dialog.waitFor();
    await expect.poll(focused, POLL).toBe("Cancel");
    await axe(page, "delete-dialog");
    await page.keyboard.press("Shift+Tab");
    expect(await focused()).toBe("Delete schedule");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(focused, POLL).toBe("Delete");
    expect(await fx.db.selectFrom("schedules").select("id").where("account_id", "=", accountA).execute()).toHaveLength(1);
    await page.getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "hidden" });
    expect(await fx.db.selectFrom("schedules").select("id").where("account_id", "=", accountA).execute()).toHaveLength(1);
    await page.getByRole("button", { name: "Delete" }).click();
    await dialog.getByRole("button", { name: "Delete schedule" }).click();
    await page.waitForURL(`${base}/schedules`);
    await page.getByText("No schedules yet").waitFor();
    expect(await fx.db.selectFrom("schedules").select("id").where("account_id", "=", accountA).execute()).toHaveLength(0);
  });

  it("sign out ends the session: protected pages redirect to sign-in and the old cookie is dead", async () => {
    await page.goto(`${base}/schedules`);
    const [cookie] = await context.cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.waitForURL(/\/sign-in/);
    await page.goto(`${base}/suppressions`);
    await page.waitForURL(/\/sign-in\?next=%2Fsuppressions/);
    const replay = await fetch(`${base}/trpc/schedules.list`, { headers: { Cookie: `mr_session=${cookie!.value}` } });
    expect(replay.status).toBe(401);
  });
});
