import { DateTime } from "luxon";
import { coversPropertyType, meetsFilters, NO_FILTERS, type ReportFilters } from "../listings/listing-filters.js";
import { sameCity, type Listing } from "../listings/listing.js";
import { isValidTimeZone } from "../time/next-run-at.js";
import type { ReportPeriod } from "../time/report-period.js";
import { EXCLUSION_RULES, type ExclusionRuleId } from "./exclusion-rules.js";
import { METRIC_KEYS, METRICS, MIN_CHANGE_SAMPLE, type MetricKey } from "./metrics.js";
import { mean, median, niceStep, quantileSorted, sum } from "./statistics.js";

export interface FigureOptions {
  /** The two windows, on the schedule's local calendar (src/time/report-period.ts). */
  period: ReportPeriod;
  /** The report's city; null or absent: any city (the ZIP codes name the area). */
  city?: string | null;
  /** The report's ZIP codes; empty means the whole area the listings came from. */
  zips: readonly string[];
  /** The schedule's filters, applied again to every record. */
  filters?: ReportFilters;
  /** The as-of time; listings whose list date is after it are treated as errors. */
  now: Date;
}

/** The figures for one window (the period, or the one before it). Null: no records to compute it from. */
export interface PeriodFigures {
  readonly start: string;
  readonly end: string;
  readonly newListings: number;
  /** Null when the feed carries no contract dates (see MarketFigures.missingFields). */
  readonly newPendings: number | null;
  readonly closedSales: number;
  readonly activeInventory: number;
  readonly medianListPrice: number | null;
  readonly averageListPrice: number | null;
  readonly medianClosePrice: number | null;
  readonly averageClosePrice: number | null;
  readonly medianPricePerSqft: number | null;
  readonly medianDaysOnMarket: number | null;
  /** Fractions: 0.985 is 98.5%. */
  readonly saleToListRatio: number | null;
  readonly saleToOriginalListRatio: number | null;
  readonly shareClosedAboveList: number | null;
  readonly monthsOfSupply: number | null;
  readonly totalSalesVolume: number;
  /** How many records each figure is computed from (for a count, the count itself). */
  readonly samples: Readonly<Record<MetricKey, number>>;
  /** Days-on-market values measured to the contract date, and to the close date (no contract date). */
  readonly daysOnMarketBasis: { readonly contract: number; readonly close: number };
}

export type Direction = "up" | "down" | "flat";

export interface MetricChange {
  /** Relative change in percent; null when not comparable (see smallSample) or the previous value is zero or unknown. */
  readonly changePct: number | null;
  /** For ratio figures, the change in percentage points; null otherwise. */
  readonly changePoints: number | null;
  readonly direction: Direction | null;
  /** Fewer than MIN_CHANGE_SAMPLE records behind the figure in one of the periods: no percent is given. */
  readonly smallSample: boolean;
}

export interface AreaFigures {
  readonly current: PeriodFigures;
  readonly previous: PeriodFigures;
  readonly changes: Readonly<Record<MetricKey, MetricChange>>;
}

export interface ZipFigures extends AreaFigures {
  readonly zip: string;
}

export interface PriceBucket {
  /** Null: open-ended ("under $X"). */
  readonly from: number | null;
  /** Exclusive; null: open-ended ("$X and up"). */
  readonly to: number | null;
  readonly count: number;
}

export interface ZipPrice {
  readonly zip: string;
  readonly medianClosePrice: number | null;
  readonly closedSales: number;
  /** Sales with a usable price: the median's sample. */
  readonly pricedSales: number;
  readonly medianListPrice: number | null;
}

export interface WeekActivity {
  /** The local date of the week's Monday, YYYY-MM-DD. */
  readonly weekOf: string;
  /** The part of that week inside the period (the first and last weeks may be partial). */
  readonly start: string;
  readonly end: string;
  readonly newListings: number;
  readonly newPendings: number;
  readonly closedSales: number;
}

export interface ExclusionCount {
  readonly rule: ExclusionRuleId;
  readonly description: string;
  /** Distinct listings in the report's two windows the rule applied to. */
  readonly count: number;
}

