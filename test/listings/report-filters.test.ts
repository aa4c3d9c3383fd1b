import { describe, expect, it } from "vitest";
import { computeMarketFigures } from "../../src/figures/market-figures.js";
import { coversPropertyType, meetsFilters, reportFiltersSchema, type ReportFilters } from "../../src/listings/listing-filters.js";
import type { Listing } from "../../src/listings/listing.js";
import { sampleListings } from "../../src/listings/sample-market.js";
import { describeFilters, describeFiltersInFull } from "../../src/render/describe-filters.js";
import { createScheduleInput, updateScheduleFields } from "../../src/schedules/schedule.rules.js";
import { reportPeriod } from "../../src/time/report-period.js";
import { describeIssue } from "../../src/validation/describe-issue.js";

const messages = (result: { success: boolean; error?: { issues: readonly Parameters<typeof describeIssue>[0][] } }) =>
  result.success ? [] : result.error!.issues.map(describeIssue);

const schedule = {
  name: "Condos downtown",
  report_type: "market_snapshot",
  city: "Houston",
  cadence: "daily",
  recipients: ["agent@example.com"],
};

describe("filter validation", () => {
  it("accepts every typed filter and keeps property types as a set", () => {
    const parsed = reportFiltersSchema.parse({
      property_types: ["condominium", "land", "condominium"],
      min_price: 500_000,
      max_price: 1_000_000,
      min_beds: 2,
      min_baths: 1.5,
      min_sqft: 800,
      max_sqft: 2_000,
      min_year_built: 1990,
      max_year_built: 2020,
    });
    expect(parsed.property_types).toEqual(["condominium", "land"]);
    expect(reportFiltersSchema.parse({})).toEqual({});
  });

  it("rejects an unknown key naming it, with its path, and changes nothing", () => {
    expect(messages(createScheduleInput.safeParse({ ...schedule, filters: { min_price: 1, colour: "blue" } }))).toEqual([
      "filters.colour: is not a known field",
    ]);
    expect(messages(updateScheduleFields.safeParse({ filters: { minprice: 500_000 } }))).toEqual(["filters.minprice: is not a known field"]);
  });

  it("rejects a lower bound above its upper bound, naming the field", () => {
    expect(messages(reportFiltersSchema.safeParse({ min_price: 900_000, max_price: 500_000 }))).toEqual(["min_price: must not be more than max_price (500000)"]);
    expect(messages(createScheduleInput.safeParse({ ...schedule, filters: { min_sqft: 3_000, max_sqft: 1_000, min_year_built: 2020, max_year_built: 1990 } }))).toEqual([
      "filters.min_sqft: must not be more than max_sqft (1000)",
      "filters.min_year_built: must not be more than max_year_built (1990)",
    ]);
  });

  it("names the rule for each bad value", () => {
    expect(messages(reportFiltersSchema.safeParse({ property_types: ["castle"] }))).toEqual([
      "property_types[0]: must be one of residential, condominium, multifamily, land, mobilehome, farm",
    ]);
    expect(messages(reportFiltersSchema.safeParse({ property_types: [] }))).toEqual(["property_types: must name at least one property type (leave it out for the default)"]);
    expect(messages(reportFiltersSchema.safeParse({ min_price: "500000" }))).toEqual(["min_price: must be a whole number of dollars from 0 to 1,000,000,000"]);
    expect(messages(reportFiltersSchema.safeParse({ min_baths: 1.25 }))).toEqual(["min_baths: must be a number of bathrooms from 0 to 20 in steps of 0.5"]);
    expect(messages(reportFiltersSchema.safeParse({ min_year_built: 1200 }))).toEqual(["min_year_built: must be a year from 1600 to 2100"]);
    expect(messages(reportFiltersSchema.safeParse("cheap"))).toEqual(["must be an object of filters"]);
  });
});

const base: Listing = {
  mlsId: "1",
  status: "Active",
  rawStatus: "Active",
  listDate: new Date("2025-03-10T12:00:00Z"),
  contractDate: null,
  closeDate: null,
  modifiedAt: null,
  listPrice: 600_000,
  originalListPrice: null,
  closePrice: null,
  sqft: 1_200,
  zip: "77002",
  city: "Houston",
  daysOnMarket: null,
  propertyType: "CND",
  bedrooms: 2,
  bathrooms: 1.5,
  yearBuilt: 1995,
  address: null,
};

