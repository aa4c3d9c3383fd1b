import * as z from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { booleanField, pageLimitField, singleLineText, typeRule } from "../../../validation/field-rules.js";

export const ZListSchedulesInput = z
  .object({
    active_only: booleanField().default(true),
    /** Overrides active_only when given: the web app's Active / Paused / All filter. */
    status: z.enum(["active", "paused", "all"], typeRule("must be active, paused or all")).optional(),
    name_contains: singleLineText(0, 200).optional(),
    limit: pageLimitField(200, 50),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});