/** Record fields a figure needs that the feed may not carry at all. */
export const FEED_FIELDS = {
  contractDate: { label: "contract dates", metrics: ["newPendings"] },
  sqft: { label: "living areas", metrics: ["medianPricePerSqft"] },
  originalListPrice: { label: "original list prices", metrics: ["saleToOriginalListRatio"] },
} as const satisfies Record<string, { label: string; metrics: readonly MetricKey[] }>;
export type FeedField = keyof typeof FEED_FIELDS;

/** Everything a report shows, as plain JSON-safe data. */
export interface MarketFigures {
  readonly period: {
    readonly start: string;
    readonly end: string;
    readonly days: number;
    readonly firstDay: string;
    readonly lastDay: string;
  };
  readonly previousPeriod: { readonly start: string; readonly end: string; readonly firstDay: string; readonly lastDay: string };
  readonly timezone: string;
  readonly asOf: string;
  readonly zips: readonly string[];
  readonly filters: ReportFilters;
  /** Nothing listed, pending, sold or for sale in the period. */
  readonly noActivity: boolean;
  readonly area: AreaFigures;
  readonly byZip: readonly ZipFigures[];
  readonly charts: {
    readonly closePriceDistribution: readonly PriceBucket[];
    readonly medianPriceByZip: readonly ZipPrice[];
    readonly weeklyActivity: readonly WeekActivity[];
  };
  readonly exclusions: readonly ExclusionCount[];
  /**
   * Fields no record carries where a figure needs them (e.g. no pending or sold listing has a
   * contract date): those figures read "not in the feed", never 0.
   */
  readonly missingFields: readonly FeedField[];
  /** Listings behind at least one figure (counted in either window). */
  readonly listingsUsed: number;
  /** Listings the source returned. */
  readonly listingsReceived: number;
}

const DAY_MS = 86_400_000;
/** 365.2425 / 12: months of supply uses the average Gregorian month. */
const DAYS_PER_MONTH = 30.436875;
/** Within this much (percent, or points for ratios) a change reads as flat: it rounds to 0.0. */
const FLAT_THRESHOLD = 0.05;

/** One listing with the fields the figures read, dates as epoch ms (NaN when unknown or ignored). */
interface Prepared {
  readonly listing: Listing;
  readonly list: number;
  readonly contract: number;
  readonly close: number;
  readonly closePrice: number | null;
}

type Note = (rule: ExclusionRuleId, listing: Listing) => void;
const ignoreNote: Note = () => undefined;

/** What one pass over the listings saw, beyond the figures. */
interface Seen {
  readonly used: Set<string>;
  pricedSales: number;
  withSqft: number;
  withOriginalListPrice: number;
}

const newSeen = (): Seen => ({ used: new Set(), pricedSales: 0, withSqft: 0, withOriginalListPrice: 0 });

/**
 * Computes every figure for the period and the previous window (both from `options.period`), for
 * the whole area and per ZIP, plus the chart series. Never throws on bad records: they are handled
 * by EXCLUSION_RULES and counted. Throws only on bad options.
 */
