import type { ReportType } from "../figures/report-types.js";
import type { ReportFilters } from "../listings/listing-filters.js";
import type { ListingSource } from "../listings/listing.js";
import { makeMarketReport } from "../render/market-report.js";

export interface ReportPreviewInput {
  name: string;
  report_type: ReportType;
  city: string | null;
  zip_codes: readonly string[];
  lookback_days: number;
  timezone: string;
  /** The schedule's filters; absent: none (the default property types). */
  filters?: ReportFilters;
}

/**
 * The report a schedule with these fields would send if it ran now: the worker's own steps
 * (period, listings, figures, HTML) with nothing stored, queued or sent.
 */
export async function renderReportPreview(
  input: ReportPreviewInput,
  parts: { listings: ListingSource; accountName: string; now?: Date },
): Promise<string> {
  const now = parts.now ?? new Date();
  const report = await makeMarketReport(
    {
      reportType: input.report_type,
      scheduleName: input.name,
      city: input.city,
      zips: input.zip_codes,
      filters: input.filters ?? {},
      lookbackDays: input.lookback_days,
      timezone: input.timezone,
      slot: now,
      accountName: parts.accountName,
    },
    parts.listings,
    { now, signal: AbortSignal.timeout(30_000) },
  );
  return report.html;
}
