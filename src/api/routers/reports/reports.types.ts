import { z } from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { idField, pageLimitField } from "../../../validation/field-rules.js";

export const ZListReportsInput = z
  .object({
    schedule_id: idField("schedule").optional(),
    limit: pageLimitField(200, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});

export const ZGetReportInput = z.object({ id: idField("report") }).strict();
