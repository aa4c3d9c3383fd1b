import { z } from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { booleanField, pageLimitField } from "../../../validation/field-rules.js";

export const ZListSchedulesInput = z
  .object({
    active_only: booleanField().default(true),
    limit: pageLimitField(200, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});
