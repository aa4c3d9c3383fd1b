import { DateTime } from "luxon";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPORT_TYPES } from "../../src/figures/report-types.js";
import { createDedupingListingSource } from "../../src/listings/dedupe-cache.js";
import type { ListingSource } from "../../src/listings/listing.js";
import { createSimplyRetsSource } from "../../src/listings/simplyrets-source.js";
import { makeMarketReport } from "../../src/render/market-report.js";
import { startFakeSimplyRets, type FakeSimplyRets } from "../support/simplyrets-server.js";
import { expectedFigures, KEYS, windowsFor, type Area, type Expected, type Filters, type Key, type Period, type Windows } from "./independent-figures.js";
import { trialFeed } from "./trial-feed.js";

/**
 * Every figure a rendered report shows, checked against the same figure worked out independently
 * (independent-figures.ts) from the raw records a SimplyRETS-compatible server serves: counts
 * exactly, prices, ratios, days and months within the rounding the report prints. The report is
 * made the way the worker makes it (makeMarketReport over a real HTTP fetch with paging), for
 * every area kind, report type, four zones and 30- and 7-day periods, several across DST changes.
 */

const ZONES = ["UTC", "America/Chicago", "Europe/London", "Australia/Sydney"] as const;
/**
 * Run days (the report covers the days before): Mar 12 puts Chicago's spring-forward (Mar 9) in
 * both periods; Apr 8 puts London's (Mar 30) and Sydney's fall-back (Apr 6) in the 30- and 7-day
 * periods; Nov 3 puts Chicago's fall-back (Nov 2) in the 7-day period, London's (Oct 26) in its
 * previous window and Sydney's spring-forward (Oct 5) in the 30-day period; Jul 1 has none.
 */
const RUN_DAYS = ["2025-03-12", "2025-04-08", "2025-07-01", "2025-11-03"] as const;
const LOOKBACKS = [30, 7] as const;
const AREAS: Record<string, Area> = {
  city: { city: "Houston", zips: [] },
  zips: { city: null, zips: ["77096", "77007", "77099"] },
  "city and zips": { city: "houston", zips: ["77096", "77401"] },
  "no area": { city: null, zips: [] },
  "a city whose feed has no contract dates": { city: "TOMBALL", zips: [] },
};
/** The filtered variant runs on these areas. */
const FILTERED_AREAS = ["city", "zips", "city and zips"];
const FILTERS: Record<string, Filters> = {
  "no filters": {},
  filtered: {
    property_types: ["residential", "condominium", "land"],
    min_price: 250_000,
    max_price: 900_000,
    min_beds: 2,
    min_baths: 1.5,
    min_sqft: 800,
    max_year_built: 2015,
  },
};
const PAGE_SIZE = 40;

const slotOf = (day: string, zone: string) => DateTime.fromISO(`${day}T09:00`, { zone }).toJSDate();

const EDGES = ZONES.flatMap((zone) =>
  RUN_DAYS.flatMap((day) =>
    LOOKBACKS.flatMap((days) => {
      const w = windowsFor(slotOf(day, zone), days, zone);
      return [w.previousStart, w.start, w.end].map((t) => new Date(t));
    }),
  ),
);
const FEED = trialFeed(EDGES);

let server: FakeSimplyRets;
let source: ListingSource;
beforeAll(async () => {
  server = await startFakeSimplyRets(FEED, { username: "fixture", password: "fixture-password" });
  source = createDedupingListingSource(
    createSimplyRetsSource({ baseUrl: server.baseUrl, username: "fixture", password: "fixture-password", pageSize: PAGE_SIZE, backoffBaseMs: 10 }),
  );
});
afterAll(async () => {
  await server?.close();
});

// ---- reading the rendered page -------------------------------------------------------------

type Cell = { kind: "not-in-feed" } | { kind: "value"; text: string; flaggedCount: number | null };

