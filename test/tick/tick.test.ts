import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/db/connect.js";
import type { ReportJob } from "../../src/queue/report-job.js";
import type { JobQueue } from "../../src/queue/job-queue.js";
import type { RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { runTick, type TickSummary } from "../../src/tick/tick.js";
import { FAILED_SCHEDULE_RETRY_MS } from "../../src/tick/claim-due.js";
import { nextRunAt } from "../../src/time/next-run-at.js";
import type { TestDatabase } from "../support/database.js";
import { postgresUp, rabbitUp } from "../support/services.js";
import type { RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { insertAccount, insertDueSchedules, insertSchedule } from "../support/schedules.js";
import { countRuns, nextRunOf, runsOf, silentLogger, useTickWorld } from "./fixtures.js";

const up = (await postgresUp()) && (await rabbitUp());

describe.skipIf(!up)("tick", () => {
  let tdb: TestDatabase;
  let side: RabbitSideChannel;
  let queue: RabbitJobQueue;
  let prefix: string;
  const { openQueue } = useTickWorld({ database: "mr_tick", label: "tick" }, (world) => ({ tdb, side, queue, prefix } = world));

  const db = () => tdb.handle.db;
  const tick = (now: Date, extra: Partial<Parameters<typeof runTick>[0]> = {}): Promise<TickSummary> =>
    runTick({ db: db(), queue, logger: silentLogger, now, budgetMs: 60_000, ...extra });
  const jobsOnQueue = async () => (await side.takeAllJobs(queue.topology)) as unknown as ReportJob[];

  describe("due selection", () => {
    const now = new Date("2025-11-10T17:00:30.000Z"); // Monday 09:00:30 in Los Angeles

    it("claims active schedules whose next_run_at has come, and no others", async () => {
      const account = await insertAccount(db());
      const due = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:00Z" });
      const exactlyNow = await insertSchedule(db(), account, { next_run_at: now });
      const justAfter = await insertSchedule(db(), account, { next_run_at: new Date(now.getTime() + 1) });
      const future = await insertSchedule(db(), account, { next_run_at: "2025-11-11T17:00:00Z" });
      const inactive = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:00Z", active: false });
      const neverScheduled = await insertSchedule(db(), account, { next_run_at: null });

      const summary = await tick(now);
      expect(summary).toMatchObject({ due: 2, claimed: 2, published: 2, republished: 0, failed: 0, unpublished: 0 });
      for (const id of [due, exactlyNow]) expect(await runsOf(db(), id)).toHaveLength(1);
      for (const id of [justAfter, future, inactive, neverScheduled]) expect(await runsOf(db(), id)).toHaveLength(0);
      expect(await nextRunOf(db(), inactive)).toEqual(new Date("2025-11-10T17:00:00Z"));
      expect(await nextRunOf(db(), neverScheduled)).toBeNull();
      expect((await jobsOnQueue()).map((j) => j.schedule_id).sort()).toEqual([due, exactlyNow].sort());
    });

    it("writes the slot, the claimed parameters and the next slot for every cadence", async () => {
      const account = await insertAccount(db());
      const daily = await insertSchedule(db(), account, {
        cadence: "daily",
        timezone: "America/Los_Angeles",
        next_run_at: "2025-11-10T17:00:00Z",
      });
      const weekly = await insertSchedule(db(), account, {
        cadence: "weekly",
        weekly_dow: 1,
        timezone: "America/New_York",
        next_run_at: "2025-11-10T14:00:00Z",
      });
      const monthly = await insertSchedule(db(), account, {
        cadence: "monthly",
        monthly_dom: 31,
        timezone: "UTC",
        send_hour: 9,
        next_run_at: "2025-10-31T09:00:00Z",
        include_attachment: true,
        lookback_days: 90,
        recipients: ["a@example.com", "b@example.com"],
        filters: JSON.stringify({ min_price: 500000 }),
      });

      const summary = await tick(now);
      expect(summary).toMatchObject({ due: 3, claimed: 3, published: 3, failed: 0 });
      expect(await nextRunOf(db(), daily)).toEqual(new Date("2025-11-11T17:00:00Z"));
      expect(await nextRunOf(db(), weekly)).toEqual(new Date("2025-11-17T14:00:00Z"));
      expect(await nextRunOf(db(), monthly)).toEqual(new Date("2025-11-30T09:00:00Z")); // 31st → November's last day

      const [run] = await runsOf(db(), monthly);
      expect(run).toMatchObject({
        account_id: account,
        kind: "scheduled",
        status: "queued",
        scheduled_for: new Date("2025-10-31T09:00:00Z"),
      });
      expect(run.queued_at).toBeInstanceOf(Date);
      const expectedParams = {
        report_type: "market_snapshot",
        city: "San Diego",
        zips: ["92101", "92103"],
        lookback_days: 90,
        filters: { min_price: 500000 },
        schedule_id: monthly,
        timezone: "UTC",
        name: "Market Snapshot",
        recipients: ["a@example.com", "b@example.com"],
        include_attachment: true,
      };
      expect(run.params).toEqual(expectedParams);
      const schedule = await db().selectFrom("schedules").select(["last_run_at"]).where("id", "=", monthly).executeTakeFirstOrThrow();
      expect(schedule.last_run_at).toEqual(now);

      const job = (await jobsOnQueue()).find((j) => j.schedule_id === monthly);
      expect(job).toEqual({
        v: 1,
        run_id: run.id,
        schedule_id: monthly,
        account_id: account,
        scheduled_for: "2025-10-31T09:00:00.000Z",
        kind: "scheduled",
        params: expectedParams,
      });
    });

    it("runs a slot missed for three weeks once and moves on to the next slot after now", async () => {
      const account = await insertAccount(db());
      const realNow = new Date();
      const missed = new Date(realNow.getTime() - 21 * 86_400_000);
      const id = await insertSchedule(db(), account, {
        cadence: "daily",
        timezone: "UTC",
        send_hour: missed.getUTCHours(),
        send_minute: missed.getUTCMinutes(),
        next_run_at: missed,
      });
      const summary = await tick(realNow);
      expect(summary).toMatchObject({ claimed: 1, published: 1 });
      const runs = await runsOf(db(), id);
      expect(runs).toHaveLength(1);
      expect(runs[0].scheduled_for).toEqual(missed);
      const next = (await nextRunOf(db(), id))!;
      expect(next.getTime()).toBeGreaterThan(realNow.getTime());
      expect(next.getTime() - realNow.getTime()).toBeLessThanOrEqual(86_400_000);

      // The next tick, a minute later, has nothing to do for it.
      const again = await tick(new Date(realNow.getTime() + 60_000));
      expect(again).toMatchObject({ due: 0, claimed: 0 });
      expect(await runsOf(db(), id)).toHaveLength(1);
    });

    it("handles the seed's own test: a schedule inserted due an hour ago gets a run and a new next_run_at", async () => {
      const account = await insertAccount(db());
      await sql`
        INSERT INTO schedules (account_id, name, report_type, city, cadence, weekly_dow, send_hour, send_minute, recipients, active, next_run_at)
        VALUES (${account}::uuid, 'Test Schedule', 'market_snapshot', 'San Diego', 'weekly', 1, 9, 0,
                ARRAY['test@example.com'], true, NOW() - INTERVAL '1 hour')`.execute(db());
      const before = await db().selectFrom("schedules").select(["id", "next_run_at"]).executeTakeFirstOrThrow();

      const summary = await runTick({ db: db(), queue, logger: silentLogger, budgetMs: 60_000 });
      expect(summary).toMatchObject({ due: 1, claimed: 1, published: 1, failed: 0 });
      const runs = await runsOf(db(), before.id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ status: "queued", kind: "scheduled", scheduled_for: before.next_run_at });
      const next = (await nextRunOf(db(), before.id))!;
      expect(next.getTime()).toBeGreaterThan(Date.now());
      // weekly, Monday 09:00 in the default zone (UTC)
      expect(next.getUTCDay()).toBe(1);
      expect([next.getUTCHours(), next.getUTCMinutes()]).toEqual([9, 0]);
      const jobs = await jobsOnQueue();
      expect(jobs).toHaveLength(1);
      expect(jobs[0]).toMatchObject({ run_id: runs[0].id, params: { report_type: "market_snapshot", city: "San Diego", zips: [] } });
    });

    it("records a schedule that cannot be computed as a failed run, pushes it a day and carries on", async () => {
      const account = await insertAccount(db());
      const bad = await insertSchedule(db(), account, { timezone: "Mars/Olympus", next_run_at: "2025-11-10T17:00:00Z" });
      const good = await insertSchedule(db(), account, { next_run_at: "2025-11-10T16:59:00Z" });
      const good2 = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:10Z" });

      const summary = await tick(now);
      expect(summary).toMatchObject({ due: 3, claimed: 3, published: 2, failed: 1, unpublished: 0 });
      const [failedRun] = await runsOf(db(), bad);
      expect(failedRun).toMatchObject({ status: "failed", kind: "scheduled", scheduled_for: new Date("2025-11-10T17:00:00Z") });
      expect(failedRun.error).toMatch(/Mars\/Olympus/);
      expect(failedRun.finished_at).toBeInstanceOf(Date);
      expect(await nextRunOf(db(), bad)).toEqual(new Date(now.getTime() + FAILED_SCHEDULE_RETRY_MS));
      for (const id of [good, good2]) expect((await runsOf(db(), id)).map((r) => r.status)).toEqual(["queued"]);
      expect((await jobsOnQueue()).map((j) => j.schedule_id).sort()).toEqual([good, good2].sort());

      // Not again at the next minute.
      expect(await tick(new Date(now.getTime() + 60_000))).toMatchObject({ claimed: 0, failed: 0 });
    });

    it("--dry-run reports what is due and changes nothing", async () => {
      const account = await insertAccount(db());
      const id = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:00Z" });
      const summary = await tick(now, { dryRun: true });
      expect(summary).toMatchObject({ due: 1, claimed: 0, published: 0, failed: 0 });
      expect(await countRuns(db())).toBe(0);
      expect(await nextRunOf(db(), id)).toEqual(new Date("2025-11-10T17:00:00Z"));
      expect(await side.jobCount(queue.topology)).toBe(0);
    });

    it("claims oldest first and at most --limit", async () => {
      const account = await insertAccount(db());
      const oldest = await insertSchedule(db(), account, { next_run_at: "2025-11-10T15:00:00Z" });
      const middle = await insertSchedule(db(), account, { next_run_at: "2025-11-10T16:00:00Z" });
      const newest = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:00Z" });
      const summary = await tick(now, { limit: 2, batchSize: 1 });
      expect(summary).toMatchObject({ due: 3, claimed: 2, published: 2 });
      expect(await runsOf(db(), oldest)).toHaveLength(1);
      expect(await runsOf(db(), middle)).toHaveLength(1);
      expect(await runsOf(db(), newest)).toHaveLength(0);
    });

    it("stops claiming when the budget is spent, leaving the rest due", async () => {
      const account = await insertAccount(db());
      const id = await insertSchedule(db(), account, { next_run_at: "2025-11-10T17:00:00Z" });
      const summary = await tick(now, { budgetMs: 0 });
      expect(summary).toMatchObject({ due: 1, claimed: 0, budgetExhausted: true });
      expect(await nextRunOf(db(), id)).toEqual(new Date("2025-11-10T17:00:00Z"));
    });
  });

  it("eight ticks at once over 5,000 due schedules: exactly one run and one message per slot", async () => {
    const account = await insertAccount(db());
    const now = new Date();
    await insertDueSchedules(db(), [account], 5_000, now);
    const handles = await Promise.all(
      Array.from({ length: 8 }, () => connectDatabase({ databaseUrl: tdb.url, poolSize: 3 })),
    );
    const tickQueues = await Promise.all(handles.map(() => openQueue(prefix)));
    let summaries: TickSummary[];
    try {
      summaries = await Promise.all(
        handles.map((h, i) =>
          runTick({ db: h.db, queue: tickQueues[i], logger: silentLogger, now, budgetMs: 60_000, batchSize: 200 }),
        ),
      );
    } finally {
      await Promise.all(handles.map((h) => h.close()));
    }
    const total = (k: keyof TickSummary) => summaries.reduce((n, s) => n + Number(s[k]), 0);
    expect(total("claimed")).toBe(5_000);
    expect(total("published")).toBe(5_000);
    expect(total("republished")).toBe(0);
    expect(total("unpublished")).toBe(0);
    expect(summaries.filter((s) => s.claimed > 0).length).toBeGreaterThan(1);

    const { rows } = await sql<{ runs: number; schedules: number; slots: number; queued: number }>`
      SELECT count(*)::int AS runs, count(DISTINCT schedule_id)::int AS schedules,
             count(DISTINCT (schedule_id, scheduled_for))::int AS slots,
             count(*) FILTER (WHERE status = 'queued')::int AS queued
      FROM schedule_runs`.execute(db());
    expect(rows[0]).toEqual({ runs: 5_000, schedules: 5_000, slots: 5_000, queued: 5_000 });

    expect(await side.jobCount(queue.topology)).toBe(5_000);
    const jobs = await jobsOnQueue();
    expect(jobs).toHaveLength(5_000);
    expect(new Set(jobs.map((j) => j.run_id)).size).toBe(5_000);
    expect(new Set(jobs.map((j) => j.schedule_id)).size).toBe(5_000);
    const due = await db().selectFrom("schedules").select("id").where("next_run_at", "<=", now).execute();
    expect(due).toHaveLength(0);
  });

  describe("never losing a run", () => {
    const failingQueue = (reason: string): JobQueue => ({
      publish: async () => {
        throw new Error(reason);
      },
      consume: async () => {
        throw new Error(reason);
      },
      close: async () => undefined,
    });

    it("republishes runs a tick committed but died before publishing, once, after the grace", async () => {
      const account = await insertAccount(db());
      const now = new Date();
      await insertDueSchedules(db(), [account], 30, now);

      // The tick "dies" between its commit and its publish (of its one batch: no fair-share batch first).
      await expect(
        runTick({ db: db(), queue: failingQueue("process killed"), logger: silentLogger, now, budgetMs: 60_000, fairShare: 0 }),
      ).rejects.toThrow("process killed");
      expect(await countRuns(db(), "pending")).toBe(30);
      expect(await side.jobCount(queue.topology)).toBe(0);

      // A tick within the grace leaves them alone (they could be a live tick's fresh runs).
      const early = await tick(new Date(now.getTime() + 10_000));
      expect(early).toMatchObject({ due: 0, claimed: 0, republished: 0 });
      expect(await countRuns(db(), "pending")).toBe(30);

      const later = await tick(new Date(Date.now() + 60_000));
      expect(later).toMatchObject({ due: 0, claimed: 0, republished: 30, published: 0, unpublished: 0 });
      expect(await countRuns(db(), "queued")).toBe(30);
      const jobs = await jobsOnQueue();
      expect(jobs).toHaveLength(30);
      expect(new Set(jobs.map((j) => j.run_id)).size).toBe(30);

      // Nothing is published a second time.
      expect(await tick(new Date(Date.now() + 120_000))).toMatchObject({ republished: 0 });
      expect(await side.jobCount(queue.topology)).toBe(0);
    });

    it("leaves runs pending when the broker goes away mid-tick, and a later tick finishes them", async () => {
      const account = await insertAccount(db());
      const now = new Date();
      await insertDueSchedules(db(), [account], 40, now);
      const doomed = await openQueue(prefix);
      await doomed.close();

      const summary = await runTick({ db: db(), queue: doomed, logger: silentLogger, now, budgetMs: 60_000, batchSize: 10, lanes: 2 });
      // A failed batch stops the claiming (the other lane's batch aside): an outage does not
      // pile up pending runs.
      expect(summary.claimed).toBeGreaterThanOrEqual(10);
      expect(summary.claimed).toBeLessThanOrEqual(20);
      expect(summary).toMatchObject({ published: 0, unpublished: summary.claimed });
      expect(summary.publishError).toMatch(/closed/);
      expect(await countRuns(db(), "pending")).toBe(summary.claimed);

      const later = await tick(new Date(Date.now() + 60_000));
      expect(later).toMatchObject({ republished: summary.claimed, claimed: 40 - summary.claimed, published: 40 - summary.claimed, unpublished: 0 });
      expect(await countRuns(db(), "queued")).toBe(40);
      expect(await countRuns(db())).toBe(40);
      expect(await side.jobCount(queue.topology)).toBe(40);
    });

    it("marks a pending run whose job can never be valid as failed instead of retrying it forever", async () => {
      const account = await insertAccount(db());
      const id = await insertSchedule(db(), account, { next_run_at: "2030-01-01T00:00:00Z" });
      await db()
        .insertInto("schedule_runs")
        .values({ account_id: account, schedule_id: id, scheduled_for: new Date("2025-01-01T00:00:00Z"), params: JSON.stringify({ broken: true }), created_at: new Date(Date.now() - 3_600_000) })
        .execute();
      const summary = await tick(new Date());
      expect(summary).toMatchObject({ republished: 0, failed: 1, unpublished: 0 });
      const [run] = await runsOf(db(), id);
      expect(run.status).toBe("failed");
      expect(run.error).toMatch(/^invalid message: params/);
    });
  });

  it("computes next slots with the shared nextRunAt", async () => {
    const account = await insertAccount(db());
    const now = new Date("2026-03-08T06:00:00Z"); // New York spring-forward day
    const id = await insertSchedule(db(), account, {
      cadence: "daily",
      timezone: "America/New_York",
      send_hour: 2,
      send_minute: 30,
      next_run_at: "2026-03-07T07:30:00Z",
    });
    await tick(now);
    const expected = nextRunAt(
      { cadence: "daily", weekly_dow: null, monthly_dom: null, send_hour: 2, send_minute: 30, timezone: "America/New_York" },
      now,
    );
    expect(await nextRunOf(db(), id)).toEqual(expected);
    expect(expected.toISOString()).toBe("2026-03-08T07:30:00.000Z"); // 02:30 doesn't exist: 03:30 EDT
  });
});
