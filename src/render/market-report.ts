import { computeMarketFigures, type MarketFigures } from "../figures/market-figures.js";
import type { ReportType } from "../figures/report-types.js";
import type { ReportFilters } from "../listings/listing-filters.js";
import type { ListingQuery, ListingSource } from "../listings/listing.js";
import { describeListingSource } from "../listings/select-source.js";
import { reportPeriod, type ReportPeriod } from "../time/report-period.js";
import { headlineFigures, renderReportHtml, type HeadlineFigure } from "./report-html.js";
import type { PaperSize } from "./report-styles.js";

/** What a report is about: the schedule's parameters as the job carries them. */
export interface MarketReportRequest {
  reportType: ReportType;
  scheduleName: string;
  city: string | null;
  zips: readonly string[];
  filters: ReportFilters;
  lookbackDays: number;
  timezone: string;
  /** The slot the run serves: the period ends at the local midnight starting its day. */
  slot: Date;
  accountName: string;
  paper?: PaperSize;
}

export interface MarketReport {
  period: ReportPeriod;
  figures: MarketFigures;
  html: string;
  headline: HeadlineFigure[];
}

/** Measures the stages of making a report (the worker's job timings fit it). */
export interface ReportStageTimer {
  time<T>(stage: "listings", fn: () => Promise<T>): Promise<T>;
  timeSync<T>(stage: "figures" | "html", fn: () => T): T;
}

const untimed: ReportStageTimer = {
  time: (_stage, fn) => fn(),
  timeSync: (_stage, fn) => fn(),
};

/** The listing data a period needs: both windows, the area and the filters. */
export function listingQueryFor(request: Pick<MarketReportRequest, "city" | "zips" | "filters">, period: ReportPeriod): ListingQuery {
  return { city: request.city, zips: [...request.zips], filters: request.filters, from: period.previousStart, to: period.end };
}

/**
 * One report from listings to HTML: the period in the schedule's zone, the listings for it, the
 * figures and the page. The worker stores and sends what this returns; nothing here has effects
 * beyond the listing fetch.
 */
export async function makeMarketReport(
  request: MarketReportRequest,
  listings: ListingSource,
  options: { now: Date; signal?: AbortSignal; stages?: ReportStageTimer },
): Promise<MarketReport> {
  const stages = options.stages ?? untimed;
  const period = reportPeriod({ slot: request.slot, lookbackDays: request.lookbackDays, timezone: request.timezone });
  const query = listingQueryFor(request, period);
  const received = await stages.time("listings", () => listings.fetchListings(query, options.signal));
  const figures = stages.timeSync("figures", () => computeMarketFigures(received, { period, city: request.city, zips: request.zips, filters: request.filters, now: options.now }));
  const html = stages.timeSync("html", () => renderReportHtml({
    reportType: request.reportType,
    scheduleName: request.scheduleName,
    city: request.city,
    zips: request.zips,
    figures,
    asOf: options.now,
    accountName: request.accountName,
    dataSource: describeListingSource(listings.name),
    fetched: listings.describeFetch(query, request.timezone),
    sampleData: listings.name === "sample-market",
    ...(request.paper ? { paper: request.paper } : {}),
  }));
  return { period, figures, html, headline: headlineFigures(figures, request.reportType) };
}
