/**
 * Every figure a report can show, with its unit and the definition the methodology footer prints.
 * Kept as data so the renderer, the email summary and the footer can't drift apart.
 */
export const METRIC_KEYS = [
  "newListings",
  "newPendings",
  "closedSales",
  "activeInventory",
  "medianListPrice",
  "averageListPrice",
  "medianClosePrice",
  "averageClosePrice",
  "medianPricePerSqft",
  "medianDaysOnMarket",
  "saleToListRatio",
  "saleToOriginalListRatio",
  "shareClosedAboveList",
  "monthsOfSupply",
  "totalSalesVolume",
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** count: listings; currency: US dollars; ratio: a fraction shown as a percent; days; months. */
export type MetricUnit = "count" | "currency" | "ratio" | "days" | "months";

/**
 * count: an exact tally (a count or a sum), true whatever its size. statistic: a median, mean,
 * ratio or share that stands for a market only when enough records are behind it.
 */
export type MetricKind = "count" | "statistic";

/** A statistic from fewer records than this is shown with its count and flagged, not stated as a market fact. */
export const MIN_SAMPLE = 5;
/**
 * A change is given in percent (or points) only when at least this many records are behind the
 * figure in both periods; below it the two values are shown side by side ("2 → 5").
 */
export const MIN_CHANGE_SAMPLE = 10;

export interface MetricDefinition {
  readonly label: string;
  /** A shorter label for table headers. */
  readonly shortLabel: string;
  readonly unit: MetricUnit;
  readonly kind: MetricKind;
  /** What the records behind the figure are, singular and plural: "sale", "sales". */
  readonly sampleNoun: readonly [string, string];
  readonly definition: string;
}

const SALES = ["sale", "sales"] as const;
const NEW_LISTINGS = ["new listing", "new listings"] as const;

export const METRICS: Readonly<Record<MetricKey, MetricDefinition>> = {
  newListings: {
    label: "New listings",
    shortLabel: "New listings",
    unit: "count",
    kind: "count",
    sampleNoun: NEW_LISTINGS,
    definition: "Listings whose list date falls in the period, whatever happened to them since.",
  },
  newPendings: {
    label: "New pendings",
    shortLabel: "Pendings",
    unit: "count",
    kind: "count",
    sampleNoun: ["pending", "pendings"],
    definition: "Listings that went under contract in the period (by contract date), including those that have since closed.",
  },
  closedSales: {
    label: "Closed sales",
    shortLabel: "Sales",
    unit: "count",
    kind: "count",
    sampleNoun: SALES,
    definition: "Sold listings whose close date falls in the period.",
  },
  activeInventory: {
    label: "Active inventory",
    shortLabel: "Active",
    unit: "count",
    kind: "count",
    sampleNoun: ["listing", "listings"],
    definition:
      "Listings on the market at the end of the period: listed before it ended and not yet under contract or sold by then.",
  },
  medianListPrice: {
    label: "Median list price",
    shortLabel: "Median list",
    unit: "currency",
    kind: "statistic",
    sampleNoun: NEW_LISTINGS,
    definition: "The middle asking price of the period's new listings (current asking price as reported by the feed).",
  },
  averageListPrice: {
    label: "Average list price",
    shortLabel: "Avg list",
    unit: "currency",
    kind: "statistic",
    sampleNoun: NEW_LISTINGS,
    definition: "The mean asking price of the period's new listings.",
  },
  medianClosePrice: {
    label: "Median sale price",
    shortLabel: "Median sale",
    unit: "currency",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The middle close price of the period's closed sales: half sold for more, half for less.",
  },
  averageClosePrice: {
    label: "Average sale price",
    shortLabel: "Avg sale",
    unit: "currency",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The mean close price of the period's closed sales; a few high sales pull it above the median.",
  },
  medianPricePerSqft: {
    label: "Median price per sq ft",
    shortLabel: "$/sq ft",
    unit: "currency",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The middle of close price ÷ living area over the period's closed sales with a known living area.",
  },
  medianDaysOnMarket: {
    label: "Median days on market",
    shortLabel: "Days on mkt",
    unit: "days",
    kind: "statistic",
    sampleNoun: SALES,
    definition:
      "For the period's closed sales, the whole days (24-hour periods, rounded down) from list date to contract date, or to close date for a sale without a contract date (the report says how many); the middle value.",
  },
  saleToListRatio: {
    label: "Sale-to-list price",
    shortLabel: "Sale/list",
    unit: "ratio",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The middle of close price ÷ final list price over the period's closed sales; above 100% means sales above asking.",
  },
  saleToOriginalListRatio: {
    label: "Sale-to-original-list price",
    shortLabel: "Sale/orig. list",
    unit: "ratio",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The middle of close price ÷ original list price, over closed sales whose original list price is known.",
  },
  shareClosedAboveList: {
    label: "Sold above list",
    shortLabel: "Above list",
    unit: "ratio",
    kind: "statistic",
    sampleNoun: SALES,
    definition: "The share of the period's closed sales whose close price exceeded the final list price.",
  },
  monthsOfSupply: {
    label: "Months of supply",
    shortLabel: "Mo. supply",
    unit: "months",
    kind: "statistic",
    sampleNoun: SALES,
    definition:
      "Active inventory at the end of the period ÷ closed sales per month during it (a month being 365.2425 ÷ 12 days): how long the listings for sale would last at the period's pace. Under about 4 months is usually called a seller's market, over 6 a buyer's market.",
  },
  totalSalesVolume: {
    label: "Sales volume",
    shortLabel: "Volume",
    unit: "currency",
    kind: "count",
    sampleNoun: SALES,
    definition: "The sum of close prices of the period's closed sales.",
  },
};
