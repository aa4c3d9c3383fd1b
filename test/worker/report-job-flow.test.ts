import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Listing, ListingQuery, ListingSource } from "../../src/listings/listing.js";
import { ListingSourceError } from "../../src/listings/listing.js";
import { createSampleMarketSource } from "../../src/listings/sample-market.js";
import { jobForRun } from "../../src/runs/run-job.js";
import { createManualRun } from "../../src/runs/manual-run.js";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { reportObjectKey } from "../../src/storage/report-keys.js";
import { insertSchedule } from "../support/schedules.js";
import { startWorkerFixture, waitForDeadLetters, waitForFinalRun, type WorkerFixture } from "../support/worker-fixture.js";
import { postgresUp, rabbitUp } from "../support/services.js";

const up = (await postgresUp()) && (await rabbitUp());
const chromium = findChromium();
if (!chromium && process.env.CI) throw new Error("Chromium is required under CI: apt-get install chromium");
if (!chromium) console.warn("skipping: Chromium not found; install it with apt-get install chromium");
const run = promisify(execFile);

/** A listing source that fails the first `failures` calls for a city, then answers from the sample market. */
function flakySource(failures: number, kind: "transient" | "permanent"): ListingSource & { calls: number } {
  const sample = createSampleMarketSource();
  const source = {
    name: "flaky",
    calls: 0,
    describeFetch: (query: ListingQuery, timezone: string) => sample.describeFetch(query, timezone),
    async fetchListings(query: ListingQuery, signal?: AbortSignal): Promise<Listing[]> {
      source.calls++;
      if (source.calls <= failures) {
        throw new ListingSourceError(kind === "transient" ? "listing API answered 503" : "SimplyRETS rejected the credentials (401)", { kind, status: kind === "transient" ? 503 : 401 });
      }
      return sample.fetchListings(query, signal);
    },
  };
  return source;
}

