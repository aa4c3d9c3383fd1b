import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Report links in emails: `<base>/r/<reportId>?exp=<unix seconds>&sig=<hex>`. The API checks the
 * signature and redirects to a freshly presigned S3 URL, so a link keeps working for the whole
 * REPORT_LINK_TTL_DAYS while every S3 URL stays short-lived.
 *
 * The HMAC key is derived from UNSUBSCRIBE_SECRET with a domain separator rather than being a
 * new secret: operators already manage that one, and the separation means an unsubscribe token
 * can never double as a report signature (or the reverse).
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
  return `${prefix}/r/${encodeURIComponent(reportId)}?exp=${exp}&sig=${sig}`;
}

/**
 * Checks a link's query values as they arrive from the request (strings, possibly missing).
 * The signature is checked before the expiry, so "expired" is only ever said of a link we
 * issued; anything altered, truncated or malformed is "invalid".
 */
export function verifyReportLink(
  secret: string,
  reportId: string,
  exp: string | number | undefined | null,
  sig: string | undefined | null,
  now: Date = new Date(),
): ReportLinkVerdict {
  if (typeof reportId !== "string" || reportId === "") return "invalid";
  const expText = typeof exp === "number" ? String(exp) : exp;
  if (typeof expText !== "string" || !EXP_PATTERN.test(expText)) return "invalid";
  if (typeof sig !== "string" || !SIG_PATTERN.test(sig)) return "invalid";
  const expSeconds = Number(expText);
  const expected = signature(secret, reportId, expSeconds);
  const given = Buffer.from(sig, "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return "invalid";
  return now.getTime() < expSeconds * 1000 ? "ok" : "expired";
}
