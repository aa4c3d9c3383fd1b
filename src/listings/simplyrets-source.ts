import { assertValidListingQuery, formatFetchBound, ListingSourceError, namesAnArea, type Listing, type ListingQuery, type ListingSource } from "./listing.js";
import { simplyRetsFilterParams } from "./listing-filters.js";
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
   * Pages per search before the fetch fails (permanently) rather than report on part of an area:
   * the one bound on what is fetched, stated in every report's methodology.
   */
  maxPages?: number;
}

/**
 * The statuses each search asks for. Every status the figures count is requested; ComingSoon,
 * Delete and Incomplete are not (never on the market, or not a listing).
 */
export const SIMPLYRETS_SEARCHES = {
  /** Whatever their list date: inventory, pendings and every sale, however long it was listed. */
  current: ["Active", "ActiveUnderContract", "Pending", "Closed"],
  /** Listed on or after the previous window's start: they count only as new listings. */
  offMarket: ["Hold", "Withdrawn", "Expired"],
} as const;

export const DEFAULT_MAX_PAGES = 400;
export const SIMPLYRETS_MAX_PAGE_SIZE = 500;

/**
 * GET {base}/properties with HTTP Basic auth. The API filters dates by list date only, so a list-
 * date bound would drop sales listed long before they closed; each query is therefore two
 * searches, both narrowed by the area and the schedule's filters:
 *  - Active, ActiveUnderContract, Pending and Closed with no date bound at all (listings without
 *    a list date included);
 *  - Hold, Withdrawn and Expired listed from the query's start (`minlistdate`).
 * Pages follow the response's `Link: rel="next"` when it points back at the same API, else
 * `lastId` (the last mlsId of the page), until a short page. More than `maxPages` pages in one
 * search fails the fetch instead of leaving listings out.
 */
export function createSimplyRetsSource(options: SimplyRetsSourceOptions): ListingSource {
  const pageSize = options.pageSize ?? SIMPLYRETS_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SIMPLYRETS_MAX_PAGE_SIZE) {
    throw new Error(`SimplyRETS pageSize: must be an integer from 1 to ${SIMPLYRETS_MAX_PAGE_SIZE}`);
  }
  const settings = {
    pageSize,
    requestTimeoutMs: options.requestTimeoutMs ?? 20_000,
    maxAttempts: Math.max(1, options.maxAttempts ?? 4),
    maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
    backoffBaseMs: options.backoffBaseMs ?? 500,
    maxPages: options.maxPages ?? DEFAULT_MAX_PAGES,
  };
  const endpoint = new URL("properties", options.baseUrl.endsWith("/") ? options.baseUrl : options.baseUrl + "/");
  const headers = {
    authorization: "Basic " + Buffer.from(`${options.username}:${options.password}`).toString("base64"),
    accept: "application/json",
  };

  async function search(query: ListingQuery, statuses: readonly string[], minListDate: Date | null, signal: AbortSignal | undefined): Promise<unknown[]> {
    const first = new URL(endpoint);
    for (const status of statuses) first.searchParams.append("status", status);
    for (const [name, value] of simplyRetsFilterParams(query.filters)) first.searchParams.append(name, value);
    if (query.city !== null) first.searchParams.append("cities", query.city);
    for (const zip of query.zips) first.searchParams.append("postalCodes", zip);
    if (minListDate !== null) first.searchParams.set("minlistdate", isoSeconds(minListDate));
    first.searchParams.set("limit", String(settings.pageSize));
    if (options.vendor) first.searchParams.set("vendor", options.vendor);

    const rows: unknown[] = [];
    let url = first;
    let lastId: number | null = null;
    for (let page = 0; ; page++) {
      if (page >= settings.maxPages) {
        throw new ListingSourceError(
          `SimplyRETS returned more than ${settings.maxPages} pages of ${settings.pageSize} listings for one search; narrow the area or the filters`,
          { kind: "permanent" },
        );
      }
      const { body, next } = await getJsonArray(url, headers, settings, signal);
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
      if (next === "end") return rows;
      if (next !== null && next.origin === endpoint.origin && next.pathname === endpoint.pathname) {
        url = next;
      } else {
        url = new URL(first);
        url.searchParams.set("lastId", String(lastId));
      }
    }
  }

  return {
    name: "simplyrets",
    describeFetch: (query, timezone) =>
      `Requested for the area and filters: every ${SIMPLYRETS_SEARCHES.current.join(", ")} listing, whatever its list date ` +
      `(the API can bound dates by list date only, so no date bound is applied and a sale listed years before it closed is still fetched), ` +
      `and ${SIMPLYRETS_SEARCHES.offMarket.join(", ")} listings listed since ${formatFetchBound(query.from, timezone)}. Coming-soon, deleted and incomplete records are not requested. ` +
      `Pages hold ${settings.pageSize} listings; a search needing more than ${settings.maxPages} pages fails the report rather than leave listings out.`,
    async fetchListings(query, signal) {
      assertValidListingQuery(query);
      if (!namesAnArea(query)) return [];
      const current = await search(query, SIMPLYRETS_SEARCHES.current, null, signal);
      const offMarket = await search(query, SIMPLYRETS_SEARCHES.offMarket, query.from, signal);

      const byId = new Map<string, Listing>();
      for (const raw of [...current, ...offMarket]) {
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

/** One page: its listings and where the `Link` header says the next page is ("end": a Link with no next). */
interface Page {
  body: unknown[];
  next: URL | "end" | null;
}

async function getJsonArray(
  url: URL,
  headers: Record<string, string>,
  settings: RequestSettings,
  signal: AbortSignal | undefined,
): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await requestOnce(url, headers, settings, signal);
    if (!(outcome instanceof ListingSourceError)) return outcome;
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
): Promise<Page | ListingSourceError> {
  let status: number;
  let text: string;
  let retryAfter: string | null;
  let link: string | null;
  try {
    const timeout = AbortSignal.timeout(settings.requestTimeoutMs);
    const response = await fetch(url, { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
    status = response.status;
    retryAfter = response.headers.get("retry-after");
    link = response.headers.get("link");
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
  return { body, next: nextLink(link, url) };
}

/** The `rel="next"` target of a Link header (RFC 8288), resolved against the request URL. */
export function nextLink(header: string | null, base: URL): URL | "end" | null {
  if (header === null || header.trim() === "") return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(match[2]);
    if (rel && rel[1].toLowerCase().split(/\s+/).includes("next")) {
      try {
        return new URL(match[1], base);
      } catch {
        return null;
      }
    }
  }
  return "end";
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
