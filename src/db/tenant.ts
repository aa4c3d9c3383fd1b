import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./database.js";

export const TENANT_ROLE = "market_reports_tenant";
export const SYSTEM_ROLE = "market_reports_system";
/** The tenant role plus writing reports and the email log, which only report workers do. */
export const WORKER_ROLE = "market_reports_worker";

export type Tx = Transaction<Database>;

/**
 * Runs `fn` in a transaction as the restricted tenant role with the account set, so row-level
 * security scopes every statement to that account. set_config(..., true) is SET LOCAL that takes
 * bind parameters; both settings end with the transaction, so a pooled connection carries nothing
 * over to the next request.
 */
export function withTenant<T>(db: Kysely<Database>, accountId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return asAccount(db, TENANT_ROLE, accountId, fn);
}

/**
 * withTenant for the report worker's own writes (the report row, the email ledger, the run's
 * moves): the same row-level security, one account, plus the grants the API's requests never need.
 */
export function withWorkerTenant<T>(db: Kysely<Database>, accountId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return asAccount(db, WORKER_ROLE, accountId, fn);
}

function asAccount<T>(db: Kysely<Database>, role: string, accountId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${role}, true), set_config('app.current_account_id', ${accountId}, true)`.execute(trx);
    return fn(trx);
  });
}

/** Cross-account work (the tick's scan, API key lookup, account creation) as the system role. */
export function withSystem<T>(db: Kysely<Database>, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${SYSTEM_ROLE}, true)`.execute(trx);
    return fn(trx);
  });
}
