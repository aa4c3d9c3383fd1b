import { computeMarketFigures } from "../figures/market-figures.js";
import { listingQueryFor, reportPeriod } from "../figures/report-period.js";
import type { ReportType } from "../figures/report-types.js";
import { describeListingSource } from "../listings/select-source.js";
import type { ListingSource } from "../listings/listing.js";
import { renderReportHtml } from "../render/report-html.js";

export interface ReportPreviewInput {
  name: string;
  report_type: ReportType;
  city: string | null;
  zip_codes: readonly string[];
  lookback_days: number;
  timezone: string;
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
  const period = { ...reportPeriod({ slot: now, lookbackDays: input.lookback_days, timezone: input.timezone }), timezone: input.timezone };
  const listings = await parts.listings.fetchListings(
    listingQueryFor({ city: input.city, zips: input.zip_codes, period }),
    AbortSignal.timeout(30_000),
  );
  const figures = computeMarketFigures(listings, { periodStart: period.start, periodEnd: period.end, zips: [...input.zip_codes], timezone: input.timezone, now });
  return renderReportHtml({
    reportType: input.report_type,
    scheduleName: input.name,
    city: input.city,
    zips: input.zip_codes,
    figures,
    period,
    asOf: now,
    accountName: parts.accountName,
    dataSource: describeListingSource(parts.listings.name),
    sampleData: parts.listings.name === "sample-market",
  });
}
