import { LRUCache } from "lru-cache";
import { IANAZone } from "luxon";
import type { Cadence } from "../db/enums.js";

/** The timing fields of a schedule: all `nextRunAt` needs. */
export interface ScheduleTiming {
  cadence: Cadence;
  weekly_dow: number | null;
  monthly_dom: number | null;
  send_hour: number;
  send_minute: number;
  timezone: string;
}

const MINUTE = 60_000;
const DAY = 86_400_000;

// Resolving a name builds an Intl.DateTimeFormat, which is slow, so answers are remembered: zones
// by canonical name (a few hundred exist), and what a typed name resolved to in a bounded cache,
// since clients can type endless spellings ("america/los_angeles", "US/Pacific", …).
const zones = new Map<string, IANAZone>();
const resolved = new LRUCache<string, string | false>({ max: 2_000 });

/**
 * The canonical IANA name of a zone as ICU spells it ("america/los_angeles" and "US/Pacific" →
 * "America/Los_Angeles"), or undefined when it is not a zone. UTC offsets ("+05:00") are not
 * zone names and are refused.
 */
export function canonicalTimeZone(name: string): string | undefined {
  if (zones.has(name)) return name;
  const known = resolved.get(name);
  if (known !== undefined) return known === false ? undefined : known;
  const canonical = resolveZone(name);
  resolved.set(name, canonical ?? false);
  if (canonical !== undefined && !zones.has(canonical)) zones.set(canonical, IANAZone.create(canonical));
  return canonical;
}

function resolveZone(name: string): string | undefined {
  if (name.length > 64 || !/^[A-Za-z]/.test(name)) return undefined;
  try {
    const canonical = new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
    return IANAZone.isValidZone(canonical) ? canonical : undefined;
  } catch {
    return undefined;
  }
}

export function isValidTimeZone(zone: string): boolean {
  return canonicalTimeZone(zone) !== undefined;
}

function zoneOf(name: string): IANAZone {
  const canonical = canonicalTimeZone(name);
  if (canonical === undefined) throw new RangeError(`unknown time zone "${name}"`);
  return zones.get(canonical)!;
}

/**
 * The instant at which a local wall time occurs in `zone`. Luxon leaves ambiguous times undefined,
 * so both DST cases are resolved here explicitly:
 *  - a time that occurs twice (clocks go back) resolves to its first occurrence;
 *  - a time that never occurs (clocks go forward) is read with the offset in force before the
 *    change, which lands it later by the size of the gap (02:30 → 03:30 in New York).
 */
export function localToInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
): number {
  const z = zoneOf(zone);
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  const before = z.offset(wall - DAY);
  const after = z.offset(wall + DAY);
  const candidates = [wall - before * MINUTE, wall - after * MINUTE].filter(
    (instant) => z.offset(instant) * MINUTE === wall - instant,
  );
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before * MINUTE;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function checkTiming(t: ScheduleTiming): void {
  if (!Number.isInteger(t.send_hour) || t.send_hour < 0 || t.send_hour > 23) {
    throw new RangeError(`send_hour must be 0..23, got ${t.send_hour}`);
  }
  if (!Number.isInteger(t.send_minute) || t.send_minute < 0 || t.send_minute > 59) {
    throw new RangeError(`send_minute must be 0..59, got ${t.send_minute}`);
  }
  if (t.cadence === "weekly" && (t.weekly_dow === null || !Number.isInteger(t.weekly_dow) || t.weekly_dow < 0 || t.weekly_dow > 6)) {
    throw new RangeError(`weekly_dow must be 0..6 for a weekly schedule, got ${t.weekly_dow}`);
  }
  if (t.cadence === "monthly" && (t.monthly_dom === null || !Number.isInteger(t.monthly_dom) || t.monthly_dom < 1 || t.monthly_dom > 31)) {
    throw new RangeError(`monthly_dom must be 1..31 for a monthly schedule, got ${t.monthly_dom}`);
  }
  if (t.cadence !== "daily" && t.cadence !== "weekly" && t.cadence !== "monthly") {
    throw new RangeError(`unknown cadence "${String(t.cadence)}"`);
  }
}

/**
 * The first instant strictly after `after` whose local wall time in the schedule's zone matches
 * its cadence. The one rule for "when does this schedule fire", shared by the API and the tick.
 * Throws RangeError for timing that cannot fire (bad zone, out-of-range fields).
 */
export function nextRunAt(timing: ScheduleTiming, after: Date): Date {
  checkTiming(timing);
  const zone = zoneOf(timing.timezone);
  const afterMs = after.getTime();
  if (!Number.isFinite(afterMs)) throw new RangeError("after must be a valid date");
  // The local calendar date at `after`; candidates are tried from that date forward.
  const local = new Date(afterMs + zone.offset(afterMs) * MINUTE);
  let year = local.getUTCFullYear();
  let month = local.getUTCMonth() + 1;
  let day = local.getUTCDate();
  const at = (y: number, m: number, d: number) =>
    localToInstant(timing.timezone, y, m, d, timing.send_hour, timing.send_minute);

  if (timing.cadence === "monthly") {
    // A day past the month's end means the month's last day (31 → 30 Apr, 28/29 Feb).
    for (let i = 0; i < 3; i++) {
      const d = Math.min(timing.monthly_dom!, daysInMonth(year, month));
      const instant = at(year, month, d);
      if (instant > afterMs) return new Date(instant);
      month += 1;
      if (month > 12) {
        month = 1;
        year += 1;
      }
    }
    throw new Error("unreachable: no monthly slot within three months");
  }

  const step = timing.cadence === "weekly" ? 7 : 1;
  if (timing.cadence === "weekly") {
    const dow = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    day += (timing.weekly_dow! - dow + 7) % 7;
  }
  for (let i = 0; i < 3; i++) {
    const date = new Date(Date.UTC(year, month - 1, day + i * step));
    const instant = at(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate());
    if (instant > afterMs) return new Date(instant);
  }
  throw new Error("unreachable: no slot within three periods");
}
