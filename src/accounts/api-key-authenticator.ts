import type { Kysely } from "kysely";
import { LRUCache } from "lru-cache";
import type { Database } from "../db/database.js";
import { findAccountByApiKey, type AuthenticatedAccount } from "./account.repository.js";
import { hashApiKey } from "./api-key.js";

export type ApiKeyAuthenticator = (apiKey: string) => Promise<AuthenticatedAccount | undefined>;

/**
 * Key lookups with a short memory of keys that matched nothing: a client hammering with an
 * unknown key costs one query per `negativeTtlMs`, not one per request. Found keys are never
 * cached, so a revocation takes effect on the next request.
 */
export function createApiKeyAuthenticator(
  db: Kysely<Database>,
  options: { negativeTtlMs: number; maxUnknownKeys?: number },
): ApiKeyAuthenticator {
  const unknown = new LRUCache<string, true>({ max: options.maxUnknownKeys ?? 10_000, ttl: Math.max(1, options.negativeTtlMs) });
  return async (apiKey) => {
    const hash = hashApiKey(apiKey);
    if (options.negativeTtlMs > 0 && unknown.has(hash)) return undefined;
    const account = await findAccountByApiKey(db, apiKey);
    if (!account && options.negativeTtlMs > 0) unknown.set(hash, true);
    return account;
  };
}
