import { EXCLUSION_RULES } from "../figures/exclusion-rules.js";
import type { AreaFigures, MarketFigures, MetricChange } from "../figures/market-figures.js";
import { METRICS, type MetricKey } from "../figures/metrics.js";
import { isReportType, REPORT_SECTIONS, type ChartKey, type ReportType } from "../figures/report-types.js";
import {
  arrowFor,
  formatBoundary,
  formatChange,
  formatCount,
  formatDateRange,
  formatInstant,
  formatMetric,
  formatRatio,
  MISSING,
} from "./format-figures.js";
import { html, SafeHtml } from "./html-template.js";
import { reportStyles, type PaperSize } from "./report-styles.js";
import { closePriceHistogram, medianPriceByZipChart, weeklyActivityChart } from "./svg-charts.js";

export interface ReportHtmlInput {
  reportType: ReportType;
  /** The schedule's name, as the account typed it. */
  scheduleName: string;
  city: string | null;
  zips: readonly string[];
  figures: MarketFigures;
  /** The report period (end exclusive) and the schedule's time zone, for every date shown. */
  period: { start: Date; end: Date; timezone: string };
  asOf: Date;
  /** The brokerage or agent sending the report. */
  accountName: string;
  /** Where the listings came from, as the methodology should name it. */
  dataSource: string;
  /** Page size for print and PDF; Letter unless the account prefers A4. */
  paper?: PaperSize;
  /** Adds a visible "sample data" badge (the built-in sample market). */
  sampleData?: boolean;
}

export interface HeadlineFigure {
  key: MetricKey;
  label: string;
  value: string;
  /** "+6.4%", "−0.5 pts"; null when there is nothing to compare with. */
  change: string | null;
  direction: MetricChange["direction"];
}

/** Sales below this count get no price-distribution chart: two bars are not a distribution. */
const MIN_SALES_FOR_DISTRIBUTION = 3;

export function reportTitle(reportType: ReportType): string {
  return REPORT_SECTIONS[reportType].title;
}

/** The report type's first four headline figures, formatted, for email bodies and run summaries. */
export function headlineFigures(figures: MarketFigures, reportType: ReportType = "market_snapshot"): HeadlineFigure[] {
  return REPORT_SECTIONS[reportType].headline.slice(0, 4).map((key) => {
    const change = formatChange(key, figures.area.changes[key]);
    return {
      key,
      label: METRICS[key].label,
      value: formatMetric(key, figures.area.current[key]),
      change: change === MISSING ? null : change,
      direction: figures.area.changes[key].direction,
    };
  });
}

/**
 * The complete, standalone report page: inline CSS and SVG, no scripts, no external resources.
 * Every string that comes from an account (schedule name, city, ZIPs, account name) is escaped by
 * the `html` template.
 */
/**
 * Defence in depth for a report opened anywhere (Chromium printing it, a browser showing the
 * stored HTML): even markup that slipped past escaping could load nothing and run nothing.
 */
export const REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

