import { DateTime } from "luxon";
import type { ReportFilters } from "./listing-filters.js";

/**
 * The normalized listing every source returns and every figure is computed from. Sources keep the
 * feed's values as given (including inconsistent ones such as an active listing that still carries
 * an old sale); deciding what counts is the figures' job, so the rules live in one place and can be
 * stated in the report's methodology.
 */

/**
 * Active: on the market. Pending: under contract (the feed's Pending and ActiveUnderContract).
 * Closed: sold. Other: was on the market and left it unsold (Hold, Withdrawn, Expired, or a word
 * we don't know). NotListed: never on the market or not a listing (ComingSoon, Delete, Incomplete).
 */
export const LISTING_STATUSES = ["Active", "Pending", "Closed", "Other", "NotListed"] as const;
export type ListingStatus = (typeof LISTING_STATUSES)[number];

export interface Listing {
  /** The source's identifier, as text (SimplyRETS's is an integer, the sample market's is not). */
  readonly mlsId: string;
  readonly status: ListingStatus;
  /** The feed's own status word (e.g. "ActiveUnderContract", "Withdrawn"), for diagnostics. */
  readonly rawStatus: string | null;
  readonly listDate: Date | null;
  /** When the listing went under contract, if the feed says. */
  readonly contractDate: Date | null;
  readonly closeDate: Date | null;
  readonly modifiedAt: Date | null;
  /** Current asking price (after any reductions); null when missing or not positive. */
  readonly listPrice: number | null;
  readonly originalListPrice: number | null;
  readonly closePrice: number | null;
  /** Living area in square feet; null when missing or not positive. */
  readonly sqft: number | null;
  /** Five-digit ZIP (ZIP+4 is cut to five digits). */
  readonly zip: string | null;
  readonly city: string | null;
  readonly daysOnMarket: number | null;
  /** SimplyRETS's abbreviated type: RES, CND, RNT, MLF, CRE, CLE, LND, FRM (MOB for mobile homes). */
  readonly propertyType: string | null;
  readonly bedrooms: number | null;
  /** Total bathrooms: the feed's total, else full baths plus 0.5 per half and 0.75 per three-quarter bath. */
  readonly bathrooms: number | null;
  readonly yearBuilt: number | null;
  readonly address: string | null;
}

/**
 * The data a report needs: one area (a city, some ZIPs, or both: a listing must match both) and
 * the schedule's filters, over the previous window plus the current one ([from, to), from = the
 * previous window's start, to = the period's end).
 */
export interface ListingQuery {
  readonly city: string | null;
  readonly zips: readonly string[];
  /** Absent: no filters (the default property types, nothing else). */
  readonly filters?: ReportFilters;
  readonly from: Date;
  readonly to: Date;
}

export interface ListingSource {
  /** Stable identifier ("simplyrets", "sample-market"); part of the request-dedupe key. */
  readonly name: string;
  fetchListings(query: ListingQuery, signal?: AbortSignal): Promise<Listing[]>;
  /**
   * What `fetchListings` asks for, in the methodology's words (statuses, date bounds, page size and
   * limits as this source is configured); `timezone` is the one the report's times are shown in.
   */
  describeFetch(query: Pick<ListingQuery, "from">, timezone: string): string;
}

/** "Mar 8, 2025 00:00": a fetch bound as the methodology shows it, in the report's zone. */
export function formatFetchBound(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toFormat("LLL d, yyyy HH:mm");
}

/**
 * transient: worth retrying later (rate limit, 5xx, timeout, network). permanent: retrying won't
 * help (bad credentials, bad request) and the run should fail with the message.
 */
export class ListingSourceError extends Error {
  readonly kind: "transient" | "permanent";
  readonly status?: number;
  /** When the source asked us to wait (429 Retry-After) longer than we were willing to. */
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    options: { kind: "transient" | "permanent"; status?: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "ListingSourceError";
    this.kind = options.kind;
    if (options.status !== undefined) this.status = options.status;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
  }
}

const ZIP_PATTERN = /^\d{5}$/;

/** Throws a permanent ListingSourceError naming the field and the rule when a query is unusable. */
export function assertValidListingQuery(query: ListingQuery): void {
  const problems: string[] = [];
  if (query.city !== null && query.city.trim() === "") problems.push("city: must be null or a non-empty name");
  for (const zip of query.zips) {
    if (!ZIP_PATTERN.test(zip)) problems.push(`zips: "${zip}" is not a five-digit ZIP code`);
  }
  if (!(query.from instanceof Date) || Number.isNaN(query.from.getTime())) problems.push("from: must be a valid date");
  if (!(query.to instanceof Date) || Number.isNaN(query.to.getTime())) problems.push("to: must be a valid date");
  else if (query.from.getTime() >= query.to.getTime()) problems.push("from: must be before to");
  if (problems.length > 0) {
    throw new ListingSourceError(`Invalid listing query: ${problems.join("; ")}`, { kind: "permanent" });
  }
}

/**
 * A query with neither a city nor ZIP codes names no area. Sources answer it with no listings (a
 * "no activity" report that says to check the area) rather than fetching a whole MLS feed.
 */
export function namesAnArea(query: ListingQuery): boolean {
  return query.city !== null || query.zips.length > 0;
}

/** Whether a record's city is the report's city: the same name ignoring case and surrounding spaces (as SimplyRETS's `cities` matches). */
export function sameCity(recordCity: string | null, reportCity: string): boolean {
  return recordCity !== null && recordCity.trim().toLowerCase() === reportCity.trim().toLowerCase();
}

/** "92101-1234" → "92101"; anything that isn't a US ZIP is kept trimmed, empty → null. */
export function normalizeZip(value: unknown): string | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const text = String(value).trim();
  if (text === "") return null;
  const zipPlus4 = /^(\d{5})-?\d{4}$/.exec(text);
  return zipPlus4 ? zipPlus4[1] : text;
}
