import { EXCLUSION_RULES } from "../figures/exclusion-rules.js";
import { FEED_FIELDS, type AreaFigures, type FeedField, type MarketFigures, type MetricChange, type PeriodFigures } from "../figures/market-figures.js";
import { METRICS, MIN_CHANGE_SAMPLE, MIN_SAMPLE, type MetricKey } from "../figures/metrics.js";
import { isReportType, REPORT_SECTIONS, type ChartKey, type ReportType } from "../figures/report-types.js";
import { describeFilters, describeFiltersInFull, describePropertyTypes } from "./describe-filters.js";
import {
  arrowFor,
  formatBoundary,
  formatChange,
  formatCount,
  formatDayRange,
  formatMetric,
  formatRatio,
  MISSING,
} from "./format-figures.js";
import { formatInstant } from "../time/format-instant.js";
import { html, SafeHtml } from "./html-template.js";
import { reportStyles, type PaperSize } from "./report-styles.js";
import { closePriceHistogram, medianPriceByZipChart, weeklyActivityChart } from "./svg-charts.js";

export interface ReportHtmlInput {
  reportType: ReportType;
  /** The schedule's name, as the account typed it. */
  scheduleName: string;
  city: string | null;
  zips: readonly string[];
  /** The figures, with the period, its zone and the filters they were computed for. */
  figures: MarketFigures;
  asOf: Date;
  /** The brokerage or agent sending the report. */
  accountName: string;
  /** Where the listings came from, as the methodology should name it. */
  dataSource: string;
  /** What exactly was requested from the source, and any bound on it (one or two sentences). */
  fetched: string;
  /** Page size for print and PDF; Letter unless the account prefers A4. */
  paper?: PaperSize;
  /** Adds a visible "sample data" badge (the built-in sample market). */
  sampleData?: boolean;
}

export interface HeadlineFigure {
  key: MetricKey;
  label: string;
  value: string;
  /** "+6.4%", "−0.5 pts", "2 → 5"; null when there is nothing to compare with. */
  change: string | null;
  direction: MetricChange["direction"];
}

/** Sales below this count get no price-distribution chart: two bars are not a distribution. */
const MIN_SALES_FOR_DISTRIBUTION = 3;
const NOT_IN_FEED = "Not in feed";

export function reportTitle(reportType: ReportType): string {
  return REPORT_SECTIONS[reportType].title;
}

/** The feed field a figure needs and no record carries, if any. */
function missingFieldFor(figures: MarketFigures, key: MetricKey): FeedField | null {
  for (const field of figures.missingFields) {
    if ((FEED_FIELDS[field].metrics as readonly MetricKey[]).includes(key)) return field;
  }
  return null;
}

/** A statistic from fewer than MIN_SAMPLE records: shown with its count, flagged. */
function isSmall(key: MetricKey, period: PeriodFigures): boolean {
  return METRICS[key].kind === "statistic" && period[key] !== null && period.samples[key] < MIN_SAMPLE;
}

