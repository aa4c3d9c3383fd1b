import * as z from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { REPORT_RUN_STATUSES } from "../../../db/enums.js";
import { idField, pageLimitField } from "../../../validation/field-rules.js";
import { timestamp, uuid } from "../schedules/schedule.output.js";

export const ZListReportsInput = z
  .object({
    schedule_id: idField("schedule").optional(),
    limit: pageLimitField(200, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});

export const ZGetReportInput = z.object({ id: idField("report") }).strict();

export const ZReport = z
  .object({
    id: uuid,
    schedule_id: uuid.nullable(),
    run_id: uuid.nullable(),
    report_type: z.string(),
    status: z.enum(REPORT_RUN_STATUSES),
    period_start: timestamp.nullable(),
    period_end: timestamp.nullable(),
    has_pdf: z.boolean(),
    size_bytes: z.number().nullable(),
    summary: z.record(z.string(), z.unknown()).nullable(),
    error: z.string().nullable(),
    created_at: timestamp,
  })
  .meta({ id: "Report" });

export const ZReportList = z
  .object({ reports: z.array(ZReport), count: z.int(), next_cursor: z.string().nullable() })
  .meta({ id: "ReportList" });

export const ZReportWithDownload = ZReport.extend({
  download_url: z.string().nullable().meta({ description: "Short-lived: presigned on S3, else a signed /r/ link" }),
  download_url_expires_at: timestamp.nullable(),
}).meta({ id: "ReportWithDownload" });
