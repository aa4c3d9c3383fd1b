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

/** Three significant digits: $850K, $1.25M, $311M. */
const compactCurrency = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  notation: "compact",
  maximumSignificantDigits: 3,
});

/** $850K, $1.25M, $311M: for axes, dense tables and filter bands. */
export function formatCompactCurrency(value: number | null): string {
  return value === null ? MISSING : compactCurrency.format(value).replace("-", MINUS);
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

/**
 * "+6.4%", "−2.6%", "+0.4 pts" for ratios, "0.0%" when flat, "—" when there is nothing to
 * compare. A change from too few records is no percent at all: both values, "2 → 5".
 */
export function formatChange(key: MetricKey, change: MetricChange, values?: { current: number | null; previous: number | null }): string {
  if (change.smallSample) {
    if (!values || values.current === null || values.previous === null) return MISSING;
    return `${formatMetric(key, values.previous, { compact: true })} \u2192 ${formatMetric(key, values.current, { compact: true })}`;
  }
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

const dayRange = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", year: "numeric", timeZone: "UTC" });

/**
 * Local calendar days as people say them, both inclusive: "Mar 8 – Apr 6, 2025", "Mar 1 – 30,
 * 2025", "Dec 15, 2024 – Jan 13, 2025", "Mar 1, 2025". The dates are formatted as UTC dates, so
 * no zone can move them. ICU's thin spaces around the dash are made plain, for email subjects
 * and plain text.
 */
export function formatDayRange(firstDay: string, lastDay: string): string {
  const first = new Date(`${firstDay}T00:00:00Z`);
  const last = new Date(`${lastDay}T00:00:00Z`);
  if (Number.isNaN(first.getTime()) || Number.isNaN(last.getTime())) throw new RangeError(`not a date range: ${firstDay} – ${lastDay}`);
  return dayRange.formatRange(first, last).replace(/[\u2009\u202f]/g, " ");
}

/**
 * The days from `start` up to `endExclusive` in `timezone`: the last day shown is the one that
 * holds the instant just before the end, so a period ending at local midnight ends the day before.
 */
export function formatDateRange(start: Date, endExclusive: Date, timezone: string): string {
  const localDay = (instant: Date) => DateTime.fromJSDate(instant, { zone: timezone }).toISODate()!;
  return formatDayRange(localDay(start), localDay(new Date(endExclusive.getTime() - 1)));
}

/** "Apr 7, 2025 00:00 (America/Los_Angeles, UTC−7)" for the methodology's exact bounds. */
export function formatBoundary(instant: Date, timezone: string): string {
  const local = DateTime.fromJSDate(instant, { zone: timezone });
  return `${local.toFormat("LLL d, yyyy HH:mm")} (${timezone}, UTC${local.toFormat("ZZ").replace("-", MINUS)})`;
}
