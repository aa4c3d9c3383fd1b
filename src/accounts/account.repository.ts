import { sql, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withSystem, type Tx } from "../db/tenant.js";
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

export interface AuthenticatedAccount {
  accountId: string;
  accountName: string;
}

/**
 * The live key's account, through market_reports_api_key_account (migration 0008): one statement
 * that runs as the system role, since api_keys is readable by no other role. It is the first
 * query of every authenticated request, so it takes no transaction of its own.
 * Undefined for unknown, revoked or malformed keys.
 */
export async function findAccountByApiKey(db: Kysely<Database>, apiKey: string): Promise<AuthenticatedAccount | undefined> {
  if (!looksLikeApiKey(apiKey)) return undefined;
  const { rows } = await sql<{ account_id: string; account_name: string }>`
    select account_id, account_name from market_reports_api_key_account(${hashApiKey(apiKey)})`.execute(db);
  const row = rows[0];
  return row ? { accountId: row.account_id, accountName: row.account_name } : undefined;
}
