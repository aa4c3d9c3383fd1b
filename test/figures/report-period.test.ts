import { describe, expect, it } from "vitest";
import { listingQueryFor, reportPeriod } from "../../src/figures/report-period.js";
import { isReportType, REPORT_SECTIONS, REPORT_TYPES } from "../../src/figures/report-types.js";
import { METRIC_KEYS } from "../../src/figures/metrics.js";

describe("reportPeriod", () => {
  it("covers whole local days ending at the slot's local midnight, across a DST change", () => {
    // Monday 10 March 2025 09:00 in Los Angeles, the day after clocks went forward
    const period = reportPeriod({ slot: new Date("2025-03-10T16:00:00Z"), lookbackDays: 30, timezone: "America/Los_Angeles" });
    expect(period.end.toISOString()).toBe("2025-03-10T07:00:00.000Z");
    expect(period.start.toISOString()).toBe("2025-02-08T08:00:00.000Z");
  });

  it("gives the same period for any time on the same local day", () => {
    const a = reportPeriod({ slot: new Date("2025-06-02T00:30:00-04:00"), lookbackDays: 7, timezone: "America/New_York" });
    const b = reportPeriod({ slot: new Date("2025-06-02T23:30:00-04:00"), lookbackDays: 7, timezone: "America/New_York" });
    expect(a).toEqual(b);
    expect(a.start.toISOString()).toBe("2025-05-26T04:00:00.000Z");
  });

  it("rejects bad input naming the field", () => {
    expect(() => reportPeriod({ slot: new Date(), lookbackDays: 0, timezone: "UTC" })).toThrow("lookbackDays");
    expect(() => reportPeriod({ slot: new Date(), lookbackDays: 30, timezone: "Nowhere/City" })).toThrow("timezone");
  });
});

describe("listingQueryFor", () => {
  it("asks for the previous window and the period", () => {
    const query = listingQueryFor({
      city: "Houston",
      zips: ["77006"],
      period: { start: new Date("2025-03-01T06:00:00Z"), end: new Date("2025-03-31T05:00:00Z") },
    });
    expect(query).toEqual({
      city: "Houston",
      zips: ["77006"],
      from: new Date("2025-01-30T07:00:00Z"),
      to: new Date("2025-03-31T05:00:00Z"),
    });
  });
});

describe("report types", () => {
  it("lists the four types and recognises only them", () => {
    expect(REPORT_TYPES).toEqual(["market_snapshot", "new_listings", "closed_sales", "inventory"]);
    expect(REPORT_TYPES.every(isReportType)).toBe(true);
    expect(isReportType("market snapshot")).toBe(false);
    expect(isReportType(undefined)).toBe(false);
    expect(isReportType("toString")).toBe(false);
  });

  it("selects only known figures for each type's sections", () => {
    for (const type of REPORT_TYPES) {
      const sections = REPORT_SECTIONS[type];
      for (const key of [...sections.headline, ...sections.zipColumns, ...sections.detail]) expect(METRIC_KEYS).toContain(key);
      expect(sections.headline.length).toBeGreaterThan(0);
    }
  });
});
