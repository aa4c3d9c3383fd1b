import { describe, expect, it } from "vitest";
import { EXCLUSION_RULES } from "../../src/figures/exclusion-rules.js";
import { changeBetween, computeMarketFigures, priceBuckets, type MarketFigures } from "../../src/figures/market-figures.js";
import { METRIC_KEYS } from "../../src/figures/metrics.js";
import { reportPeriod } from "../../src/time/report-period.js";
import { A, B, FIXTURE, OPTIONS } from "./fixture.js";

const utcPeriod = (slot: string, days = 30) => reportPeriod({ slot: new Date(slot), lookbackDays: days, timezone: "UTC" });

/** 30 days as a share of an average month (365.2425 / 12 days). */
const MONTHS = 30 / 30.436875;
const figures: MarketFigures = computeMarketFigures(FIXTURE, OPTIONS);

describe("computeMarketFigures on the hand-made fixture", () => {
  it("states the period, the previous window and the as-of time", () => {
    expect(figures.period).toEqual({ start: "2025-03-01T00:00:00.000Z", end: "2025-03-31T00:00:00.000Z", days: 30, firstDay: "2025-03-01", lastDay: "2025-03-30" });
    expect(figures.previousPeriod).toEqual({ start: "2025-01-30T00:00:00.000Z", end: "2025-03-01T00:00:00.000Z", firstDay: "2025-01-30", lastDay: "2025-02-28" });
    expect(figures.asOf).toBe("2025-03-31T12:00:00.000Z");
    expect(figures.zips).toEqual([A, B]);
    expect(figures.noActivity).toBe(false);
    // r1 (rental), x1 (other ZIP) and f1 (listed after as-of) are dropped; a4 (no list date) is
    // in no figure: 16 of the 20 records received are behind the figures
    expect(figures.listingsUsed).toBe(16);
    expect(figures.listingsReceived).toBe(20);
    expect(figures.missingFields).toEqual([]);
  });

  it("computes the current period for the whole area", () => {
    const c = figures.area.current;
    // new listings: c3 800k, c4 700k, p1 550k, a1 650k, o1 1.0M, cd 400k
    expect(c.newListings).toBe(6);
    expect(c.medianListPrice).toBe(675_000);
    expect(c.averageListPrice).toBeCloseTo(4_100_000 / 6, 6);
    // contract dates in March: c2, c6, p1
    expect(c.newPendings).toBe(3);
    // c1..c6 closed in March (cd has no close date)
    expect(c.closedSales).toBe(6);
    // prices from c1 510k, c2 590k, c3 820k, c4 700k (c5 is a typo, c6 has no price)
    expect(c.medianClosePrice).toBe(645_000);
    expect(c.averageClosePrice).toBe(655_000);
    expect(c.totalSalesVolume).toBe(2_620_000);
    // $/sq ft: c1 510, c3 410, c4 500 (c2 has no area)
    expect(c.medianPricePerSqft).toBe(500);
    // days on market: c1 10, c2 10, c3 22 (to close, no contract date), c5 36, c6 8; c4 excluded
    expect(c.medianDaysOnMarket).toBe(10);
    // close/list: 1.02, 0.98333, 1.025, 1.0
    expect(c.saleToListRatio).toBeCloseTo(1.01, 10);
    // close/original list: c1 0.98077, c3 1.025, c4 1.0
    expect(c.saleToOriginalListRatio).toBeCloseTo(1.0, 10);
    // above list: c1, c3 of four
    expect(c.shareClosedAboveList).toBe(0.5);
    // on the market at March 31: a1, a2, a3
    expect(c.activeInventory).toBe(3);
    expect(c.monthsOfSupply).toBeCloseTo(3 / (6 / MONTHS), 10);
    expect(c.samples).toMatchObject({ medianListPrice: 6, medianClosePrice: 4, medianPricePerSqft: 3, medianDaysOnMarket: 5, saleToListRatio: 4, saleToOriginalListRatio: 3, monthsOfSupply: 6 });
    // c1, c2, c5, c6 have contract dates; c3 runs to its close date (c4 closed before it was listed)
    expect(c.daysOnMarketBasis).toEqual({ contract: 4, close: 1 });
  });

  it("computes the previous window the same way", () => {
    const p = figures.area.previous;
    expect(p.start).toBe("2025-01-30T00:00:00.000Z");
    // c1 500k, c2 600k, c6 900k, p2 750k, p3 520k, a3 (no price)
    expect(p.newListings).toBe(6);
    expect(p.medianListPrice).toBe(600_000);
    expect(p.averageListPrice).toBe(654_000);
    // c1 Feb 11, c5 Feb 20, p3 Feb 15
    expect(p.newPendings).toBe(3);
    // q1 470k, q2 1.05M
    expect(p.closedSales).toBe(2);
    expect(p.medianClosePrice).toBe(760_000);
    expect(p.averageClosePrice).toBe(760_000);
    expect(p.totalSalesVolume).toBe(1_520_000);
    expect(p.medianPricePerSqft).toBe(500);
    expect(p.medianDaysOnMarket).toBe(19.5);
    expect(p.saleToListRatio).toBeCloseTo((470 / 480 + 1.05) / 2, 10);
    expect(p.saleToOriginalListRatio).toBeCloseTo((0.94 + 1.05) / 2, 10);
    expect(p.shareClosedAboveList).toBe(0.5);
    // on the market at March 1: c2 (contract Mar 2), c6 (contract Mar 5), a2, a3
    expect(p.activeInventory).toBe(4);
    expect(p.monthsOfSupply).toBeCloseTo(4 / (2 / MONTHS), 10);
  });

  it("gives no percent change when fewer than 10 records are behind a figure in either period", () => {
    const ch = figures.area.changes;
    for (const key of METRIC_KEYS) expect(ch[key]).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: true });
  });

  it("computes changes as percent and direction, ratios also in points, when both periods have enough records", () => {
    // ten copies of each listing: the same medians and ratios, counts ten times over
    const tenfold = FIXTURE.flatMap((l) => Array.from({ length: 10 }, (_, i) => ({ ...l, mlsId: `${l.mlsId}-${i}` })));
    const ch = computeMarketFigures(tenfold, OPTIONS).area.changes;
    expect(ch.newListings).toEqual({ changePct: 0, changePoints: null, direction: "flat", smallSample: false });
    expect(ch.closedSales).toEqual({ changePct: 200, changePoints: null, direction: "up", smallSample: false });
    expect(ch.activeInventory).toEqual({ changePct: -25, changePoints: null, direction: "down", smallSample: false });
    expect(ch.medianListPrice.changePct).toBeCloseTo(12.5, 10);
    expect(ch.medianClosePrice.changePct).toBeCloseTo(((645 - 760) / 760) * 100, 10);
    expect(ch.medianClosePrice.direction).toBe("down");
    expect(ch.medianDaysOnMarket.changePct).toBeCloseTo(((10 - 19.5) / 19.5) * 100, 10);
    expect(ch.saleToListRatio.changePoints).toBeCloseTo((1.01 - (470 / 480 + 1.05) / 2) * 100, 10);
    expect(ch.saleToListRatio.direction).toBe("down");
    expect(ch.saleToOriginalListRatio.changePoints).toBeCloseTo(0.5, 10);
    expect(ch.shareClosedAboveList).toEqual({ changePct: 0, changePoints: 0, direction: "flat", smallSample: false });
    expect(ch.monthsOfSupply.changePct).toBeCloseTo(-75, 10);
    expect(ch.totalSalesVolume.changePct).toBeCloseTo(((2.62 - 1.52) / 1.52) * 100, 10);
    // the previous window had 2 sales with a living area: 20 records, enough
    expect(ch.medianPricePerSqft.smallSample).toBe(false);
    expect(Object.keys(ch).sort()).toEqual([...METRIC_KEYS].sort());
  });

  it("computes each ZIP on its own, summing to the area's counts", () => {
    const [zipA, zipB] = figures.byZip;
    expect(zipA.zip).toBe(A);
    expect(zipA.current).toMatchObject({
      newListings: 3, // p1 550k, a1 650k, cd 400k
      medianListPrice: 550_000,
      newPendings: 2, // c2, p1
      closedSales: 3, // c1, c2, c5
      medianClosePrice: 550_000, // c1 510k, c2 590k
      averageClosePrice: 550_000,
      medianDaysOnMarket: 10, // 10, 10, 36
      activeInventory: 2, // a1, a3
    });
    expect(zipA.previous).toMatchObject({ closedSales: 1, medianClosePrice: 470_000, activeInventory: 2 }); // q1; c2, a3
    expect(zipB.zip).toBe(B);
    expect(zipB.current).toMatchObject({
      newListings: 3, // c3 800k, c4 700k, o1 1.0M
      medianListPrice: 800_000,
      newPendings: 1, // c6
      closedSales: 3, // c3, c4, c6
      medianClosePrice: 760_000, // 820k, 700k
      activeInventory: 1, // a2
      medianDaysOnMarket: 15, // c3 22, c6 8
    });
    for (const key of ["newListings", "newPendings", "closedSales", "activeInventory"] as const) {
      expect((zipA.current[key] ?? 0) + (zipB.current[key] ?? 0)).toBe(figures.area.current[key]);
    }
  });

  it("counts every exclusion rule by distinct listing", () => {
    const counts = Object.fromEntries(figures.exclusions.map((e) => [e.rule, e.count]));
    expect(counts).toEqual({
      not_listed_status: 0,
      property_type_not_covered: 1, // r1
      outside_filters: 0,
      outside_area: 1, // x1
      listed_after_as_of: 1, // f1
      missing_list_date: 1, // a4
      stale_sales_data: 1, // a1
      closed_without_close_date: 1, // cd
      missing_close_price: 1, // c6
      implausible_close_price: 1, // c5
      missing_list_price: 1, // a3
      missing_original_list_price: 1, // c2
      missing_sqft: 1, // c2
      close_before_list: 1, // c4
      missing_contract_date: 4, // c3, c4, p2, cd
      off_market_status: 1, // o1
      missing_zip: 0,
    });
    expect(figures.exclusions.map((e) => e.description)).toEqual(EXCLUSION_RULES.map((r) => r.description));
  });

  it("builds the chart series", () => {
    expect(figures.charts.closePriceDistribution).toEqual([
      { from: 500_000, to: 550_000, count: 1 },
      { from: 550_000, to: 600_000, count: 1 },
      { from: 600_000, to: 650_000, count: 0 },
      { from: 650_000, to: 700_000, count: 0 },
      { from: 700_000, to: 750_000, count: 1 },
      { from: 750_000, to: 800_000, count: 0 },
      { from: 800_000, to: 850_000, count: 1 },
    ]);
    expect(figures.charts.medianPriceByZip).toEqual([
      { zip: A, medianClosePrice: 550_000, closedSales: 3, pricedSales: 2, medianListPrice: 550_000 },
      { zip: B, medianClosePrice: 760_000, closedSales: 3, pricedSales: 2, medianListPrice: 800_000 },
    ]);
    // March 1 2025 is a Saturday: the first week is the two days of the week of Feb 24
    expect(figures.charts.weeklyActivity.map((w) => [w.weekOf, w.newListings, w.newPendings, w.closedSales])).toEqual([
      ["2025-02-24", 1, 1, 0],
      ["2025-03-03", 2, 1, 2],
      ["2025-03-10", 3, 0, 1],
      ["2025-03-17", 0, 1, 1],
      ["2025-03-24", 0, 0, 2],
    ]);
    expect(figures.charts.weeklyActivity[0]).toMatchObject({ start: "2025-03-01T00:00:00.000Z", end: "2025-03-03T00:00:00.000Z" });
    expect(figures.charts.weeklyActivity[4].end).toBe("2025-03-31T00:00:00.000Z");
  });

  it("puts weeks on the schedule's local calendar", () => {
    const la = computeMarketFigures(FIXTURE, {
      ...OPTIONS,
      period: reportPeriod({ slot: new Date("2025-03-31T16:00:00Z"), lookbackDays: 30, timezone: "America/Los_Angeles" }),
    });
    const weeks = la.charts.weeklyActivity;
    expect(weeks.map((w) => w.weekOf)).toEqual(["2025-02-24", "2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"]);
    // Monday March 10 starts at 07:00 UTC: daylight saving began on the 9th
    expect(weeks[2].start).toBe("2025-03-10T07:00:00.000Z");
    expect(weeks[1].start).toBe("2025-03-03T08:00:00.000Z");
  });

  it("groups by the ZIPs found when the report names none, and counts listings without one", () => {
    const noZip = { ...FIXTURE[0], mlsId: "nz", zip: null };
    const open = computeMarketFigures([...FIXTURE, noZip], { ...OPTIONS, zips: [] });
    expect(open.zips).toEqual(["92101", "92103", "92109"]);
    expect(open.exclusions.find((e) => e.rule === "missing_zip")?.count).toBe(1);
    expect(open.exclusions.find((e) => e.rule === "outside_area")?.count).toBe(0);
    // the ZIP-less sale counts in the area but in no ZIP row
    expect(open.area.current.closedSales).toBe(7);
    expect(open.byZip.reduce((n, z) => n + z.current.closedSales, 0)).toBe(6);
  });

  it("leaves out a record from another city when the report names one, matching the name without regard to case or spaces", () => {
    const elsewhere = { ...FIXTURE[0], mlsId: "elsewhere", city: "National City" };
    const shouting = { ...FIXTURE[0], mlsId: "shouting", city: " SAN DIEGO " };
    const withCity = computeMarketFigures([...FIXTURE, elsewhere, shouting], { ...OPTIONS, city: "san diego" });
    expect(withCity.area.current.closedSales).toBe(figures.area.current.closedSales + 1);
    expect(withCity.exclusions.find((e) => e.rule === "outside_area")?.count).toBe(2);
    const anyCity = computeMarketFigures([...FIXTURE, elsewhere], OPTIONS);
    expect(anyCity.area.current.closedSales).toBe(figures.area.current.closedSales + 1);
  });
});

