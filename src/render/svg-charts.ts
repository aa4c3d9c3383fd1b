import { DateTime } from "luxon";
import type { PriceBucket, WeekActivity, ZipPrice } from "../figures/market-figures.js";
import { MIN_SAMPLE } from "../figures/metrics.js";
import { niceStep } from "../figures/statistics.js";
import { formatCompactCurrency, formatCount } from "./format-figures.js";
import { html, type SafeHtml } from "./html-template.js";

/**
 * The report's charts as inline SVG, drawn by hand: no chart library, no script, nothing to load,
 * so they print identically in every PDF and email client. Sizes are in viewBox units; the SVG
 * scales to the column width.
 */
export const CHART_COLORS = {
  ink: "#1d2433",
  muted: "#6b7385",
  grid: "#e4e7ee",
  primary: "#17324d",
  secondary: "#2a9d8f",
  accent: "#e0a458",
} as const;

const WIDTH = 680;
const FONT = 11;

/** One decimal is plenty for coordinates and keeps the markup small. */
const n = (value: number) => Math.round(value * 10) / 10;

interface Axis {
  max: number;
  ticks: number[];
}

function countAxis(maxValue: number): Axis {
  const step = Math.max(1, Math.ceil(niceStep(Math.max(maxValue, 1) / 4)));
  const max = Math.max(step, Math.ceil(maxValue / step) * step);
  const ticks: number[] = [];
  for (let v = 0; v <= max; v += step) ticks.push(v);
  return { max, ticks };
}

function gridLines(axis: Axis, left: number, right: number, top: number, bottom: number, label: (v: number) => string): SafeHtml {
  return html`${axis.ticks.map((tick) => {
    const y = n(bottom - ((bottom - top) * tick) / axis.max);
    return html`<line x1="${left}" x2="${right}" y1="${y}" y2="${y}" stroke="${tick === 0 ? CHART_COLORS.muted : CHART_COLORS.grid}" stroke-width="${tick === 0 ? 1 : 0.8}"/><text x="${left - 6}" y="${n(y + 3.5)}" text-anchor="end" font-size="${FONT - 1}" fill="${CHART_COLORS.muted}">${label(tick)}</text>`;
  })}`;
}

function svg(width: number, height: number, title: string, body: SafeHtml): SafeHtml {
  return html`<svg class="chart-svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${title}" xmlns="http://www.w3.org/2000/svg" font-family="inherit"><title>${title}</title>${body}</svg>`;
}

/** Column chart of closed sales by close-price range, counts on top of the bars. */
export function closePriceHistogram(buckets: readonly PriceBucket[]): SafeHtml {
  const height = 230;
  const left = 40;
  const right = WIDTH - 20;
  const top = 20;
  const bottom = height - 36;
  const axis = countAxis(Math.max(0, ...buckets.map((b) => b.count)));
  const slot = (right - left) / Math.max(1, buckets.length);
  const barWidth = Math.min(64, slot * 0.8);
  const bars = buckets.map((bucket, i) => {
    const h = ((bottom - top) * bucket.count) / axis.max;
    const x = left + slot * i + (slot - barWidth) / 2;
    const range = `${bucket.from === null ? "Under " : formatCompactCurrency(bucket.from)}${bucket.from !== null && bucket.to !== null ? "–" : ""}${bucket.to === null ? " and up" : formatCompactCurrency(bucket.to)}`;
    return html`<rect x="${n(x)}" y="${n(bottom - h)}" width="${n(barWidth)}" height="${n(h)}" rx="2" fill="${CHART_COLORS.primary}"><title>${range}: ${formatCount(bucket.count)} sales</title></rect>${
      bucket.count > 0
        ? html`<text x="${n(x + barWidth / 2)}" y="${n(bottom - h - 5)}" text-anchor="middle" font-size="${FONT - 1}" font-weight="600" fill="${CHART_COLORS.ink}">${formatCount(bucket.count)}</text>`
        : ""
    }`;
  });
  // Labels sit on the boundaries between bars; an open-ended end bar says "under" or "over".
  const every = buckets.length > 10 ? 2 : 1;
  const labelAt = (x: number, text: string) =>
    html`<text x="${n(x)}" y="${bottom + 16}" text-anchor="middle" font-size="${FONT - 1}" fill="${CHART_COLORS.muted}">${text}</text>`;
  const labels: SafeHtml[] = [];
  const count = buckets.length;
  const openLow = count > 0 && buckets[0].from === null;
  const openHigh = count > 0 && buckets[count - 1].to === null;
  for (let i = 0; i <= count; i++) {
    const boundary = i < count ? buckets[i].from : buckets[i - 1].to;
    if (boundary === null || i % every !== 0) continue;
    // An open-ended bar is labelled at its centre instead, so its inner edge stays clear.
    if ((openLow && i === 1) || (openHigh && i === count - 1)) continue;
    labels.push(labelAt(left + slot * i, formatCompactCurrency(boundary)));
  }
  if (openLow) labels.push(labelAt(left + slot / 2, `<${formatCompactCurrency(buckets[0].to)}`));
  if (openHigh) labels.push(labelAt(right - slot / 2, `${formatCompactCurrency(buckets[count - 1].from)}+`));
  return svg(
    WIDTH,
    height,
    "Closed sales by price range",
    html`${gridLines(axis, left, right, top, bottom, formatCount)}${bars}${labels}`,
  );
}

