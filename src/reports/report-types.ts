/** The report types a schedule may ask for; the worker renders each. */
export const REPORT_TYPES = ["market_snapshot", "new_listings", "closed_sales", "inventory"] as const;
export type ReportType = (typeof REPORT_TYPES)[number];

export function isReportType(value: string): value is ReportType {
  return (REPORT_TYPES as readonly string[]).includes(value);
}
