import type { Kysely } from "kysely";
import type { Database, ScheduleRun } from "../../src/db/database.js";
import { createLogger } from "../../src/log/logger.js";

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
