import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeSimplyRetsListing, statusFrom } from "../../src/listings/simplyrets-listing.js";

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as Record<string, unknown>[];

describe("normalizeSimplyRetsListing", () => {
  it("maps a saved /properties record field by field", () => {
    const [first] = load("simplyrets-props.json");
    expect(normalizeSimplyRetsListing(first)).toEqual({
      mlsId: "1005192",
      status: "Active",
      rawStatus: "Active",
      listDate: new Date("2011-05-23T18:50:30.184391Z"),
      contractDate: null,
      // an active listing carrying an old sale: kept as given, the figures decide what counts
      closeDate: new Date("1996-10-21T15:15:54.171139Z"),
      modifiedAt: new Date("2015-11-14T17:57:26.262392Z"),
      listPrice: 20714261,
      originalListPrice: null,
      closePrice: 17946033,
      sqft: 1043,
      zip: "77096",
      city: "Houston",
      daysOnMarket: 862,
      propertyType: "RES",
      bedrooms: 2,
      bathrooms: 8, // 5 full + 6 half, no total given
      yearBuilt: 1998,
      address: "74434 East Sweet Bottom Br #18393",
    });
  });

  it("survives every saved trial-feed record, old schema and junk status text included", () => {
    const raws = [...load("simplyrets-props.json"), ...load("simplyrets-trial-listings.json")];
    const listings = raws.map(normalizeSimplyRetsListing);
    expect(listings).toHaveLength(68);
    expect(listings.filter((l) => l === null)).toEqual([]);
    expect(listings.length).toBeGreaterThan(0);
    const statuses = new Set(listings.map((l) => l!.status));
    expect([...statuses].sort()).toEqual(["Active", "Pending"]);
    // the older schema has no originalListPrice key at all
    expect(new Set(listings.map((l) => l!.originalListPrice))).toEqual(new Set([null]));
    // close dates before list dates are present in the feed and kept for the figures to judge
    expect(listings.some((l) => l!.closeDate! < l!.listDate!)).toBe(true);
  });

  it("turns missing, wrong-typed and invalid values into nulls instead of throwing", () => {
    const listing = normalizeSimplyRetsListing({
      mlsId: 42,
      listDate: "not a date",
      listPrice: "425000",
      originalListPrice: -1,
      property: { area: 0, type: 7 },
      mls: { status: "ActiveUnderContract", daysOnMarket: "x" },
      sales: null,
      address: { postalCode: "92101-4432", city: "  " },
    });
    expect(listing).toMatchObject({
      mlsId: "42",
      status: "Pending",
      rawStatus: "ActiveUnderContract",
      listDate: null,
      listPrice: 425000,
      originalListPrice: null,
      sqft: null,
      propertyType: null,
      daysOnMarket: null,
      closeDate: null,
      closePrice: null,
      zip: "92101",
      city: null,
    });
    expect(normalizeSimplyRetsListing({})).toBeNull();
    expect(normalizeSimplyRetsListing("junk")).toBeNull();
    expect(normalizeSimplyRetsListing(null)).toBeNull();
  });

  it("maps the spec's statuses to ours", () => {
    expect(
      ["Active", "ActiveUnderContract", "Pending", "Closed", "Hold", "Withdrawn", "Expired", "ComingSoon", "Delete", "Incomplete", "Sold?", null].map(
        statusFrom,
      ),
    ).toEqual(["Active", "Pending", "Pending", "Closed", "Other", "Other", "Other", "NotListed", "NotListed", "NotListed", "Other", "Other"]);
  });
});
