import { LRUCache } from "lru-cache";
import { assertValidListingQuery, formatFetchBound, namesAnArea, sameCity, type Listing, type ListingQuery, type ListingSource } from "./listing.js";
import { coversPropertyType, meetsFilters } from "./listing-filters.js";
import { seededRandom } from "./seeded-random.js";

/**
 * A built-in, deterministic market so `npm start` produces real-looking reports without
 * credentials. Every listing is a pure function of (ZIP, list day, index): the generator walks the
 * days that can matter for the query, seeds a PRNG per ZIP and day, and derives each listing's
 * whole life (list, price cut, contract, close or withdrawal). The status returned is the one in
 * force at the query's end, so any window yields the same listings every time.
 *
 * Prices, sizes, volumes and speed are plausible for each ZIP (2024-25 levels), with spring
 * seasonality and gentle appreciation. A small share of records is messy on purpose, like real
 * feeds: missing living area, unknown original list price, close date before list date, active
 * listings carrying an old sale, missing contract dates, an obvious close-price typo.
 */

export interface SampleZip {
  readonly zip: string;
  readonly neighborhood: string;
  readonly medianPrice: number;
  readonly medianSqft: number;
  /** New listings in an average month. */
  readonly monthlyListings: number;
  /** Median days from list to contract. */
  readonly medianDom: number;
  /** Mean close ÷ list price. */
  readonly saleToList: number;
  /** Share of condos/townhomes among listings. */
  readonly condoShare: number;
}

export interface SampleMetro {
  readonly city: string;
  readonly state: string;
  /** Standard-time UTC offset, to put list times in local business hours. */
  readonly utcOffsetHours: number;
  readonly zips: readonly SampleZip[];
}

const z = (
  zip: string,
  neighborhood: string,
  medianPrice: number,
  medianSqft: number,
  monthlyListings: number,
  medianDom: number,
  saleToList: number,
  condoShare: number,
): SampleZip => ({ zip, neighborhood, medianPrice, medianSqft, monthlyListings, medianDom, saleToList, condoShare });

export const SAMPLE_METROS: readonly SampleMetro[] = [
  {
    city: "San Diego",
    state: "CA",
    utcOffsetHours: -8,
    zips: [
      z("92101", "Downtown", 640_000, 1_050, 58, 34, 0.975, 0.92),
      z("92103", "Hillcrest / Mission Hills", 1_050_000, 1_450, 30, 22, 0.99, 0.45),
      z("92104", "North Park", 905_000, 1_250, 34, 18, 1.005, 0.35),
      z("92107", "Ocean Beach / Point Loma", 1_475_000, 1_500, 18, 20, 0.995, 0.2),
      z("92109", "Pacific Beach / Mission Beach", 1_350_000, 1_400, 36, 24, 0.985, 0.5),
      z("92115", "College Area", 815_000, 1_380, 32, 16, 1.01, 0.25),
      z("92116", "Normal Heights / Kensington", 960_000, 1_300, 24, 17, 1.01, 0.3),
      z("92117", "Clairemont", 1_020_000, 1_450, 33, 12, 1.025, 0.2),
      z("92122", "University City", 960_000, 1_350, 26, 15, 1.015, 0.55),
      z("92037", "La Jolla", 2_650_000, 2_400, 42, 38, 0.965, 0.4),
    ],
  },
  {
    city: "Houston",
    state: "TX",
    utcOffsetHours: -6,
    zips: [
      z("77002", "Downtown", 295_000, 1_150, 12, 62, 0.955, 0.9),
      z("77004", "Museum District / Third Ward", 415_000, 1_850, 38, 48, 0.965, 0.35),
      z("77005", "West University Place", 1_425_000, 3_300, 24, 34, 0.97, 0.05),
      z("77006", "Montrose", 560_000, 1_900, 30, 42, 0.965, 0.45),
      z("77007", "Washington Ave / Rice Military", 535_000, 2_150, 62, 36, 0.975, 0.4),
      z("77008", "The Heights", 615_000, 2_100, 48, 30, 0.98, 0.2),
      z("77019", "River Oaks / Upper Kirby", 780_000, 2_500, 40, 45, 0.96, 0.45),
      z("77024", "Memorial", 1_150_000, 3_500, 44, 38, 0.965, 0.15),
      z("77056", "Galleria / Tanglewood", 640_000, 2_600, 36, 52, 0.955, 0.6),
      z("77096", "Meyerland", 485_000, 2_350, 26, 32, 0.975, 0.1),
      z("77098", "Upper Kirby / Greenway", 630_000, 2_200, 22, 44, 0.965, 0.55),
    ],
  },
  {
    city: "Austin",
    state: "TX",
    utcOffsetHours: -6,
    zips: [
      z("78701", "Downtown", 650_000, 1_100, 34, 70, 0.95, 0.97),
      z("78702", "East Austin", 620_000, 1_500, 36, 48, 0.96, 0.3),
      z("78703", "Tarrytown / Clarksville", 1_450_000, 2_600, 22, 40, 0.96, 0.15),
      z("78704", "South Congress / Zilker", 850_000, 1_700, 52, 45, 0.965, 0.35),
      z("78745", "South Austin", 470_000, 1_550, 48, 40, 0.97, 0.1),
      z("78751", "Hyde Park", 700_000, 1_500, 16, 35, 0.97, 0.3),
    ],
  },
];

