import { DateTime } from "luxon";
import { nextRunAt, type ScheduleTiming } from "../time/next-run-at.js";

export interface PreviewTime {
  /** The instant, ISO-8601 UTC. */
  at: string;
  /** The wall time it falls on in the schedule's zone, `YYYY-MM-DDTHH:mm`. */
  local: string;
  /** The zone's abbreviation or offset at that instant, e.g. EDT. */
  zone_abbreviation: string;
  /**
   * True when the send time does not exist that day (clocks go forward) and the send moves later
   * by the gap, as nextRunAt resolves it: 02:30 → 03:30 in New York on the spring-forward day.
   */
  shifted: boolean;
}

/** The next `count` sends after `after`, by the one nextRunAt rule the tick uses. */
export function previewTimes(timing: ScheduleTiming, after: Date, count: number): PreviewTime[] {
  const times: PreviewTime[] = [];
  let from = after;
  for (let i = 0; i < count; i++) {
    const next = nextRunAt(timing, from);
    const local = DateTime.fromJSDate(next, { zone: timing.timezone });
    times.push({
      at: next.toISOString(),
      local: local.toFormat("yyyy-MM-dd'T'HH:mm"),
      zone_abbreviation: local.toFormat("ZZZZ"),
      shifted: local.hour !== timing.send_hour || local.minute !== timing.send_minute,
    });
    from = next;
  }
  return times;
}
