import { createHash, randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
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
 * its limit, past its absolute expiry, or its API key has been revoked since sign-in.
 */
export async function findSessionAccount(db: Kysely<Database>, token: string, now = new Date()): Promise<SessionAccount | undefined> {
  if (!TOKEN_PATTERN.test(token)) return undefined;
  return withSystem(db, async (trx) => {
    const row = await trx
      .selectFrom("sessions as s")
      .innerJoin("api_keys as k", "k.id", "s.api_key_id")
      .innerJoin("accounts as a", "a.id", "s.account_id")
      .select(["s.id", "s.account_id", "a.name", "s.last_seen_at", "s.expires_at"])
      .where("s.token_hash", "=", hashToken(token))
      .where("s.ended_at", "is", null)
      .where("s.idle_expires_at", ">", now)
      .where("s.expires_at", ">", now)
      .where("k.revoked_at", "is", null)
      .executeTakeFirst();
    if (!row) return undefined;
    if (now.getTime() - new Date(row.last_seen_at).getTime() >= TOUCH_EVERY_MS) {
      const idle = Math.min(now.getTime() + SESSION_IDLE_MS, new Date(row.expires_at).getTime());
      await trx.updateTable("sessions").set({ last_seen_at: now, idle_expires_at: new Date(idle) }).where("id", "=", row.id).execute();
    }
    return { accountId: row.account_id, accountName: row.name };
  });
}

/** Sign-out: the session stops working at once. Unknown tokens are ignored. */
export async function endSession(db: Kysely<Database>, token: string, now = new Date()): Promise<void> {
  if (!TOKEN_PATTERN.test(token)) return;
  await withSystem(db, (trx) =>
    trx.updateTable("sessions").set({ ended_at: now }).where("token_hash", "=", hashToken(token)).where("ended_at", "is", null).execute(),
  );
}
