import * as z from "zod";
import { reportFiltersSchema } from "../listings/listing-filters.js";

/**
 * The report-job message, version 1: the seed's `generate_report` arguments (report_type, city,
 * zips, lookback_days, filters, schedule_id) plus what a worker needs to act idempotently. Parsed
 * with this schema on publish and on consume; a message that fails it goes to the dead letters.
 */
export const reportJobSchema = z.strictObject({
  v: z.literal(1),
  run_id: z.uuid(),
  schedule_id: z.uuid(),
  account_id: z.uuid(),
  /** The slot this run serves (ISO-8601). */
  scheduled_for: z.iso.datetime({ offset: true }),
  kind: z.enum(["scheduled", "manual", "test"]),
  params: z.object({
    report_type: z.string().min(1),
    city: z.string().nullable(),
    zips: z.array(z.string()),
    lookback_days: z.int().min(1).max(365),
    filters: reportFiltersSchema,
    schedule_id: z.uuid(),
    timezone: z.string().min(1),
    name: z.string(),
    recipients: z.array(z.string()),
    include_attachment: z.boolean(),
  }),
});

export type ReportJob = z.infer<typeof reportJobSchema>;
export type ReportJobParams = ReportJob["params"];
