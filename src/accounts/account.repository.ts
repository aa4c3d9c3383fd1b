import { sql, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withSystem, TENANT_ROLE, type Tx } from "../db/tenant.js";
import { generateApiKey, hashApiKey, looksLikeApiKey } from "./api-key.js";

export interface CreatedAccount {
  account: { id: string; name: string };
  apiKey: string;
  keyPrefix: string;
}

export function createAccount(db: Kysely<Database>, name: string): Promise<CreatedAccount> {
  return withSystem(db, async (trx) => {
    const account = await trx.insertInto("accounts").values({ name }).returning(["id", "name"]).executeTakeFirstOrThrow();
    const key = await insertApiKey(trx, account.id);
    return { account, apiKey: key.key, keyPrefix: key.prefix };
  });
}

export async function createApiKey(db: Kysely<Database>, accountId: string): Promise<{ apiKey: string; keyPrefix: string } | undefined> {
  return withSystem(db, async (trx) => {
    const account = await trx.selectFrom("accounts").select("id").where("id", "=", accountId).executeTakeFirst();
    if (!account) return undefined;
    const key = await insertApiKey(trx, accountId);
    return { apiKey: key.key, keyPrefix: key.prefix };
  });
}

async function insertApiKey(trx: Tx, accountId: string) {
  const key = generateApiKey();
  await trx.insertInto("api_keys").values({ account_id: accountId, key_hash: key.hash, key_prefix: key.prefix }).execute();
  return key;
}

/** Returns how many keys were revoked (0 when the prefix is unknown or already revoked). */
export async function revokeApiKey(db: Kysely<Database>, keyPrefix: string): Promise<number> {
  return withSystem(db, async (trx) => {
    const result = await trx
      .updateTable("api_keys")
      .set({ revoked_at: new Date() })
      .where("key_prefix", "=", keyPrefix)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  });
}

/**
 * Inside an open transaction: finds the live key's account as the system role and, in the same
 * statement, drops to the tenant role scoped to that account. Everything after it in the
 * transaction sees only that account's rows. Returns undefined for unknown or revoked keys,
 * leaving the transaction in the tenant role with no account (every tenant table reads empty).
 */
export async function authenticateInTransaction(
  trx: Tx,
  apiKey: string,
): Promise<{ accountId: string; accountName: string } | undefined> {
  if (!looksLikeApiKey(apiKey)) return undefined;
  await sql`select set_config('role', 'market_reports_system', true)`.execute(trx);
  const found = await sql<{ account_id: string; name: string }>`
    select k.account_id, a.name,
           set_config('role', ${TENANT_ROLE}, true),
           set_config('app.current_account_id', k.account_id::text, true)
      from api_keys k join accounts a on a.id = k.account_id
     where k.key_hash = ${hashApiKey(apiKey)} and k.revoked_at is null`.execute(trx);
  const row = found.rows[0];
  if (!row) {
    await sql`select set_config('role', ${TENANT_ROLE}, true)`.execute(trx);
    return undefined;
  }
  return { accountId: row.account_id, accountName: row.name };
}
