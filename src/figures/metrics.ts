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

export interface MetricDefinition {
  readonly label: string;
  /** A shorter label for table headers. */
  readonly shortLabel: string;
  readonly unit: MetricUnit;
  readonly definition: string;
}

export const METRICS: Readonly<Record<MetricKey, MetricDefinition>> = {
  newListings: {
    label: "New listings",
    shortLabel: "New listings",
    unit: "count",
    definition: "Listings whose list date falls in the period, whatever happened to them since.",
  },
  newPendings: {
    label: "New pendings",
    shortLabel: "Pendings",
    unit: "count",
    definition: "Listings that went under contract in the period (by contract date), including those that have since closed.",
  },
  closedSales: {
    label: "Closed sales",
    shortLabel: "Sales",
    unit: "count",
    definition: "Sold listings whose close date falls in the period.",
  },
  activeInventory: {
    label: "Active inventory",
    shortLabel: "Active",
    unit: "count",
    definition:
      "Listings on the market at the end of the period: listed before it ended and not yet under contract or sold by then.",
  },
  medianListPrice: {
    label: "Median list price",
    shortLabel: "Median list",
    unit: "currency",
    definition: "The middle asking price of the period's new listings (current asking price as reported by the feed).",
  },
  averageListPrice: {
    label: "Average list price",
    shortLabel: "Avg list",
    unit: "currency",
    definition: "The mean asking price of the period's new listings.",
  },
  medianClosePrice: {
    label: "Median sale price",
    shortLabel: "Median sale",
    unit: "currency",
    definition: "The middle close price of the period's closed sales: half sold for more, half for less.",
  },
  averageClosePrice: {
    label: "Average sale price",
    shortLabel: "Avg sale",
    unit: "currency",
    definition: "The mean close price of the period's closed sales; a few high sales pull it above the median.",
  },
  medianPricePerSqft: {
    label: "Median price per sq ft",
    shortLabel: "$/sq ft",
    unit: "currency",
    definition: "The middle of close price ÷ living area over the period's closed sales with a known living area.",
  },
  medianDaysOnMarket: {
    label: "Median days on market",
    shortLabel: "Days on mkt",
    unit: "days",
    definition:
      "For the period's closed sales, full days from list date to contract date (to close date when the contract date is unknown); the middle value.",
  },
  saleToListRatio: {
    label: "Sale-to-list price",
    shortLabel: "Sale/list",
    unit: "ratio",
    definition: "The middle of close price ÷ final list price over the period's closed sales; above 100% means sales above asking.",
  },
  saleToOriginalListRatio: {
    label: "Sale-to-original-list price",
    shortLabel: "Sale/orig. list",
    unit: "ratio",
    definition: "The middle of close price ÷ original list price, over closed sales whose original list price is known.",
  },
  shareClosedAboveList: {
    label: "Sold above list",
    shortLabel: "Above list",
    unit: "ratio",
    definition: "The share of the period's closed sales whose close price exceeded the final list price.",
  },
  monthsOfSupply: {
    label: "Months of supply",
    shortLabel: "Mo. supply",
    unit: "months",
    definition:
      "Active inventory at the end of the period ÷ closed sales per month during it: how long today's listings would last at the current pace. Under about 4 months is usually called a seller's market, over 6 a buyer's market.",
  },
  totalSalesVolume: {
    label: "Sales volume",
    shortLabel: "Volume",
    unit: "currency",
    definition: "The sum of close prices of the period's closed sales.",
  },
};
