import { sql } from "kysely";
import type { NewSchedule, Schedule, ScheduleRun, ScheduleUpdate } from "../db/database.js";
import type { RunKind, RunStatus } from "../db/enums.js";
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

/** A schedule's newest run of any kind, as the schedules list shows it. */
export interface LatestRun {
  kind: RunKind;
  status: RunStatus;
  scheduled_for: string;
  finished_at: string | null;
}

/**
 * Newest first, keyset-paginated on (created_at, id), each with its newest run (one probe of
 * schedule_runs' (schedule_id, created_at) index per row, in the same query).
 */
export function listSchedules(
  trx: Tx,
  options: { active?: boolean; nameContains?: string; limit: number; cursor?: string | null },
): Promise<{ page: (Schedule & { last_run: LatestRun | null })[]; next_cursor: string | null }> {
  let query = trx
    .selectFrom("schedules")
    .selectAll("schedules")
    .select(
      sql<LatestRun | null>`(SELECT json_build_object('kind', r.kind, 'status', r.status, 'scheduled_for', r.scheduled_for, 'finished_at', r.finished_at)
        FROM schedule_runs r WHERE r.schedule_id = schedules.id ORDER BY r.created_at DESC, r.id DESC LIMIT 1)`.as("last_run"),
    );
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
