import { sql, type Kysely } from "kysely";
import type { Database, NewSchedule, ScheduleRun } from "../../src/db/database.js";
import { createLogger } from "../../src/log/logger.js";

export const silentLogger = createLogger("silent");

/** Inserted as the owner (tests connect as the superuser, which row-level security lets through). */
export async function insertAccount(db: Kysely<Database>, name = "Test Brokerage"): Promise<string> {
  const row = await db.insertInto("accounts").values({ name }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export type ScheduleSeed = Partial<NewSchedule> & { next_run_at: Date | string | null };

export async function insertSchedule(db: Kysely<Database>, accountId: string, seed: ScheduleSeed): Promise<string> {
  const row = await db
    .insertInto("schedules")
    .values({
      account_id: accountId,
      name: "Weekly Snapshot",
      report_type: "market_snapshot",
      city: "San Diego",
      zip_codes: ["92101", "92103"],
      cadence: "daily",
      send_hour: 9,
      send_minute: 0,
      timezone: "America/Los_Angeles",
      recipients: ["client@example.com"],
      filters: JSON.stringify({ min_price: 500000 }),
      ...seed,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Many due daily schedules in one statement, spread over the last hour. */
export async function insertDueSchedules(db: Kysely<Database>, accountId: string, count: number, now: Date): Promise<void> {
  await sql`
    INSERT INTO schedules (account_id, name, report_type, city, cadence, send_hour, send_minute, timezone, recipients, next_run_at)
    SELECT ${accountId}::uuid, 'Bulk ' || g, 'market_snapshot', 'San Diego', 'daily', 9, 0, 'UTC', ARRAY['client@example.com'],
           ${now.toISOString()}::timestamptz - make_interval(secs => g % 3600)
    FROM generate_series(1, ${count}) AS g`.execute(db);
}

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