function sampleText(key: MetricKey, period: PeriodFigures): string {
  const n = period.samples[key];
  const [one, many] = METRICS[key].sampleNoun;
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/** The report type's first four headline figures, formatted, for email bodies and run summaries. */
export function headlineFigures(figures: MarketFigures, reportType: ReportType = "market_snapshot"): HeadlineFigure[] {
  const { current, previous, changes } = figures.area;
  return REPORT_SECTIONS[reportType].headline.slice(0, 4).map((key) => {
    const missing = missingFieldFor(figures, key) !== null;
    const change = formatChange(key, changes[key], { current: current[key], previous: previous[key] });
    const value = missing ? NOT_IN_FEED : formatMetric(key, current[key]);
    return {
      key,
      label: METRICS[key].label,
      value: isSmall(key, current) ? `${value} (from ${sampleText(key, current)})` : value,
      change: missing || change === MISSING ? null : change,
      direction: changes[key].direction,
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
  const { figures } = input;
  const sections = REPORT_SECTIONS[input.reportType];
  const title = sections.title;
  const area = areaName(input.city, input.zips);
  const range = formatDayRange(figures.period.firstDay, figures.period.lastDay);
  const previousRange = formatDayRange(figures.previousPeriod.firstDay, figures.previousPeriod.lastDay);
  const days = figures.period.days;
  const filterLine = describeFilters(figures.filters);

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
<p class="filters">${filterLine}</p>
<div class="meta"><span>Prepared by <strong>${input.accountName}</strong></span><span>Data as of ${formatInstant(input.asOf, figures.timezone)}</span></div>
</header>
<div class="content">
${figures.noActivity ? noActivityPanel(figures, area, range, days) : activityBody(input, days)}
</div>
${methodology(input, area, range, previousRange, days)}
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
  /** The whole area in one phrase, exactly: "Houston (ZIP 77002)". */
  exact: string;
  /** False when the schedule names neither a city nor a ZIP code. */
  named: boolean;
}

function areaName(city: string | null, zips: readonly string[]): AreaName {
  const zipText = zips.length === 0 ? null : zips.length <= 6 ? `${zips.length === 1 ? "ZIP" : "ZIPs"} ${zips.join(", ")}` : `${zips.length} ZIP codes`;
  const allZips = zips.length === 0 ? null : `${zips.length === 1 ? "ZIP" : "ZIPs"} ${zips.join(", ")}`;
  if (city !== null && city.trim() !== "") {
    const name = city.trim();
    return { title: name, detail: zipText, exact: allZips ? `${name} (${allZips})` : name, named: true };
  }
  if (zipText !== null) return { title: zipText, detail: null, exact: allZips!, named: true };
  return { title: "No area selected", detail: null, exact: "no area", named: false };
}

function activityBody(input: ReportHtmlInput, days: number): SafeHtml {
  const { figures } = input;
  const sections = REPORT_SECTIONS[input.reportType];
  const multipleZips = figures.byZip.length >= 2;
  return html`<p class="lede">${narrative(figures, input.reportType, days)}</p>
<section class="kpis">${sections.headline.map((key) => kpiCard(key, figures, days))}</section>
<h2>Charts</h2>
<section class="charts">${sections.charts.filter((chart) => chart !== "medianPriceByZip" || multipleZips).map((chart) => chartFigure(chart, figures))}</section>
${multipleZips ? zipTable(figures, sections.zipColumns) : ""}
${detailTable(figures, sections.detail, days)}`;
}

/** One figure as a table cell's or card's content: "Not in feed", the value, or the value flagged with its count. */
function figureValue(figures: MarketFigures, key: MetricKey, period: PeriodFigures, compact: boolean): SafeHtml {
  if (missingFieldFor(figures, key) !== null) return html`<span class="not-in-feed">${NOT_IN_FEED}</span>`;
  const text = formatMetric(key, period[key], { compact });
  if (!isSmall(key, period)) return html`${text}`;
  return html`<span class="small-sample" title="From ${sampleText(key, period)}: too few to stand for the market">${text}<sup>†</sup> <small>(${formatCount(period.samples[key])})</small></span>`;
}

function kpiCard(key: MetricKey, figures: MarketFigures, days: number): SafeHtml {
  const area = figures.area;
  const current = area.current[key];
  const change = area.changes[key];
  const compact = key === "totalSalesVolume" || (METRICS[key].unit === "currency" && current !== null && current >= 10_000_000);
  const missing = missingFieldFor(figures, key);
  const note = missing
    ? html`<div class="change none">The feed gives no ${FEED_FIELDS[missing].label}</div>`
    : isSmall(key, area.current)
      ? html`<div class="change none small-note">From ${sampleText(key, area.current)}: too few to stand for the market</div>`
      : html`<div class="change ${change.direction ?? "none"}">${changeText(key, area)}</div>`;
  const basis = key === "medianDaysOnMarket" && current !== null ? html`<div class="prev">${daysOnMarketBasis(area.current)}</div>` : "";
  return html`<div class="kpi" data-metric="${key}"><div class="label">${METRICS[key].label}</div><div class="value">${figureValue(figures, key, area.current, compact)}</div>${note}${basis}<div class="prev">Prior ${days} days: ${missing ? NOT_IN_FEED : formatMetric(key, area.previous[key], { compact: true })}</div></div>`;
}

/** Which date the days on market run to. */
function daysOnMarketBasis(period: PeriodFigures): string {
  const { contract, close } = period.daysOnMarketBasis;
  if (close === 0) return "List date to contract date";
  if (contract === 0) return "List date to close date (no contract dates)";
  return `List date to contract date; to close date for ${plural(close, "sale")} without one`;
}

function changeText(key: MetricKey, area: AreaFigures): SafeHtml {
  const change = area.changes[key];
  const text = formatChange(key, change, { current: area.current[key], previous: area.previous[key] });
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
      }<figcaption>Closed sales in the period by close price${openEnded ? "; the end bars are open-ended and also hold the sales below the 5th and above the 95th percentile" : ""}.</figcaption></figure>`;
    }
    case "medianPriceByZip":
      return html`<figure class="chart"><h3>Median sale price by ZIP code</h3>${medianPriceByZipChart(
        figures.charts.medianPriceByZip,
        figures.area.current.medianClosePrice,
      )}<figcaption>Middle close price of the period's sales in each ZIP code; the dashed line is the whole area's median; pale bars rest on fewer than ${MIN_SAMPLE} sales with a usable close price.</figcaption></figure>`;
    case "weeklyActivity": {
      const weeks = figures.charts.weeklyActivity;
      const partial = weeks.some((w) => Date.parse(w.end) - Date.parse(w.start) < 6.5 * 86_400_000);
      return html`<figure class="chart"><h3>New listings and closed sales by week</h3>${weeklyActivityChart(weeks)}<figcaption>Weeks run Monday to Sunday in ${figures.timezone}${partial ? "; lighter bars are partial weeks at the edges of the period" : ""}.</figcaption></figure>`;
    }
  }
}

function zipTable(figures: MarketFigures, columns: readonly MetricKey[]): SafeHtml {
  const rowNote = (period: PeriodFigures): string | null => {
    const small = columns.filter((key) => isSmall(key, period));
    if (small.length === 0) return null;
    const nouns = [...new Set(small.map((key) => METRICS[key].sampleNoun[1]))];
    return `fewer than ${MIN_SAMPLE} ${nouns.join(" or ")}: marked figures are not market figures`;
  };
  const row = (label: SafeHtml, period: PeriodFigures, attrs: SafeHtml) => {
    const note = rowNote(period);
    return html`<tr ${attrs}><td>${label}${note ? html`<div class="row-note">${note}</div>` : ""}</td>${columns.map(
      (key) => html`<td data-metric="${key}">${figureValue(figures, key, period, true)}</td>`,
    )}</tr>`;
  };
  return html`<h2>By ZIP code</h2>
<table class="zip-table"><thead><tr><th>ZIP</th>${columns.map((key) => html`<th>${METRICS[key].shortLabel}</th>`)}</tr></thead>
<tbody>${figures.byZip.map((zip) => row(html`<strong>${zip.zip}</strong>`, zip.current, html`data-zip="${zip.zip}"`))}${row(
    html`All`,
    figures.area.current,
    html`class="total" data-zip="all"`,
  )}</tbody></table>`;
}

function detailTable(figures: MarketFigures, rows: readonly MetricKey[], days: number): SafeHtml {
  const area = figures.area;
  return html`<h2>This period and the one before<span class="sub">the ${days} days before the period</span></h2>
<table class="detail-table"><thead><tr><th>Figure</th><th>This period</th><th>Previous period</th><th>Change</th></tr></thead>
<tbody>${rows.map(
    (key) =>
      html`<tr data-metric="${key}"><td>${METRICS[key].label}</td><td data-window="current">${figureValue(figures, key, area.current, false)}</td><td data-window="previous">${figureValue(figures, key, area.previous, false)}</td><td class="${area.changes[key].direction ?? "none"}">${missingFieldFor(figures, key) ? MISSING : changeText(key, area)}</td></tr>`,
  )}</tbody></table>`;
}

/** For "No … were listed": "condos ($500K–$1M, 2+ beds)", "single-family homes or condos". */
function whatWasLookedFor(figures: MarketFigures): string {
  const types = describePropertyTypes(figures.filters).replace(/ and (?=[^,]*$)/, " or ");
  const rest = describeFilters(figures.filters).split(", ").slice(1);
  const lower = types.charAt(0).toLowerCase() + types.slice(1);
  return rest.length === 0 ? lower : `${lower} (${rest.join(", ")})`;
}

function noActivityPanel(figures: MarketFigures, area: AreaName, range: string, days: number): SafeHtml {
  if (!area.named) {
    return html`<section class="no-activity">
<h2>No activity in this period</h2>
<p>This report names no city or ZIP code, so there is no market to describe. Edit the schedule to choose an area.</p>
</section>`;
  }
  const previous = figures.area.previous;
  const pendings = previous.newPendings;
  const hadActivity = previous.newListings + previous.closedSales + (pendings ?? 0) + previous.activeInventory > 0;
  const before = [plural(previous.newListings, "new listing"), pendings === null ? null : plural(pendings, "pending sale"), plural(previous.closedSales, "closed sale")]
    .filter((part): part is string => part !== null)
    .join(", ");
  return html`<section class="no-activity">
<h2>No activity in this period</h2>
<p>No ${whatWasLookedFor(figures)} were listed, went under contract or sold in ${area.exact} from ${range}, and none were for sale at the end of the period.</p>
<p>${
    hadActivity
      ? `In the ${days} days before: ${before}.`
      : `The ${days} days before were quiet too. If this seems wrong, check the report's city, ZIP codes and filters.`
  }</p>
</section>`;
}

function methodology(input: ReportHtmlInput, area: AreaName, range: string, previousRange: string, days: number): SafeHtml {
  const { figures } = input;
  const tz = figures.timezone;
  const sections = REPORT_SECTIONS[input.reportType];
  const keys = [...new Set<MetricKey>([...sections.headline, ...sections.detail])];
  const at = (iso: string) => formatBoundary(new Date(iso), tz);
  const basis = figures.area.current.daysOnMarketBasis;
  const gaps = figures.missingFields.map(
    (field) =>
      `The feed gives no ${FEED_FIELDS[field].label} for these listings, so ${FEED_FIELDS[field].metrics.map((key) => METRICS[key].label.toLowerCase()).join(" and ")} cannot be computed and ${FEED_FIELDS[field].metrics.length === 1 ? "reads" : "read"} “${NOT_IN_FEED}”, not zero.`,
  );
  return html`<footer class="methodology">
<h2>Methodology</h2>
<p><strong>Period:</strong> ${at(figures.period.start)} up to ${at(figures.period.end)} (${range}, ${plural(days, "local day")}), compared with ${at(figures.previousPeriod.start)} up to ${at(figures.previousPeriod.end)} (${previousRange}, the ${days} local days before). Changes compare the two periods; ratio changes are in percentage points.</p>
<p><strong>Area and filters:</strong> ${area.named ? html`${area.exact}${input.city && input.zips.length > 0 ? "; a listing must be in the city and in one of the ZIP codes" : ""}` : "none selected"}. ${describeFiltersInFull(figures.filters)} Filters are sent to the data source and checked again on every record received, so a listing counts only when its own record meets them.</p>
<p><strong>Data:</strong> ${input.dataSource}. ${input.fetched} ${formatCount(figures.listingsUsed)} of the ${plural(figures.listingsReceived, "listing record")} received ${figures.listingsUsed === 1 ? "is" : "are"} behind these figures; retrieved ${formatInstant(input.asOf, tz)}. Statuses are as reported at that time.</p>
${gaps.length > 0 ? html`<p><strong>Missing from the feed:</strong> ${gaps.join(" ")}</p>` : ""}
${basis.close > 0 && basis.contract > 0 ? html`<p><strong>Days on market</strong> in this period run to the contract date for ${plural(basis.contract, "sale")} and to the close date for ${plural(basis.close, "sale")} without a contract date.</p>` : ""}
<p><strong>Small numbers:</strong> a median, average, ratio, share or months of supply computed from fewer than ${MIN_SAMPLE} records is shown with its count and marked †: it describes those few homes, not the market. A change is given in percent (or points) only when at least ${MIN_CHANGE_SAMPLE} records are behind the figure in both periods; otherwise the two values are shown side by side. Counts and sums are exact at any size.</p>
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

/** One to three plain sentences a client can read before the numbers; small samples are called so. */
function narrative(figures: MarketFigures, reportType: ReportType, days: number): string {
  const { current, changes } = figures.area;
  const movement = (key: MetricKey): string | null => {
    const change = changes[key];
    if (change.direction === null || change.changePct === null) return null;
    if (change.direction === "flat") return "unchanged";
    return `${change.direction} ${Math.abs(change.changePct).toFixed(1)}%`;
  };
  const enough = (key: MetricKey) => current[key] !== null && current.samples[key] >= MIN_SAMPLE;
  const sales = (() => {
    if (current.closedSales === 0) return "No sales closed in the period.";
    const count = movement("closedSales");
    const price = movement("medianClosePrice");
    const priced = current.samples.medianClosePrice;
    const priceText = enough("medianClosePrice")
      ? ` at a median price of ${formatMetric("medianClosePrice", current.medianClosePrice)}${price ? ` (${price})` : ""}`
      : priced > 0
        ? ` (${plural(priced, "sale")} with a usable price: too few for a market median)`
        : "";
    return `${plural(current.closedSales, "home")} sold${count ? ` (${count} from the previous ${days} days)` : ""}${priceText}.`;
  })();
  const pace = (() => {
    if (!enough("medianDaysOnMarket") || !enough("saleToListRatio")) return null;
    const daysText = formatMetric("medianDaysOnMarket", current.medianDaysOnMarket);
    const { contract, close } = current.daysOnMarketBasis;
    const above = current.shareClosedAboveList !== null ? `; ${formatRatio(current.shareClosedAboveList)} sold above list` : "";
    const ratio = formatRatio(current.saleToListRatio);
    if (contract === 0) return `The typical sale closed ${daysText} after listing (the feed gives no contract dates), at ${ratio} of its list price${above}.`;
    const fallback = close > 0 ? ` (counting to the close date for ${formatCount(close)} of ${plural(contract + close, "sale")}, which have no contract date)` : "";
    return `The typical home went under contract ${daysText} after listing${fallback} and sold for ${ratio} of its list price${above}.`;
  })();
  const listings = movement("newListings");
  const supply = `${plural(current.newListings, "new listing")} came on the market${listings ? ` (${listings})` : ""}, and ${plural(
    current.activeInventory,
    "home",
  )} ${current.activeInventory === 1 ? "was" : "were"} for sale at the end of the period${
    enough("monthsOfSupply") ? `: ${current.monthsOfSupply!.toFixed(1)} months of supply` : ""
  }.`;
  const order: Record<ReportType, (string | null)[]> = {
    market_snapshot: [sales, pace, supply],
    closed_sales: [sales, pace],
    new_listings: [supply, sales],
    inventory: [supply, sales],
  };
  return order[reportType].filter((s): s is string => s !== null).join(" ");
}