const DAY_MS = 86_400_000;
/** A listing's market life never exceeds this (150 days to contract + 45 days of escrow). */
const MAX_LIFE_DAYS = 200;
/** Relative new-listing volume by month, January first: a spring peak, a holiday trough. */
const SEASONAL_VOLUME = [0.72, 0.86, 1.06, 1.18, 1.22, 1.2, 1.1, 1.04, 0.97, 0.92, 0.78, 0.62];
const APPRECIATION_PER_YEAR = 0.035;
const PRICE_REFERENCE_DAY = Date.UTC(2025, 0, 1) / DAY_MS;
const STREETS = ["Maple", "Juniper", "Laurel", "Cedar", "Sycamore", "Walnut", "Palm", "Willow", "Magnolia", "Oak", "Harbor", "Vista", "Grove", "Ridge"];
const SUFFIXES = ["St", "Ave", "Dr", "Way", "Ct", "Pl", "Ln", "Blvd"];

export function createSampleMarketSource(): ListingSource {
  return {
    name: "sample-market",
    async fetchListings(query, signal) {
      signal?.throwIfAborted();
      return sampleListings(query);
    },
    describeFetch: (query, timezone) =>
      `Generated for the area and filters: every synthetic listing listed since ${formatFetchBound(query.from, timezone)}, still for sale or under contract, or sold or taken off the market since then.`,
  };
}

/**
 * The sample market's listings for a query, as of `query.to`, narrowed by the query's filters with
 * the same rules the figures apply. Unknown city or ZIPs, or no area → [].
 */
export function sampleListings(query: ListingQuery): Listing[] {
  assertValidListingQuery(query);
  if (!namesAnArea(query)) return [];
  const from = query.from.getTime();
  const to = query.to.getTime();
  const firstDay = Math.floor(from / DAY_MS) - MAX_LIFE_DAYS;
  const lastDay = Math.floor(to / DAY_MS);
  const out: Listing[] = [];
  for (const { metro, zip } of zipsFor(query)) {
    for (let day = firstDay; day <= lastDay; day++) {
      for (const life of livesListedOn(metro, zip, day)) {
        const listing = asOf(life, to);
        if (listing !== null && isRelevant(life, listing, from) && coversPropertyType(listing, query.filters) && meetsFilters(listing, query.filters)) {
          out.push(listing);
        }
      }
    }
  }
  return out;
}

/**
 * Lives already generated, by ZIP and list day. A query walks some 230 days per ZIP and generating
 * them is most of a report's data cost; they never change, and reports of one area share them.
 * About a year of every sample ZIP fits.
 */
const livesCache = new LRUCache<string, readonly ListingLife[]>({ max: 12_000 });

function livesListedOn(metro: SampleMetro, zip: SampleZip, day: number): readonly ListingLife[] {
  const key = `${zip.zip}:${day}`;
  const cached = livesCache.get(key);
  if (cached) return cached;
  const rng = seededRandom(`sample-market:${zip.zip}:${day}`);
  const month = new Date(day * DAY_MS).getUTCMonth();
  const count = rng.poisson((zip.monthlyListings * SEASONAL_VOLUME[month]) / 30.44);
  const lives: ListingLife[] = [];
  for (let index = 0; index < count; index++) lives.push(lifeOf(metro, zip, day, index));
  livesCache.set(key, lives);
  return lives;
}

function zipsFor(query: ListingQuery): { metro: SampleMetro; zip: SampleZip }[] {
  const wanted = new Set(query.zips);
  const result: { metro: SampleMetro; zip: SampleZip }[] = [];
  for (const metro of SAMPLE_METROS) {
    if (query.city !== null && !sameCity(metro.city, query.city)) continue;
    for (const zip of metro.zips) {
      if (wanted.size === 0 || wanted.has(zip.zip)) result.push({ metro, zip });
    }
  }
  return result;
}