describe.skipIf(!up || !chromium)("report jobs end to end through the worker (Postgres, RabbitMQ, Chromium, s3rver, SMTP)", () => {
  describe("a healthy run", () => {
    let fx: WorkerFixture;
    beforeAll(async () => {
      fx = await startWorkerFixture();
    });
    afterAll(async () => fx?.close());

    it("publish → run completed, the PDF (and no HTML copy) in the bucket, report_runs row, one email per recipient", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId, { name: "Downtown <b>Weekly</b>", recipients: ["ana@example.com", "ben@example.com"] });
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      expect(["queued", "running", "completed"]).toContain(queued.status);
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("completed");
      expect(done.attempts).toBe(1);
      expect(done.report_run_id).not.toBeNull();

      const report = await fx.db.selectFrom("report_runs").selectAll().where("id", "=", done.report_run_id!).executeTakeFirstOrThrow();
      expect(report.pdf_key).toBe(`reports/${fx.accountId}/${scheduleId}/${queued.id}.pdf`);
      const pdf = await fx.s3.getObject(report.pdf_key!);
      expect(pdf?.subarray(0, 5).toString()).toBe("%PDF-");
      const file = path.join(tmpdir(), `${queued.id}.pdf`);
      await writeFile(file, pdf!);
      const text = (await run("pdftotext", [file, "-"])).stdout;
      // The title is set in spaced capitals; the name shows as text, tags and all.
      expect(text.replace(/\s/g, "").toLowerCase()).toContain("downtown<b>weekly</b>");
      expect(text).toContain("Prepared by Coastal Realty");
      const headline = (report.summary as { headline: { value: string }[] }).headline;
      expect(headline.length).toBeGreaterThan(2);
      for (const figure of headline) expect(text).toContain(figure.value);
      // One object per report: the HTML is stored only where no PDF can be made.
      expect(report.html_key).toBeNull();
      expect(await fx.s3.getObject(reportObjectKey(fx.accountId, scheduleId, queued.id, "html"))).toBeUndefined();

      expect(fx.smtp.received.map((m) => m.to).sort()).toEqual([["ana@example.com"], ["ben@example.com"]]);
      const log = await fx.db.selectFrom("email_log").selectAll().where("run_id", "=", queued.id).execute();
      expect(log.map((l) => [l.to_emails[0], l.status, l.response_code]).sort()).toEqual([
        ["ana@example.com", "sent", 250],
        ["ben@example.com", "sent", 250],
      ]);
      expect(await fx.rabbit.messageCount(fx.queue.topology.jobsQueue)).toBe(0);
    });

    it("the same message delivered twice → one report, one email per recipient", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["twice@example.com"] });
      const before = fx.smtp.received.length;
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const row = await fx.db.selectFrom("schedule_runs").selectAll().where("id", "=", queued.id).executeTakeFirstOrThrow();
      const outcome = await fx.queue.publish([jobForRun(row), jobForRun(row)]);
      expect(outcome.confirmed).toHaveLength(2);
      await waitForFinalRun(fx.db, queued.id);
      // Let the duplicates drain too.
      await vi.waitFor(async () => expect(await fx.rabbit.messageCount(fx.queue.topology.jobsQueue)).toBe(0), { timeout: 10_000, interval: 100 });
      await sleep(1_500);
      const reports = await fx.db.selectFrom("report_runs").select("id").where("schedule_run_id", "=", queued.id).execute();
      expect(reports).toHaveLength(1);
      expect(fx.smtp.received.slice(before).filter((m) => m.to[0] === "twice@example.com")).toHaveLength(1);
    });

    it("an unknown report type fails at once, is dead-lettered, and the run says why", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId, { report_type: "weather_forecast", recipients: ["nobody@example.com"] });
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("failed");
      expect(done.attempts).toBe(1);
      expect(done.error).toContain('report_type: "weather_forecast" is not a supported report type');
      const dead = await waitForDeadLetters(fx, 1);
      expect(dead.map((d) => (JSON.parse(d.body) as { run_id: string }).run_id)).toContain(queued.id);
    });
  });

  describe("a worker with no Chromium", () => {
    let fx: WorkerFixture;
    beforeAll(async () => {
      fx = await startWorkerFixture({ pdf: null });
    });
    afterAll(async () => fx?.close());

    it("stores the report as HTML (escaped) in place of the PDF and mails it as usual", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId, { name: "Downtown <b>Weekly</b>", recipients: ["ana@example.com"] });
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("completed");
      const report = await fx.db.selectFrom("report_runs").selectAll().where("id", "=", done.report_run_id!).executeTakeFirstOrThrow();
      expect(report.pdf_key).toBeNull();
      expect(report.html_key).toBe(`reports/${fx.accountId}/${scheduleId}/${queued.id}.html`);
      const html = (await fx.s3.getObject(report.html_key!))?.toString() ?? "";
      expect(html).toContain("Downtown &lt;b&gt;Weekly&lt;/b&gt;");
      expect(report.size_bytes).toBe(Buffer.byteLength(html));
      expect(fx.smtp.received.map((m) => m.to)).toEqual([["ana@example.com"]]);
    });
  });

  describe("transient listing failures", () => {
    let fx: WorkerFixture;
    const source = flakySource(2, "transient");
    beforeAll(async () => {
      fx = await startWorkerFixture({ listings: source, maxAttempts: 5 });
    });
    afterAll(async () => fx?.close());

    it("fail twice then succeed → 3 attempts, one report, emails sent once", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["retry@example.com"] });
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("completed");
      expect(done.attempts).toBe(3);
      expect(source.calls).toBe(3);
      expect(await fx.db.selectFrom("report_runs").select("id").where("schedule_run_id", "=", queued.id).execute()).toHaveLength(1);
      expect(fx.smtp.received.filter((m) => m.to[0] === "retry@example.com")).toHaveLength(1);
    });
  });

  describe("permanent listing failures", () => {
    let fx: WorkerFixture;
    beforeAll(async () => {
      fx = await startWorkerFixture({ listings: flakySource(99, "permanent") });
    });
    afterAll(async () => fx?.close());

    it("bad credentials fail at once: one attempt, failed with the reason, dead-lettered, nothing sent", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId);
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("failed");
      expect(done.attempts).toBe(1);
      expect(done.error).toContain("SimplyRETS rejected the credentials (401)");
      expect((await waitForDeadLetters(fx, 1)).length).toBe(1);
      expect(fx.smtp.received).toHaveLength(0);
    });
  });

  describe("transient failures that outlive the retry limit", () => {
    let fx: WorkerFixture;
    beforeAll(async () => {
      fx = await startWorkerFixture({ listings: flakySource(99, "transient"), maxAttempts: 3 });
    });
    afterAll(async () => fx?.close());

    it("are retried with backoff up to the limit, then the run fails with the last reason and the job is dead-lettered", async () => {
      const scheduleId = await insertSchedule(fx.db, fx.accountId);
      const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
      const done = await waitForFinalRun(fx.db, queued.id);
      expect(done.status).toBe("failed");
      expect(done.attempts).toBe(3);
      expect(done.error).toContain("listing API answered 503");
      expect((await waitForDeadLetters(fx, 1)).length).toBe(1);
    });
  });
});
