import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ScheduleRun } from "../../src/db/database.js";
import { FINAL_RUN_STATUSES, RUN_STATUSES, type RunStatus } from "../../src/db/enums.js";
import { withSystem } from "../../src/db/tenant.js";
import { scheduleParams } from "../../src/runs/run-job.js";
import {
  RUN_TRANSITIONS,
  canTransition,
  failRun,
  finishRun,
  insertClaimedRuns,
  noteRetry,
  recordPublishOutcome,
  startRun,
  statusesThatMayBecome,
} from "../../src/runs/run-lifecycle.js";
import { uuidV7 } from "../../src/tick/claim-due.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";
import { insertAccount, insertSchedule } from "../support/schedules.js";

const up = await postgresUp();

describe("the run lifecycle table", () => {
  it("covers every status, lets nothing leave a final status, and names only known statuses", () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([...RUN_STATUSES].sort());
    for (const final of FINAL_RUN_STATUSES) expect(RUN_TRANSITIONS[final]).toEqual([]);
    for (const targets of Object.values(RUN_TRANSITIONS)) for (const t of targets) expect(RUN_STATUSES).toContain(t);
  });

  it("answers 'may become' from the same table", () => {
    expect(statusesThatMayBecome("queued").sort()).toEqual(["pending", "running"]);
    expect(statusesThatMayBecome("completed")).toEqual(["running"]);
    expect(statusesThatMayBecome("failed").sort()).toEqual(["pending", "queued", "running"]);
    expect(canTransition("completed", "running")).toBe(false);
    expect(canTransition("queued", "running")).toBe(true);
  });
});

describe.skipIf(!up)("run lifecycle on Postgres: every move guarded by the table", () => {
  let tdb: TestDatabase;
  let account: string;
  let schedule: string;
  const db = () => tdb.handle.db;

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_lifecycle", 4);
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  beforeEach(async () => {
    await sql`TRUNCATE accounts CASCADE`.execute(db());
    account = await insertAccount(db());
    schedule = await insertSchedule(db(), account, { next_run_at: new Date("2030-01-01T00:00:00Z"), recipients: ["a@example.com", "b@example.com"] });
  });

  let slot = 0;
  const runIn = async (status: RunStatus): Promise<string> => {
    const row = await db()
      .insertInto("schedule_runs")
      .values({ account_id: account, schedule_id: schedule, scheduled_for: new Date(Date.UTC(2029, 0, 1, 0, slot++)), kind: "manual", status })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  };
  const statusOf = async (id: string): Promise<ScheduleRun> =>
    db().selectFrom("schedule_runs").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  const moves: { name: string; to: RunStatus; apply: (id: string) => Promise<unknown> }[] = [
    { name: "recordPublishOutcome confirmed", to: "queued", apply: (id) => withSystem(db(), (trx) => recordPublishOutcome(trx, [id], [])) },
    { name: "recordPublishOutcome permanent failure", to: "failed", apply: (id) => withSystem(db(), (trx) => recordPublishOutcome(trx, [], [{ runId: id, reason: "bad message", permanent: true }])) },
    { name: "startRun", to: "running", apply: (id) => startRun(db(), account, id) },
    { name: "noteRetry", to: "queued", apply: (id) => noteRetry(db(), account, id, "try again") },
    { name: "finishRun completed", to: "completed", apply: (id) => finishRun(db(), account, id, "completed") },
    { name: "finishRun skipped", to: "skipped", apply: (id) => finishRun(db(), account, id, "skipped") },
    { name: "failRun", to: "failed", apply: (id) => failRun(db(), account, id, "dead-lettered") },
  ];

  for (const move of moves) {
    it(`moves to ${move.to} exactly from ${statusesThatMayBecome(move.to).join(", ")} (${move.name})`, async () => {
      const seen: Record<string, RunStatus> = {};
      for (const from of RUN_STATUSES) {
        const id = await runIn(from);
        await move.apply(id);
        seen[from] = (await statusOf(id)).status;
      }
      const expected = Object.fromEntries(RUN_STATUSES.map((from) => [from, canTransition(from, move.to) ? move.to : from]));
      // The publish confirm only moves a run still pending: a worker may already own it.
      if (move.apply === moves[0].apply) expected.running = "running";
      expect(seen).toEqual(expected);
    });
  }

  it("a dead-letter reason is written once: a run already final keeps its status and error", async () => {
    const id = await runIn("running");
    expect(await failRun(db(), account, id, "first reason")).toBe(true);
    expect(await failRun(db(), account, id, "second reason")).toBe(false);
    expect(await statusOf(id)).toMatchObject({ status: "failed", error: "first reason" });
  });

  it("the tick's SQL params and scheduleParams() are the same object for the same schedule", async () => {
    const runId = uuidV7(Date.now());
    await sql`UPDATE schedules SET filters = '{"minprice": 1, "k": "v"}', include_attachment = true`.execute(db());
    const [written] = await withSystem(db(), (trx) => insertClaimedRuns(trx, { scheduleIds: [schedule], runIds: [runId], errors: [null] }));
    const row = await db().selectFrom("schedules").selectAll().where("id", "=", schedule).executeTakeFirstOrThrow();
    expect(JSON.parse(written.params!)).toEqual(scheduleParams(row));
    expect(scheduleParams(row)).toMatchObject({ zips: ["92101", "92103"], recipients: ["a@example.com", "b@example.com"], filters: { minprice: 1, k: "v" } });
  });

  it("a claimed run whose timing failed is inserted failed, with its reason and no params", async () => {
    const runId = uuidV7(Date.now());
    const [written] = await withSystem(db(), (trx) => insertClaimedRuns(trx, { scheduleIds: [schedule], runIds: [runId], errors: ["bad zone"] }));
    expect(written).toMatchObject({ id: runId, error: "bad zone", params: null });
    expect(await statusOf(runId)).toMatchObject({ status: "failed", error: "bad zone" });
  });
});