/** Horizontal bars of each ZIP's median sale price, highest first, with the area median marked. */
export function medianPriceByZipChart(rows: readonly ZipPrice[], areaMedian: number | null): SafeHtml {
  const sorted = [...rows].sort((a, b) => (b.medianClosePrice ?? -1) - (a.medianClosePrice ?? -1) || a.zip.localeCompare(b.zip));
  const rowHeight = 24;
  const top = 22;
  const height = top + sorted.length * rowHeight + 8;
  const labelWidth = 60;
  const valueWidth = 150;
  const left = labelWidth;
  const right = WIDTH - valueWidth;
  const max = Math.max(1, ...sorted.map((r) => r.medianClosePrice ?? 0), areaMedian ?? 0);
  const scale = (v: number) => left + ((right - left) * v) / max;
  const bars = sorted.map((row, i) => {
    const y = top + i * rowHeight;
    const label = html`<text x="0" y="${y + 15}" font-size="${FONT}" font-weight="600" fill="${CHART_COLORS.ink}">${row.zip}</text>`;
    if (row.medianClosePrice === null) {
      return html`${label}<text x="${left}" y="${y + 15}" font-size="${FONT - 1}" fill="${CHART_COLORS.muted}" font-style="italic">no sales in the period</text>`;
    }
    const w = Math.max(2, scale(row.medianClosePrice) - left);
    // A median of a handful of sales is drawn pale: it is not a market figure.
    const small = row.pricedSales < MIN_SAMPLE;
    return html`${label}<rect x="${left}" y="${y + 4}" width="${n(w)}" height="${rowHeight - 8}" rx="2" fill="${CHART_COLORS.secondary}"${small ? html` fill-opacity="0.35"` : ""}/><text x="${n(left + w + 6)}" y="${y + 15}" font-size="${FONT}" fill="${CHART_COLORS.ink}" stroke="#fff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"><tspan font-weight="600">${formatCompactCurrency(row.medianClosePrice)}</tspan><tspan fill="${CHART_COLORS.muted}"> · ${formatCount(row.closedSales)} ${row.closedSales === 1 ? "sale" : "sales"}${small ? " (too few)" : ""}</tspan></text>`;
  });
  const marker =
    areaMedian === null
      ? ""
      : html`<line x1="${n(scale(areaMedian))}" x2="${n(scale(areaMedian))}" y1="${top - 4}" y2="${height - 6}" stroke="${CHART_COLORS.primary}" stroke-width="1" stroke-dasharray="3 3"/><text x="${n(scale(areaMedian))}" y="${top - 8}" text-anchor="middle" font-size="${FONT - 1}" fill="${CHART_COLORS.primary}">Area median ${formatCompactCurrency(areaMedian)}</text>`;
  // The marker goes first so bars and their labels draw over it.
  return svg(WIDTH, height, "Median sale price by ZIP code", html`${marker}${bars}`);
}

/** Grouped columns per local week: new listings beside closed sales. Partial weeks are lighter. */
export function weeklyActivityChart(weeks: readonly WeekActivity[]): SafeHtml {
  const height = 230;
  const left = 40;
  const right = WIDTH - 8;
  const top = 30;
  const bottom = height - 30;
  const axis = countAxis(Math.max(0, ...weeks.map((w) => Math.max(w.newListings, w.closedSales))));
  const slot = (right - left) / Math.max(1, weeks.length);
  const barWidth = Math.min(22, (slot * 0.72) / 2);
  const every = Math.ceil(weeks.length / 10);
  const y = (v: number) => bottom - ((bottom - top) * v) / axis.max;
  const columns = weeks.map((week, i) => {
    const center = left + slot * i + slot / 2;
    const partial = Date.parse(week.end) - Date.parse(week.start) < 6.5 * 86_400_000;
    const opacity = partial ? "0.45" : "1";
    const label = DateTime.fromISO(week.weekOf).toFormat("LLL d");
    return html`<g opacity="${opacity}"><rect x="${n(center - barWidth - 1)}" y="${n(y(week.newListings))}" width="${n(barWidth)}" height="${n(bottom - y(week.newListings))}" rx="1.5" fill="${CHART_COLORS.secondary}"><title>Week of ${label}: ${formatCount(week.newListings)} new listings</title></rect><rect x="${n(center + 1)}" y="${n(y(week.closedSales))}" width="${n(barWidth)}" height="${n(bottom - y(week.closedSales))}" rx="1.5" fill="${CHART_COLORS.primary}"><title>Week of ${label}: ${formatCount(week.closedSales)} closed sales</title></rect></g>${
      i % every === 0
        ? html`<text x="${n(center)}" y="${bottom + 16}" text-anchor="middle" font-size="${FONT - 1}" fill="${CHART_COLORS.muted}">${label}</text>`
        : ""
    }`;
  });
  const legend = html`<g font-size="${FONT}" fill="${CHART_COLORS.ink}"><rect x="${right - 230}" y="6" width="10" height="10" rx="2" fill="${CHART_COLORS.secondary}"/><text x="${right - 215}" y="15">New listings</text><rect x="${right - 120}" y="6" width="10" height="10" rx="2" fill="${CHART_COLORS.primary}"/><text x="${right - 105}" y="15">Closed sales</text></g>`;
  return svg(WIDTH, height, "New listings and closed sales by week", html`${gridLines(axis, left, right, top, bottom, formatCount)}${columns}${legend}`);
}
