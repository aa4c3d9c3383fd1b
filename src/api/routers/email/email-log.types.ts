import { z } from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { idField, pageLimitField } from "../../../validation/field-rules.js";

export const ZEmailLogInput = z
  .object({
    schedule_id: idField("schedule").optional(),
    run_id: idField("run").optional(),
    limit: pageLimitField(500, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});
