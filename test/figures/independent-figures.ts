import { DateTime } from "luxon";
import type { TrialRecord } from "./trial-feed.js";

/**
 * The report's figures worked out again from raw SimplyRETS records, by the definitions the
 * report's methodology and the README's "How the figures are computed" state, written from those
 * sentences and deliberately sharing no code with src/figures, src/time or src/listings. A report
 * whose rendered numbers disagree with this has a methodology that is not true of its code.
 */

export type Key =
  | "newListings"
  | "newPendings"
  | "closedSales"
  | "activeInventory"
  | "medianListPrice"
  | "averageListPrice"
  | "medianClosePrice"
  | "averageClosePrice"
  | "medianPricePerSqft"
  | "medianDaysOnMarket"
  | "saleToListRatio"
  | "saleToOriginalListRatio"
  | "shareClosedAboveList"
  | "monthsOfSupply"
  | "totalSalesVolume";

export type Unit = "count" | "currency" | "ratio" | "days" | "months";
/** Unit, and whether the figure is a statistic (flagged below 5 records) rather than a count or sum. */
export const KEYS: Readonly<Record<Key, { unit: Unit; statistic: boolean }>> = {
  newListings: { unit: "count", statistic: false },
  newPendings: { unit: "count", statistic: false },
  closedSales: { unit: "count", statistic: false },
  activeInventory: { unit: "count", statistic: false },
  medianListPrice: { unit: "currency", statistic: true },
  averageListPrice: { unit: "currency", statistic: true },
  medianClosePrice: { unit: "currency", statistic: true },
  averageClosePrice: { unit: "currency", statistic: true },
  medianPricePerSqft: { unit: "currency", statistic: true },
  medianDaysOnMarket: { unit: "days", statistic: true },
  saleToListRatio: { unit: "ratio", statistic: true },
  saleToOriginalListRatio: { unit: "ratio", statistic: true },
  shareClosedAboveList: { unit: "ratio", statistic: true },
  monthsOfSupply: { unit: "months", statistic: true },
  totalSalesVolume: { unit: "currency", statistic: false },
};

export interface Filters {
  property_types?: string[];
  min_price?: number;
  max_price?: number;
  min_beds?: number;
  min_baths?: number;
  min_sqft?: number;
  max_sqft?: number;
  min_year_built?: number;
  max_year_built?: number;
}

export interface Windows {
  zone: string;
  days: number;
  previousStart: number;
  start: number;
  end: number;
}

/** The period as the methodology states it: whole local days before the run's local day, and as many before those. */
export function windowsFor(slot: Date, days: number, zone: string): Windows {
  const end = DateTime.fromJSDate(slot, { zone }).startOf("day");
  const start = end.minus({ days });
  const previousStart = start.minus({ days });
  return { zone, days, previousStart: previousStart.toMillis(), start: start.toMillis(), end: end.toMillis() };
}

/** One record as the definitions read it; NaN / null where the feed has no usable value. */
interface Rec {
  id: number;
  status: string;
  type: string | null;
  city: string | null;
  zip: string | null;
  list: number;
  contract: number;
  close: number;
  listPrice: number | null;
  originalListPrice: number | null;
  closePrice: number | null;
  sqft: number | null;
  beds: number | null;
  baths: number | null;
  year: number | null;
}

const CODES: Record<string, string> = {
  residential: "RES",
  condominium: "CND",
  multifamily: "MLF",
  land: "LND",
  mobilehome: "MOB",
  farm: "FRM",
};
const CURRENT = ["Active", "ActiveUnderContract", "Pending", "Closed"];
const OFF_MARKET = ["Hold", "Withdrawn", "Expired"];
const UNDER_CONTRACT = ["ActiveUnderContract", "Pending"];
const DAY = 86_400_000;

const obj = (v: unknown): Record<string, unknown> => (typeof v === "object" && v !== null ? (v as Record<string, unknown>) : {});
const positive = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? v : null);
const count = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const time = (v: unknown) => (typeof v === "string" && v !== "" ? Date.parse(v) : NaN);

