import type { ScheduleTiming } from "../../src/time/next-run-at.js";

export const WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${["th", "st", "nd", "rd"][n % 10] ?? "th"}`;
}

export function sendTime(hour: number, minute: number): string {
  return `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
}

/** "Mondays at 09:00, America/Los_Angeles": times always say their zone. */
export function cadenceInWords(s: ScheduleTiming): string {
  const at = `at ${sendTime(s.send_hour, s.send_minute)}, ${s.timezone}`;
  if (s.cadence === "weekly") return `${WEEKDAYS[s.weekly_dow ?? 0]}s ${at}`;
  if (s.cadence === "monthly") {
    const day = s.monthly_dom === 31 ? "the last day" : `the ${ordinal(s.monthly_dom ?? 1)}`;
    return `Monthly on ${day} ${at}`;
  }
  return `Daily ${at}`;
}

/**
 * One formatter per zone: building an Intl.DateTimeFormat costs far more than formatting with it,
 * and a list of 200 schedules formats two or three instants per row in a handful of zones.
 */
const FORMATTERS = new Map<string, Intl.DateTimeFormat>();

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = FORMATTERS.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      weekday: "short",
      day: "numeric",
      month: "short",
      year: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
      timeZoneName: "short",
    });
    FORMATTERS.set(timeZone, formatter);
  }
  return formatter;
}

/** An instant in a zone, with the zone's short name: "Mon, Mar 8, 2027, 09:00 PST". */
export function inZone(iso: string, timeZone: string): string {
  return zoneFormatter(timeZone).format(new Date(iso));
}

/** The same instant in the viewer's own zone, for a hover title. */
export function inViewerZone(iso: string): string {
  const zone = browserTimeZone();
  return `Your time: ${inZone(iso, zone)} (${zone})`;
}

/**
 * Built on first use, not when the page loads: the first Intl.RelativeTimeFormat of a page costs
 * 25–30 ms (ICU loading its data), and a list whose schedules have never run needs none.
 */
let RELATIVE: Intl.RelativeTimeFormat | undefined;

export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  RELATIVE ??= new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return RELATIVE.format(seconds, "second");
}

let BROWSER_ZONE: string | undefined;

/** The viewer's zone, asked once: resolvedOptions() builds a whole formatter to answer. */
export function browserTimeZone(): string {
  BROWSER_ZONE ??= Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  return BROWSER_ZONE;
}
