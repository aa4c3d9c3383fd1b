import { createHash, randomBytes } from "node:crypto";

/**
 * API keys look like `mr_<prefix>_<secret>`: the prefix (kept in clear) tells keys apart in lists
 * and revocations; only the SHA-256 of the whole key is stored. A key is shown once, at creation.
 */
const KEY_PATTERN = /^mr_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = randomBytes(4).toString("hex");
  const key = `mr_${prefix}_${randomBytes(32).toString("base64url")}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Cheap shape check before touching the database; the hash lookup is the real test. */
export function looksLikeApiKey(key: string): boolean {
  return KEY_PATTERN.test(key);
}
