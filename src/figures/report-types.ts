import { METRIC_KEYS, type MetricKey } from "./metrics.js";

/** The seed's `market_snapshot` plus three focused reports. */
export const REPORT_TYPES = ["market_snapshot", "new_listings", "closed_sales", "inventory"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export function isReportType(value: unknown): value is ReportType {
  return typeof value === "string" && (REPORT_TYPES as readonly string[]).includes(value);
}

export type ChartKey = "closePriceDistribution" | "medianPriceByZip" | "weeklyActivity";

export interface ReportSections {
  readonly title: string;
  /** One line under the title saying what the report covers. */
  readonly summary: string;
  /** KPI cards, in order. */
  readonly headline: readonly MetricKey[];
  readonly charts: readonly ChartKey[];
  /** Columns of the per-ZIP table. */
  readonly zipColumns: readonly MetricKey[];
  /** Rows of the full current-vs-previous table. */
  readonly detail: readonly MetricKey[];
}

/** What each report type shows; the figures are the same for all of them. */
export const REPORT_SECTIONS: Readonly<Record<ReportType, ReportSections>> = {
  market_snapshot: {
    title: "Market Snapshot",
    summary: "Sales, prices, pace and supply at a glance.",
    headline: [
      "closedSales",
      "medianClosePrice",
      "newListings",
      "activeInventory",
      "medianDaysOnMarket",
      "saleToListRatio",
      "medianPricePerSqft",
      "monthsOfSupply",
    ],
    charts: ["closePriceDistribution", "weeklyActivity", "medianPriceByZip"],
    zipColumns: ["closedSales", "medianClosePrice", "medianPricePerSqft", "medianDaysOnMarket", "newListings", "activeInventory", "monthsOfSupply"],
    detail: METRIC_KEYS,
  },
  new_listings: {
    title: "New Listings Report",
    summary: "What came on the market, at what price, and how fast it went under contract.",
    headline: ["newListings", "medianListPrice", "averageListPrice", "newPendings", "activeInventory", "monthsOfSupply"],
    charts: ["weeklyActivity", "medianPriceByZip"],
    zipColumns: ["newListings", "medianListPrice", "averageListPrice", "newPendings", "activeInventory"],
    detail: ["newListings", "medianListPrice", "averageListPrice", "newPendings", "activeInventory", "monthsOfSupply", "closedSales"],
  },
  closed_sales: {
    title: "Closed Sales Report",
    summary: "What sold, for how much, and how close to asking.",
    headline: [
      "closedSales",
      "medianClosePrice",
      "averageClosePrice",
      "totalSalesVolume",
      "medianPricePerSqft",
      "medianDaysOnMarket",
      "saleToListRatio",
      "shareClosedAboveList",
    ],
    charts: ["closePriceDistribution", "medianPriceByZip", "weeklyActivity"],
    zipColumns: ["closedSales", "medianClosePrice", "medianPricePerSqft", "medianDaysOnMarket", "saleToListRatio", "totalSalesVolume"],
    detail: [
      "closedSales",
      "medianClosePrice",
      "averageClosePrice",
      "totalSalesVolume",
      "medianPricePerSqft",
      "medianDaysOnMarket",
      "saleToListRatio",
      "saleToOriginalListRatio",
      "shareClosedAboveList",
    ],
  },
  inventory: {
    title: "Inventory Report",
    summary: "How much is for sale and how long it would last at the current pace.",
    headline: ["activeInventory", "monthsOfSupply", "newListings", "newPendings", "closedSales", "medianListPrice"],
    charts: ["weeklyActivity", "medianPriceByZip"],
    zipColumns: ["activeInventory", "monthsOfSupply", "newListings", "newPendings", "closedSales", "medianListPrice"],
    detail: ["activeInventory", "monthsOfSupply", "newListings", "newPendings", "closedSales", "medianListPrice", "medianDaysOnMarket"],
  },
};
