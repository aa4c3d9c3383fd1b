import type { Listing } from "../../src/listings/listing.js";
import { reportPeriod } from "../../src/time/report-period.js";

/**
 * A small hand-made market, two ZIPs, every figure worked out by hand in market-figures.test.ts.
 * Period: 2025-03-01 to 2025-03-31 (UTC, 30 days); previous window: 2025-01-30 to 2025-03-01.
 * Times are noon UTC so whole-day counts are exact.
 */
const day = (date: string | null) => (date === null ? null : new Date(`${date}T12:00:00Z`));

function listing(
  mlsId: string,
  fields: {
    status: Listing["status"];
    zip: string | null;
    list: string | null;
    contract?: string | null;
    close?: string | null;
    listPrice: number | null;
    originalListPrice?: number | null;
    closePrice?: number | null;
    sqft?: number | null;
    propertyType?: string;
  },
): Listing {
  return {
    mlsId,
    status: fields.status,
    rawStatus: fields.status === "Other" ? "Withdrawn" : fields.status,
    listDate: day(fields.list),
    contractDate: day(fields.contract ?? null),
    closeDate: day(fields.close ?? null),
    modifiedAt: null,
    listPrice: fields.listPrice,
    originalListPrice: fields.originalListPrice ?? null,
    closePrice: fields.closePrice ?? null,
    sqft: fields.sqft ?? null,
    zip: fields.zip,
    city: "San Diego",
    daysOnMarket: null,
    propertyType: fields.propertyType ?? "RES",
    bedrooms: 3,
    bathrooms: 2,
    yearBuilt: 1990,
    address: `${mlsId} Test St`,
  };
}

export const A = "92101";
export const B = "92103";

export const FIXTURE: Listing[] = [
  // closed in the period
  listing("c1", { status: "Closed", zip: A, list: "2025-02-01", contract: "2025-02-11", close: "2025-03-05", listPrice: 500_000, originalListPrice: 520_000, closePrice: 510_000, sqft: 1_000 }),
  listing("c2", { status: "Closed", zip: A, list: "2025-02-20", contract: "2025-03-02", close: "2025-03-20", listPrice: 600_000, closePrice: 590_000 }),
  listing("c3", { status: "Closed", zip: B, list: "2025-03-03", close: "2025-03-25", listPrice: 800_000, originalListPrice: 800_000, closePrice: 820_000, sqft: 2_000 }),
  // closed "before" it was listed: a sale, but no days on market
  listing("c4", { status: "Closed", zip: B, list: "2025-03-10", close: "2025-03-08", listPrice: 700_000, originalListPrice: 700_000, closePrice: 700_000, sqft: 1_400 }),
  // close price typed in thousands: a sale, but no prices
  listing("c5", { status: "Closed", zip: A, list: "2025-01-15", contract: "2025-02-20", close: "2025-03-15", listPrice: 450_000, originalListPrice: 450_000, closePrice: 450, sqft: 900 }),
  listing("c6", { status: "Closed", zip: B, list: "2025-02-25", contract: "2025-03-05", close: "2025-03-28", listPrice: 900_000, sqft: 1_800 }),
  // closed in the previous window
  listing("q1", { status: "Closed", zip: A, list: "2025-01-02", contract: "2025-01-20", close: "2025-02-10", listPrice: 480_000, originalListPrice: 500_000, closePrice: 470_000, sqft: 940 }),
  listing("q2", { status: "Closed", zip: B, list: "2024-12-15", contract: "2025-01-05", close: "2025-02-05", listPrice: 1_000_000, originalListPrice: 1_000_000, closePrice: 1_050_000, sqft: 2_100 }),
  // pending
  listing("p1", { status: "Pending", zip: A, list: "2025-03-05", contract: "2025-03-20", listPrice: 550_000 }),
  listing("p2", { status: "Pending", zip: B, list: "2025-02-10", listPrice: 750_000 }),
  listing("p3", { status: "Pending", zip: A, list: "2025-02-01", contract: "2025-02-15", listPrice: 520_000 }),
  // active; a1 still carries a 2015 sale
  { ...listing("a1", { status: "Active", zip: A, list: "2025-03-12", listPrice: 650_000 }), closeDate: day("2015-06-01"), closePrice: 300_000 },
  listing("a2", { status: "Active", zip: B, list: "2024-12-01", listPrice: 1_200_000 }),
  listing("a3", { status: "Active", zip: A, list: "2025-02-14", listPrice: null }),
  listing("a4", { status: "Active", zip: A, list: null, listPrice: 610_000 }),
  // withdrawn
  listing("o1", { status: "Other", zip: B, list: "2025-03-15", listPrice: 1_000_000 }),
  // sold without a close date
  listing("cd", { status: "Closed", zip: A, list: "2025-03-02", listPrice: 400_000 }),
  // left out entirely: a rental, a listing outside the ZIPs, a sale listed after the as-of time
  listing("r1", { status: "Active", zip: A, list: "2025-03-10", listPrice: 3_500, propertyType: "RNT" }),
  listing("x1", { status: "Active", zip: "92109", list: "2025-03-10", listPrice: 900_000 }),
  listing("f1", { status: "Closed", zip: A, list: "2025-04-05", close: "2025-03-20", listPrice: 700_000, closePrice: 700_000 }),
];

/** A 30-day UTC report run on March 31, 2025: the period is Mar 1-30, the previous window Jan 30 - Feb 28. */
export const PERIOD = reportPeriod({ slot: new Date("2025-03-31T09:00:00Z"), lookbackDays: 30, timezone: "UTC" });

export const OPTIONS = {
  period: PERIOD,
  zips: [A, B],
  now: new Date("2025-03-31T12:00:00Z"),
};
