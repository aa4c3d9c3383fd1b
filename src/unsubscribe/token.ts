import { normalizeEmail } from "../validation/email-address.js";
import { createHmac } from "node:crypto";
import { candidateSecrets, keyId, macEquals } from "../signing/key-ring.js";

/**
 * The seed's unsubscribe token: hex HMAC-SHA256 of "<lower-cased email>:<account_id>" keyed by
 * UNSUBSCRIBE_SECRET. Tokens minted by the seed's Python code validate here unchanged.
 */
export function unsubscribeToken(secret: string, email: string, accountId: string): string {
  return createHmac("sha256", secret).update(`${normalizeEmail(email)}:${accountId}`).digest("hex");
}

/**
 * Constant-time check against the secrets a token may have been made with (current, then the
 * previous one during a rotation); `kid`, when the link carried one, picks the secret. Any
 * malformed token is simply not valid.
 */
export function isValidUnsubscribeToken(secrets: readonly string[], email: string, accountId: string, token: string, kid?: string): boolean {
  if (typeof token !== "string" || !/^[0-9a-fA-F]{64}$/.test(token)) return false;
  const given = Buffer.from(token, "hex");
  let valid = false;
  for (const secret of candidateSecrets(secrets, kid)) valid = macEquals(given, Buffer.from(unsubscribeToken(secret, email, accountId), "hex")) || valid;
  return valid;
}

/** The page a person opens (GET shows a confirm button) and the RFC 8058 one-click POST target. */
export function unsubscribeUrl(baseUrl: string, secret: string, email: string, accountId: string): string {
  // Keep any path prefix of the base (the API may be served under /market-reports/).
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/unsubscribe`);
  url.searchParams.set("email", normalizeEmail(email));
  url.searchParams.set("account", accountId);
  url.searchParams.set("kid", keyId(secret));
  url.searchParams.set("token", unsubscribeToken(secret, email, accountId));
  return url.toString();
}
