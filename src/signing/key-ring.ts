import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The secrets that sign one kind of link: new links are signed with `signing`; links already sent
 * verify against any of `verifying` (the current secret first, then the previous one kept during
 * a rotation). Each secret has a key id derived from it, carried in the link, so a verifier knows
 * which secret to use without operators having to name their keys.
 */
export interface KeyRing {
  signing: string;
  verifying: readonly string[];
}

const KEY_ID_LABEL = "market-reports key id";

/** 8 hex characters naming a secret; a one-way function of it, so the id reveals nothing usable. */
export function keyId(secret: string): string {
  return createHmac("sha256", secret).update(KEY_ID_LABEL).digest("hex").slice(0, 8);
}

const KEY_ID_PATTERN = /^[0-9a-f]{8}$/;

/**
 * The secrets a link may have been signed with: the one its key id names, or — for a link that
 * carries no id (minted before key ids, or the seed's tokens) — every one of them. An id that
 * names no secret we hold selects none, so the link is invalid.
 */
export function candidateSecrets(verifying: readonly string[], kid: string | undefined | null): readonly string[] {
  if (kid === undefined || kid === null || kid === "") return verifying;
  if (!KEY_ID_PATTERN.test(kid)) return [];
  return verifying.filter((secret) => keyId(secret) === kid);
}

/** Constant-time equality of two MACs; a length mismatch is simply unequal. */
export function macEquals(given: Buffer, expected: Buffer): boolean {
  return given.length === expected.length && timingSafeEqual(given, expected);
}