function read(raw: TrialRecord): Rec {
  const property = obj(raw.property);
  const sales = obj(raw.sales);
  const address = obj(raw.address);
  const postal = typeof address.postalCode === "string" ? address.postalCode.trim() : "";
  const plus4 = /^(\d{5})-?\d{4}$/.exec(postal);
  const full = count(property.bathsFull);
  return {
    id: Number(raw.mlsId),
    status: String(obj(raw.mls).status),
    type: typeof property.type === "string" ? property.type : null,
    city: typeof address.city === "string" ? address.city.trim().toLowerCase() : null,
    zip: postal === "" ? null : plus4 ? plus4[1] : postal,
    list: time(raw.listDate),
    contract: time(sales.contractDate),
    close: time(sales.closeDate),
    listPrice: positive(raw.listPrice),
    originalListPrice: positive(raw.originalListPrice),
    closePrice: positive(sales.closePrice),
    sqft: positive(property.area),
    beds: count(property.bedrooms),
    baths: count(property.bathrooms) ?? (full === null ? null : full + 0.5 * (count(property.bathsHalf) ?? 0) + 0.75 * (count(property.bathsThreeQuarter) ?? 0)),
    year: positive(property.yearBuilt),
  };
}

const inside = (value: number | null, min: number | undefined, max: number | undefined) =>
  (min === undefined && max === undefined) || (value !== null && (min === undefined || value >= min) && (max === undefined || value <= max));

export interface Area {
  city: string | null;
  zips: string[];
}

/**
 * The listings behind a report: requested (the area, the chosen property types, the four current
 * statuses whatever their list date, held/withdrawn/expired listed since the previous window's
 * start), meeting every filter on their own record, and not listed after the as-of time.
 */
function counted(feed: readonly TrialRecord[], area: Area, filters: Filters, w: Windows, now: number): Rec[] {
  if (area.city === null && area.zips.length === 0) return [];
  const types = (filters.property_types ?? ["residential", "condominium"]).map((t) => CODES[t]);
  return feed.map(read).filter(
    (r) =>
      (area.city === null || r.city === area.city.trim().toLowerCase()) &&
      (area.zips.length === 0 || (r.zip !== null && area.zips.includes(r.zip))) &&
      r.type !== null &&
      types.includes(r.type) &&
      (CURRENT.includes(r.status) || (OFF_MARKET.includes(r.status) && r.list >= w.previousStart)) &&
      inside(r.listPrice, filters.min_price, filters.max_price) &&
      inside(r.beds, filters.min_beds, undefined) &&
      inside(r.baths, filters.min_baths, undefined) &&
      inside(r.sqft, filters.min_sqft, filters.max_sqft) &&
      inside(r.year, filters.min_year_built, filters.max_year_built) &&
      !(r.list > now),
  );
}

