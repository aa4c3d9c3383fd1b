import { normalizeEmail } from "../validation/email-address.js";
import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withTenant } from "../db/tenant.js";
import { AppError } from "../errors/app-error.js";
import { addSuppression } from "../suppressions/suppression.repository.js";
import { isValidUnsubscribeToken } from "./token.js";
import { isUuid } from "../validation/uuid.js";

export interface UnsubscribeRequest {
  email: string;
  accountId: string;
  token: string;
  /** The key id the link carried, if any. */
  keyId?: string;
  reason?: string;
}


/**
 * Adds the address to the account's suppression list. Idempotent: a repeat is a success that
 * changes nothing. A bad token writes nothing and says which part was wrong.
 */
export async function unsubscribe(
  db: Kysely<Database>,
  secrets: readonly string[],
  req: UnsubscribeRequest,
): Promise<{ email: string; account_id: string; already_unsubscribed: boolean }> {
  const email = normalizeEmail(req.email);
  if (!isUuid(req.accountId)) throw new AppError("BAD_REQUEST", "account_id: must be an account id (UUID)", "account_id");
  if (!isValidUnsubscribeToken(secrets, email, req.accountId, req.token, req.keyId)) {
    throw new AppError("BAD_REQUEST", "token: is not valid for this email address and account", "token");
  }
  const added = await withTenant(db, req.accountId, (trx) => addSuppression(trx, req.accountId, email, req.reason ?? "unsubscribe"));
  return { email, account_id: req.accountId, already_unsubscribed: !added };
}
