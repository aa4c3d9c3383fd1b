import { DateTime } from "luxon";
import type { MetricChange } from "../figures/market-figures.js";
import { METRICS, type MetricKey, type MetricUnit } from "../figures/metrics.js";

/**
 * How figures read in reports and emails (US English, US dollars). Formatters are built once:
 * constructing Intl objects is far slower than using them, and a report formats hundreds of values.
 */
const currency = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-US", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToOneDecimal = new Intl.NumberFormat("en-US", { maximumFractionDigits: 1 });
const MINUS = "\u2212";
export const MISSING = "\u2014";

export function formatCurrency(value: number | null): string {
  return value === null ? MISSING : currency.format(value);
}

/** $850K, $1.25M, $311.4M: for axes and dense tables. */
export function formatCompactCurrency(value: number | null): string {
  if (value === null) return MISSING;
  const abs = Math.abs(value);
  const sign = value < 0 ? MINUS : "";
  if (abs >= 1e9) return `${sign}$${trim(abs / 1e9, 2)}B`;
  if (abs >= 1e6) return `${sign}$${trim(abs / 1e6, abs >= 1e8 ? 0 : abs >= 1e7 ? 1 : 2)}M`;
  if (abs >= 1e3) return `${sign}$${trim(abs / 1e3, abs >= 1e5 ? 0 : 1)}K`;
  return `${sign}$${integer.format(abs)}`;
}

/** Fixed decimals without trailing zeros: 1.50 → "1.5", 2.00 → "2", 250 → "250". */
function trim(value: number, decimals: number): string {
  const text = value.toFixed(decimals);
  return decimals === 0 ? text : text.replace(/\.?0+$/, "");
}

export function formatCount(value: number | null): string {
  return value === null ? MISSING : integer.format(value);
}

/** A fraction as a percent: 0.9968 → 99.7%. */
export function formatRatio(value: number | null): string {
  return value === null ? MISSING : `${oneDecimal.format(value * 100)}%`;
}

export function formatMetric(key: MetricKey, value: number | null, options: { compact?: boolean } = {}): string {
  return formatUnit(METRICS[key].unit, value, options);
}

export function formatUnit(unit: MetricUnit, value: number | null, options: { compact?: boolean } = {}): string {
  if (value === null) return MISSING;
  switch (unit) {
    case "count":
      return formatCount(value);
    case "currency":
      return options.compact && Math.abs(value) >= 10_000 ? formatCompactCurrency(value) : formatCurrency(value);
    case "ratio":
      return formatRatio(value);
    case "days":
      return `${upToOneDecimal.format(value)} ${value === 1 ? "day" : "days"}`;
    case "months":
      return `${oneDecimal.format(value)} mo`;
  }
}

/** "+6.4%", "−2.6%", "+0.4 pts" for ratios, "0.0%" when flat, "—" when there is nothing to compare. */
export function formatChange(key: MetricKey, change: MetricChange): string {
  const isRatio = METRICS[key].unit === "ratio";
  const value = isRatio ? change.changePoints : change.changePct;
  if (value === null) return change.direction === "up" ? "new" : MISSING;
  const rounded = Math.abs(value) < 0.05 ? 0 : value;
  const sign = rounded > 0 ? "+" : rounded < 0 ? MINUS : "";
  return `${sign}${oneDecimal.format(Math.abs(rounded))}${isRatio ? " pts" : "%"}`;
}

export function arrowFor(direction: MetricChange["direction"]): string {
  return direction === "up" ? "\u25B2" : direction === "down" ? "\u25BC" : direction === "flat" ? "\u25B6" : "";
}

/**
 * The period as people say it, in the schedule's zone. The end is exclusive (local midnight), so
 * the last day shown is the day before it: "Mar 8 – Apr 6, 2025".
 */
export function formatDateRange(start: Date, end: Date, timezone: string): string {
  const first = DateTime.fromJSDate(start, { zone: timezone });
  const last = DateTime.fromJSDate(new Date(end.getTime() - 1), { zone: timezone });
  if (first.hasSame(last, "day")) return first.toFormat("LLL d, yyyy");
  if (first.year !== last.year) return `${first.toFormat("LLL d, yyyy")} \u2013 ${last.toFormat("LLL d, yyyy")}`;
  if (first.month === last.month) return `${first.toFormat("LLL d")} \u2013 ${last.toFormat("d, yyyy")}`;
  return `${first.toFormat("LLL d")} \u2013 ${last.toFormat("LLL d, yyyy")}`;
}

/** "April 7, 2025, 9:00 AM PDT" in the schedule's zone. */
export function formatInstant(instant: Date, timezone: string): string {
  return DateTime.fromJSDate(instant, { zone: timezone }).toFormat("LLLL d, yyyy, h:mm a ZZZZ");
}

/** "Apr 7, 2025 00:00 (America/Los_Angeles, UTC−7)" for the methodology's exact bounds. */
export function formatBoundary(instant: Date, timezone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  return `${local.toFormat("LLL d, yyyy HH:mm")} (${timezone}, UTC${local.toFormat("ZZ").replace("-", MINUS)})`;
}
