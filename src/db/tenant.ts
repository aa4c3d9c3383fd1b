import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "./database.js";
import { isDatabaseUnreachable } from "./database-unreachable.js";
import { isUuid } from "../validation/uuid.js";

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

/**
 * The settings as a statement without parameters, so that it travels with the transaction's
 * `begin` in one round trip (see deferred-begin.ts). Only a role of ours and a well-formed UUID
 * are ever written into the text; anything else is bound as a parameter, as it always was.
 */
function settingsStatement(role: string, accountId: string) {
  if (isUuid(accountId)) {
    return sql`select set_config('role', ${sql.lit(role)}, true), set_config('app.current_account_id', ${sql.lit(accountId)}, true)`;
  }
  return sql`select set_config('role', ${role}, true), set_config('app.current_account_id', ${accountId}, true)`;
}

function asAccount<T>(db: Kysely<Database>, role: string, accountId: string, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await settingsStatement(role, accountId).execute(trx);
    return fn(trx);
  });
}

/** Cross-account work (the tick's scan, API key lookup, account creation) as the system role. */
export function withSystem<T>(db: Kysely<Database>, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`select set_config('role', ${sql.lit(SYSTEM_ROLE)}, true)`.execute(trx);
    return fn(trx);
  });
}

/**
 * Runs `fn` on one pooled connection that is the worker role for `accountId` for the whole
 * session, not one transaction: each statement `fn` runs commits on its own in a single round
 * trip, with no BEGIN, settings and COMMIT around it. For the email ledger, where the time between
 * a relay's answer and its record is a window a killed worker leaves unknown. Both settings are
 * put back before the connection returns to the pool, so the pool's sessions still see no tenant
 * rows outside a transaction. On PGlite (one session) nothing else runs until `fn` is done: `fn`
 * must use `session`, never `db`.
 */
export async function withWorkerSession<T>(db: Kysely<Database>, accountId: string, fn: (session: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.connection().execute(async (session) => {
    const putBack = () => sql`select set_config('role', 'none', false), set_config('app.current_account_id', '', false)`.execute(session);
    await sql`select set_config('role', ${WORKER_ROLE}, false), set_config('app.current_account_id', ${accountId}, false)`.execute(session);
    let result: T;
    try {
      result = await fn(session);
    } catch (error) {
      // the error that matters is fn's; on a broken session putting back fails as well
      await putBack().catch(() => undefined);
      throw error;
    }
    // a session that cannot take them back is broken, and the pool drops a broken client
    await putBack().catch((error: unknown) => {
      if (!isDatabaseUnreachable(error)) throw error;
    });
    return result;
  });
}
