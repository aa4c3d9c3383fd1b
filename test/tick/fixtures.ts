import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Database, ScheduleRun } from "../../src/db/database.js";
import { createLogger } from "../../src/log/logger.js";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { AMQP_URL } from "../support/services.js";

export const silentLogger = createLogger("silent");

export async function runsOf(db: Kysely<Database>, scheduleId: string): Promise<ScheduleRun[]> {
  return db.selectFrom("schedule_runs").selectAll().where("schedule_id", "=", scheduleId).orderBy("created_at").execute();
}

export async function nextRunOf(db: Kysely<Database>, scheduleId: string): Promise<Date | null> {
  const row = await db.selectFrom("schedules").select("next_run_at").where("id", "=", scheduleId).executeTakeFirstOrThrow();
  return row.next_run_at;
}

export async function countRuns(db: Kysely<Database>, status?: string): Promise<number> {
  let q = db.selectFrom("schedule_runs").select((eb) => eb.fn.countAll<number>().as("n"));
  if (status) q = q.where("status", "=", status as ScheduleRun["status"]);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** What a tick test works against; refreshed before each test. */
export interface TickWorld {
  tdb: TestDatabase;
  side: RabbitSideChannel;
  /** This test's queue, on a topology (prefix) of its own. */
  queue: RabbitJobQueue;
  prefix: string;
}

/**
 * The tick suites' hooks: one scratch database for the suite, emptied before each test, and a
 * RabbitMQ topology per test, all removed afterwards. `onEach` receives the world before every
 * test (the suites keep it in their own variables); `openQueue` opens more queues that are closed
 * with the rest.
 */
export function useTickWorld(options: { database: string; label: string }, onEach: (world: TickWorld) => void) {
  const prefixes: string[] = [];
  const queues: RabbitJobQueue[] = [];
  let tdb: TestDatabase;
  let side: RabbitSideChannel;
  const openQueue = async (prefix: string) => {
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    const queue = await createRabbitQueue({ url: AMQP_URL, prefix });
    queues.push(queue);
    return queue;
  };
  beforeAll(async () => {
    tdb = await createTestDatabase(options.database, 6);
    side = await openSideChannel();
  });
  afterAll(async () => {
    await Promise.allSettled(queues.map((q) => q.close()));
    for (const prefix of prefixes) await side.deleteAll(prefix);
    await side.close();
    await tdb.drop();
  });
  beforeEach(async () => {
    await sql`TRUNCATE accounts CASCADE`.execute(tdb.handle.db);
    const prefix = uniquePrefix(options.label);
    onEach({ tdb, side, queue: await openQueue(prefix), prefix });
  });
  return { openQueue };
}