export function computeMarketFigures(listings: readonly Listing[], options: FigureOptions): MarketFigures {
  assertOptions(options);
  const { period, now } = options;
  const filters = options.filters ?? NO_FILTERS;
  const previousStart = period.previousStart.getTime();
  const start = period.start.getTime();
  const end = period.end.getTime();
  const months = period.days / DAYS_PER_MONTH;

  // Rules are counted only for records in the report's windows: a feed's decade of old sales
  // would otherwise swamp the counts with records that could never have been in the report.
  const inWindows = new Set(listings.filter((l) => touchesWindows(l, previousStart, end)).map((l) => l.mlsId));
  const noted = new Map<ExclusionRuleId, Set<string>>();
  const note: Note = (rule, listing) => {
    if (!inWindows.has(listing.mlsId)) return;
    let ids = noted.get(rule);
    if (!ids) noted.set(rule, (ids = new Set()));
    ids.add(listing.mlsId);
  };

  const zipSet = new Set(options.zips);
  const prepared: Prepared[] = [];
  for (const listing of listings) {
    const p = prepare(listing, { city: options.city ?? null, zips: zipSet }, filters, now.getTime(), note);
    if (p !== null) prepared.push(p);
  }

  const seen = newSeen();
  const area = areaFigures(prepared, { previousStart, start, end, months }, note, seen);
  const underContract = prepared.filter((p) => (p.listing.status === "Pending" || p.listing.status === "Closed") && inWindows.has(p.listing.mlsId));
  const missingFields = missingFrom(seen, underContract);
  const zips = options.zips.length > 0 ? [...options.zips] : distinctZips(prepared);
  const byZipListings = new Map<string, Prepared[]>(zips.map((zip) => [zip, []]));
  for (const p of prepared) {
    if (p.listing.zip !== null) byZipListings.get(p.listing.zip)?.push(p);
  }
  const byZip = zips.map((zip) => ({
    zip,
    ...withoutMissing(areaFigures(byZipListings.get(zip)!, { previousStart, start, end, months }, ignoreNote, newSeen()), missingFields),
  }));
  const areaShown = withoutMissing(area, missingFields);

  const current = areaShown.current;
  return {
    period: { start: period.start.toISOString(), end: period.end.toISOString(), days: period.days, firstDay: period.firstDay, lastDay: period.lastDay },
    previousPeriod: {
      start: period.previousStart.toISOString(),
      end: period.start.toISOString(),
      firstDay: period.previousFirstDay,
      lastDay: period.previousLastDay,
    },
    timezone: period.timezone,
    asOf: now.toISOString(),
    zips,
    filters,
    noActivity: current.newListings + (current.newPendings ?? 0) + current.closedSales + current.activeInventory === 0,
    area: areaShown,
    byZip,
    charts: {
      closePriceDistribution: priceBuckets(usableClosePrices(prepared, start, end)),
      medianPriceByZip: byZip.map((z) => ({
        zip: z.zip,
        medianClosePrice: z.current.medianClosePrice,
        closedSales: z.current.closedSales,
        pricedSales: z.current.samples.medianClosePrice,
        medianListPrice: z.current.medianListPrice,
      })),
      weeklyActivity: weeklyActivity(prepared, start, end, period.timezone),
    },
    exclusions: EXCLUSION_RULES.map((rule) => ({
      rule: rule.id,
      description: rule.description,
      count: noted.get(rule.id)?.size ?? 0,
    })),
    missingFields,
    listingsUsed: seen.used.size,
    listingsReceived: listings.length,
  };
}

function assertOptions(options: FigureOptions): void {
  const problems: string[] = [];
  const valid = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());
  const p = options.period;
  if (!p || !valid(p.previousStart) || !valid(p.start) || !valid(p.end)) problems.push("period: must have valid previousStart, start and end dates");
  else if (!(p.previousStart < p.start && p.start < p.end)) problems.push("period: previousStart < start < end is required");
  else if (!Number.isInteger(p.days) || p.days < 1) problems.push("period.days: must be a whole number of days, at least 1");
  else if (!isValidTimeZone(p.timezone)) problems.push(`period.timezone: "${p.timezone}" is not an IANA time zone`);
  if (!valid(options.now)) problems.push("now: must be a valid date");
  if (problems.length > 0) throw new Error(`Invalid figure options: ${problems.join("; ")}`);
}

/**
 * Whether a record belongs in either window at all: listed, put under contract or closed in
 * them, or (for listings still on the market or sold) on the market at some point during them.
 */
function touchesWindows(listing: Listing, from: number, to: number): boolean {
  const t = (d: Date | null) => (d === null ? NaN : d.getTime());
  const list = t(listing.listDate);
  const contract = t(listing.contractDate);
  const close = t(listing.closeDate);
  const inside = (x: number) => x >= from && x < to;
  if (inside(list) || inside(contract) || inside(close)) return true;
  const listedBeforeEnd = Number.isNaN(list) || list < to;
  switch (listing.status) {
    case "Active":
      return listedBeforeEnd;
    case "Pending":
      return listedBeforeEnd && (Number.isNaN(contract) || contract >= from);
    case "Closed": {
      const offMarket = Number.isNaN(contract) ? close : contract;
      return listedBeforeEnd && offMarket >= from;
    }
    default:
      return false;
  }
}