describe("filter rules", () => {
  const condos: ReportFilters = { property_types: ["condominium"], min_price: 500_000, max_price: 1_000_000, min_beds: 2 };

  it("keeps a record only when its own fields meet every filter, inclusive, and drops records missing a filtered field", () => {
    expect(meetsFilters(base, condos)).toBe(true);
    expect(meetsFilters({ ...base, listPrice: 1_000_000 }, condos)).toBe(true);
    expect(meetsFilters({ ...base, listPrice: 1_000_001 }, condos)).toBe(false);
    expect(meetsFilters({ ...base, bedrooms: 1 }, condos)).toBe(false);
    expect(meetsFilters({ ...base, listPrice: null }, condos)).toBe(false);
    expect(meetsFilters({ ...base, bathrooms: null }, { min_baths: 1 })).toBe(false);
    expect(meetsFilters({ ...base, bathrooms: null }, {})).toBe(true);
    expect(meetsFilters(base, { min_year_built: 1996 })).toBe(false);
    expect(meetsFilters(base, { max_sqft: 1_199 })).toBe(false);
  });

  it("covers the chosen types (homes by default), never rentals or commercial, and trusts the source on unknown codes", () => {
    expect(coversPropertyType(base, {})).toBe(true);
    expect(coversPropertyType({ propertyType: "MLF" }, {})).toBe(false);
    expect(coversPropertyType({ propertyType: "MLF" }, { property_types: ["multifamily"] })).toBe(true);
    expect(coversPropertyType({ propertyType: "RES" }, condos)).toBe(false);
    expect(coversPropertyType({ propertyType: "RNT" }, { property_types: ["residential"] })).toBe(false);
    expect(coversPropertyType({ propertyType: "cre" }, {})).toBe(false);
    expect(coversPropertyType({ propertyType: null }, condos)).toBe(true);
    expect(coversPropertyType({ propertyType: "XYZ" }, condos)).toBe(true);
  });

  it("narrows the figures: a price band set on the schedule leaves the rest of the market out, counted", () => {
    const period = reportPeriod({ slot: new Date("2025-03-31T12:00:00Z"), lookbackDays: 30, timezone: "UTC" });
    const listings = [base, { ...base, mlsId: "2", listPrice: 2_000_000 }, { ...base, mlsId: "3", propertyType: "RES" }];
    const all = computeMarketFigures(listings, { period, zips: [], now: period.end });
    const narrowed = computeMarketFigures(listings, { period, zips: [], filters: condos, now: period.end });
    expect(all.area.current.newListings).toBe(3);
    expect(narrowed.area.current.newListings).toBe(1);
    expect(narrowed.exclusions.find((e) => e.rule === "outside_filters")?.count).toBe(1);
    expect(narrowed.exclusions.find((e) => e.rule === "property_type_not_covered")?.count).toBe(1);
  });

  it("applies the same rules to the sample market", () => {
    const query = { city: "Houston", zips: [], from: new Date("2025-01-01T06:00:00Z"), to: new Date("2025-03-31T05:00:00Z") };
    const everything = sampleListings(query);
    const condosOnly = sampleListings({ ...query, filters: condos });
    expect(condosOnly.length).toBeGreaterThan(0);
    expect(condosOnly.length).toBeLessThan(everything.length);
    expect(new Set(condosOnly.map((l) => l.propertyType))).toEqual(new Set(["CND"]));
    expect(condosOnly.filter((l) => !meetsFilters(l, condos))).toEqual([]);
    expect(everything.filter((l) => coversPropertyType(l, condos) && meetsFilters(l, condos)).map((l) => l.mlsId)).toEqual(condosOnly.map((l) => l.mlsId));
    // multi-family exists in the sample market and is left out by default
    expect(sampleListings({ ...query, filters: { property_types: ["multifamily"] } }).length).toBeGreaterThan(0);
    expect(everything.some((l) => l.propertyType === "MLF")).toBe(false);
  });
});

describe("describing the filters", () => {
  it("writes the header line as agents do", () => {
    expect(describeFilters({ property_types: ["condominium"], min_price: 500_000, max_price: 1_000_000, min_beds: 2 })).toBe("Condos, $500K–$1M, 2+ beds");
    expect(describeFilters({})).toBe("Single-family homes and condos");
    expect(describeFilters({ property_types: ["residential", "land", "farm"], min_price: 750_000, min_baths: 1.5, max_sqft: 2_500, min_year_built: 2000 })).toBe(
      "Single-family homes, land and farms, $750K+, 1.5+ baths, up to 2,500 sq ft, built 2000 or later",
    );
  });

  it("states every bound in full for the methodology", () => {
    expect(describeFiltersInFull({ property_types: ["condominium"], min_price: 500_000, max_price: 1_000_000, min_beds: 2 })).toBe(
      "Condos; list (asking) price from $500,000 to $1,000,000; bedrooms 2 or more.",
    );
    expect(describeFiltersInFull({})).toBe(
      "Single-family homes and condos (the default; a schedule can choose multi-family, land, mobile homes or farms instead or as well); no other filters.",
    );
  });
});