/** Everything that will ever happen to one listing, independent of any query. */
interface ListingLife {
  readonly mlsId: string;
  readonly metro: SampleMetro;
  readonly zip: SampleZip;
  readonly listDate: number;
  readonly originalListPrice: number;
  readonly reducedPrice: number | null;
  readonly reductionDate: number | null;
  readonly outcome: "sold" | "withdrawn" | "expired";
  /** Contract date for sales, off-market date otherwise. */
  readonly endDate: number;
  readonly closeDate: number | null;
  readonly closePrice: number | null;
  readonly sqft: number;
  readonly bedrooms: number;
  readonly bathrooms: number;
  readonly yearBuilt: number;
  /** The feed's abbreviated property type: RES, CND or MLF. */
  readonly type: string;
  readonly condo: boolean;
  readonly address: string;
  readonly mess: {
    readonly noSqft: boolean;
    readonly noOriginalPrice: boolean;
    readonly closeBeforeList: number | null;
    readonly staleSale: { price: number; date: number } | null;
    readonly noDom: boolean;
    readonly noContractDate: boolean;
    readonly priceTypo: boolean;
  };
}

function lifeOf(metro: SampleMetro, zip: SampleZip, day: number, index: number): ListingLife {
  // One PRNG per listing, and every value drawn in a fixed order whatever the outcome, so adding
  // a field later can't reshuffle the rest.
  const rng = seededRandom(`sample-listing:${zip.zip}:${day}:${index}`);
  const localHour = 8 + rng.next() * 11;
  const listDate = (day * DAY_MS) + (localHour - metro.utcOffsetHours) * 3_600_000;

  const condo = rng.next() < zip.condoShare;
  const sqftMedian = condo ? zip.medianSqft * 0.78 : zip.medianSqft * 1.08;
  const sqft = Math.max(380, Math.round(rng.logNormal(sqftMedian, 0.3) / 10) * 10);
  const ppsfMedian = zip.medianPrice / zip.medianSqft;
  // Bigger homes sell for less per square foot.
  const ppsf = rng.logNormal(ppsfMedian, 0.13) * Math.pow(sqft / zip.medianSqft, -0.22);
  const month = new Date(day * DAY_MS).getUTCMonth();
  const seasonalPrice = 1 + 0.018 * Math.sin((2 * Math.PI * (month - 1)) / 12);
  const trend = Math.pow(1 + APPRECIATION_PER_YEAR, (day - PRICE_REFERENCE_DAY) / 365);
  const originalListPrice = askingPrice(sqft * ppsf * seasonalPrice * trend);

  const outcomeDraw = rng.next();
  const outcome = outcomeDraw < 0.07 ? "withdrawn" : outcomeDraw < 0.12 ? "expired" : "sold";
  const domDays = Math.min(150, Math.max(1, Math.round(rng.logNormal(zip.medianDom, 0.75))));
  const offMarketDays = outcome === "withdrawn" ? rng.int(10, 90) : rng.int(90, 180);
  const escrowDays = rng.int(21, 45);
  const reductionDraw = rng.next();
  const reductionPct = 0.02 + rng.next() * 0.05;
  const ratio = zip.saleToList + rng.normal() * 0.025;
  const eventHour = 9 + rng.next() * 9;

  const activeDays = outcome === "sold" ? domDays : offMarketDays;
  const reduced = activeDays > 28 && reductionDraw < 0.6;
  const reductionDate = reduced ? listDate + Math.round(Math.min(activeDays * 0.6, 35)) * DAY_MS : null;
  const reducedPrice = reduced ? askingPrice(originalListPrice * (1 - reductionPct)) : null;
  const endDate = startOfLocalDay(listDate + activeDays * DAY_MS, metro) + eventHour * 3_600_000;
  const closeDate = outcome === "sold" ? endDate + escrowDays * DAY_MS : null;
  const closePrice = outcome === "sold" ? Math.round(((reducedPrice ?? originalListPrice) * ratio) / 500) * 500 : null;

  const messA = rng.next();
  const messB = rng.next();
  const messC = rng.next();
  const staleYear = rng.int(2009, 2019);
  const staleRatio = 0.45 + rng.next() * 0.25;
  const street = `${rng.int(100, 9899)} ${STREETS[rng.int(0, STREETS.length - 1)]} ${SUFFIXES[rng.int(0, SUFFIXES.length - 1)]}`;
  const unit = condo ? ` #${rng.int(1, 40) * (rng.next() < 0.5 ? 1 : 100)}` : "";
  // Drawn last so that adding them left every earlier value as it was.
  const bathsDraw = rng.next();
  const yearBuilt = rng.int(condo ? 1965 : 1925, 2024);
  const multifamily = !condo && rng.next() < 0.04;
  const bedrooms = Math.min(6, Math.max(condo ? 0 : 1, Math.round(sqft / 560)));

  return {
    mlsId: `${zip.zip}-${day}-${index}`,
    metro,
    zip,
    listDate,
    originalListPrice,
    reducedPrice,
    reductionDate,
    outcome,
    endDate,
    closeDate,
    closePrice,
    sqft,
    bedrooms,
    bathrooms: Math.max(1, Math.round((bedrooms * 0.75 + bathsDraw * 1.2) * 2) / 2),
    yearBuilt,
    type: condo ? "CND" : multifamily ? "MLF" : "RES",
    condo,
    address: street + unit,
    mess: {
      noSqft: messA < 0.03,
      noOriginalPrice: messA >= 0.03 && messA < 0.18,
      closeBeforeList: messB < 0.012 && outcome === "sold" ? listDate - (3 + Math.floor(messC * 40)) * DAY_MS : null,
      staleSale:
        messB >= 0.012 && messB < 0.05
          ? { price: Math.round((originalListPrice * staleRatio) / 1000) * 1000, date: Date.UTC(staleYear, Math.floor(messC * 12), 15) }
          : null,
      noDom: messC < 0.02,
      noContractDate: messB >= 0.05 && messB < 0.065,
      priceTypo: messB >= 0.065 && messB < 0.07,
    },
  };
}