function cell(htmlText: string): Cell {
  if (htmlText.includes('class="not-in-feed"')) return { kind: "not-in-feed" };
  const small = /<span class="small-sample"[^>]*>(.*?)<sup>†<\/sup> <small>\(([\d,]+)\)<\/small><\/span>/.exec(htmlText);
  if (small) return { kind: "value", text: small[1], flaggedCount: Number(small[2].replace(/,/g, "")) };
  return { kind: "value", text: htmlText.trim(), flaggedCount: null };
}

/** A formatted figure back to a number (ratios as percents), and how far rounding may have moved it. */
function parseShown(text: string, unit: string): { value: number | null; tolerance: number } {
  if (text === "—") return { value: null, tolerance: 0 };
  const t = text.replace(/\u2212/g, "-").replace(/[$,%]/g, "").replace(/ (days?|mo)$/, "");
  const suffix = /([KMB])$/.exec(t);
  const scale = suffix ? { K: 1e3, M: 1e6, B: 1e9 }[suffix[1] as "K" | "M" | "B"] : 1;
  const value = Number(suffix ? t.slice(0, -1) : t) * scale;
  if (Number.isNaN(value)) throw new Error(`unreadable figure "${text}"`);
  if (suffix) return { value, tolerance: 0.5 * 10 ** (Math.floor(Math.log10(Math.abs(value))) - 2) + 1e-6 };
  if (unit === "count") return { value, tolerance: 0 };
  if (unit === "currency") return { value, tolerance: 0.5 + 1e-6 };
  return { value, tolerance: 0.05 + 1e-6 };
}

function expectShown(where: string, text: string, unit: string, expected: number | null): void {
  const shown = parseShown(text, unit);
  const want = expected === null ? null : unit === "ratio" ? expected * 100 : expected;
  if (want === null || shown.value === null) {
    expect(shown.value, `${where}: "${text}"`).toBe(want);
    return;
  }
  const ok = unit === "count" ? shown.value === want : Math.abs(shown.value - want) <= shown.tolerance * (1 + 1e-9) + 1e-9;
  expect(ok, `${where}: shown "${text}", computed ${want}`).toBe(true);
}

function expectCell(where: string, htmlText: string, key: Key, period: Period, expected: Expected): void {
  const shown = cell(htmlText);
  if (expected.notInFeed.has(key)) {
    expect(shown.kind, `${where}: should read Not in feed`).toBe("not-in-feed");
    return;
  }
  expect(shown.kind, `${where}: reads Not in feed`).toBe("value");
  if (shown.kind !== "value") return;
  const value = period.values[key];
  expectShown(where, shown.text, KEYS[key].unit, value);
  const small = KEYS[key].statistic && value !== null && period.samples[key] < 5;
  expect(shown.flaggedCount, `${where}: small-sample flag`).toBe(small ? period.samples[key] : null);
}

/** The change column: percent (points for ratios) only with 10+ records behind both values, else "before → now". */
function expectChange(where: string, htmlText: string, key: Key, expected: Expected): void {
  const text = htmlText.replace(/<span class="arrow">[^<]*<\/span>/, "").trim();
  if (expected.notInFeed.has(key)) return void expect(text, where).toBe("—");
  const now = expected.current.values[key];
  const before = expected.previous.values[key];
  const unit = KEYS[key].unit;
  if (expected.current.samples[key] < 10 || expected.previous.samples[key] < 10) {
    if (now === null || before === null) return void expect(text, where).toBe("—");
    const [a, b] = text.split(" \u2192 ");
    expect(b, `${where}: "${text}" is not "before → now"`).toBeDefined();
    expectShown(`${where} (before)`, a, unit, before);
    expectShown(`${where} (now)`, b, unit, now);
    return;
  }
  if (now === null || before === null) return void expect(text, where).toBe("—");
  const change = unit === "ratio" ? (now - before) * 100 : before === 0 ? null : ((now - before) / Math.abs(before)) * 100;
  if (change === null) return void expect(text, where).toBe(now > 0 ? "new" : "—");
  const match = /^([+\u2212]?)(\d+\.\d) (pts|%)$/.exec(text.replace(/%$/, " %"));
  expect(match, `${where}: "${text}"`).not.toBeNull();
  const shown = Number(match![2]) * (match![1] === "\u2212" ? -1 : 1);
  expect(Math.abs(shown - change) <= 0.05 + 1e-6, `${where}: shown ${text}, computed ${change}`).toBe(true);
}

