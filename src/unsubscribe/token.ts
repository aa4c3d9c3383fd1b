import { normalizeEmail } from "../validation/email-address.js";
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The seed's unsubscribe token: hex HMAC-SHA256 of "<lower-cased email>:<account_id>" keyed by
 * UNSUBSCRIBE_SECRET. Tokens minted by the seed's Python code validate here unchanged.
 */
export function unsubscribeToken(secret: string, email: string, accountId: string): string {
  return createHmac("sha256", secret).update(`${normalizeEmail(email)}:${accountId}`).digest("hex");
}

/** Constant-time check; any malformed token is simply not valid. */
export function isValidUnsubscribeToken(secret: string, email: string, accountId: string, token: string): boolean {
  if (typeof token !== "string" || !/^[0-9a-fA-F]{64}$/.test(token)) return false;
  const expected = Buffer.from(unsubscribeToken(secret, email, accountId), "hex");
  const given = Buffer.from(token, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The page a person opens (GET shows a confirm button) and the RFC 8058 one-click POST target. */
export function unsubscribeUrl(baseUrl: string, secret: string, email: string, accountId: string): string {
  // Keep any path prefix of the base (the API may be served under /market-reports/).
  const url = new URL(`${baseUrl.replace(/\/+$/, "")}/unsubscribe`);
  url.searchParams.set("email", normalizeEmail(email));
  url.searchParams.set("account", accountId);
  url.searchParams.set("token", unsubscribeToken(secret, email, accountId));
  return url.toString();
}