describe("empty windows", () => {
  it("gives zero counts, null prices and noActivity for no listings at all", () => {
    const empty = computeMarketFigures([], OPTIONS);
    expect(empty.noActivity).toBe(true);
    expect(empty.area.current).toMatchObject({
      newListings: 0,
      newPendings: 0,
      closedSales: 0,
      activeInventory: 0,
      medianListPrice: null,
      averageListPrice: null,
      medianClosePrice: null,
      averageClosePrice: null,
      medianPricePerSqft: null,
      medianDaysOnMarket: null,
      saleToListRatio: null,
      saleToOriginalListRatio: null,
      shareClosedAboveList: null,
      monthsOfSupply: null,
      totalSalesVolume: 0,
    });
    expect(empty.area.changes.closedSales).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: true });
    expect(empty.area.changes.medianClosePrice).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: true });
    expect(empty.missingFields).toEqual([]);
    expect(empty.listingsUsed).toBe(0);
    expect(empty.byZip.map((z) => z.zip)).toEqual([A, B]);
    expect(empty.charts.closePriceDistribution).toEqual([]);
    expect(new Set(empty.charts.weeklyActivity.map((w) => w.newListings + w.newPendings + w.closedSales))).toEqual(new Set([0]));
    expect(new Set(empty.exclusions.map((e) => e.count))).toEqual(new Set([0]));
  });

  it("flags noActivity when only the previous window had any, and shows the drop", () => {
    const later = computeMarketFigures(FIXTURE, { ...OPTIONS, period: utcPeriod("2026-03-31T09:00:00Z"), now: new Date("2026-03-31T12:00:00Z") });
    // a1, a2 and a3 are still listed as active a year later: inventory, so there is activity
    expect(later.area.current.activeInventory).toBe(3);
    expect(later.noActivity).toBe(false);
    const onlySales = FIXTURE.filter((l) => l.status === "Closed" && l.mlsId !== "f1");
    const quiet = computeMarketFigures(onlySales, { ...OPTIONS, period: utcPeriod("2025-05-01T09:00:00Z"), now: new Date("2025-05-01T10:00:00Z") });
    expect(quiet.noActivity).toBe(true);
    // the previous window is Mar 2 - Apr 1: c1..c6 all closed in it
    expect(quiet.area.previous.closedSales).toBe(6);
    expect(quiet.area.changes.closedSales).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: true });
  });
});

