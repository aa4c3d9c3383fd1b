import { DateTime } from "luxon";
import { isValidTimeZone, localToInstant } from "./next-run-at.js";

/**
 * The two windows a report compares, as local calendar days in the schedule's zone. Every bound
 * is a local midnight found with `localToInstant`, the rule `nextRunAt` uses, so a window that
 * spans a DST change is still whole days (one of them 23 or 25 hours long) and the previous
 * window is the same number of calendar days, never "start minus the period's milliseconds".
 */
export interface ReportPeriod {
  readonly timezone: string;
  /** Calendar days in each window. */
  readonly days: number;
  /** Inclusive: local midnight starting the first day of the period. */
  readonly start: Date;
  /** Exclusive: local midnight after the period's last day (the day the run is for). */
  readonly end: Date;
  /** Inclusive start of the previous window, which ends at `start`. */
  readonly previousStart: Date;
  /** Local dates (YYYY-MM-DD), both inclusive: what the labels show. */
  readonly firstDay: string;
  readonly lastDay: string;
  readonly previousFirstDay: string;
  readonly previousLastDay: string;
}

/**
 * The period a run reports on: the `lookbackDays` whole local days before the local day of
 * `slot`, and the same number of days before that. A Monday 09:00 Chicago run with 30 days covers
 * the 30 days ending at that Monday's local midnight, so two runs for the same slot (or any time
 * on that local day) report the same period.
 */
export function reportPeriod(input: { slot: Date; lookbackDays: number; timezone: string }): ReportPeriod {
  const { slot, lookbackDays: days, timezone } = input;
  if (!isValidTimeZone(timezone)) throw new Error(`timezone: "${timezone}" is not an IANA time zone`);
  if (!Number.isInteger(days) || days < 1) throw new Error("lookbackDays: must be a whole number of days, at least 1");
  if (!(slot instanceof Date) || Number.isNaN(slot.getTime())) throw new Error("slot: must be a valid date");

  const runDay = DateTime.fromJSDate(slot, { zone: timezone });
  // Calendar arithmetic on the date alone (in UTC, where every day has 24 hours).
  const day = DateTime.utc(runDay.year, runDay.month, runDay.day);
  const midnight = (d: DateTime) => new Date(localToInstant(timezone, d.year, d.month, d.day, 0, 0));
  const iso = (d: DateTime) => d.toISODate()!;
  const first = day.minus({ days });
  const previousFirst = day.minus({ days: 2 * days });
  return {
    timezone,
    days,
    start: midnight(first),
    end: midnight(day),
    previousStart: midnight(previousFirst),
    firstDay: iso(first),
    lastDay: iso(day.minus({ days: 1 })),
    previousFirstDay: iso(previousFirst),
    previousLastDay: iso(first.minus({ days: 1 })),
  };
}
