import { assertValidListingQuery, ListingSourceError, namesAnArea, type Listing, type ListingQuery, type ListingSource } from "./listing.js";
import { normalizeSimplyRetsListing } from "./simplyrets-listing.js";

export interface SimplyRetsSourceOptions {
  baseUrl: string;
  username: string;
  password: string;
  /** Required on multi-MLS apps; one vendor per request. */
  vendor?: string;
  /** The API's maximum page size is 500. */
  pageSize?: number;
  requestTimeoutMs?: number;
  /** Tries per page, including the first. */
  maxAttempts?: number;
  /** A 429 asking for a longer wait is handed back as a transient error with retryAfterMs. */
  maxRetryAfterMs?: number;
  /** First backoff after a 5xx or network failure; doubles per attempt. */
  backoffBaseMs?: number;
  /**
   * The API filters by list date only, so closed sales are fetched by list date: listings entered
   * up to this many days before the query window are included.
   */
  closedListDateLookbackDays?: number;
  /** The API's `type` filter; its default includes rentals, which would pollute sale prices. */
  propertyTypes?: readonly string[];
  /** Guard against a server that never returns a short page. */
  maxPages?: number;
}

const DAY_MS = 86_400_000;

/**
 * GET {base}/properties with HTTP Basic auth, paged with `lastId` until a short page. Each query
 * is three searches because the API can only filter on list date:
 *  - on the market now (Active, ActiveUnderContract, Pending, ComingSoon) listed before the window end,
 *    however long ago: they make up the inventory;
 *  - Closed listed from `closedListDateLookbackDays` before the window: the sales that closed in it;
 *  - Withdrawn and Expired listed within the window: they still count as new listings.
 */
export function createSimplyRetsSource(options: SimplyRetsSourceOptions): ListingSource {
  const pageSize = options.pageSize ?? 500;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
    throw new Error("SimplyRETS pageSize: must be an integer from 1 to 500");
  }
  const settings = {
    pageSize,
    requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    backoffBaseMs: options.backoffBaseMs ?? 500,
    closedLookbackMs: (options.closedListDateLookbackDays ?? 365) * DAY_MS,
    propertyTypes: options.propertyTypes ?? ["residential", "condominium"],
    maxPages: options.maxPages ?? 200,
  };
  const endpoint = new URL("properties", options.baseUrl.endsWith("/") ? options.baseUrl : options.baseUrl + "/");
  const headers = {
    authorization: "Basic " + Buffer.from(`${options.username}:${options.password}`).toString("base64"),
    accept: "application/json",
  };

  async function search(
    query: ListingQuery,
    statuses: readonly string[],
    minListDate: Date | null,
    maxListDate: Date,
    signal: AbortSignal | undefined,
  ): Promise<unknown[]> {
    const rows: unknown[] = [];
    let lastId: number | null = null;
    for (let page = 0; ; page++) {
      if (page >= settings.maxPages) {
        throw new ListingSourceError(
          `SimplyRETS returned more than ${settings.maxPages} pages for one search; narrow the area`,
          { kind: "permanent" },
        );
      }
      const url = new URL(endpoint);
      for (const status of statuses) url.searchParams.append("status", status);
      for (const type of settings.propertyTypes) url.searchParams.append("type", type);
      if (query.city !== null) url.searchParams.append("cities", query.city);
      for (const zip of query.zips) url.searchParams.append("postalCodes", zip);
      if (minListDate !== null) url.searchParams.set("minlistdate", isoSeconds(minListDate));
      url.searchParams.set("maxlistdate", isoSeconds(maxListDate));
      url.searchParams.set("limit", String(settings.pageSize));
      if (options.vendor) url.searchParams.set("vendor", options.vendor);
      if (lastId !== null) url.searchParams.set("lastId", String(lastId));

      const body = await getJsonArray(url, headers, settings, signal);
      rows.push(...body);
      if (body.length < settings.pageSize) return rows;

      const last = body[body.length - 1] as { mlsId?: unknown } | null;
      const nextId = typeof last?.mlsId === "number" ? last.mlsId : Number(last?.mlsId);
      if (!Number.isInteger(nextId) || (lastId !== null && nextId <= lastId)) {
        throw new ListingSourceError("SimplyRETS paging did not advance (the last mlsId of a full page is not increasing)", {
          kind: "permanent",
        });
      }
      lastId = nextId;
    }
  }

  return {
    name: "simplyrets",
    async fetchListings(query, signal) {
      assertValidListingQuery(query);
      if (!namesAnArea(query)) return [];
      const onMarket = await search(query, ["Active", "ActiveUnderContract", "Pending", "ComingSoon"], null, query.to, signal);
      const closed = await search(query, ["Closed"], new Date(query.from.getTime() - settings.closedLookbackMs), query.to, signal);
      const offMarket = await search(query, ["Withdrawn", "Expired"], query.from, query.to, signal);

      const byId = new Map<string, Listing>();
      for (const raw of [...onMarket, ...closed, ...offMarket]) {
        const listing = normalizeSimplyRetsListing(raw);
        // A listing that changed status between the searches appears twice; keep the first.
        if (listing !== null && !byId.has(listing.mlsId)) byId.set(listing.mlsId, listing);
      }
      return [...byId.values()];
    },
  };
}

