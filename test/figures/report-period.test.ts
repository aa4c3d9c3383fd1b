import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { computeMarketFigures } from "../../src/figures/market-figures.js";
import { METRIC_KEYS } from "../../src/figures/metrics.js";
import { isReportType, REPORT_SECTIONS, REPORT_TYPES } from "../../src/figures/report-types.js";
import type { Listing } from "../../src/listings/listing.js";
import { renderReportHtml } from "../../src/render/report-html.js";
import { reportPeriod } from "../../src/time/report-period.js";

describe("reportPeriod", () => {
  it("covers whole local days ending at the slot's local midnight, across a DST change", () => {
    // Monday 10 March 2025 09:00 in Los Angeles, the day after clocks went forward
    const period = reportPeriod({ slot: new Date("2025-03-10T16:00:00Z"), lookbackDays: 30, timezone: "America/Los_Angeles" });
    expect(period.end.toISOString()).toBe("2025-03-10T07:00:00.000Z");
    expect(period.start.toISOString()).toBe("2025-02-08T08:00:00.000Z");
    expect(period.previousStart.toISOString()).toBe("2025-01-09T08:00:00.000Z");
    expect([period.firstDay, period.lastDay, period.previousFirstDay, period.previousLastDay]).toEqual([
      "2025-02-08",
      "2025-03-09",
      "2025-01-09",
      "2025-02-07",
    ]);
  });

  it("puts the previous window the same number of calendar days back, not the same number of hours (Chicago, fall back)", () => {
    // A run on 30 Nov 2025 with 30 days: the period holds Nov 2's extra hour, and the previous
    // window still starts at local midnight on Oct 1; the old "start minus the period's
    // milliseconds" started it at 23:00 CDT on Sep 30.
    const period = reportPeriod({ slot: new Date("2025-11-30T15:00:00Z"), lookbackDays: 30, timezone: "America/Chicago" });
    expect(period.end.toISOString()).toBe("2025-11-30T06:00:00.000Z"); // Nov 30 00:00 CST
    expect(period.start.toISOString()).toBe("2025-10-31T05:00:00.000Z"); // Oct 31 00:00 CDT
    expect(period.previousStart.toISOString()).toBe("2025-10-01T05:00:00.000Z"); // Oct 1 00:00 CDT
    // the period holds the 25-hour Nov 2: 30 days and one hour
    expect(period.end.getTime() - period.start.getTime()).toBe(30 * 86_400_000 + 3_600_000);
    expect(period.start.getTime() - period.previousStart.getTime()).toBe(30 * 86_400_000);
  });

  it("gives the same period for any time on the same local day", () => {
    const a = reportPeriod({ slot: new Date("2025-06-02T00:30:00-04:00"), lookbackDays: 7, timezone: "America/New_York" });
    const b = reportPeriod({ slot: new Date("2025-06-02T23:30:00-04:00"), lookbackDays: 7, timezone: "America/New_York" });
    expect(a).toEqual(b);
    expect(a.start.toISOString()).toBe("2025-05-26T04:00:00.000Z");
  });

  it("starts a day whose midnight is skipped at the first instant of that day (Santiago)", () => {
    // Chile springs forward at 00:00 on 7 Sep 2025: that day begins at 01:00 -03.
    const period = reportPeriod({ slot: new Date("2025-09-14T15:00:00Z"), lookbackDays: 7, timezone: "America/Santiago" });
    expect(period.firstDay).toBe("2025-09-07");
    expect(period.start.toISOString()).toBe("2025-09-07T04:00:00.000Z");
    expect(DateTime.fromJSDate(period.start, { zone: "America/Santiago" }).toISODate()).toBe("2025-09-07");
  });

  it("rejects bad input naming the field", () => {
    expect(() => reportPeriod({ slot: new Date(), lookbackDays: 0, timezone: "UTC" })).toThrow("lookbackDays");
    expect(() => reportPeriod({ slot: new Date(), lookbackDays: 30, timezone: "Nowhere/City" })).toThrow("timezone");
    expect(() => reportPeriod({ slot: new Date(Number.NaN), lookbackDays: 30, timezone: "UTC" })).toThrow("slot");
  });
});

/** Both 2025 DST changes in each zone, as the local date the clocks changed. */
const DST_CHANGES: Record<string, { spring: string; fall: string }> = {
  "America/Chicago": { spring: "2025-03-09", fall: "2025-11-02" },
  "Europe/London": { spring: "2025-03-30", fall: "2025-10-26" },
  "Australia/Sydney": { spring: "2025-10-05", fall: "2025-04-06" },
};