export interface Period {
  values: Record<Key, number | null>;
  samples: Record<Key, number>;
  /** Listings counted as new, pending, sold or for sale in this window. */
  used: Set<number>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
const total = (values: number[]) => values.reduce((a, b) => a + b, 0);
const mean = (values: number[]) => (values.length === 0 ? null : total(values) / values.length);
const within = (t: number, from: number, to: number) => t >= from && t < to;

/** On the market at `at`: listed before it, and active, or under contract / sold only after it. */
function forSaleAt(r: Rec, at: number): boolean {
  if (!(r.list < at)) return false;
  if (r.status === "Active") return true;
  if (UNDER_CONTRACT.includes(r.status)) return r.contract >= at;
  if (r.status === "Closed") return (Number.isNaN(r.contract) ? r.close : r.contract) >= at;
  return false;
}

function period(recs: readonly Rec[], from: number, to: number, days: number): Period {
  const used = new Set<number>();
  const newListings = recs.filter((r) => within(r.list, from, to));
  const pendings = recs.filter((r) => (UNDER_CONTRACT.includes(r.status) || r.status === "Closed") && within(r.contract, from, to));
  const sales = recs.filter((r) => r.status === "Closed" && within(r.close, from, to));
  const forSale = recs.filter((r) => forSaleAt(r, to));
  for (const r of [...newListings, ...pendings, ...sales, ...forSale]) used.add(r.id);

  const listPrices = newListings.flatMap((r) => (r.listPrice === null ? [] : [r.listPrice]));
  // A close price is usable when known and between half and twice the list price (when that is known).
  const priced = sales.filter((r) => r.closePrice !== null && (r.listPrice === null || (r.closePrice >= r.listPrice / 2 && r.closePrice <= r.listPrice * 2)));
  const prices = priced.map((r) => r.closePrice!);
  const perSqft = priced.flatMap((r) => (r.sqft === null ? [] : [r.closePrice! / r.sqft]));
  const withList = priced.filter((r) => r.listPrice !== null);
  const toList = withList.map((r) => r.closePrice! / r.listPrice!);
  const toOriginal = priced.flatMap((r) => (r.originalListPrice === null ? [] : [r.closePrice! / r.originalListPrice]));
  const dom = sales.flatMap((r) => {
    const off = Number.isNaN(r.contract) ? r.close : r.contract;
    return Number.isNaN(r.list) || off < r.list ? [] : [Math.floor((off - r.list) / DAY)];
  });
  const monthsInPeriod = days / (365.2425 / 12);

  const values: Record<Key, number | null> = {
    newListings: newListings.length,
    newPendings: pendings.length,
    closedSales: sales.length,
    activeInventory: forSale.length,
    medianListPrice: median(listPrices),
    averageListPrice: mean(listPrices),
    medianClosePrice: median(prices),
    averageClosePrice: mean(prices),
    medianPricePerSqft: median(perSqft),
    medianDaysOnMarket: median(dom),
    saleToListRatio: median(toList),
    saleToOriginalListRatio: median(toOriginal),
    shareClosedAboveList: withList.length === 0 ? null : withList.filter((r) => r.closePrice! > r.listPrice!).length / withList.length,
    monthsOfSupply: sales.length === 0 ? null : forSale.length / (sales.length / monthsInPeriod),
    totalSalesVolume: total(prices),
  };
  const samples: Record<Key, number> = {
    newListings: newListings.length,
    newPendings: pendings.length,
    closedSales: sales.length,
    activeInventory: forSale.length,
    medianListPrice: listPrices.length,
    averageListPrice: listPrices.length,
    medianClosePrice: prices.length,
    averageClosePrice: prices.length,
    medianPricePerSqft: perSqft.length,
    medianDaysOnMarket: dom.length,
    saleToListRatio: toList.length,
    saleToOriginalListRatio: toOriginal.length,
    shareClosedAboveList: toList.length,
    monthsOfSupply: sales.length,
    totalSalesVolume: prices.length,
  };
  return { values, samples, used };
}

export interface Expected {
  current: Period;
  previous: Period;
  byZip: { zip: string; current: Period }[];
  /** Figures that read "Not in feed": no record in the report's windows carries the field they need. */
  notInFeed: Set<Key>;
  listingsUsed: number;
  noActivity: boolean;
}

/**
 * Whether a listing belongs in the report's two windows: listed, under contract or sold in them,
 * or on the market (active, or pending and not yet under contract before they began) during them.
 */
function inWindows(r: Rec, w: Windows): boolean {
  const inAny = (t: number) => within(t, w.previousStart, w.end);
  if (inAny(r.list) || inAny(r.contract) || inAny(r.close)) return true;
  const listedBeforeEnd = Number.isNaN(r.list) || r.list < w.end;
  if (r.status === "Active") return listedBeforeEnd;
  if (UNDER_CONTRACT.includes(r.status)) return listedBeforeEnd && (Number.isNaN(r.contract) || r.contract >= w.previousStart);
  if (r.status === "Closed") return listedBeforeEnd && (Number.isNaN(r.contract) ? r.close : r.contract) >= w.previousStart;
  return false;
}

export function expectedFigures(feed: readonly TrialRecord[], area: Area, filters: Filters, w: Windows, now: number): Expected {
  const recs = counted(feed, area, filters, w, now);
  const current = period(recs, w.start, w.end, w.days);
  const previous = period(recs, w.previousStart, w.start, w.days);
  const zips = area.zips.length > 0 ? area.zips : [...new Set(recs.flatMap((r) => (r.zip === null ? [] : [r.zip])))].sort();
  const byZip = zips.map((zip) => ({ zip, current: period(recs.filter((r) => r.zip === zip), w.start, w.end, w.days) }));

  const notInFeed = new Set<Key>();
  const underContract = recs.filter((r) => (UNDER_CONTRACT.includes(r.status) || r.status === "Closed") && inWindows(r, w));
  if (underContract.length > 0 && underContract.every((r) => Number.isNaN(r.contract))) notInFeed.add("newPendings");
  const pricedSales = current.samples.medianClosePrice + previous.samples.medianClosePrice;
  if (pricedSales > 0 && current.samples.medianPricePerSqft + previous.samples.medianPricePerSqft === 0) notInFeed.add("medianPricePerSqft");
  if (pricedSales > 0 && current.samples.saleToOriginalListRatio + previous.samples.saleToOriginalListRatio === 0) notInFeed.add("saleToOriginalListRatio");

  const c = current.values;
  return {
    current,
    previous,
    byZip,
    notInFeed,
    listingsUsed: new Set([...current.used, ...previous.used]).size,
    noActivity: c.newListings! + (notInFeed.has("newPendings") ? 0 : c.newPendings!) + c.closedSales! + c.activeInventory! === 0,
  };
}
