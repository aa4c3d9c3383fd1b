import * as z from "zod";
import type { Cadence } from "../../src/db/enums.js";
import type { ReportType } from "../../src/figures/report-types.js";
import type { ScheduleDto } from "../../src/schedules/schedule.dto.js";
import { createScheduleInput } from "../../src/schedules/schedule.rules.js";
import { browserTimeZone, sendTime } from "./schedule-words.js";

/** What the form edits: the schedule's fields as inputs hold them. */
export interface ScheduleFormValues {
  name: string;
  report_type: ReportType;
  city: string;
  zip_codes: string[];
  lookback_days: number;
  cadence: Cadence;
  weekly_dow: number;
  monthly_dom: number;
  send_time: string;
  timezone: string;
  recipients: string[];
  include_attachment: boolean;
  active: boolean;
}

export type ScheduleInput = z.input<typeof createScheduleInput>;

export function parseSendTime(value: string): { send_hour: number; send_minute: number } {
  const match = /^(\d{1,2}):(\d{2})$/.exec(value);
  return match ? { send_hour: Number(match[1]), send_minute: Number(match[2]) } : { send_hour: Number.NaN, send_minute: Number.NaN };
}

/** The API's input for the form's values: the day field the cadence does not use is null. */
export function toScheduleInput(v: ScheduleFormValues): ScheduleInput {
  return {
    name: v.name,
    report_type: v.report_type,
    city: v.city.trim() === "" ? null : v.city,
    zip_codes: v.zip_codes,
    lookback_days: v.lookback_days,
    cadence: v.cadence,
    weekly_dow: v.cadence === "weekly" ? v.weekly_dow : null,
    monthly_dom: v.cadence === "monthly" ? v.monthly_dom : null,
    ...parseSendTime(v.send_time),
    timezone: v.timezone,
    recipients: v.recipients,
    include_attachment: v.include_attachment,
    filters: {},
    active: v.active,
  };
}

/**
 * The form's validation is the server's own rule set (createScheduleInput), applied to the values
 * the form would send: one rule, both sides. Issue paths are the API's field names; the form
 * shows send_hour/send_minute issues beside its Send time field.
 */
export const scheduleFormSchema = z
  .custom<ScheduleFormValues>((v) => typeof v === "object" && v !== null)
  .transform(toScheduleInput)
  .pipe(createScheduleInput);

export function emptyScheduleForm(): ScheduleFormValues {
  return {
    name: "",
    report_type: "market_snapshot",
    city: "",
    zip_codes: [],
    lookback_days: 30,
    cadence: "weekly",
    weekly_dow: 1,
    monthly_dom: 1,
    send_time: "09:00",
    timezone: browserTimeZone(),
    recipients: [],
    include_attachment: false,
    active: true,
  };
}

export function scheduleToForm(
  s: Omit<ScheduleDto, "id" | "account_id" | "filters" | "last_run_at" | "next_run_at" | "created_at" | "updated_at">,
): ScheduleFormValues {
  return {
    name: s.name,
    report_type: s.report_type as ReportType,
    city: s.city ?? "",
    zip_codes: s.zip_codes,
    lookback_days: s.lookback_days,
    cadence: s.cadence,
    weekly_dow: s.weekly_dow ?? 1,
    monthly_dom: s.monthly_dom ?? 1,
    send_time: sendTime(s.send_hour, s.send_minute),
    timezone: s.timezone,
    recipients: s.recipients,
    include_attachment: s.include_attachment,
    active: s.active,
  };
}

/** Only the fields whose value differs from the saved schedule: an update is partial. */
export function changedFields(saved: ScheduleFormValues, current: ScheduleFormValues): Partial<ScheduleInput> {
  const before = toScheduleInput(saved) as Record<string, unknown>;
  const after = toScheduleInput(current) as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) patch[key] = after[key];
  }
  return patch;
}