/** Applies the record-level rules; null when the listing is left out entirely. */
function prepare(
  listing: Listing,
  area: { city: string | null; zips: ReadonlySet<string> },
  filters: ReportFilters,
  now: number,
  note: Note,
): Prepared | null {
  if (listing.status === "NotListed") {
    note("not_listed_status", listing);
    return null;
  }
  if (!coversPropertyType(listing, filters)) {
    note("property_type_not_covered", listing);
    return null;
  }
  if (!meetsFilters(listing, filters)) {
    note("outside_filters", listing);
    return null;
  }
  // The source was asked for the area; checked again so the methodology's "in the city and in
  // one of the ZIP codes" holds whatever a source's own matching does.
  const outsideCity = area.city !== null && !sameCity(listing.city, area.city);
  if (outsideCity || (area.zips.size > 0 && (listing.zip === null || !area.zips.has(listing.zip)))) {
    note("outside_area", listing);
    return null;
  }
  const list = listing.listDate?.getTime() ?? NaN;
  if (list > now) {
    note("listed_after_as_of", listing);
    return null;
  }
  if (listing.zip === null) note("missing_zip", listing);

  const closed = listing.status === "Closed";
  const underContract = closed || listing.status === "Pending";
  if (!closed && (listing.closeDate !== null || listing.closePrice !== null)) note("stale_sales_data", listing);
  else if (!underContract && listing.contractDate !== null) note("stale_sales_data", listing);
  return {
    listing,
    list,
    contract: underContract ? (listing.contractDate?.getTime() ?? NaN) : NaN,
    close: closed ? (listing.closeDate?.getTime() ?? NaN) : NaN,
    closePrice: closed ? listing.closePrice : null,
  };
}

interface Windows {
  previousStart: number;
  start: number;
  end: number;
  /** The period's length in average months. */
  months: number;
}

function areaFigures(prepared: readonly Prepared[], w: Windows, note: Note, seen: Seen): AreaFigures {
  const previous = periodFigures(prepared, w.previousStart, w.start, w.months, note, seen);
  const current = periodFigures(prepared, w.start, w.end, w.months, note, seen);
  return { current, previous, changes: changesBetween(current, previous) };
}

function changesBetween(current: PeriodFigures, previous: PeriodFigures): Record<MetricKey, MetricChange> {
  const changes = {} as Record<MetricKey, MetricChange>;
  for (const key of METRIC_KEYS) {
    const enough = current.samples[key] >= MIN_CHANGE_SAMPLE && previous.samples[key] >= MIN_CHANGE_SAMPLE;
    changes[key] = changeBetween(current[key], previous[key], METRICS[key].unit === "ratio", !enough);
  }
  return changes;
}

const inRange = (t: number, from: number, to: number) => t >= from && t < to;

/** A close price the price figures may use: known, and not under half or over twice the list price. */
function usableClosePrice(p: Prepared): number | null {
  const price = p.closePrice;
  const list = p.listing.listPrice;
  if (price === null) return null;
  if (list !== null && (price < list / 2 || price > list * 2)) return null;
  return price;
}

