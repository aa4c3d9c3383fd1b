import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { trialFeed } from "../figures/trial-feed.js";
import { startFakeSimplyRets, type FakeSimplyRets } from "../support/simplyrets-server.js";

/** The test SimplyRETS server answers as the published spec says, so tests built on it test something. */
const FEED = trialFeed([]);
const AUTH = { authorization: "Basic " + Buffer.from("simplyrets:simplyrets").toString("base64") };

let server: FakeSimplyRets;
beforeAll(async () => {
  server = await startFakeSimplyRets(FEED);
});
afterAll(async () => {
  await server?.close();
});

async function get(query: string, headers: Record<string, string> = AUTH): Promise<{ status: number; body: Record<string, unknown>[]; link: string | null }> {
  const response = await fetch(`${server.baseUrl}/properties?${query}`, { headers });
  return { status: response.status, body: (await response.json()) as Record<string, unknown>[], link: response.headers.get("link") };
}

const ids = (rows: Record<string, unknown>[]) => rows.map((r) => Number(r.mlsId));
const field = (r: Record<string, unknown>, group: string, name: string) => (r[group] as Record<string, unknown> | null)?.[name];

describe("the test SimplyRETS server", () => {
  it("asks for Basic credentials", async () => {
    const answer = await get("limit=1", {});
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: 401 });
  });

  it("defaults to active residential and rental listings, 20 a page", async () => {
    const { body } = await get("");
    expect(body).toHaveLength(20);
    expect(new Set(body.map((r) => field(r, "mls", "status")))).toEqual(new Set(["Active"]));
    for (const r of body) expect(["RES", "RNT"]).toContain(field(r, "property", "type"));
  });

  it("matches cities without regard to case, ZIP+4 records by their five digits, and ANDs different parameters", async () => {
    const { body } = await get("status=Closed&status=Pending&type=residential&type=condominium&cities=houston&postalCodes=77096&postalCodes=77008&limit=500");
    expect(body.length).toBeGreaterThan(10);
    for (const r of body) {
      expect(String(field(r, "address", "city")).trim().toLowerCase()).toBe("houston");
      expect(["77096", "77008"]).toContain(String(field(r, "address", "postalCode")).slice(0, 5));
      expect(["Closed", "Pending"]).toContain(field(r, "mls", "status"));
    }
    expect(body.some((r) => /^\d{5}-?\d{4}$/.test(String(field(r, "address", "postalCode"))))).toBe(true);
    expect(body.some((r) => field(r, "address", "city") === "HOUSTON")).toBe(true);
  });

  it("bounds the list date inclusively and leaves out records without one", async () => {
    const { body } = await get("status=Active&status=Closed&minlistdate=2025-03-01T00:00:00Z&maxlistdate=2025-03-31T23:59:59Z&limit=500");
    expect(body.length).toBeGreaterThan(5);
    for (const r of body) {
      const t = Date.parse(String(r.listDate));
      expect(t).toBeGreaterThanOrEqual(Date.parse("2025-03-01T00:00:00Z"));
      expect(t).toBeLessThanOrEqual(Date.parse("2025-03-31T23:59:59Z"));
    }
  });

  it("filters on price, beds, baths, area and year, a record missing the field never matching", async () => {
    const { body } = await get("status=Closed&minprice=300000&maxprice=600000&minbeds=3&minbaths=2&minarea=1000&maxyear=2010&limit=500");
    expect(body.length).toBeGreaterThan(3);
    for (const r of body) {
      expect(Number(r.listPrice)).toBeGreaterThanOrEqual(300_000);
      expect(Number(r.listPrice)).toBeLessThanOrEqual(600_000);
      expect(Number(field(r, "property", "bedrooms"))).toBeGreaterThanOrEqual(3);
      expect(Number(field(r, "property", "area"))).toBeGreaterThanOrEqual(1_000);
      const total = field(r, "property", "bathrooms") ?? Number(field(r, "property", "bathsFull")) + 0.5 * Number(field(r, "property", "bathsHalf") ?? 0);
      expect(Number(total)).toBeGreaterThanOrEqual(2);
      expect(Number(field(r, "property", "yearBuilt"))).toBeLessThanOrEqual(2010);
    }
  });

  it("pages with limit and lastId, a Link header on every full page, each record once", async () => {
    const everything = ids((await get("status=Closed&limit=500")).body);
    const seen: number[] = [];
    let query = "status=Closed&limit=25";
    for (let page = 0; page < 100; page++) {
      const answer = await get(query);
      seen.push(...ids(answer.body));
      if (answer.body.length < 25) {
        expect(answer.link).toBeNull();
        break;
      }
      expect(answer.link).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/properties\?.*lastId=\d+.*>; rel="next"$/);
      query = new URL(/^<([^>]+)>/.exec(answer.link!)![1]).searchParams.toString();
    }
    expect(seen).toEqual([...everything].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("refuses a page larger than 500 and an unknown status", async () => {
    expect((await get("limit=501")).status).toBe(400);
    expect((await get("status=Sold")).status).toBe(400);
  });
});