function listingAt(mlsId: string, zone: string, localDay: string, hour: number, minute: number): Listing {
  const listDate = DateTime.fromISO(`${localDay}T${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`, { zone }).toJSDate();
  return {
    mlsId,
    status: "Closed",
    rawStatus: "Closed",
    listDate,
    contractDate: null,
    closeDate: listDate,
    modifiedAt: null,
    listPrice: 500_000,
    originalListPrice: 500_000,
    closePrice: 500_000,
    sqft: 1_000,
    zip: "60601",
    city: "Test",
    daysOnMarket: 0,
    propertyType: "RES",
    bedrooms: 2,
    bathrooms: 1,
    yearBuilt: 2000,
    address: null,
  };
}

const shift = (day: string, days: number) => DateTime.fromISO(day, { zone: "UTC" }).plus({ days }).toISODate()!;

describe("every report type across both DST changes in Chicago, London and Sydney", () => {
  for (const [zone, changes] of Object.entries(DST_CHANGES)) {
    for (const [which, changeDay] of Object.entries(changes)) {
      for (const days of [7, 30]) {
        // The run falls a few days after the change, so the period straddles it; with 30 days the
        // previous window's start is well before it.
        const runDay = shift(changeDay, 3);
        it(`${zone}, ${which} change on ${changeDay}, ${days} days`, () => {
          const slot = DateTime.fromISO(`${runDay}T09:00`, { zone }).toJSDate();
          const period = reportPeriod({ slot, lookbackDays: days, timezone: zone });
          const local = (d: Date) => DateTime.fromJSDate(d, { zone });
          for (const bound of [period.previousStart, period.start, period.end]) expect(local(bound).toFormat("HH:mm")).toBe("00:00");
          expect(local(period.end).toISODate()).toBe(runDay);
          expect(period.firstDay).toBe(shift(runDay, -days));
          expect(period.lastDay).toBe(shift(runDay, -1));
          expect(period.previousFirstDay).toBe(shift(runDay, -2 * days));
          expect(period.previousLastDay).toBe(shift(runDay, -days - 1));

          // One sale a minute either side of each local midnight bound: each lands in its own day.
          const listings = [
            listingAt("before-previous", zone, shift(period.previousFirstDay, -1), 23, 59),
            listingAt("previous-first", zone, period.previousFirstDay, 0, 1),
            listingAt("previous-last", zone, period.previousLastDay, 23, 59),
            listingAt("current-first", zone, period.firstDay, 0, 1),
            listingAt("current-last", zone, period.lastDay, 23, 59),
            listingAt("run-day", zone, runDay, 0, 1),
          ];
          const figures = computeMarketFigures(listings, { period, zips: [], now: slot });
          expect(figures.area.previous.closedSales).toBe(2);
          expect(figures.area.current.closedSales).toBe(2);
          expect(figures.area.previous.newListings).toBe(2);
          expect(figures.area.current.newListings).toBe(2);
          // months of supply divides by calendar days, not by a 23- or 25-hour day's length
          expect(figures.period.days).toBe(days);

          const label = (first: string, last: string) => {
            const f = DateTime.fromISO(first);
            const l = DateTime.fromISO(last);
            if (f.year !== l.year) return `${f.toFormat("LLL d, yyyy")} – ${l.toFormat("LLL d, yyyy")}`;
            if (f.month !== l.month) return `${f.toFormat("LLL d")} – ${l.toFormat("LLL d, yyyy")}`;
            return `${f.toFormat("LLL d")} – ${l.toFormat("d, yyyy")}`;
          };
          for (const reportType of REPORT_TYPES) {
            const page = renderReportHtml({
              reportType,
              scheduleName: "DST check",
              city: "Test",
              zips: [],
              figures,
              asOf: slot,
              accountName: "Test Realty",
              dataSource: "test",
              fetched: "Test listings.",
            });
            expect(page).toContain(`<p class="period">${label(period.firstDay, period.lastDay)} <span class="versus">compared with ${label(period.previousFirstDay, period.previousLastDay)}</span>`);
            const boundary = (d: Date) => `${local(d).toFormat("LLL d, yyyy")} 00:00 (${zone}, UTC${local(d).toFormat("ZZ").replace("-", "−")})`;
            expect(page).toContain(`${boundary(period.start)} up to ${boundary(period.end)}`);
            expect(page).toContain(`compared with ${boundary(period.previousStart)} up to ${boundary(period.start)}`);
          }
        });
      }
    }
  }
});

describe("report types", () => {
  it("lists the four types and recognises only them", () => {
    expect(REPORT_TYPES).toEqual(["market_snapshot", "new_listings", "closed_sales", "inventory"]);
    expect(new Set(REPORT_TYPES.map(isReportType))).toEqual(new Set([true]));
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
