import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../api.js";
import { fields } from "../../../src/schedules/schedule.rules.js";
import type { ScheduleFormValues } from "../schedule-form-values.js";
import { parseSendTime } from "../schedule-form-values.js";
import { inZone } from "../schedule-words.js";
import { useDebounced } from "../use-debounced.js";

/**
 * The next five sends for the timing being edited, computed by the server with the tick's own
 * nextRunAt rule (schedules.previewTimes); a send moved by a clock change is marked.
 */
export function NextSends(props: { values: Pick<ScheduleFormValues, "cadence" | "weekly_dow" | "monthly_dom" | "send_time" | "timezone"> }) {
  const trpc = useTRPC();
  const v = useDebounced(props.values, 250);
  const time = parseSendTime(v.send_time);
  const input = {
    cadence: v.cadence,
    weekly_dow: v.cadence === "weekly" ? v.weekly_dow : null,
    monthly_dom: v.cadence === "monthly" ? v.monthly_dom : null,
    ...time,
    timezone: v.timezone,
    count: 5,
    // The browser's now, to the minute, so the list does not refetch on every render.
    after: new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString(),
  };
  const complete =
    fields.send_hour.safeParse(time.send_hour).success &&
    fields.send_minute.safeParse(time.send_minute).success &&
    fields.timezone.safeParse(v.timezone).success;
  const preview = useQuery({ ...trpc.schedules.previewTimes.queryOptions(input), enabled: complete, placeholderData: (prev) => prev });

  return (
    <section className="next-sends" aria-labelledby="next-sends-title">
      <h2 id="next-sends-title">Next 5 sends</h2>
      {!complete ? <p className="hint">Choose a send time and a time zone to see when this schedule sends.</p> : null}
      {complete && preview.isError ? (
        <p role="alert" className="error">
          {preview.error.message}
        </p>
      ) : null}
      {complete && preview.data ? (
        <ol aria-live="polite">
          {preview.data.times.map((t) => (
            <li key={t.at} className={t.shifted ? "shifted" : undefined}>
              {inZone(t.at, v.timezone)}
              {t.shifted ? (
                <strong className="badge warn">
                  {" "}
                  shifted: {time.send_hour.toString().padStart(2, "0")}:{time.send_minute.toString().padStart(2, "0")} does not exist that day
                  (clocks go forward)
                </strong>
              ) : null}
            </li>
          ))}
        </ol>
      ) : null}
    </section>
  );
}
