import * as z from "zod";
import { CADENCES, type Cadence } from "../db/enums.js";
import { REPORT_TYPES } from "../figures/report-types.js";
import { reportFiltersSchema } from "../listings/listing-filters.js";
import { emailAddressField } from "../validation/email-address.js";
import { booleanField, intInRange, singleLineText, typeRule } from "../validation/field-rules.js";
import { canonicalTimeZone, isValidTimeZone } from "../time/next-run-at.js";

/**
 * The input rules for a schedule, in one place: the API's create/update inputs and the merged
 * result of an update are all checked here. Field names are the seed's (snake_case) so its JSON
 * bodies are valid input as they are. Messages name the rule in plain words; the field name is
 * added by the error formatter from the issue path.
 */
export const ZIP_RULE = "must be a 5-digit US ZIP code";

export const fields = {
  name: singleLineText(1, 200),
  report_type: z.enum(REPORT_TYPES, typeRule(`must be one of ${REPORT_TYPES.join(", ")}`)),
  city: singleLineText(1, 100).nullable(),
  zip_codes: z
    .array(z.string(typeRule(ZIP_RULE)).regex(/^\d{5}$/, ZIP_RULE), typeRule("must be a list of ZIP codes"))
    .max(100, "must hold at most 100 ZIP codes")
    .transform((zips) => [...new Set(zips)]),
  lookback_days: z.number(typeRule("must be a whole number of days")).int("must be a whole number of days").min(1, "must be 1 to 365").max(365, "must be 1 to 365"),
  cadence: z.enum(CADENCES, typeRule(`must be ${CADENCES.slice(0, -1).join(", ")} or ${CADENCES.at(-1)}`)),
  weekly_dow: intInRange(0, 6, "must be 0 (Sunday) to 6 (Saturday)").nullable(),
  monthly_dom: intInRange(1, 31).nullable(),
  send_hour: intInRange(0, 23),
  send_minute: intInRange(0, 59),
  // Stored under the zone's canonical name, however it was typed.
  timezone: z
    .string(typeRule("must be an IANA time zone name"))
    .refine(isValidTimeZone, { message: "must be an IANA time zone name such as America/Los_Angeles", abort: true })
    .overwrite((name) => canonicalTimeZone(name) ?? name),
  recipients: z
    .array(emailAddressField(), typeRule("must be a list of email addresses"))
    .min(1, "must list 1 to 50 email addresses")
    .max(50, "must list 1 to 50 email addresses")
    .transform((emails) => [...new Set(emails)]),
  include_attachment: booleanField(),
  filters: reportFiltersSchema,
  active: booleanField(),
};

export const createScheduleInput = z
  .object({
    name: fields.name,
    report_type: fields.report_type,
    city: fields.city.optional(),
    zip_codes: fields.zip_codes.optional(),
    lookback_days: fields.lookback_days.default(30),
    cadence: fields.cadence,
    weekly_dow: fields.weekly_dow.optional(),
    monthly_dom: fields.monthly_dom.optional(),
    send_hour: fields.send_hour.default(9),
    send_minute: fields.send_minute.default(0),
    timezone: fields.timezone.default("UTC"),
    recipients: fields.recipients,
    include_attachment: fields.include_attachment.default(false),
    filters: fields.filters.prefault({}),
    active: fields.active.default(true),
  })
  .strict()
  .superRefine((s, ctx) => checkCrossFieldRules(s, ctx));

export const updateScheduleFields = z
  .object({
    name: fields.name,
    report_type: fields.report_type,
    city: fields.city,
    zip_codes: fields.zip_codes,
    lookback_days: fields.lookback_days,
    cadence: fields.cadence,
    weekly_dow: fields.weekly_dow,
    monthly_dom: fields.monthly_dom,
    send_hour: fields.send_hour,
    send_minute: fields.send_minute,
    timezone: fields.timezone,
    recipients: fields.recipients,
    include_attachment: fields.include_attachment,
    filters: fields.filters,
    active: fields.active,
  })
  .partial()
  .strict();

export type CreateScheduleInput = z.output<typeof createScheduleInput>;
export type ScheduleFieldsPatch = z.output<typeof updateScheduleFields>;

interface CrossFieldView {
  cadence: Cadence;
  weekly_dow?: number | null;
  monthly_dom?: number | null;
  city?: string | null;
  zip_codes?: string[];
}

/** The rules that span fields; used for creation and for the merged result of an update. */
export function checkCrossFieldRules(s: CrossFieldView, ctx: z.RefinementCtx): void {
  const hasDow = s.weekly_dow !== undefined && s.weekly_dow !== null;
  const hasDom = s.monthly_dom !== undefined && s.monthly_dom !== null;
  if (s.cadence === "weekly" && !hasDow) {
    ctx.addIssue({ code: "custom", path: ["weekly_dow"], message: "is required when cadence is weekly" });
  }
  if (s.cadence !== "weekly" && hasDow) {
    ctx.addIssue({ code: "custom", path: ["weekly_dow"], message: "is only allowed when cadence is weekly" });
  }
  if (s.cadence === "monthly" && !hasDom) {
    ctx.addIssue({ code: "custom", path: ["monthly_dom"], message: "is required when cadence is monthly" });
  }
  if (s.cadence !== "monthly" && hasDom) {
    ctx.addIssue({ code: "custom", path: ["monthly_dom"], message: "is only allowed when cadence is monthly" });
  }
  if ((s.city === undefined || s.city === null) && (s.zip_codes === undefined || s.zip_codes.length === 0)) {
    ctx.addIssue({ code: "custom", path: ["city"], message: "a city or at least one ZIP code is required" });
  }
}

/** Merged view of an update, re-checked with the same cross-field rules. */
export const mergedScheduleRules = z
  .object({
    cadence: fields.cadence,
    weekly_dow: fields.weekly_dow,
    monthly_dom: fields.monthly_dom,
    city: fields.city,
    zip_codes: z.array(z.string()),
  })
  .loose()
  .superRefine((s, ctx) => checkCrossFieldRules(s, ctx));

/** Fields whose change moves next_run_at. */
export const TIMING_FIELDS = ["cadence", "weekly_dow", "monthly_dom", "send_hour", "send_minute", "timezone", "active"] as const;