interface RequestSettings {
  requestTimeoutMs: number;
  maxAttempts: number;
  maxRetryAfterMs: number;
  backoffBaseMs: number;
}

async function getJsonArray(
  url: URL,
  headers: Record<string, string>,
  settings: RequestSettings,
  signal: AbortSignal | undefined,
): Promise<unknown[]> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await requestOnce(url, headers, settings, signal);
    if (Array.isArray(outcome)) return outcome;
    const failure = outcome;
    if (failure.kind === "permanent") throw failure;
    let waitMs = settings.backoffBaseMs * 2 ** (attempt - 1);
    if (failure.retryAfterMs !== undefined) {
      if (failure.retryAfterMs > settings.maxRetryAfterMs) throw failure;
      waitMs = failure.retryAfterMs;
    }
    if (attempt >= settings.maxAttempts) throw failure;
    await sleep(waitMs, signal);
  }
}

/** One HTTP request: the listings, or the classified failure. A caller's abort is rethrown as is. */
async function requestOnce(
  url: URL,
  headers: Record<string, string>,
  settings: RequestSettings,
  signal: AbortSignal | undefined,
): Promise<unknown[] | ListingSourceError> {
  let status: number;
  let text: string;
  let retryAfter: string | null;
  try {
    const timeout = AbortSignal.timeout(settings.requestTimeoutMs);
    const response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    status = response.status;
    retryAfter = response.headers.get("retry-after");
    text = await response.text();
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return new ListingSourceError(`SimplyRETS did not answer within ${settings.requestTimeoutMs} ms`, {
        kind: "transient",
        cause: error,
      });
    }
    return new ListingSourceError(`SimplyRETS could not be reached: ${describe(error)}`, { kind: "transient", cause: error });
  }
  if (status < 200 || status > 299) return errorForStatus(status, text, retryAfter);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    // A proxy's HTML error page under a 200: worth another try.
    return new ListingSourceError("SimplyRETS returned a response that is not JSON", { kind: "transient", status, cause: error });
  }
  if (!Array.isArray(body)) {
    return new ListingSourceError("SimplyRETS returned JSON that is not a list of listings", { kind: "permanent", status });
  }
  return body;
}

function errorForStatus(status: number, body: string, retryAfter: string | null): ListingSourceError {
  const detail = serverMessage(body);
  const suffix = detail ? `: ${detail}` : "";
  if (status === 401 || status === 403) {
    return new ListingSourceError(
      `SimplyRETS rejected the credentials (${status}); check SIMPLYRETS_USERNAME, SIMPLYRETS_PASSWORD and SIMPLYRETS_VENDOR${suffix}`,
      { kind: "permanent", status },
    );
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new ListingSourceError(`SimplyRETS rate limit reached (429)${suffix}`, {
      kind: "transient",
      status,
      ...(retryAfterMs === null ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500 || status === 408) {
    return new ListingSourceError(`SimplyRETS server error (${status})${suffix}`, { kind: "transient", status });
  }
  return new ListingSourceError(`SimplyRETS refused the request (${status})${suffix}`, { kind: "permanent", status });
}

/** The spec's Error object is {error, message}; fall back to a short excerpt of the raw body. */
function serverMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed?.message === "string") return parsed.message.slice(0, 200);
  } catch {
    // not JSON: use the text itself
  }
  return body.replace(/\s+/g, " ").trim().slice(0, 200);
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function isoSeconds(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = typeof cause === "object" && cause !== null && "code" in cause ? String((cause as { code: unknown }).code) : null;
    return code ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