/** The listing as a feed would show it at instant `at`; null when not yet listed. */
function asOf(life: ListingLife, at: number): Listing | null {
  if (life.listDate > at) return null;
  const listPrice = life.reductionDate !== null && life.reductionDate <= at ? life.reducedPrice! : life.originalListPrice;
  let status: Listing["status"] = "Active";
  let rawStatus = "Active";
  if (life.outcome === "sold" && life.closeDate! <= at) {
    status = "Closed";
    rawStatus = "Closed";
  } else if (life.outcome === "sold" && life.endDate <= at) {
    status = "Pending";
    rawStatus = "Pending";
  } else if (life.outcome !== "sold" && life.endDate <= at) {
    status = "Other";
    rawStatus = life.outcome === "withdrawn" ? "Withdrawn" : "Expired";
  }

  const { mess } = life;
  const underContract = status === "Pending" || status === "Closed";
  let closeDate = status === "Closed" ? life.closeDate : null;
  let closePrice = status === "Closed" ? life.closePrice : null;
  if (status === "Closed" && mess.closeBeforeList !== null) closeDate = mess.closeBeforeList;
  if (status === "Closed" && mess.priceTypo && closePrice !== null) closePrice = Math.round(closePrice / 1000);
  if (status === "Active" && mess.staleSale !== null) {
    closeDate = mess.staleSale.date;
    closePrice = mess.staleSale.price;
  }
  const contractDate = underContract && !mess.noContractDate ? life.endDate : null;
  const domEnd = underContract ? life.endDate : status === "Other" ? life.endDate : at;
  const lastEvent = Math.max(
    life.listDate,
    life.reductionDate !== null && life.reductionDate <= at ? life.reductionDate : 0,
    life.endDate <= at ? life.endDate : 0,
    status === "Closed" ? life.closeDate! : 0,
  );

  return {
    mlsId: life.mlsId,
    status,
    rawStatus,
    listDate: new Date(life.listDate),
    contractDate: contractDate === null ? null : new Date(contractDate),
    closeDate: closeDate === null ? null : new Date(closeDate),
    modifiedAt: new Date(lastEvent),
    listPrice,
    originalListPrice: mess.noOriginalPrice ? null : life.originalListPrice,
    closePrice,
    sqft: mess.noSqft ? null : life.sqft,
    zip: life.zip.zip,
    city: life.metro.city,
    daysOnMarket: mess.noDom ? null : Math.max(0, Math.floor((domEnd - life.listDate) / DAY_MS)),
    propertyType: life.type,
    bedrooms: life.bedrooms,
    bathrooms: life.bathrooms,
    yearBuilt: life.yearBuilt,
    address: `${life.address}, ${life.metro.city}, ${life.metro.state} ${life.zip.zip}`,
  };
}

/** Anything that was on the market, went under contract, sold or left the market since `from`. */
function isRelevant(life: ListingLife, listing: Listing, from: number): boolean {
  if (life.listDate >= from) return true;
  if (listing.status === "Active" || listing.status === "Pending") return true;
  const ended = life.outcome === "sold" ? life.closeDate! : life.endDate;
  return ended >= from;
}

/** Agent-style asking prices: $649,000, $1,295,000, $2,450,000. */
function askingPrice(value: number): number {
  const step = value < 1_000_000 ? 5_000 : value < 3_000_000 ? 25_000 : 50_000;
  const rounded = Math.max(step, Math.round(value / step) * step);
  return value < 1_000_000 ? rounded - 1_000 : rounded - 5_000;
}

function startOfLocalDay(instant: number, metro: SampleMetro): number {
  const offset = metro.utcOffsetHours * 3_600_000;
  return Math.floor((instant + offset) / DAY_MS) * DAY_MS - offset;
}
