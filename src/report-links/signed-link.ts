import { createHmac } from "node:crypto";
import { candidateSecrets, keyId, macEquals } from "../signing/key-ring.js";

/**
 * Report links in emails: `<base>/r/<reportId>?exp=<unix seconds>&kid=<key id>&sig=<hex>`. The
 * API checks the signature and redirects to a freshly presigned S3 URL, so a link keeps working
 * for the whole REPORT_LINK_TTL_DAYS while every S3 URL stays short-lived.
 *
 * Keyed by REPORT_LINK_SECRET, its own secret, through a domain separator. Links signed before key
 * ids existed were keyed by UNSUBSCRIBE_SECRET the same way: setting the old UNSUBSCRIBE_SECRET as
 * REPORT_LINK_SECRET_PREVIOUS keeps them working until they expire.
 */

export type ReportLinkVerdict = "ok" | "expired" | "invalid";

const KEY_LABEL = "report-link";
const EXP_PATTERN = /^[0-9]{1,12}$/;
const SIG_PATTERN = /^[0-9a-fA-F]{64}$/;

function linkKey(secret: string): Buffer {
  if (typeof secret !== "string" || secret.length === 0) throw new Error("secret: must be a non-empty string");
  return createHmac("sha256", secret).update(KEY_LABEL).digest();
}

function signature(secret: string, reportId: string, exp: number): Buffer {
  return createHmac("sha256", linkKey(secret)).update(`${reportId}.${exp}`).digest();
}

/** The report's expiry as a link timestamp: `now` plus whole days. */
export function reportLinkExpiry(now: Date, ttlDays: number): Date {
  if (!Number.isInteger(ttlDays) || ttlDays < 1) throw new Error("ttlDays: must be a positive integer");
  return new Date(now.getTime() + ttlDays * 86_400_000);
}

export function signReportLink(secret: string, baseUrl: string, reportId: string, expiresAt: Date): string {
  if (typeof reportId !== "string" || reportId.trim() === "") throw new Error("reportId: must be a non-empty string");
  if (!(expiresAt instanceof Date) || Number.isNaN(expiresAt.getTime())) throw new Error("expiresAt: must be a valid Date");
  let base: URL;
  try {
    base = new URL(baseUrl);
  } catch {
    throw new Error(`baseUrl: must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new Error(`baseUrl: must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  const exp = Math.floor(expiresAt.getTime() / 1000);
  const sig = signature(secret, reportId, exp).toString("hex");
  // keep any path prefix of the base (the API may sit behind /market-reports/)
  const prefix = `${base.origin}${base.pathname.replace(/\/+$/, "")}`;
  return `${prefix}/r/${encodeURIComponent(reportId)}?exp=${exp}&kid=${keyId(secret)}&sig=${sig}`;
}

export interface ReportLinkQuery {
  exp?: string | number | null;
  sig?: string | null;
  kid?: string | null;
}

/**
 * Checks a link's query values as they arrive from the request (strings, possibly missing)
 * against the secrets it may have been signed with (current first, then previous). The signature
 * is checked before the expiry, so "expired" is only ever said of a link we issued; anything
 * altered, truncated or malformed is "invalid".
 */
export function verifyReportLink(
  secrets: readonly string[],
  reportId: string,
  query: ReportLinkQuery,
  now: Date = new Date(),
): ReportLinkVerdict {
  if (typeof reportId !== "string" || reportId === "") return "invalid";
  const expText = typeof query.exp === "number" ? String(query.exp) : query.exp;
  if (typeof expText !== "string" || !EXP_PATTERN.test(expText)) return "invalid";
  const sig = query.sig;
  if (typeof sig !== "string" || !SIG_PATTERN.test(sig)) return "invalid";
  const expSeconds = Number(expText);
  const given = Buffer.from(sig, "hex");
  let valid = false;
  // every candidate is computed and compared, so the time taken does not say which one matched
  for (const secret of candidateSecrets(secrets, query.kid)) valid = macEquals(given, signature(secret, reportId, expSeconds)) || valid;
  if (!valid) return "invalid";
  return now.getTime() < expSeconds * 1000 ? "ok" : "expired";
}
