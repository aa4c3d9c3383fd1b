import { sql } from "kysely";
import type { Suppression } from "../db/database.js";
import { newestFirstPage } from "../db/pagination.js";
import type { Tx } from "../db/tenant.js";
import { normalizeEmail } from "../validation/email-address.js";

/**
 * The one place that reads and writes the do-not-email list: the suppressions procedures, the
 * unsubscribe service and the delivery's hard-bounce path all come here. Every function takes a
 * transaction scoped to one account by row-level security; addresses are stored and compared
 * normalized (trimmed, lower-cased).
 */

/** Adds the address; true when it was not already on the list (a repeat changes nothing). */
export async function addSuppression(trx: Tx, accountId: string, email: string, reason: string): Promise<boolean> {
  const inserted = await trx
    .insertInto("email_suppressions")
    .values({ account_id: accountId, email: normalizeEmail(email), reason })
    .onConflict((oc) => oc.columns(["account_id", "email"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

/** True when the address was on the list. */
export async function removeSuppression(trx: Tx, email: string): Promise<boolean> {
  const result = await trx.deleteFrom("email_suppressions").where("email", "=", normalizeEmail(email)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export function listSuppressions(trx: Tx, page: { limit: number; cursor?: string | null }): Promise<{ page: Suppression[]; next_cursor: string | null }> {
  return newestFirstPage(trx.selectFrom("email_suppressions").selectAll(), page.cursor, page.limit);
}

/** Normalized addresses among `emails` that the account has suppressed. */
export async function suppressedAmong(trx: Tx, emails: readonly string[]): Promise<Set<string>> {
  if (emails.length === 0) return new Set();
  const rows = await trx
    .selectFrom("email_suppressions")
    .select("email")
    .where("email", "=", sql<string>`any(${sql.val(emails.map(normalizeEmail))}::text[])`)
    .execute();
  return new Set(rows.map((r) => r.email));
}
