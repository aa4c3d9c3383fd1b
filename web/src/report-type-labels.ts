import { REPORT_SECTIONS, REPORT_TYPES, type ReportType } from "../../src/figures/report-types.js";

export const REPORT_TYPE_LABELS: Record<ReportType, string> = Object.fromEntries(
  REPORT_TYPES.map((t) => [t, REPORT_SECTIONS[t].title]),
) as Record<ReportType, string>;

/** The one-line description under each report type: the report's own summary line. */
export const REPORT_TYPE_DESCRIPTIONS: Record<ReportType, string> = Object.fromEntries(
  REPORT_TYPES.map((t) => [t, REPORT_SECTIONS[t].summary]),
) as Record<ReportType, string>;
