import { createHash, randomBytes } from "node:crypto";
import { sql, type Kysely } from "kysely";
import { hashApiKey, looksLikeApiKey } from "../accounts/api-key.js";
import type { Database } from "../db/database.js";
import { withSystem } from "../db/tenant.js";

/** A session unused this long ends; every use pushes it back, up to the absolute limit. */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** A session ends this long after sign-in however much it is used: the key must be shown again. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** Use is recorded at most this often, so reads do not each cost a write. */
const TOUCH_EVERY_MS = 60 * 1000;

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export interface SessionAccount {
  accountId: string;
  accountName: string;
}

export interface StartedSession extends SessionAccount {
  /** The cookie's value: 32 random bytes. Only its SHA-256 is stored. */
  token: string;
  expiresAt: Date;
}

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Signs in with an API key; undefined when the key is unknown or revoked. */
export async function startSession(db: Kysely<Database>, apiKey: string, now = new Date()): Promise<StartedSession | undefined> {
  if (!looksLikeApiKey(apiKey)) return undefined;
  return withSystem(db, async (trx) => {
    const key = await trx
      .selectFrom("api_keys as k")
      .innerJoin("accounts as a", "a.id", "k.account_id")
      .select(["k.id", "k.account_id", "a.name"])
      .where("k.key_hash", "=", hashApiKey(apiKey))
      .where("k.revoked_at", "is", null)
      .executeTakeFirst();
    if (!key) return undefined;
    const token = randomBytes(32).toString("base64url");
    const expiresAt = new Date(now.getTime() + SESSION_MAX_MS);
    await trx
      .insertInto("sessions")
      .values({
        account_id: key.account_id,
        api_key_id: key.id,
        token_hash: hashToken(token),
        last_seen_at: now,
        idle_expires_at: new Date(Math.min(now.getTime() + SESSION_IDLE_MS, expiresAt.getTime())),
        expires_at: expiresAt,
      })
      .execute();
    return { token, expiresAt, accountId: key.account_id, accountName: key.name };
  });
}

/**
 * The account behind a session cookie, or undefined when the session is unknown, ended, idle past
 * its limit, past its absolute expiry, or its API key has been revoked since sign-in. A use is
 * recorded (pushing the idle expiry back) at most once a TOUCH_EVERY_MS. One statement through
 * market_reports_session_account (migration 0009), which runs as the system role: it starts every
 * request a signed-in browser makes, so it takes no transaction of its own.
 */
export async function findSessionAccount(db: Kysely<Database>, token: string, now = new Date()): Promise<SessionAccount | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  const { rows } = await sql<{ account_id: string; account_name: string }>`
    select account_id, account_name from market_reports_session_account(
      ${hashToken(token)}, ${now}, ${`${SESSION_IDLE_MS} milliseconds`}::interval, ${`${TOUCH_EVERY_MS} milliseconds`}::interval)`.execute(db);
  const row = rows[0];
  return row ? { accountId: row.account_id, accountName: row.account_name } : undefined;
}

/** Sign-out: the session stops working at once. Unknown tokens are ignored. */
export async function endSession(db: Kysely<Database>, token: string, now = new Date()): Promise<void> {
  if (!TOKEN_PATTERN.test(token)) return;
  await withSystem(db, (trx) =>
    trx.updateTable("sessions").set({ ended_at: now }).where("token_hash", "=", hashToken(token)).where("ended_at", "is", null).execute(),
  );
}
