import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ListingSourceError } from "../../src/listings/listing.js";
import { createSimplyRetsSource, parseRetryAfter, type SimplyRetsSourceOptions } from "../../src/listings/simplyrets-source.js";
import { startFakeSimplyRets, type FakeSimplyRets } from "../support/simplyrets-server.js";

const saved = JSON.parse(readFileSync(new URL("./fixtures/simplyrets-props.json", import.meta.url), "utf8")) as Record<
  string,
  unknown
>[];

/** Saved records re-dated and re-statused so each of the source's two searches has work. */
function record(index: number, status: string, listDate: string, zip = "77096", city = "Houston"): Record<string, unknown> {
  const base = structuredClone(saved[index % saved.length]);
  return {
    ...base,
    mlsId: 2_000_000 + index,
    listDate,
    mls: { ...(base.mls as object), status },
    property: { ...(base.property as object), type: "RES" },
    address: { ...(base.address as object), postalCode: zip, city },
  };
}

const FEED = [
  // seven closed sales listed in the window: pages of three with limit 3
  ...[0, 1, 2, 3, 4, 5, 6].map((i) => record(i, "Closed", `2025-02-${String(10 + i).padStart(2, "0")}T17:00:00Z`)),
  record(7, "Closed", "2022-01-05T17:00:00Z"), // listed three years before: still wanted, it may have closed in the window
  record(8, "Active", "2019-06-01T17:00:00Z"), // stale active inventory: still wanted
  record(9, "ActiveUnderContract", "2025-03-02T17:00:00Z"),
  record(10, "Withdrawn", "2025-02-20T17:00:00Z"),
  record(11, "Withdrawn", "2024-11-20T17:00:00Z"), // off market before the window: not wanted
  record(12, "Active", "2025-03-03T17:00:00Z", "92101", "San Diego"), // other area
  record(13, "ComingSoon", "2025-03-03T17:00:00Z"), // never on the market: not requested
  { ...record(14, "Hold", "2025-03-04T17:00:00Z"), property: { type: "LND" } }, // land: not a type the query asks for
];

const QUERY = { city: "Houston", zips: ["77096", "77007"], from: new Date("2025-01-01T06:00:00Z"), to: new Date("2025-03-31T05:00:00Z") };

let fake: FakeSimplyRets;
beforeEach(async () => {
  fake = await startFakeSimplyRets(FEED);
});
afterEach(async () => {
  await fake.close();
});

