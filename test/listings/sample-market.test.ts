import { describe, expect, it } from "vitest";
import { ListingSourceError, type Listing } from "../../src/listings/listing.js";
import { createSampleMarketSource, SAMPLE_METROS, sampleListings } from "../../src/listings/sample-market.js";

const WINDOW = { from: new Date("2025-02-01T08:00:00Z"), to: new Date("2025-04-01T07:00:00Z") };
const byId = (listings: Listing[]) => new Map(listings.map((l) => [l.mlsId, l]));

describe("sample market", () => {
  it("returns identical listings for the same call, in every call", async () => {
    const source = createSampleMarketSource();
    const first = await source.fetchListings({ city: "San Diego", zips: [], ...WINDOW });
    const second = await source.fetchListings({ city: "San Diego", zips: [], ...WINDOW });
    expect(first.length).toBeGreaterThan(300);
    expect(second).toEqual(first);
  });

  it("covers San Diego and Houston with real ZIPs and every status", () => {
    const cities = SAMPLE_METROS.map((m) => m.city);
    expect(cities).toEqual(expect.arrayContaining(["San Diego", "Houston"]));
    for (const city of ["San Diego", "Houston"]) {
      const listings = sampleListings({ city, zips: [], ...WINDOW });
      expect(new Set(listings.map((l) => l.status))).toEqual(new Set(["Active", "Pending", "Closed", "Other"]));
      expect(new Set(listings.map((l) => l.city))).toEqual(new Set([city]));
    }
    const sd = sampleListings({ city: "san diego", zips: ["92101", "92103"], ...WINDOW });
    expect(new Set(sd.map((l) => l.zip))).toEqual(new Set(["92101", "92103"]));
    const houston = sampleListings({ city: null, zips: ["77006"], ...WINDOW });
    expect(houston.length).toBeGreaterThan(0);
    expect(new Set(houston.map((l) => `${l.city} ${l.zip}`))).toEqual(new Set(["Houston 77006"]));
  });

  it("prices each ZIP plausibly: La Jolla above North Park, Houston below San Diego", () => {
    const median = (zip: string) => {
      const prices = sampleListings({ city: null, zips: [zip], from: new Date("2024-07-01T00:00:00Z"), to: new Date("2025-07-01T00:00:00Z") })
        .filter((l) => l.status === "Closed" && l.closePrice !== null)
        .map((l) => l.closePrice!)
        .sort((a, b) => a - b);
      return prices[Math.floor(prices.length / 2)];
    };
    const laJolla = median("92037");
    const northPark = median("92104");
    const montrose = median("77006");
    expect(laJolla).toBeGreaterThan(1_800_000);
    expect(northPark).toBeGreaterThan(650_000);
    expect(northPark).toBeLessThan(1_200_000);
    expect(montrose).toBeLessThan(northPark);
  });

  it("is seasonal: more new listings in spring than in December", () => {
    const newIn = (from: string, to: string) =>
      sampleListings({ city: "Houston", zips: [], from: new Date(from), to: new Date(to) }).filter(
        (l) => l.listDate! >= new Date(from),
      ).length;
    expect(newIn("2024-05-01T00:00:00Z", "2024-06-01T00:00:00Z")).toBeGreaterThan(
      1.4 * newIn("2024-12-01T00:00:00Z", "2025-01-01T00:00:00Z"),
    );
  });

  it("gives the same listing the same life in overlapping windows", () => {
    const wide = byId(sampleListings({ city: null, zips: ["92104"], from: new Date("2025-01-01T00:00:00Z"), to: WINDOW.to }));
    const narrow = sampleListings({ city: null, zips: ["92104"], from: new Date("2025-03-01T00:00:00Z"), to: WINDOW.to });
    expect(narrow.length).toBeGreaterThan(0);
    for (const listing of narrow) expect(wide.get(listing.mlsId)).toEqual(listing);
    // the status is the one in force at the window's end: earlier ends see earlier states
    const earlier = byId(sampleListings({ city: null, zips: ["92104"], from: new Date("2025-01-01T00:00:00Z"), to: new Date("2025-02-01T00:00:00Z") }));
    const sold = narrow.find((l) => l.status === "Closed" && l.listDate! < new Date("2025-01-15T00:00:00Z") && l.contractDate! > new Date("2025-02-01T00:00:00Z"));
    expect(sold).toBeDefined();
    expect(earlier.get(sold!.mlsId)?.status).toBe("Active");
    expect(earlier.get(sold!.mlsId)?.closePrice).toBeNull();
  });

  it("includes the messy records real feeds have", () => {
    const listings = sampleListings({ city: "Houston", zips: [], from: new Date("2024-10-01T00:00:00Z"), to: WINDOW.to });
    expect(listings.some((l) => l.sqft === null)).toBe(true);
    expect(listings.some((l) => l.originalListPrice === null)).toBe(true);
    expect(listings.some((l) => l.status === "Closed" && l.closeDate! < l.listDate!)).toBe(true);
    expect(listings.some((l) => l.status === "Active" && l.closePrice !== null)).toBe(true);
    expect(listings.some((l) => l.status === "Closed" && l.contractDate === null)).toBe(true);
    expect(listings.some((l) => l.originalListPrice !== null && l.originalListPrice > l.listPrice!)).toBe(true);
  });

  it("returns no listings for an unknown city or ZIP, a ZIP outside the city, or no area at all", () => {
    expect(sampleListings({ city: null, zips: [], ...WINDOW })).toEqual([]);
    expect(sampleListings({ city: "Springfield", zips: [], ...WINDOW })).toEqual([]);
    expect(sampleListings({ city: null, zips: ["10001"], ...WINDOW })).toEqual([]);
    expect(sampleListings({ city: "San Diego", zips: ["77006"], ...WINDOW })).toEqual([]);
  });

  it("rejects a reversed window or a malformed ZIP as permanent", () => {
    expect(() => sampleListings({ city: "Houston", zips: [], from: WINDOW.to, to: WINDOW.from })).toThrow(ListingSourceError);
    expect(() => sampleListings({ city: "Houston", zips: [], from: WINDOW.to, to: WINDOW.from })).toThrow("from: must be before to");
    expect(() => sampleListings({ city: "Houston", zips: ["9210"], ...WINDOW })).toThrow('"9210" is not a five-digit ZIP');
  });
});