function periodFigures(prepared: readonly Prepared[], start: number, end: number, months: number, note: Note, seen: Seen): PeriodFigures {
  let newListings = 0;
  let newPendings = 0;
  let closedSales = 0;
  let activeInventory = 0;
  let aboveList = 0;
  const basis = { contract: 0, close: 0 };
  const listPrices: number[] = [];
  const closePrices: number[] = [];
  const pricesPerSqft: number[] = [];
  const daysOnMarket: number[] = [];
  const saleToList: number[] = [];
  const saleToOriginal: number[] = [];
  const use = (listing: Listing) => seen.used.add(listing.mlsId);

  for (const p of prepared) {
    const { listing } = p;
    const hasListDate = !Number.isNaN(p.list);
    if (!hasListDate) note("missing_list_date", listing);
    else if (inRange(p.list, start, end)) {
      newListings++;
      use(listing);
      if (listing.listPrice !== null) listPrices.push(listing.listPrice);
      else note("missing_list_price", listing);
    }

    if (listing.status === "Pending" || listing.status === "Closed") {
      if (Number.isNaN(p.contract)) note("missing_contract_date", listing);
      else if (inRange(p.contract, start, end)) {
        newPendings++;
        use(listing);
      }
    }

    if (listing.status === "Closed") {
      if (Number.isNaN(p.close)) note("closed_without_close_date", listing);
      else if (inRange(p.close, start, end)) {
        closedSales++;
        use(listing);
        const byContract = !Number.isNaN(p.contract);
        const offMarket = byContract ? p.contract : p.close;
        if (!hasListDate) note("missing_list_date", listing);
        else if (offMarket < p.list) note("close_before_list", listing);
        else {
          daysOnMarket.push(Math.floor((offMarket - p.list) / DAY_MS));
          basis[byContract ? "contract" : "close"]++;
        }

        const price = usableClosePrice(p);
        if (p.closePrice === null) note("missing_close_price", listing);
        else if (price === null) note("implausible_close_price", listing);
        else {
          closePrices.push(price);
          seen.pricedSales++;
          if (listing.sqft !== null) {
            pricesPerSqft.push(price / listing.sqft);
            seen.withSqft++;
          } else note("missing_sqft", listing);
          if (listing.listPrice !== null) {
            saleToList.push(price / listing.listPrice);
            if (price > listing.listPrice) aboveList++;
          } else note("missing_list_price", listing);
          if (listing.originalListPrice !== null) {
            saleToOriginal.push(price / listing.originalListPrice);
            seen.withOriginalListPrice++;
          } else note("missing_original_list_price", listing);
        }
      }
    }

    if (isActiveAt(p, end, note)) {
      activeInventory++;
      use(listing);
    }
  }

  return {
    start: new Date(start).toISOString(),
    end: new Date(end).toISOString(),
    newListings,
    newPendings,
    closedSales,
    activeInventory,
    medianListPrice: median(listPrices),
    averageListPrice: mean(listPrices),
    medianClosePrice: median(closePrices),
    averageClosePrice: mean(closePrices),
    medianPricePerSqft: median(pricesPerSqft),
    medianDaysOnMarket: median(daysOnMarket),
    saleToListRatio: median(saleToList),
    saleToOriginalListRatio: median(saleToOriginal),
    shareClosedAboveList: saleToList.length === 0 ? null : aboveList / saleToList.length,
    monthsOfSupply: closedSales === 0 ? null : activeInventory / (closedSales / months),
    totalSalesVolume: sum(closePrices),
    samples: {
      newListings,
      newPendings,
      closedSales,
      activeInventory,
      medianListPrice: listPrices.length,
      averageListPrice: listPrices.length,
      medianClosePrice: closePrices.length,
      averageClosePrice: closePrices.length,
      medianPricePerSqft: pricesPerSqft.length,
      medianDaysOnMarket: daysOnMarket.length,
      saleToListRatio: saleToList.length,
      saleToOriginalListRatio: saleToOriginal.length,
      shareClosedAboveList: saleToList.length,
      monthsOfSupply: closedSales,
      totalSalesVolume: closePrices.length,
    },
    daysOnMarketBasis: basis,
  };
}

/** On the market at instant `at`: listed before it and not under contract, sold or gone by then. */
function isActiveAt(p: Prepared, at: number, note: Note): boolean {
  if (Number.isNaN(p.list) || p.list >= at) return false;
  switch (p.listing.status) {
    case "Active":
      return true;
    case "Pending":
      return !Number.isNaN(p.contract) && p.contract >= at;
    case "Closed": {
      const offMarket = Number.isNaN(p.contract) ? p.close : p.contract;
      return !Number.isNaN(offMarket) && offMarket >= at;
    }
    default:
      note("off_market_status", p.listing);
      return false;
  }
}

/** A field is missing from the feed when records needed it and not one of them had it. */
function missingFrom(seen: Seen, underContract: readonly Prepared[]): FeedField[] {
  const missing: FeedField[] = [];
  if (underContract.length > 0 && underContract.every((p) => Number.isNaN(p.contract))) missing.push("contractDate");
  if (seen.pricedSales > 0 && seen.withSqft === 0) missing.push("sqft");
  if (seen.pricedSales > 0 && seen.withOriginalListPrice === 0) missing.push("originalListPrice");
  return missing;
}

/** The figures that need a field the feed lacks become null ("not in the feed"), never 0. */
function withoutMissing(figures: AreaFigures, missing: readonly FeedField[]): AreaFigures {
  if (!missing.includes("contractDate")) return figures;
  const blank = (f: PeriodFigures): PeriodFigures => ({ ...f, newPendings: null });
  const current = blank(figures.current);
  const previous = blank(figures.previous);
  return { current, previous, changes: { ...figures.changes, newPendings: { changePct: null, changePoints: null, direction: null, smallSample: false } } };
}

