import type { NewSchedule, Schedule, ScheduleRun, ScheduleUpdate } from "../db/database.js";
import type { Tx } from "../db/tenant.js";
import { newestFirstPage } from "../db/pagination.js";

/**
 * Schedule queries. Every function takes a transaction already scoped to one account by
 * row-level security, so none of them filters by account itself: another account's row is
 * simply not there.
 */
export function insertSchedule(trx: Tx, values: NewSchedule): Promise<Schedule> {
  return trx.insertInto("schedules").values(values).returningAll().executeTakeFirstOrThrow();
}

export function findSchedule(trx: Tx, id: string): Promise<Schedule | undefined> {
  return trx.selectFrom("schedules").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Locks the row so two concurrent updates merge one after the other. */
export function findScheduleForUpdate(trx: Tx, id: string): Promise<Schedule | undefined> {
  return trx.selectFrom("schedules").selectAll().where("id", "=", id).forUpdate().executeTakeFirst();
}

export function updateSchedule(trx: Tx, id: string, values: ScheduleUpdate): Promise<Schedule> {
  return trx.updateTable("schedules").set(values).where("id", "=", id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteSchedule(trx: Tx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom("schedules").where("id", "=", id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Newest first, keyset-paginated on (created_at, id). */
export function listSchedules(
  trx: Tx,
  options: { active?: boolean; nameContains?: string; limit: number; cursor?: string | null },
): Promise<{ page: Schedule[]; next_cursor: string | null }> {
  let query = trx.selectFrom("schedules").selectAll();
  if (options.active !== undefined) query = query.where("active", "=", options.active);
  if (options.nameContains) {
    // The search is literal: the user's % and _ match themselves.
    const pattern = `%${options.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where("name", "ilike", pattern);
  }
  return newestFirstPage(query, options.cursor, options.limit);
}

export function listRuns(trx: Tx, scheduleId: string, limit: number): Promise<ScheduleRun[]> {
  return trx
    .selectFrom("schedule_runs")
    .selectAll()
    .where("schedule_id", "=", scheduleId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}