describe("building blocks", () => {
  it("changeBetween handles zero and unknown previous values", () => {
    expect(changeBetween(5, 0, false)).toEqual({ changePct: null, changePoints: null, direction: "up", smallSample: false });
    expect(changeBetween(0, 0, false)).toEqual({ changePct: null, changePoints: null, direction: "flat", smallSample: false });
    expect(changeBetween(null, 4, false)).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: false });
    expect(changeBetween(5, 2, false, true)).toEqual({ changePct: null, changePoints: null, direction: null, smallSample: true });
    expect(changeBetween(100.04, 100, false).direction).toBe("flat");
    expect(changeBetween(0.3, 0.2, true).changePoints).toBeCloseTo(10, 10);
  });

  it("priceBuckets keeps outliers in open-ended end buckets", () => {
    const prices = [...Array.from({ length: 38 }, (_, i) => 400_000 + i * 10_000), 100_000, 9_000_000].sort((a, b) => a - b);
    const buckets = priceBuckets(prices);
    expect(buckets[0].from).toBeNull();
    expect(buckets[buckets.length - 1].to).toBeNull();
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(40);
    expect(buckets.length).toBeLessThanOrEqual(12);
    // a lone sale gets one bucket a fifth of its price wide at most
    expect(priceBuckets([500_000])).toEqual([{ from: 500_000, to: 520_000, count: 1 }]);
  });

  it("rejects bad options naming the field", () => {
    expect(() => computeMarketFigures([], { ...OPTIONS, period: { ...OPTIONS.period, timezone: "Mars/Olympus" } })).toThrow('period.timezone: "Mars/Olympus"');
    expect(() => computeMarketFigures([], { ...OPTIONS, period: { ...OPTIONS.period, end: OPTIONS.period.start } })).toThrow("previousStart < start < end");
  });
});