export function renderReportHtml(input: ReportHtmlInput): string {
  if (!isReportType(input.reportType)) throw new Error(`reportType: "${String(input.reportType)}" is not a supported report type`);
  const { figures, period } = input;
  const sections = REPORT_SECTIONS[input.reportType];
  const title = sections.title;
  const area = areaName(input.city, input.zips);
  const range = formatDateRange(period.start, period.end, period.timezone);
  const previousRange = formatDateRange(new Date(figures.previousPeriod.start), new Date(figures.previousPeriod.end), period.timezone);
  const days = figures.period.days;

  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="market-reports">
<title>${title} · ${area.title} · ${range}</title>
<style>${unsafeCss(reportStyles(input.paper ?? "letter"))}</style>
</head>
<body>
<main class="report">
<header class="masthead">
<div class="eyebrow">${title}<span class="sep">·</span>${input.scheduleName}${input.sampleData ? html`<span class="sample-badge">Sample data</span>` : ""}</div>
<h1>${area.title}</h1>
<p class="period">${range}${area.detail ? html` · ${area.detail}` : ""} <span class="versus">compared with ${previousRange}</span></p>
<div class="meta"><span>Prepared by <strong>${input.accountName}</strong></span><span>Data as of ${formatInstant(input.asOf, period.timezone)}</span></div>
</header>
<div class="content">
${figures.noActivity ? noActivityPanel(figures, area, range, days) : activityBody(input, days)}
</div>
${methodology(input, area.title, range, previousRange, days)}
</main>
</body>
</html>
`;
  return page.value;
}

/** Our own constant stylesheet: no user input, and escaping would break its quotes. */
function unsafeCss(css: string): SafeHtml {
  return new SafeHtml(css);
}

interface AreaName {
  title: string;
  detail: string | null;
  /** False when the schedule names neither a city nor a ZIP code. */
  named: boolean;
}

function areaName(city: string | null, zips: readonly string[]): AreaName {
  const zipText = zips.length === 0 ? null : zips.length <= 6 ? `${zips.length === 1 ? "ZIP" : "ZIPs"} ${zips.join(", ")}` : `${zips.length} ZIP codes`;
  if (city !== null && city.trim() !== "") return { title: city.trim(), detail: zipText, named: true };
  if (zipText !== null) return { title: zipText, detail: null, named: true };
  return { title: "No area selected", detail: null, named: false };
}

function activityBody(input: ReportHtmlInput, days: number): SafeHtml {
  const { figures } = input;
  const sections = REPORT_SECTIONS[input.reportType];
  const multipleZips = figures.byZip.length >= 2;
  return html`<p class="lede">${narrative(figures, input.reportType, days)}</p>
<section class="kpis">${sections.headline.map((key) => kpiCard(key, figures.area, days))}</section>
<h2>Charts</h2>
<section class="charts">${sections.charts.filter((chart) => chart !== "medianPriceByZip" || multipleZips).map((chart) => chartFigure(chart, figures))}</section>
${multipleZips ? zipTable(figures, sections.zipColumns) : ""}
${detailTable(figures.area, sections.detail, days)}`;
}

function kpiCard(key: MetricKey, area: AreaFigures, days: number): SafeHtml {
  const current = area.current[key];
  const previous = area.previous[key];
  const change = area.changes[key];
  const compact = key === "totalSalesVolume" || (METRICS[key].unit === "currency" && current !== null && current >= 10_000_000);
  return html`<div class="kpi"><div class="label">${METRICS[key].label}</div><div class="value">${formatMetric(key, current, { compact })}</div><div class="change ${change.direction ?? "none"}">${changeText(key, change)}</div><div class="prev">Prior ${days} days: ${formatMetric(key, previous, { compact: true })}</div></div>`;
}

function changeText(key: MetricKey, change: MetricChange): SafeHtml {
  const text = formatChange(key, change);
  const arrow = arrowFor(change.direction);
  return html`${arrow ? html`<span class="arrow">${arrow}</span>` : ""}${text}`;
}

function chartFigure(chart: ChartKey, figures: MarketFigures): SafeHtml {
  switch (chart) {
    case "closePriceDistribution": {
      const sales = figures.charts.closePriceDistribution.reduce((n, b) => n + b.count, 0);
      const openEnded = figures.charts.closePriceDistribution.some((b) => b.from === null || b.to === null);
      return html`<figure class="chart"><h3>Sale prices</h3>${
        sales >= MIN_SALES_FOR_DISTRIBUTION
          ? closePriceHistogram(figures.charts.closePriceDistribution)
          : html`<div class="empty-chart">Too few sales in the period to show a price distribution.</div>`
      }<figcaption>Closed sales in the period by close price${openEnded ? "; the end bars hold the lowest and highest 5% of sales" : ""}.</figcaption></figure>`;
    }
    case "medianPriceByZip":
      return html`<figure class="chart"><h3>Median sale price by ZIP code</h3>${medianPriceByZipChart(
        figures.charts.medianPriceByZip,
        figures.area.current.medianClosePrice,
      )}<figcaption>Middle close price of the period's sales in each ZIP code; the dashed line is the whole area's median.</figcaption></figure>`;
    case "weeklyActivity": {
      const weeks = figures.charts.weeklyActivity;
      const partial = weeks.some((w) => Date.parse(w.end) - Date.parse(w.start) < 6.5 * 86_400_000);
      return html`<figure class="chart"><h3>New listings and closed sales by week</h3>${weeklyActivityChart(weeks)}<figcaption>Weeks run Monday to Sunday in ${figures.timezone}${partial ? "; lighter bars are partial weeks at the edges of the period" : ""}.</figcaption></figure>`;
    }
  }
}

function zipTable(figures: MarketFigures, columns: readonly MetricKey[]): SafeHtml {
  const cell = (key: MetricKey, value: number | null) => formatMetric(key, value, { compact: true });
  return html`<h2>By ZIP code</h2>
<table class="zip-table"><thead><tr><th>ZIP</th>${columns.map((key) => html`<th>${METRICS[key].shortLabel}</th>`)}</tr></thead>
<tbody>${figures.byZip.map(
    (zip) => html`<tr><td><strong>${zip.zip}</strong></td>${columns.map((key) => html`<td>${cell(key, zip.current[key])}</td>`)}</tr>`,
  )}<tr class="total"><td>All</td>${columns.map((key) => html`<td>${cell(key, figures.area.current[key])}</td>`)}</tr></tbody></table>`;
}

function detailTable(area: AreaFigures, rows: readonly MetricKey[], days: number): SafeHtml {
  return html`<h2>This period and the one before<span class="sub">the ${days} days before the period</span></h2>
<table class="detail-table"><thead><tr><th>Figure</th><th>This period</th><th>Previous period</th><th>Change</th></tr></thead>
<tbody>${rows.map(
    (key) =>
      html`<tr><td>${METRICS[key].label}</td><td>${formatMetric(key, area.current[key])}</td><td>${formatMetric(key, area.previous[key])}</td><td class="${area.changes[key].direction ?? "none"}">${changeText(key, area.changes[key])}</td></tr>`,
  )}</tbody></table>`;
}

function noActivityPanel(figures: MarketFigures, area: AreaName, range: string, days: number): SafeHtml {
  if (!area.named) {
    return html`<section class="no-activity">
<h2>No activity in this period</h2>
<p>This report names no city or ZIP code, so there is no market to describe. Edit the schedule to choose an area.</p>
</section>`;
  }
  const areaTitle = area.title;
  const previous = figures.area.previous;
  const hadActivity = previous.newListings + previous.closedSales + previous.newPendings + previous.activeInventory > 0;
  return html`<section class="no-activity">
<h2>No activity in this period</h2>
<p>No homes were listed, went under contract or sold in ${areaTitle} from ${range}, and none were for sale at the end of the period.</p>
<p>${
    hadActivity
      ? `In the ${days} days before: ${plural(previous.newListings, "new listing")}, ${plural(previous.newPendings, "pending sale")}, ${plural(previous.closedSales, "closed sale")}.`
      : `The ${days} days before were quiet too. If this seems wrong, check the report's city and ZIP codes.`
  }</p>
</section>`;
}

function methodology(input: ReportHtmlInput, areaTitle: string, range: string, previousRange: string, days: number): SafeHtml {
  const { figures, period } = input;
  const sections = REPORT_SECTIONS[input.reportType];
  const keys = [...new Set<MetricKey>([...sections.headline, ...sections.detail])];
  return html`<footer class="methodology">
<h2>Methodology</h2>
<p><strong>Period:</strong> ${formatBoundary(period.start, period.timezone)} up to ${formatBoundary(period.end, period.timezone)} (${range}), compared with the ${days} days before it (${previousRange}). Changes compare the two periods; ratio changes are in percentage points.</p>
<p><strong>Data:</strong> ${input.dataSource}; ${formatCount(figures.listingsConsidered)} listing records for ${areaTitle}, retrieved ${formatInstant(input.asOf, period.timezone)}. Statuses are as reported at that time.</p>
<h3>Definitions</h3>
<dl>${keys.map((key) => html`<div><dt>${METRICS[key].label}</dt><dd>${METRICS[key].definition}</dd></div>`)}</dl>
<h3>How records are counted</h3>
<ul>${EXCLUSION_RULES.map((rule) => {
    const count = figures.exclusions.find((e) => e.rule === rule.id)?.count ?? 0;
    return html`<li>${rule.description}${count > 0 ? html` <span class="count">(${plural(count, "record")} in this report)</span>` : ""}</li>`;
  })}</ul>
<p class="disclaimer">Information is deemed reliable but not guaranteed. Figures are computed from listing records as the data source reports them and can change as records are updated. This report is not an appraisal.</p>
</footer>`;
}

function plural(count: number, noun: string): string {
  return `${formatCount(count)} ${count === 1 ? noun : noun + "s"}`;
}

/** One to three plain sentences a client can read before the numbers. */
function narrative(figures: MarketFigures, reportType: ReportType, days: number): string {
  const { current, changes } = figures.area;
  const movement = (key: MetricKey): string | null => {
    const change = changes[key];
    if (change.direction === null || change.changePct === null) return null;
    if (change.direction === "flat") return "unchanged";
    return `${change.direction} ${Math.abs(change.changePct).toFixed(1)}%`;
  };
  const sales = (() => {
    if (current.closedSales === 0) return "No sales closed in the period.";
    const count = movement("closedSales");
    const price = movement("medianClosePrice");
    return `${plural(current.closedSales, "home")} sold${count ? ` (${count} from the previous ${days} days)` : ""}${
      current.medianClosePrice !== null
        ? ` at a median price of ${formatMetric("medianClosePrice", current.medianClosePrice)}${price ? ` (${price})` : ""}`
        : ""
    }.`;
  })();
  const pace =
    current.medianDaysOnMarket !== null && current.saleToListRatio !== null
      ? `The typical home went under contract in ${formatMetric("medianDaysOnMarket", current.medianDaysOnMarket)} and sold for ${formatRatio(current.saleToListRatio)} of its list price${
          current.shareClosedAboveList !== null ? `; ${formatRatio(current.shareClosedAboveList)} sold above list` : ""
        }.`
      : null;
  const listings = movement("newListings");
  const supply = `${plural(current.newListings, "new listing")} came on the market${listings ? ` (${listings})` : ""}, and ${plural(
    current.activeInventory,
    "home",
  )} ${current.activeInventory === 1 ? "was" : "were"} for sale at the end of the period${
    current.monthsOfSupply !== null ? `: ${current.monthsOfSupply.toFixed(1)} months of supply` : ""
  }.`;
  const order: Record<ReportType, (string | null)[]> = {
    market_snapshot: [sales, pace, supply],
    closed_sales: [sales, pace],
    new_listings: [supply, sales],
    inventory: [supply, sales],
  };
  return order[reportType].filter((s): s is string => s !== null).join(" ");
}

