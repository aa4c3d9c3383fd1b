import { DateTime, IANAZone } from "luxon";
import type { ListingQuery } from "../listings/listing.js";

/**
 * The period a run reports on: the `lookbackDays` whole local days before the day the run is for,
 * in the schedule's time zone. A Monday 09:00 Los Angeles run with 30 days of lookback covers the
 * 30 days ending at that Monday's local midnight, so every report covers complete days and two
 * runs for the same slot report the same period.
 */
export function reportPeriod(input: { slot: Date; lookbackDays: number; timezone: string }): { start: Date; end: Date } {
  if (!IANAZone.isValidZone(input.timezone)) throw new Error(`timezone: "${input.timezone}" is not an IANA time zone`);
  if (!Number.isInteger(input.lookbackDays) || input.lookbackDays < 1) throw new Error("lookbackDays: must be a whole number of days, at least 1");
  if (Number.isNaN(input.slot.getTime())) throw new Error("slot: must be a valid date");
  const end = DateTime.fromJSDate(input.slot, { zone: input.timezone }).startOf("day");
  const start = end.minus({ days: input.lookbackDays });
  return { start: start.toJSDate(), end: end.toJSDate() };
}

/** The listing data a period needs: the previous window of the same length plus the period. */
export function listingQueryFor(input: { city: string | null; zips: readonly string[]; period: { start: Date; end: Date } }): ListingQuery {
  const length = input.period.end.getTime() - input.period.start.getTime();
  return {
    city: input.city,
    zips: [...input.zips],
    from: new Date(input.period.start.getTime() - length),
    to: input.period.end,
  };
}
