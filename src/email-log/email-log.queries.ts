import type { EmailLogRow } from "../db/database.js";
import { newestFirstPage } from "../db/pagination.js";
import type { Tx } from "../db/tenant.js";

/**
 * Reading the email log for the API. The delivery path writes it (src/delivery/email-log.repository.ts);
 * the transaction here is scoped to one account by RLS.
 */
export function listEmailLog(
  trx: Tx,
  options: { scheduleId?: string; runId?: string; limit: number; cursor?: string | null },
): Promise<{ page: EmailLogRow[]; next_cursor: string | null }> {
  let query = trx.selectFrom("email_log").selectAll();
  if (options.scheduleId) query = query.where("schedule_id", "=", options.scheduleId);
  if (options.runId) query = query.where("run_id", "=", options.runId);
  return newestFirstPage(query, options.cursor, options.limit);
}
