import { DateTime } from "luxon";

/** One per zone: luxon's "ZZZZ" builds a new Intl.DateTimeFormat for every date it formats. */
const zoneNameFormats = new Map<string, Intl.DateTimeFormat>();

function shortZoneName(instant: Date, timezone: string): string {
  let format = zoneNameFormats.get(timezone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "short" });
    zoneNameFormats.set(timezone, format);
  }
  return format.formatToParts(instant).find((part) => part.type === "timeZoneName")?.value ?? "";
}

/** "April 7, 2025, 9:00 AM PDT" in the schedule's zone. */
export function formatInstant(instant: Date, timezone: string): string {
  return `${DateTime.fromJSDate(instant, { zone: timezone }).toFormat("LLLL d, yyyy, h:mm a")} ${shortZoneName(instant, timezone)}`;
}

/**
 * "April 7, 2025, 9:00 AM PDT (America/Los_Angeles)": for messages read without the schedule at
 * hand, where an abbreviation alone is ambiguous (CST is three zones) or only an offset ("GMT+2").
 */
export function formatInstantNamingZone(instant: Date, timezone: string): string {
  const formatted = formatInstant(instant, timezone);
  return formatted.endsWith(` ${timezone}`) ? formatted : `${formatted} (${timezone})`;
}
