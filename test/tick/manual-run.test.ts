import { sql } from "kysely";
import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createInProcessQueue, type InProcessQueue } from "../../src/queue/in-process-queue.js";
import type { ReportJob } from "../../src/queue/report-job.js";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { RunConflictError, RunScheduleNotFoundError, createManualRun } from "../../src/runs/manual-run.js";
import { publishRuns } from "../../src/runs/publish-runs.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { insertAccount, insertSchedule } from "../support/schedules.js";
import { nextRunOf, runsOf } from "./fixtures.js";

const up = (await postgresUp()) && (await rabbitUp());

describe.skipIf(!up)("manual and test runs (schedules.runNow)", () => {
  let tdb: TestDatabase;
  let side: RabbitSideChannel;
  let queue: RabbitJobQueue;
  const prefix = uniquePrefix("manual");
  let account: string;
  let schedule: string;
  const nextRun = new Date("2030-01-07T17:00:00Z");

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_manual", 4);
    side = await openSideChannel();
    queue = await createRabbitQueue({ url: AMQP_URL, prefix });
  });
  afterAll(async () => {
    await queue.close();
    await side.deleteAll(prefix);
    await side.close();
    await tdb.drop();
  });
  beforeEach(async () => {
    await sql`TRUNCATE accounts CASCADE`.execute(tdb.handle.db);
    await Promise.all([queue.topology.jobsQueue, queue.topology.priorityQueue].map((q) => side.channel.purgeQueue(q)));
    account = await insertAccount(tdb.handle.db);
    schedule = await insertSchedule(tdb.handle.db, account, { next_run_at: nextRun, recipients: ["owner@example.com"] });
  });
  const db = () => tdb.handle.db;

  it("writes a manual run for now, publishes it and leaves next_run_at alone", async () => {
    const before = Date.now();
    const run = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    expect(run).toMatchObject({ schedule_id: schedule, account_id: account, kind: "manual", status: "queued" });
    expect(run.scheduled_for.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(run.params).toMatchObject({ schedule_id: schedule, recipients: ["owner@example.com"] });
    expect(await nextRunOf(db(), schedule)).toEqual(nextRun);

    const jobs = (await side.takeAllJobs(queue.topology)) as unknown as ReportJob[];
    expect(jobs).toEqual([
      {
        v: 1,
        run_id: run.id,
        schedule_id: schedule,
        account_id: account,
        scheduled_for: run.scheduled_for.toISOString(),
        kind: "manual",
        params: run.params,
      },
    ]);
  });

  it("refuses a second manual run of the same schedule within a minute, naming the first's time in the schedule's zone", async () => {
    const first = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    const second = createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    await expect(second).rejects.toBeInstanceOf(RunConflictError);
    const local = DateTime.fromJSDate(first.created_at, { zone: "America/Los_Angeles" }).setLocale("en-US");
    await expect(second).rejects.toThrow(
      `was already run manually at ${local.toFormat("LLLL d, yyyy, h:mm a")} ${local.offsetNameShort} (America/Los_Angeles); ` +
        "a schedule can be run manually once a minute",
    );
    expect(await runsOf(db(), schedule)).toHaveLength(1);

    // Concurrent calls: exactly one wins.
    const other = await insertSchedule(db(), account, { next_run_at: nextRun });
    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () => createManualRun(db(), queue, { accountId: account, scheduleId: other, kind: "manual" })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(new Set(refused.map((r) => r.reason instanceof RunConflictError))).toEqual(new Set([true]));
  });

  it("allows the next manual run once the minute has passed", async () => {
    const first = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    await db()
      .updateTable("schedule_runs")
      .set({ created_at: sql`now() - interval '61 seconds'` } as never)
      .where("id", "=", first.id)
      .execute();
    const second = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    expect(second.id).not.toBe(first.id);
  });

  it("does not take the slot of a scheduled run in the same minute", async () => {
    const now = new Date();
    const slot = new Date(Math.floor(now.getTime() / 60_000) * 60_000);
    await db()
      .insertInto("schedule_runs")
      .values({ account_id: account, schedule_id: schedule, scheduled_for: slot, params: "{}", status: "queued" })
      .execute();
    const run = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "manual" });
    expect(run.status).toBe("queued");
  });

  it("sends test runs to some of the schedule's own recipients, without the once-a-minute rule", async () => {
    await db().updateTable("schedules").set({ recipients: ["owner@example.com", "agent@example.com"] }).where("id", "=", schedule).execute();
    const a = await createManualRun(db(), queue, {
      accountId: account,
      scheduleId: schedule,
      kind: "test",
      recipients: ["Agent@Example.com"],
    });
    const b = await createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "test", recipients: ["agent@example.com"] });
    expect(a).toMatchObject({ kind: "test", status: "queued", params: { recipients: ["agent@example.com"] } });
    expect(b.kind).toBe("test");
    await expect(
      createManualRun(db(), queue, { accountId: account, scheduleId: schedule, kind: "test", recipients: ["stranger@example.com"] }),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", field: "to", message: expect.stringContaining("stranger@example.com") });
  });

  it("cannot see another account's schedule", async () => {
    const stranger = await insertAccount(db(), "Other Brokerage");
    await expect(
      createManualRun(db(), queue, { accountId: stranger, scheduleId: schedule, kind: "manual" }),
    ).rejects.toBeInstanceOf(RunScheduleNotFoundError);
    expect(await runsOf(db(), schedule)).toHaveLength(0);
  });

  it("returns the run pending when the broker cannot take it, for the next tick to publish", async () => {
    const closed = await createRabbitQueue({ url: AMQP_URL, prefix });
    await closed.close();
    const run = await createManualRun(db(), closed, { accountId: account, scheduleId: schedule, kind: "manual" });
    expect(run.status).toBe("pending");

    const embedded: InProcessQueue = createInProcessQueue();
    const outcome = await publishRuns(db(), embedded, [run.id]);
    expect(outcome).toEqual({ queued: [run.id], failed: [] });
    expect((await runsOf(db(), schedule))[0].status).toBe("queued");
    expect(embedded.size()).toBe(1);
    await embedded.close();
  });
});
