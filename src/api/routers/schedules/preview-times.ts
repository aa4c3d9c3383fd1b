import * as z from "zod";
import { previewTimes } from "../../../schedules/preview-times.js";
import { fields } from "../../../schedules/schedule.rules.js";
import { intInRange } from "../../../validation/field-rules.js";
import { accountProcedure } from "../../trpc.js";

/**
 * The schedule form's timing fields, checked by the schedule rules. Both day fields may be sent
 * (a form keeps both while the cadence is switched); only the cadence's own one is used.
 */
export const ZPreviewTimesInput = z
  .object({
    cadence: fields.cadence,
    weekly_dow: fields.weekly_dow.optional(),
    monthly_dom: fields.monthly_dom.optional(),
    send_hour: fields.send_hour,
    send_minute: fields.send_minute,
    timezone: fields.timezone,
    count: intInRange(1, 20).default(5),
    /** Start from this instant instead of now (ISO-8601). */
    after: z.iso.datetime({ offset: true, error: "must be an ISO-8601 date-time" }).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.cadence === "weekly" && (s.weekly_dow ?? null) === null) {
      ctx.addIssue({ code: "custom", path: ["weekly_dow"], message: "is required when cadence is weekly" });
    }
    if (s.cadence === "monthly" && (s.monthly_dom ?? null) === null) {
      ctx.addIssue({ code: "custom", path: ["monthly_dom"], message: "is required when cadence is monthly" });
    }
  });

/** `schedules.previewTimes`: the next sends for timing fields, before anything is saved. */
export const previewTimesRoute = accountProcedure.input(ZPreviewTimesInput).query(({ input }) => {
  const timing = {
    cadence: input.cadence,
    weekly_dow: input.cadence === "weekly" ? input.weekly_dow! : null,
    monthly_dom: input.cadence === "monthly" ? input.monthly_dom! : null,
    send_hour: input.send_hour,
    send_minute: input.send_minute,
    timezone: input.timezone,
  };
  return { times: previewTimes(timing, input.after ? new Date(input.after) : new Date(), input.count) };
});
