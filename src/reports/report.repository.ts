import type { ReportRun } from "../db/database.js";
import { newestFirstPage } from "../db/pagination.js";
import type { Tx } from "../db/tenant.js";

/** Stored reports as the API reads them; the transaction is scoped to one account by RLS. */
export function listReports(
  trx: Tx,
  options: { scheduleId?: string; limit: number; cursor?: string | null },
): Promise<{ page: ReportRun[]; next_cursor: string | null }> {
  let query = trx.selectFrom("report_runs").selectAll();
  if (options.scheduleId) query = query.where("schedule_id", "=", options.scheduleId);
  return newestFirstPage(query, options.cursor, options.limit);
}

export function findReport(trx: Tx, id: string): Promise<ReportRun | undefined> {
  return trx.selectFrom("report_runs").selectAll().where("id", "=", id).executeTakeFirst();
}
