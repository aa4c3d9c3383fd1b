import * as z from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { EMAIL_STATUSES } from "../../../db/enums.js";
import { idField, pageLimitField } from "../../../validation/field-rules.js";
import { timestamp, uuid } from "../schedules/schedule.output.js";

export const ZEmailLogInput = z
  .object({
    schedule_id: idField("schedule").optional(),
    run_id: idField("run").optional(),
    limit: pageLimitField(500, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});

export const ZEmailLogEntry = z
  .object({
    id: uuid,
    schedule_id: uuid.nullable(),
    run_id: uuid.nullable(),
    report_id: uuid.nullable(),
    provider: z.string().nullable(),
    to_emails: z.array(z.string()),
    subject: z.string().nullable(),
    status: z.enum(EMAIL_STATUSES),
    response_code: z.int().nullable(),
    /** A `failed` row that will be tried again (the relay deferred it: a 4xx or connection trouble). */
    retryable: z.boolean(),
    message_id: z.string().nullable(),
    error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: "EmailLogEntry" });

export const ZEmailLog = z
  .object({ entries: z.array(ZEmailLogEntry), count: z.int(), next_cursor: z.string().nullable() })
  .meta({ id: "EmailLog" });
