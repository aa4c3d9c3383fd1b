import { readFileSync } from "node:fs";
import { seededRandom } from "../../src/listings/seeded-random.js";

/**
 * A SimplyRETS feed shaped like the trial feed's records (each one a saved trial record with its
 * market fields replaced), generated from a fixed seed so every run serves the same records. It is
 * as messy as the trial feed on purpose: every status the API knows, rentals and commercial
 * listings, missing list/contract/close dates and prices, zero prices, ZIP+4 and blank postal
 * codes, upper-case and padded city names, close prices typed in thousands, active listings that
 * still carry an old sale, sales closed before they were listed, listings dated in the future,
 * baths given only as full + half, timestamps with microseconds or a UTC offset.
 *
 * Tomball's listings never carry a contract date (an MLS that does not send them).
 *
 * `edges` are instants the report tests use as period bounds: for each one the feed holds
 * listings listed, put under contract and closed exactly at it and a millisecond before, so a
 * bound that is off by an hour (a DST change) or by a day moves a count.
 */
const saved = JSON.parse(readFileSync(new URL("../listings/fixtures/simplyrets-props.json", import.meta.url), "utf8")) as Record<string, unknown>[];

export type TrialRecord = Record<string, unknown>;

/** Where listings are: ZIP, the city as the feed spells it, and how often. */
const PLACES: readonly [zip: string, city: string, weight: number][] = [
  ["77096", "Houston", 24],
  ["77007", "Houston", 18],
  ["77008", "HOUSTON", 12],
  ["77018", " houston ", 8],
  ["77401", "Bellaire", 10],
  ["77096", "Bellaire", 5],
  ["77401", "Houston", 4],
  ["77375", "Tomball", 6],
];
const TYPES: readonly [string, number][] = [
  ["RES", 52],
  ["CND", 16],
  ["MLF", 6],
  ["LND", 5],
  ["MOB", 3],
  ["FRM", 2],
  ["RNT", 9],
  ["CRE", 4],
  ["CLE", 3],
];
const STATUSES: readonly [string, number][] = [
  ["Active", 20],
  ["Pending", 8],
  ["ActiveUnderContract", 5],
  ["Closed", 36],
  ["Hold", 3],
  ["Withdrawn", 6],
  ["Expired", 6],
  ["ComingSoon", 3],
  ["Delete", 2],
  ["Incomplete", 2],
];

const DAY = 86_400_000;
const FIRST_LISTED = Date.parse("2024-11-01T00:00:00Z");
const LAST_LISTED = Date.parse("2025-11-04T00:00:00Z");
/** After every test's as-of time: a listing dated here is a data-entry error. */
const FUTURE = Date.parse("2026-02-01T00:00:00Z");

/** Timestamps in the shapes feeds send: Z with milliseconds, Z with microseconds, or a local offset. */
function stamp(t: number, style: number): string {
  const iso = new Date(t).toISOString();
  if (style === 1) return iso.replace(/\.(\d{3})Z$/, (_, ms: string) => `.${ms}${String(t % 997).padStart(3, "0")}Z`);
  if (style === 2) {
    // The same instant written at UTC−06:00.
    const local = new Date(t - 6 * 3_600_000).toISOString().slice(0, 23);
    return `${local}-06:00`;
  }
  return iso;
}

