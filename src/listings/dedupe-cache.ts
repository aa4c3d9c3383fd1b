import { filtersKey } from "./listing-filters.js";
import type { Listing, ListingQuery, ListingSource } from "./listing.js";

export interface DedupeOptions {
  /** How long a finished fetch is reused. */
  ttlMs?: number;
  /** Finished results kept at most; the oldest go first. */
  maxEntries?: number;
  now?: () => number;
}

interface Entry {
  promise: Promise<readonly Listing[]>;
  /** Set when the fetch succeeded; until then the entry is in flight. */
  settledAt: number | null;
  waiters: number;
  controller: AbortController;
}

/**
 * Wraps a source so that identical requests (same source, area, filters and window) made while one is in
 * flight, or within `ttlMs` after it finished, share one fetch. Many schedules cover the same
 * city for the same slot, and a redelivered job repeats its request; neither should cost the
 * data provider another round of pages.
 *
 * Callers get their own copy of the array (the listings themselves are frozen and shared). One
 * caller aborting only stops its own wait; the shared fetch is aborted when every waiter has
 * given up. Failures are not cached.
 */
export function createDedupingListingSource(source: ListingSource, options: DedupeOptions = {}): ListingSource {
  const ttlMs = options.ttlMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 200;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function evict(at: number): void {
    for (const [key, entry] of entries) {
      if (entry.settledAt !== null && at - entry.settledAt >= ttlMs) entries.delete(key);
    }
    if (entries.size <= maxEntries) return;
    for (const [key, entry] of entries) {
      if (entries.size <= maxEntries) break;
      if (entry.settledAt !== null) entries.delete(key);
    }
  }

  function start(key: string, query: ListingQuery): Entry {
    const controller = new AbortController();
    const entry: Entry = { promise: Promise.resolve([]), settledAt: null, waiters: 0, controller };
    entry.promise = source.fetchListings(query, controller.signal).then(
      (listings) => {
        entry.settledAt = now();
        return Object.freeze(listings.map((listing) => Object.freeze(listing)));
      },
      (error: unknown) => {
        if (entries.get(key) === entry) entries.delete(key);
        throw error;
      },
    );
    // The entry's own rejection is observed by its waiters; this keeps an unwaited one quiet.
    entry.promise.catch(() => undefined);
    entries.set(key, entry);
    return entry;
  }

  return {
    name: source.name,
    describeFetch: (query, timezone) => source.describeFetch(query, timezone),
    async fetchListings(query, signal) {
      signal?.throwIfAborted();
      const key = dedupeKey(source.name, query);
      evict(now());
      const entry = entries.get(key) ?? start(key, query);
      entry.waiters++;
      try {
        return [...(await waitFor(entry.promise, signal))];
      } finally {
        entry.waiters--;
        if (entry.settledAt === null && entry.waiters === 0 && signal?.aborted) {
          entries.delete(key);
          entry.controller.abort(signal.reason);
        }
      }
    },
  };
}

/** Same source, same area (city case-insensitive, ZIPs as a set), same filters, same window. */
export function dedupeKey(sourceName: string, query: ListingQuery): string {
  const city = query.city === null ? "" : query.city.trim().toLowerCase();
  const zips = [...new Set(query.zips)].sort().join(",");
  return JSON.stringify([sourceName, city, zips, filtersKey(query.filters), query.from.toISOString(), query.to.toISOString()]);
}

function waitFor<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
