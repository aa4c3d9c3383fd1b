import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { createInProcessQueue, type InProcessQueue } from "../../src/queue/in-process-queue.js";
import type { ReportJob } from "../../src/queue/report-job.js";
import { RunConflictError, createManualRun } from "../../src/runs/manual-run.js";
import { runTick } from "../../src/tick/tick.js";
import { insertAccount, insertSchedule } from "../support/schedules.js";
import { countRuns, nextRunOf, runsOf, silentLogger } from "./fixtures.js";

/** `npm start` on a fresh machine: PGlite and the in-process queue, the same tick and runNow. */
describe("tick and runNow on the embedded defaults (PGlite, in-process queue)", () => {
  let handle: DatabaseHandle;
  let queue: InProcessQueue;

  beforeAll(async () => {
    handle = await connectDatabase({ dataDir: "memory://" });
    await migrateToLatest(handle);
    queue = createInProcessQueue();
  });
  afterAll(async () => {
    await queue.close();
    await handle.close();
  });

  it("claims, writes, publishes and marks as on Postgres", async () => {
    const db = handle.db;
    const account = await insertAccount(db);
    const now = new Date("2025-11-10T17:00:30.000Z");
    const due = await Promise.all(
      Array.from({ length: 25 }, (_, i) => insertSchedule(db, account, { next_run_at: new Date(now.getTime() - i * 60_000) })),
    );
    const bad = await insertSchedule(db, account, { timezone: "Mars/Olympus", next_run_at: "2025-11-10T17:00:00Z" });
    const summary = await runTick({ db, queue, logger: silentLogger, now, budgetMs: 60_000, batchSize: 10 });
    expect(summary).toMatchObject({ due: 26, claimed: 26, published: 25, failed: 1, unpublished: 0 });
    expect(await countRuns(db, "queued")).toBe(25);
    expect((await runsOf(db, bad))[0].status).toBe("failed");
    for (const id of due) expect((await nextRunOf(db, id))!.getTime()).toBeGreaterThan(now.getTime());

    const received: ReportJob[] = [];
    const consumer = await queue.consume(async (job) => void received.push(job), { prefetch: 5 });
    await vi.waitFor(() => expect(received).toHaveLength(25), { timeout: 10_000, interval: 20 });
    await consumer.stop();
    expect(new Set(received.map((j) => j.schedule_id))).toEqual(new Set(due));
  });

  it("runNow writes a manual run, and refuses a second within a minute", async () => {
    const db = handle.db;
    const account = await insertAccount(db, "Embedded");
    const id = await insertSchedule(db, account, { next_run_at: "2030-01-07T17:00:00Z" });
    const run = await createManualRun(db, queue, { accountId: account, scheduleId: id, kind: "manual" });
    expect(run).toMatchObject({ kind: "manual", status: "queued" });
    await expect(createManualRun(db, queue, { accountId: account, scheduleId: id, kind: "manual" })).rejects.toBeInstanceOf(
      RunConflictError,
    );
    expect(await nextRunOf(db, id)).toEqual(new Date("2030-01-07T17:00:00Z"));
  });
});
