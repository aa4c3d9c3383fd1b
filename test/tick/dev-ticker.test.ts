import { sql } from "kysely";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createInProcessQueue } from "../../src/queue/in-process-queue.js";
import type { ReportJob } from "../../src/queue/report-job.js";
import { startMinuteTicker } from "../../src/tick/dev-ticker.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";
import { insertAccount, insertSchedule } from "../support/schedules.js";
import { countRuns, silentLogger } from "./fixtures.js";

const up = await postgresUp();

/** Polls on real time; setTimeout is faked in these tests. */
async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setImmediate(r));
  }
}

describe.skipIf(!up)("dev minute ticker (npm start)", () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase("mr_devtick", 3);
  });
  afterAll(async () => {
    await tdb.drop();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs the tick at the next minute boundary over the in-process queue", async () => {
    await sql`TRUNCATE accounts CASCADE`.execute(tdb.handle.db);
    const account = await insertAccount(tdb.handle.db);
    const id = await insertSchedule(tdb.handle.db, account, { next_run_at: new Date(Date.now() - 60_000) });
    const queue = createInProcessQueue();
    const received: ReportJob[] = [];
    const consumer = await queue.consume(async (job) => void received.push(job), { prefetch: 1 });

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const ticker = startMinuteTicker({ db: tdb.handle.db, queue, logger: silentLogger });
    expect(await countRuns(tdb.handle.db)).toBe(0); // nothing before the boundary
    const untilBoundary = 60_000 - (Date.now() % 60_000);
    vi.advanceTimersByTime(untilBoundary + 1_000);

    await until(async () => received.length === 1, "the job");
    expect(received[0]).toMatchObject({ schedule_id: id, kind: "scheduled" });
    await until(async () => (await countRuns(tdb.handle.db, "queued")) === 1, "the queued run");
    await ticker.stop();
    vi.useRealTimers();
    await consumer.stop();
    await queue.close();
  });
});