/** "Mar 9, 2025 00:00 (America/Chicago, UTC−6)": a period bound as the methodology prints it. */
function bound(t: number, zone: string): string {
  const local = DateTime.fromMillis(t, { zone });
  const offset = local.offset;
  const sign = offset < 0 ? "\u2212" : "+";
  const hh = String(Math.floor(Math.abs(offset) / 60)).padStart(2, "0");
  const mm = String(Math.abs(offset) % 60).padStart(2, "0");
  return `${local.toFormat("LLL d, yyyy HH:mm")} (${zone}, UTC${sign}${hh}:${mm})`;
}

function checkPage(page: string, expected: Expected, w: Windows, area: Area, label: string): void {
  const methodology = page.slice(page.indexOf('<footer class="methodology">'));
  expect(methodology, `${label}: period bounds`).toContain(`${bound(w.start, w.zone)} up to ${bound(w.end, w.zone)}`);
  expect(methodology, `${label}: previous bounds`).toContain(`${bound(w.previousStart, w.zone)} up to ${bound(w.start, w.zone)}`);
  expect(methodology).toContain(`Pages hold ${PAGE_SIZE} listings`);
  expect(methodology, `${label}: listings behind the figures`).toMatch(new RegExp(`<strong>Data:</strong>[^]*? ${expected.listingsUsed.toLocaleString("en-US")} of the `));

  if (expected.noActivity) {
    expect(page, `${label}: expected the no-activity panel`).toContain('<section class="no-activity">');
    if (area.city === null && area.zips.length === 0) {
      expect(page).toContain("names no city or ZIP code");
      return;
    }
    const p = expected.previous.values;
    const quiet = p.newListings! + p.closedSales! + (expected.notInFeed.has("newPendings") ? 0 : p.newPendings!) + p.activeInventory! === 0;
    const n = (count: number, noun: string) => `${count.toLocaleString("en-US")} ${count === 1 ? noun : noun + "s"}`;
    if (quiet) expect(page).toContain("were quiet too");
    else {
      const parts = [n(p.newListings!, "new listing"), expected.notInFeed.has("newPendings") ? null : n(p.newPendings!, "pending sale"), n(p.closedSales!, "closed sale")];
      expect(page, label).toContain(`In the ${w.days} days before: ${parts.filter((x) => x !== null).join(", ")}.`);
    }
    return;
  }
  expect(page, `${label}: no-activity panel with activity`).not.toContain('<section class="no-activity">');

  const detail = [...page.matchAll(/<tr data-metric="(\w+)"><td>[^<]*<\/td><td data-window="current">(.*?)<\/td><td data-window="previous">(.*?)<\/td><td class="[^"]*">(.*?)<\/td><\/tr>/g)];
  expect(detail.length, `${label}: detail rows`).toBeGreaterThan(5);
  for (const [, key, current, previous, change] of detail) {
    const k = key as Key;
    expectCell(`${label} ${k} current`, current, k, expected.current, expected);
    expectCell(`${label} ${k} previous`, previous, k, expected.previous, expected);
    expectChange(`${label} ${k} change`, change, k, expected);
  }

  const cards = [...page.matchAll(/<div class="kpi" data-metric="(\w+)"><div class="label">[^<]*<\/div><div class="value">(.*?)<\/div>.*?<div class="prev">Prior \d+ days: ([^<]*)<\/div><\/div>/g)];
  expect(cards.length, `${label}: headline cards`).toBeGreaterThanOrEqual(6);
  for (const [, key, value, prior] of cards) {
    const k = key as Key;
    expectCell(`${label} card ${k}`, value, k, expected.current, expected);
    if (expected.notInFeed.has(k)) expect(prior).toBe("Not in feed");
    else expectShown(`${label} card ${k} prior`, prior, KEYS[k].unit, expected.previous.values[k]);
  }

  const zipRows = [...page.matchAll(/<tr (?:class="total" )?data-zip="([^"]+)">(.*?)<\/tr>/g)];
  if (expected.byZip.length < 2) {
    expect(zipRows, `${label}: ZIP table for one ZIP`).toEqual([]);
    return;
  }
  expect(zipRows.map((r) => r[1]), `${label}: ZIP rows`).toEqual([...expected.byZip.map((z) => z.zip), "all"]);
  for (const [, zip, row] of zipRows) {
    const period = zip === "all" ? expected.current : expected.byZip.find((z) => z.zip === zip)!.current;
    const cells = [...row.matchAll(/<td data-metric="(\w+)">(.*?)<\/td>/g)];
    expect(cells.length).toBeGreaterThan(3);
    for (const [, key, value] of cells) expectCell(`${label} ZIP ${zip} ${key}`, value, key as Key, period, expected);
  }
}

// ---- the cases ----------------------------------------------------------------------------

const CASES = RUN_DAYS.flatMap((day) =>
  LOOKBACKS.flatMap((days) =>
    Object.entries(AREAS).flatMap(([areaName, area]) =>
      Object.entries(FILTERS)
        .filter(([filterName]) => filterName === "no filters" || FILTERED_AREAS.includes(areaName))
        .map(([filterName, filters]) => ({ name: `${day}, ${days} days, ${areaName}, ${filterName}`, day, days, area, filters })),
    ),
  ),
);

describe.each(ZONES)("rendered reports equal figures computed independently from the fixture feed, %s", (zone) => {
  it.each(CASES)("$name", async ({ day, days, area, filters }) => {
    const slot = slotOf(day, zone);
    const w = windowsFor(slot, days, zone);
    const expected = expectedFigures(FEED, area, filters, w, slot.getTime());
    for (const reportType of REPORT_TYPES) {
      const report = await makeMarketReport(
        {
          reportType,
          scheduleName: "Fixture check",
          city: area.city,
          zips: area.zips,
          filters: filters as never,
          lookbackDays: days,
          timezone: zone,
          slot,
          accountName: "Fixture Realty",
        },
        source,
        { now: slot },
      );
      checkPage(report.html, expected, w, area, `${zone} ${day} ${days}d ${reportType}`);
    }
  });
});

describe("the fixture itself", () => {
  it("is a few hundred trial-shaped records with every status, missing fields, ZIP+4 and upper-case cities", () => {
    expect(FEED.length).toBeGreaterThan(300);
    const statuses = new Set(FEED.map((r) => (r.mls as { status: string }).status));
    expect([...statuses].sort()).toEqual(["Active", "ActiveUnderContract", "Closed", "ComingSoon", "Delete", "Expired", "Hold", "Incomplete", "Pending", "Withdrawn"]);
    const postal = FEED.map((r) => (r.address as { postalCode: string | null }).postalCode);
    expect(postal.some((p) => typeof p === "string" && /^\d{5}-\d{4}$/.test(p))).toBe(true);
    expect(postal.some((p) => p === null)).toBe(true);
    expect(FEED.some((r) => (r.address as { city: string | null }).city === "HOUSTON")).toBe(true);
    expect(FEED.some((r) => r.listDate === null)).toBe(true);
    expect(FEED.length).toBeLessThan(2_000);
  });

  it("was fetched in pages, following the server's Link header", () => {
    expect(server.requests.some((r) => r.url.searchParams.has("lastId"))).toBe(true);
    expect(new Set(server.requests.map((r) => r.url.searchParams.get("limit")))).toEqual(new Set([String(PAGE_SIZE)]));
  });
});
