import { describe, expect, it } from "vitest";
import { createDedupingListingSource, dedupeKey } from "../../src/listings/dedupe-cache.js";
import type { Listing, ListingQuery, ListingSource } from "../../src/listings/listing.js";
import { createSampleMarketSource } from "../../src/listings/sample-market.js";

const QUERY: ListingQuery = { city: "Houston", zips: ["77006", "77007"], from: new Date("2025-02-01T06:00:00Z"), to: new Date("2025-04-01T05:00:00Z") };

/** The sample market, counting calls and optionally held until released. */
function countingSource(options: { hold?: boolean; fail?: boolean } = {}) {
  const sample = createSampleMarketSource();
  const state = { calls: 0, aborted: 0, release: () => {} };
  let gate = Promise.resolve();
  if (options.hold) gate = new Promise<void>((resolve) => (state.release = resolve));
  const source: ListingSource = {
    name: "counting",
    describeFetch: (query, timezone) => sample.describeFetch(query, timezone),
    async fetchListings(query, signal) {
      state.calls++;
      signal?.addEventListener("abort", () => state.aborted++);
      await gate;
      if (options.fail) throw new Error("feed down");
      return sample.fetchListings(query, signal);
    },
  };
  return { source, state };
}

describe("request dedupe", () => {
  it("fetches identical concurrent requests once, whatever the ZIP order or city case", async () => {
    const { source, state } = countingSource({ hold: true });
    const cached = createDedupingListingSource(source);
    const requests = [
      cached.fetchListings(QUERY),
      cached.fetchListings({ ...QUERY, city: "houston", zips: ["77007", "77006"] }),
      cached.fetchListings(QUERY),
    ];
    state.release();
    const [a, b, c] = await Promise.all(requests);
    expect(state.calls).toBe(1);
    expect(a.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
    // each caller gets its own array over shared, frozen listings
    expect(b).not.toBe(a);
    expect(Object.isFrozen(a[0])).toBe(true);
  });

  it("reuses a finished fetch within the TTL and fetches again after it", async () => {
    let clock = 1_000;
    const { source, state } = countingSource();
    const cached = createDedupingListingSource(source, { ttlMs: 60_000, now: () => clock });
    await cached.fetchListings(QUERY);
    clock += 59_000;
    await cached.fetchListings(QUERY);
    expect(state.calls).toBe(1);
    clock += 1_000;
    await cached.fetchListings(QUERY);
    expect(state.calls).toBe(2);
  });

  it("fetches different areas, windows or sources separately", async () => {
    const { source, state } = countingSource();
    const cached = createDedupingListingSource(source);
    await cached.fetchListings(QUERY);
    await cached.fetchListings({ ...QUERY, zips: ["77006"] });
    await cached.fetchListings({ ...QUERY, to: new Date("2025-04-02T05:00:00Z") });
    expect(state.calls).toBe(3);
    expect(dedupeKey("a", QUERY)).not.toBe(dedupeKey("b", QUERY));
  });

  it("does not cache failures", async () => {
    const failing = countingSource({ fail: true });
    const cached = createDedupingListingSource(failing.source);
    await expect(cached.fetchListings(QUERY)).rejects.toThrow("feed down");
    await expect(cached.fetchListings(QUERY)).rejects.toThrow("feed down");
    expect(failing.state.calls).toBe(2);
  });

  it("lets one caller give up without cancelling the others, and cancels when all have", async () => {
    const { source, state } = countingSource({ hold: true });
    const cached = createDedupingListingSource(source);
    const quitter = new AbortController();
    const stayer = new AbortController();
    const quitting = cached.fetchListings(QUERY, quitter.signal);
    const staying = cached.fetchListings(QUERY, stayer.signal);
    quitter.abort(new Error("job cancelled"));
    await expect(quitting).rejects.toThrow("job cancelled");
    expect(state.aborted).toBe(0);
    state.release();
    const listings: Listing[] = await staying;
    expect(listings.length).toBeGreaterThan(0);

    const held = countingSource({ hold: true });
    const cachedHeld = createDedupingListingSource(held.source);
    const only = new AbortController();
    const request = cachedHeld.fetchListings(QUERY, only.signal);
    only.abort(new Error("gone"));
    await expect(request).rejects.toThrow("gone");
    expect(held.state.aborted).toBe(1);
    // the abandoned fetch is not reused
    held.state.release();
    await cachedHeld.fetchListings(QUERY);
    expect(held.state.calls).toBe(2);
  });
});
