import * as z from "zod";
import { CADENCES, RUN_KINDS, RUN_STATUSES } from "../../../db/enums.js";
import type { ScheduleDto, ScheduleListItemDto, ScheduleRunDto } from "../../../schedules/schedule.dto.js";

/**
 * What the schedule procedures return, as zod schemas: tRPC checks every answer against them and
 * the OpenAPI document (src/api/openapi/) is generated from them. `id` in meta names the
 * document's component.
 */
// Answers come from our own DTO mappers (toISOString, database UUIDs), so their formats are
// documented for clients rather than re-checked: per-row regex checks cost a tenth of a 50-row
// list's CPU in bench:api. The object schemas still hold the shape and strip unknown keys.
export const timestamp = z.string().meta({ format: "date-time" });
export const uuid = z.string().meta({ format: "uuid" });

export const ZSchedule = z
  .object({
    id: uuid,
    account_id: uuid,
    name: z.string(),
    // Not an enum on the way out: a schedule stays readable if a report type is ever retired.
    report_type: z.string(),
    city: z.string().nullable(),
    zip_codes: z.array(z.string()),
    lookback_days: z.int(),
    cadence: z.enum(CADENCES),
    weekly_dow: z.int().nullable(),
    monthly_dom: z.int().nullable(),
    send_hour: z.int(),
    send_minute: z.int(),
    timezone: z.string(),
    recipients: z.array(z.string()),
    include_attachment: z.boolean(),
    filters: z.record(z.string(), z.unknown()),
    active: z.boolean(),
    last_run_at: timestamp.nullable(),
    next_run_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "Schedule" });

export const ZScheduleRun = z
  .object({
    id: uuid,
    schedule_id: uuid,
    report_run_id: uuid.nullable(),
    scheduled_for: timestamp,
    kind: z.enum(RUN_KINDS),
    status: z.enum(RUN_STATUSES),
    attempts: z.int(),
    error: z.string().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
    started_at: timestamp.nullable(),
    finished_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .meta({ id: "ScheduleRun" });

export const ZScheduleListItem = ZSchedule.extend({
  /** The schedule's newest run of any kind (scheduled, manual or test); null before its first. */
  last_run: z
    .object({ kind: z.enum(RUN_KINDS), status: z.enum(RUN_STATUSES), scheduled_for: timestamp, finished_at: timestamp.nullable() })
    .nullable(),
}).meta({ id: "ScheduleListItem" });

export const ZScheduleList = z
  .object({
    schedules: z.array(ZScheduleListItem),
    /** The seed's `count`: the number of schedules in this page. */
    count: z.int(),
    next_cursor: z.string().nullable(),
  })
  .meta({ id: "ScheduleList" });

export const ZScheduleRunList = z.object({ runs: z.array(ZScheduleRun), count: z.int() }).meta({ id: "ScheduleRunList" });

export const ZScheduleDeleted = z.object({ id: uuid, deleted: z.literal(true) });

// The DTO mappers and these schemas describe the same objects; a drift fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const scheduleSchemaMatchesDto: Same<z.output<typeof ZSchedule>, ScheduleDto> = true;
export const listItemSchemaMatchesDto: Same<z.output<typeof ZScheduleListItem>, ScheduleListItemDto> = true;
export const runSchemaMatchesDto: Same<z.output<typeof ZScheduleRun>, ScheduleRunDto> = true;