export function trialFeed(edges: readonly Date[]): TrialRecord[] {
  const rng = seededRandom("market-reports trial-shaped feed v1");
  const pick = <T>(table: readonly [T, number][]): T => {
    const total = table.reduce((n, [, w]) => n + w, 0);
    let r = rng.next() * total;
    for (const [value, weight] of table) if ((r -= weight) < 0) return value;
    return table[table.length - 1][0];
  };
  const chance = (p: number) => rng.next() < p;
  const between = (from: number, to: number) => from + Math.floor(rng.next() * (to - from));
  const records: TrialRecord[] = [];

  const add = (fields: {
    status: string;
    type: string;
    zip: string | null;
    city: string | null;
    list: number | null;
    contract: number | null;
    close: number | null;
    listPrice: number | null;
    originalListPrice: number | null;
    closePrice: number | null;
    sqft: number | null;
  }) => {
    const index = records.length;
    const base = structuredClone(saved[index % saved.length]);
    const property = base.property as Record<string, unknown>;
    const address = base.address as Record<string, unknown>;
    const style = rng.int(0, 2);
    const at = (t: number | null) => (t === null ? null : stamp(t, style));
    const beds = chance(0.05) ? null : rng.int(1, 6);
    const totalBaths = chance(0.5) ? rng.int(2, 8) / 2 : null;
    const [full, half] = totalBaths === null && chance(0.8) ? [rng.int(1, 4), rng.int(0, 2)] : [null, null];
    let postalCode: string | null = fields.zip;
    if (fields.zip !== null && chance(0.15)) postalCode = `${fields.zip}-${String(rng.int(0, 9999)).padStart(4, "0")}`;
    else if (fields.zip !== null && chance(0.03)) postalCode = `${fields.zip}${String(rng.int(0, 9999)).padStart(4, "0")}`;
    const record: TrialRecord = {
      ...base,
      mlsId: 1_200_000 + index,
      listingId: String(49_700_000 + index),
      listDate: at(fields.list),
      modified: at(fields.close ?? fields.contract ?? fields.list),
      listPrice: fields.listPrice,
      originalListPrice: fields.originalListPrice,
      mls: {
        ...(base.mls as object),
        status: fields.status,
        daysOnMarket: fields.list === null ? null : Math.max(0, Math.round(((fields.contract ?? fields.close ?? LAST_LISTED) - fields.list) / DAY)),
      },
      sales:
        fields.close === null && fields.closePrice === null && fields.contract === null
          ? null
          : { ...(base.sales as object), closeDate: at(fields.close), closePrice: fields.closePrice, contractDate: at(fields.contract) },
      property: {
        ...property,
        type: fields.type,
        area: fields.sqft,
        bedrooms: beds,
        bathrooms: totalBaths,
        bathsFull: full,
        bathsHalf: half,
        bathsThreeQuarter: null,
        yearBuilt: chance(0.05) ? null : rng.int(1925, 2024),
      },
      address: { ...address, postalCode, city: fields.city },
    };
    if (chance(0.03)) delete record.originalListPrice;
    records.push(record);
  };

  const price = () => (chance(0.04) ? null : chance(0.01) ? 0 : Math.round(rng.logNormal(450_000, 0.5) / 1_000) * 1_000);

  for (let i = 0; i < 800; i++) {
    const status = pick(STATUSES);
    const [zip, city] = pick(PLACES.map(([z, c, w]) => [[z, c] as const, w] as [readonly [string, string], number]));
    const listPrice = price();
    const listed = chance(0.04) ? null : chance(0.02) ? between(FUTURE, FUTURE + 60 * DAY) : between(FIRST_LISTED, LAST_LISTED);
    const start = listed ?? between(FIRST_LISTED, LAST_LISTED);
    let contract: number | null = null;
    let close: number | null = null;
    let closePrice: number | null = null;
    const underContract = status === "Pending" || status === "ActiveUnderContract" || status === "Closed";
    // Tomball's MLS sends no contract dates at all.
    if (underContract) {
      contract = chance(0.15) || city === "Tomball" ? null : start + between(0, 90 * DAY);
      if (status === "Closed" && contract !== null && chance(0.05)) contract = start - between(DAY, 20 * DAY);
    }
    if (status === "Closed") {
      close = chance(0.04) ? null : (contract ?? start) + between(7 * DAY, 45 * DAY);
      if (close !== null && chance(0.04)) close = start - between(DAY, 30 * DAY);
      const asked = listPrice ?? 400_000;
      closePrice = chance(0.05) ? null : chance(0.03) ? Math.round(asked / 1_000) : Math.round(asked * (0.9 + rng.next() * 0.2));
    } else if (status === "Active" && chance(0.2)) {
      // An old sale left on an active listing.
      close = between(Date.parse("2012-01-01T00:00:00Z"), Date.parse("2018-01-01T00:00:00Z"));
      closePrice = Math.round(rng.logNormal(250_000, 0.4));
    } else if ((status === "Withdrawn" || status === "Expired") && chance(0.2)) {
      contract = start + between(0, 30 * DAY);
    } else if (status === "Pending" && chance(0.1)) {
      close = start + between(0, 40 * DAY);
    }
    add({
      status,
      type: pick(TYPES),
      zip: chance(0.04) ? null : chance(0.02) ? "" : zip,
      city: chance(0.01) ? null : city,
      list: listed,
      contract,
      close,
      listPrice,
      originalListPrice: listPrice === null || chance(0.3) ? null : Math.round(listPrice * (1 + rng.next() * 0.1)),
      closePrice,
      sqft: chance(0.12) ? null : rng.int(550, 4_200),
    });
  }

  // Each period bound: listed at it and just before it, under contract and closed across it.
  const places: readonly [string, string][] = [
    ["77096", "Houston"],
    ["77007", "HOUSTON"],
    ["77401", "Houston"],
    ["77096", "Bellaire"],
  ];
  const distinct = [...new Set(edges.map((edge) => edge.getTime()))].sort((a, b) => a - b);
  distinct.forEach((edge, n) => {
    const [zip, city] = places[n % places.length];
    const common = { type: n % 3 === 0 ? "CND" : "RES", zip, city, originalListPrice: null, sqft: 1_000 + n };
    const listPrice = 300_000 + 5_000 * n;
    add({ ...common, status: "Active", list: edge, contract: null, close: null, listPrice, closePrice: null });
    add({ ...common, status: "Active", list: edge - 1, contract: null, close: null, listPrice: listPrice + 1_000, closePrice: null });
    add({ ...common, status: "Pending", list: edge - 20 * DAY, contract: edge, close: null, listPrice, closePrice: null });
    add({ ...common, status: "Closed", list: edge - 30 * DAY, contract: edge - 1, close: edge, listPrice, closePrice: listPrice + 2_000 });
    add({ ...common, status: "Closed", list: edge - 25 * DAY, contract: edge - 10 * DAY, close: edge - 1, listPrice, closePrice: listPrice - 3_000 });
  });
  return records;
}
