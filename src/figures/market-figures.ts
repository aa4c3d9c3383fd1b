import { DateTime, IANAZone } from "luxon";
import type { Listing } from "../listings/listing.js";
import { EXCLUSION_RULES, type ExclusionRuleId } from "./exclusion-rules.js";
import { METRIC_KEYS, METRICS, type MetricKey } from "./metrics.js";
import { mean, median, niceStep, quantileSorted, sum } from "./statistics.js";

export interface FigureOptions {
  /** Inclusive start of the report's period. */
  periodStart: Date;
  /** Exclusive end of the report's period. */
  periodEnd: Date;
  /** The report's ZIP codes; empty means the whole area the listings came from. */
  zips: readonly string[];
  /** The schedule's IANA time zone: weeks in the charts are its local Monday-to-Sunday weeks. */
  timezone: string;
  /** The as-of time; listings dated after it are treated as errors. */
  now: Date;
}

/** The figures for one window (the period, or the one before it). */
export interface PeriodFigures {
  readonly start: string;
  readonly end: string;
  readonly newListings: number;
  readonly newPendings: number;
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
  /** How many listings each price/pace figure is based on. */
  readonly sampleSizes: {
    readonly listPrice: number;
    readonly closePrice: number;
    readonly pricePerSqft: number;
    readonly daysOnMarket: number;
    readonly saleToList: number;
    readonly saleToOriginalList: number;
  };
}

export type Direction = "up" | "down" | "flat";

export interface MetricChange {
  /** Relative change in percent; null when the previous value is zero or either is unknown. */
  readonly changePct: number | null;
  /** For ratio figures, the change in percentage points; null otherwise. */
  readonly changePoints: number | null;
  readonly direction: Direction | null;
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
  /** Distinct listings the rule applied to anywhere in the computation. */
  readonly count: number;
}

/** Everything a report shows, as plain JSON-safe data. */
export interface MarketFigures {
  readonly period: { readonly start: string; readonly end: string; readonly days: number };
  readonly previousPeriod: { readonly start: string; readonly end: string };
  readonly timezone: string;
  readonly asOf: string;
  readonly zips: readonly string[];
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
  /** Listings left after the area and type filters. */
  readonly listingsConsidered: number;
}

const DAY_MS = 86_400_000;
/** 365.2425 / 12: months of supply uses the average Gregorian month. */
const DAYS_PER_MONTH = 30.436875;
const NON_SALE_TYPES = new Set(["RNT", "CLE", "CRE"]);
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

/**
 * Computes every figure for the period [periodStart, periodEnd) and the window of the same length
 * before it, for the whole area and per ZIP, plus the chart series. Never throws on bad records:
 * they are handled by EXCLUSION_RULES and counted. Throws only on bad options.
 */
export function computeMarketFigures(listings: readonly Listing[], options: FigureOptions): MarketFigures {
  const { periodStart, periodEnd, timezone, now } = options;
  assertOptions(options);
  const start = periodStart.getTime();
  const end = periodEnd.getTime();
  const length = end - start;
  const previousStart = start - length;

  const noted = new Map<ExclusionRuleId, Set<string>>();
  const note: Note = (rule, listing) => {
    let ids = noted.get(rule);
    if (!ids) noted.set(rule, (ids = new Set()));
    ids.add(listing.mlsId);
  };

  const zipSet = new Set(options.zips);
  const prepared: Prepared[] = [];
  for (const listing of listings) {
    const p = prepare(listing, zipSet, now.getTime(), note);
    if (p !== null) prepared.push(p);
  }

  const zips = options.zips.length > 0 ? [...options.zips] : distinctZips(prepared);
  const area = areaFigures(prepared, previousStart, start, end, note);
  const byZipListings = new Map<string, Prepared[]>(zips.map((zip) => [zip, []]));
  for (const p of prepared) {
    if (p.listing.zip !== null) byZipListings.get(p.listing.zip)?.push(p);
  }
  const byZip = zips.map((zip) => ({ zip, ...areaFigures(byZipListings.get(zip)!, previousStart, start, end, ignoreNote) }));

  const current = area.current;
  return {
    period: { start: periodStart.toISOString(), end: periodEnd.toISOString(), days: Math.round(length / DAY_MS) },
    previousPeriod: { start: new Date(previousStart).toISOString(), end: periodStart.toISOString() },
    timezone,
    asOf: now.toISOString(),
    zips,
    noActivity: current.newListings + current.newPendings + current.closedSales + current.activeInventory === 0,
    area,
    byZip,
    charts: {
      closePriceDistribution: priceBuckets(validClosePrices(prepared, start, end)),
      medianPriceByZip: byZip.map((z) => ({
        zip: z.zip,
        medianClosePrice: z.current.medianClosePrice,
        closedSales: z.current.closedSales,
        medianListPrice: z.current.medianListPrice,
      })),
      weeklyActivity: weeklyActivity(prepared, start, end, timezone),
    },
    exclusions: EXCLUSION_RULES.map((rule) => ({
      rule: rule.id,
      description: rule.description,
      count: noted.get(rule.id)?.size ?? 0,
    })),
    listingsConsidered: prepared.length,
  };
}