export function changeBetween(current: number | null, previous: number | null, isRatio: boolean, smallSample = false): MetricChange {
  if (current === null || previous === null) return { changePct: null, changePoints: null, direction: null, smallSample };
  if (smallSample) return { changePct: null, changePoints: null, direction: null, smallSample };
  const changePct = previous === 0 ? null : ((current - previous) / Math.abs(previous)) * 100;
  const changePoints = isRatio ? (current - previous) * 100 : null;
  const measure = isRatio ? changePoints! : changePct;
  let direction: Direction;
  if (measure === null) direction = current > 0 ? "up" : current < 0 ? "down" : "flat";
  else direction = Math.abs(measure) < FLAT_THRESHOLD ? "flat" : measure > 0 ? "up" : "down";
  return { changePct, changePoints, direction, smallSample };
}

function distinctZips(prepared: readonly Prepared[]): string[] {
  const zips = new Set<string>();
  for (const p of prepared) if (p.listing.zip !== null) zips.add(p.listing.zip);
  return [...zips].sort();
}

/** The close prices that feed the price figures (same rules as periodFigures), ascending. */
function usableClosePrices(prepared: readonly Prepared[], start: number, end: number): number[] {
  const prices: number[] = [];
  for (const p of prepared) {
    const price = usableClosePrice(p);
    if (price !== null && inRange(p.close, start, end)) prices.push(price);
  }
  return prices.sort((a, b) => a - b);
}

/**
 * Histogram buckets of a readable width (1, 2, 2.5 or 5 × 10^k) spanning the 5th to 95th
 * percentile in at most ten steps; sales beyond go into open-ended first and last buckets so one
 * mansion doesn't flatten the chart.
 */
export function priceBuckets(sortedPrices: readonly number[]): PriceBucket[] {
  if (sortedPrices.length === 0) return [];
  const low = quantileSorted(sortedPrices, 0.05);
  const high = quantileSorted(sortedPrices, 0.95);
  const step = niceStep(Math.max(high - low, low * 0.25, 1) / 10);
  const first = Math.floor(low / step) * step;
  let last = Math.ceil(high / step) * step;
  if (last <= first) last = first + step;
  const count = Math.round((last - first) / step);
  const counts = new Array<number>(count).fill(0);
  for (const price of sortedPrices) {
    const index = Math.min(count - 1, Math.max(0, Math.floor((price - first) / step)));
    counts[index]++;
  }
  const min = sortedPrices[0];
  const max = sortedPrices[sortedPrices.length - 1];
  return counts.map((n, i) => ({
    from: i === 0 && min < first ? null : first + i * step,
    to: i === count - 1 && max >= last ? null : first + (i + 1) * step,
    count: n,
  }));
}

/** New listings, pendings and closings per local Monday-to-Sunday week, clipped to the period. */
function weeklyActivity(prepared: readonly Prepared[], start: number, end: number, timezone: string): WeekActivity[] {
  const starts: number[] = [];
  const labels: string[] = [];
  let week = DateTime.fromMillis(start, { zone: timezone }).startOf("week");
  while (week.toMillis() < end) {
    starts.push(Math.max(week.toMillis(), start));
    labels.push(week.toISODate()!);
    week = week.plus({ weeks: 1 });
  }
  const rows = starts.map((s, i) => ({
    weekOf: labels[i],
    start: new Date(s).toISOString(),
    end: new Date(i + 1 < starts.length ? starts[i + 1] : end).toISOString(),
    newListings: 0,
    newPendings: 0,
    closedSales: 0,
  }));
  const bucket = (t: number): number => {
    if (!(t >= start && t < end)) return -1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (const p of prepared) {
    const listed = bucket(p.list);
    if (listed >= 0) rows[listed].newListings++;
    const contracted = bucket(p.contract);
    if (contracted >= 0) rows[contracted].newPendings++;
    const closed = bucket(p.close);
    if (closed >= 0) rows[closed].closedSales++;
  }
  return rows;
}