function source(overrides: Partial<SimplyRetsSourceOptions> = {}) {
  return createSimplyRetsSource({
    baseUrl: fake.baseUrl,
    username: "simplyrets",
    password: "simplyrets",
    pageSize: 3,
    backoffBaseMs: 10,
    requestTimeoutMs: 2_000,
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<ListingSourceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ListingSourceError);
  return error as ListingSourceError;
}

describe("SimplyRETS source", () => {
  it("fetches every current listing whatever its list date, and off-market ones listed since the window, following Link pages", async () => {
    const listings = await source({ vendor: "houmls" }).fetchListings(QUERY);
    expect(listings.map((l) => l.mlsId).sort()).toEqual(
      ["2000000", "2000001", "2000002", "2000003", "2000004", "2000005", "2000006", "2000007", "2000008", "2000009", "2000010"].sort(),
    );
    expect(listings.find((l) => l.mlsId === "2000009")?.status).toBe("Pending");

    const expectedAuth = "Basic " + Buffer.from("simplyrets:simplyrets").toString("base64");
    expect(new Set(fake.requests.map((r) => r.authorization))).toEqual(new Set([expectedAuth]));
    expect(new Set(fake.requests.map((r) => r.url.pathname))).toEqual(new Set(["/properties"]));
    for (const { url } of fake.requests) {
      expect(url.searchParams.getAll("cities")).toEqual(["Houston"]);
      expect(url.searchParams.getAll("postalCodes")).toEqual(["77096", "77007"]);
      expect(url.searchParams.get("limit")).toBe("3");
      expect(url.searchParams.get("vendor")).toBe("houmls");
      expect(url.searchParams.getAll("type")).toEqual(["residential", "condominium"]);
      expect(url.searchParams.has("maxlistdate")).toBe(false);
    }
    const current = fake.requests.filter((r) => r.url.searchParams.getAll("status").includes("Closed"));
    expect(current[0].url.searchParams.getAll("status")).toEqual(["Active", "ActiveUnderContract", "Pending", "Closed"]);
    // ten records in pages of three; the next page is the Link header's, lastId = the page's last mlsId
    expect(current.map((r) => r.url.searchParams.get("lastId"))).toEqual([null, "2000002", "2000005", "2000008"]);
    expect(current.map((r) => r.url.searchParams.get("minlistdate"))).toEqual([null, null, null, null]);
    const offMarket = fake.requests.filter((r) => r.url.searchParams.getAll("status").includes("Withdrawn"));
    expect(offMarket).toHaveLength(1);
    expect(offMarket[0].url.searchParams.getAll("status")).toEqual(["Hold", "Withdrawn", "Expired"]);
    expect(offMarket[0].url.searchParams.get("minlistdate")).toBe("2025-01-01T06:00:00Z");
    expect(fake.requests).toHaveLength(5);
  });

  it("sends the schedule's filters as the API's parameters", async () => {
    await source().fetchListings({
      ...QUERY,
      filters: { property_types: ["condominium", "land"], min_price: 500_000, max_price: 1_000_000, min_beds: 2, min_baths: 1.5, min_sqft: 900, max_sqft: 2_000, min_year_built: 1990, max_year_built: 2020 },
    });
    const url = fake.requests[0].url;
    expect(url.searchParams.getAll("type")).toEqual(["condominium", "land"]);
    expect(Object.fromEntries(["minprice", "maxprice", "minbeds", "minbaths", "minarea", "maxarea", "minyear", "maxyear"].map((k) => [k, url.searchParams.get(k)]))).toEqual({
      minprice: "500000",
      maxprice: "1000000",
      minbeds: "2",
      minbaths: "1",
      minarea: "900",
      maxarea: "2000",
      minyear: "1990",
      maxyear: "2020",
    });
  });

  it("fails rather than leave listings out when a search needs more than maxPages pages", async () => {
    const error = await failure(source({ maxPages: 2 }).fetchListings(QUERY));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain("more than 2 pages of 3 listings");
  });

  it("follows a Link only back to the same API: anything else pages by lastId", async () => {
    fake.intercept = (url) =>
      url.searchParams.has("lastId") || url.searchParams.getAll("status").includes("Withdrawn")
        ? undefined
        : { status: 200, body: FEED.slice(0, 3), headers: { link: '<https://elsewhere.example/properties?limit=3&lastId=2000002>; rel="next"' } };
    const listings = await source().fetchListings(QUERY);
    expect(listings.length).toBeGreaterThan(3);
    expect(fake.requests[1].url.origin).toBe(new URL(fake.baseUrl).origin);
    expect(fake.requests[1].url.searchParams.get("lastId")).toBe("2000002");
  });

  it("treats 401 as permanent with a clear message and does not retry", async () => {
    const wrong = source({ password: "wrong" });
    const error = await failure(wrong.fetchListings(QUERY));
    expect(error.kind).toBe("permanent");
    expect(error.status).toBe(401);
    expect(error.message).toContain("SimplyRETS rejected the credentials (401)");
    expect(error.message).not.toContain("wrong");
    expect(fake.requests).toHaveLength(1);
  });

  it("treats 403 as permanent", async () => {
    fake.script.push({ status: 403 });
    const error = await failure(source().fetchListings(QUERY));
    expect([error.kind, error.status]).toEqual(["permanent", 403]);
    expect(error.message).toContain("SimplyRETS rejected the credentials (403)");
  });

  it("waits as long as Retry-After says after a 429, then succeeds", async () => {
    fake.script.push({ status: 429, headers: { "retry-after": "1" } });
    const listings = await source({ backoffBaseMs: 0 }).fetchListings(QUERY);
    expect(listings).toHaveLength(11);
    const [limited, retried] = fake.requests;
    expect(retried.url.search).toBe(limited.url.search);
    expect(retried.at - limited.at).toBeGreaterThanOrEqual(950);
  });

  it("hands a longer Retry-After back to the caller as transient instead of sleeping", async () => {
    fake.script.push({ status: 429, headers: { "retry-after": "120" } });
    const error = await failure(source({ maxRetryAfterMs: 5_000 }).fetchListings(QUERY));
    expect([error.kind, error.status, error.retryAfterMs]).toEqual(["transient", 429, 120_000]);
    expect(fake.requests).toHaveLength(1);
  });

  it("retries a 500 and then succeeds", async () => {
    fake.script.push({ status: 500 });
    const listings = await source().fetchListings(QUERY);
    expect(listings).toHaveLength(11);
    expect(fake.requests[0].url.search).toBe(fake.requests[1].url.search);
  });

  it("gives up on repeated 5xx as transient after maxAttempts", async () => {
    fake.script.push({ status: 502 }, { status: 503 }, { status: 500 });
    const error = await failure(source({ maxAttempts: 3 }).fetchListings(QUERY));
    expect([error.kind, error.status]).toEqual(["transient", 500]);
    expect(fake.requests).toHaveLength(3);
  });

  it("turns a request that never answers into a transient timeout", async () => {
    fake.script.push({ hang: true }, { hang: true });
    const error = await failure(source({ requestTimeoutMs: 200, maxAttempts: 2 }).fetchListings(QUERY));
    expect(error.kind).toBe("transient");
    expect(error.message).toContain("did not answer within 200 ms");
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a timeout and succeeds when the next answer comes", async () => {
    fake.script.push({ hang: true });
    const listings = await source({ requestTimeoutMs: 200 }).fetchListings(QUERY);
    expect(listings).toHaveLength(11);
  });

  it("treats an unreachable server as transient", async () => {
    const baseUrl = fake.baseUrl;
    await fake.close();
    const error = await failure(source({ baseUrl, maxAttempts: 1 }).fetchListings(QUERY));
    expect(error.kind).toBe("transient");
    expect(error.message).toContain("could not be reached");
    fake = await startFakeSimplyRets([]);
  });

  it("treats other 4xx as permanent and quotes the server's message", async () => {
    fake.script.push({ status: 400, body: { error: 400, message: "offset too high" } });
    const error = await failure(source().fetchListings(QUERY));
    expect([error.kind, error.status]).toEqual(["permanent", 400]);
    expect(error.message).toContain("offset too high");
  });

  it("treats a 200 that is not JSON as transient and retries it", async () => {
    fake.script.push({ status: 200, body: "<html>proxy error</html>" });
    expect(await source().fetchListings(QUERY)).toHaveLength(11);
  });

  it("stops at once when the caller aborts, with the caller's reason", async () => {
    fake.script.push({ hang: true });
    const controller = new AbortController();
    const pending = source().fetchListings(QUERY, controller.signal);
    setTimeout(() => controller.abort(new Error("worker shutting down")), 50);
    await expect(pending).rejects.toThrow("worker shutting down");
  });

  it("answers a query that names no area with no listings, without fetching the whole feed", async () => {
    expect(await source().fetchListings({ ...QUERY, city: null, zips: [] })).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects a malformed query as permanent, naming the field", async () => {
    const error = await failure(source().fetchListings({ ...QUERY, zips: ["ABCDE"] }));
    expect(error.kind).toBe("permanent");
    expect(error.message).toContain('zips: "ABCDE" is not a five-digit ZIP code');
    expect(fake.requests).toHaveLength(0);
  });
});

describe("parseRetryAfter", () => {
  it("reads delay-seconds and HTTP dates", () => {
    expect(parseRetryAfter("3")).toBe(3_000);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("2015-10-21T07:28:00Z"))).toBe(10_000);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});