function assertOptions(options: FigureOptions): void {
  const problems: string[] = [];
  const valid = (d: unknown) => d instanceof Date && !Number.isNaN(d.getTime());
  if (!valid(options.periodStart)) problems.push("periodStart: must be a valid date");
  if (!valid(options.periodEnd)) problems.push("periodEnd: must be a valid date");
  if (valid(options.periodStart) && valid(options.periodEnd) && options.periodStart >= options.periodEnd) {
    problems.push("periodStart: must be before periodEnd");
  }
  if (!valid(options.now)) problems.push("now: must be a valid date");
  if (!IANAZone.isValidZone(options.timezone)) problems.push(`timezone: "${options.timezone}" is not an IANA time zone`);
  if (problems.length > 0) throw new Error(`Invalid figure options: ${problems.join("; ")}`);
}

/** Applies the record-level rules; null when the listing is left out entirely. */
function prepare(listing: Listing, zipSet: ReadonlySet<string>, now: number, note: Note): Prepared | null {
  if (listing.propertyType !== null && NON_SALE_TYPES.has(listing.propertyType.toUpperCase())) {
    note("non_sale_property_type", listing);
    return null;
  }
  if (zipSet.size > 0 && (listing.zip === null || !zipSet.has(listing.zip))) {
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

function areaFigures(prepared: readonly Prepared[], previousStart: number, start: number, end: number, note: Note): AreaFigures {
  const previous = periodFigures(prepared, previousStart, start, note);
  const current = periodFigures(prepared, start, end, note);
  const changes = {} as Record<MetricKey, MetricChange>;
  for (const key of METRIC_KEYS) {
    changes[key] = changeBetween(current[key], previous[key], METRICS[key].unit === "ratio");
  }
  return { current, previous, changes };
}

function periodFigures(prepared: readonly Prepared[], start: number, end: number, note: Note): PeriodFigures {
  let newListings = 0;
  let newPendings = 0;
  let closedSales = 0;
  let activeInventory = 0;
  let aboveList = 0;
  const listPrices: number[] = [];
  const closePrices: number[] = [];
  const pricesPerSqft: number[] = [];
  const daysOnMarket: number[] = [];
  const saleToList: number[] = [];
  const saleToOriginal: number[] = [];

  for (const p of prepared) {
    const { listing } = p;
    const hasListDate = !Number.isNaN(p.list);
    if (!hasListDate) note("missing_list_date", listing);
    else if (p.list >= start && p.list < end) {
      newListings++;
      if (listing.listPrice !== null) listPrices.push(listing.listPrice);
      else note("missing_list_price", listing);
    }

    if (listing.status === "Pending" || listing.status === "Closed") {
      if (Number.isNaN(p.contract)) note("missing_contract_date", listing);
      else if (p.contract >= start && p.contract < end) newPendings++;
    }

    if (listing.status === "Closed") {
      if (Number.isNaN(p.close)) note("closed_without_close_date", listing);
      else if (p.close >= start && p.close < end) {
        closedSales++;
        const offMarket = Number.isNaN(p.contract) ? p.close : p.contract;
        if (!hasListDate) note("missing_list_date", listing);
        else if (offMarket < p.list) note("close_before_list", listing);
        else daysOnMarket.push(Math.floor((offMarket - p.list) / DAY_MS));

        const price = p.closePrice;
        if (price === null) note("missing_close_price", listing);
        else if (listing.listPrice !== null && (price < listing.listPrice / 2 || price > listing.listPrice * 2)) {
          note("implausible_close_price", listing);
        } else {
          closePrices.push(price);
          if (listing.sqft !== null) pricesPerSqft.push(price / listing.sqft);
          else note("missing_sqft", listing);
          if (listing.listPrice !== null) {
            saleToList.push(price / listing.listPrice);
            if (price > listing.listPrice) aboveList++;
          } else note("missing_list_price", listing);
          if (listing.originalListPrice !== null) saleToOriginal.push(price / listing.originalListPrice);
          else note("missing_original_list_price", listing);
        }
      }
    }

    if (isActiveAt(p, end, note)) activeInventory++;
  }

  const months = (end - start) / DAY_MS / DAYS_PER_MONTH;
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
    sampleSizes: {
      listPrice: listPrices.length,
      closePrice: closePrices.length,
      pricePerSqft: pricesPerSqft.length,
      daysOnMarket: daysOnMarket.length,
      saleToList: saleToList.length,
      saleToOriginalList: saleToOriginal.length,
    },
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

export function changeBetween(current: number | null, previous: number | null, isRatio: boolean): MetricChange {
  if (current === null || previous === null) return { changePct: null, changePoints: null, direction: null };
  const changePct = previous === 0 ? null : ((current - previous) / Math.abs(previous)) * 100;
  const changePoints = isRatio ? (current - previous) * 100 : null;
  const measure = isRatio ? changePoints! : changePct;
  let direction: Direction;
  if (measure === null) direction = current > 0 ? "up" : current < 0 ? "down" : "flat";
  else direction = Math.abs(measure) < FLAT_THRESHOLD ? "flat" : measure > 0 ? "up" : "down";
  return { changePct, changePoints, direction };
}

function distinctZips(prepared: readonly Prepared[]): string[] {
  const zips = new Set<string>();
  for (const p of prepared) if (p.listing.zip !== null) zips.add(p.listing.zip);
  return [...zips].sort();
}

/** The close prices that feed the price figures (same rules as periodFigures), ascending. */
function validClosePrices(prepared: readonly Prepared[], start: number, end: number): number[] {
  const prices: number[] = [];
  for (const p of prepared) {
    if (p.closePrice === null || !(p.close >= start && p.close < end)) continue;
    const list = p.listing.listPrice;
    if (list !== null && (p.closePrice < list / 2 || p.closePrice > list * 2)) continue;
    prices.push(p.closePrice);
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
