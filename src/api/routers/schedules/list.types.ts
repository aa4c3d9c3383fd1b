import { z } from "zod";
import { cursorInput } from "../../pagination.js";

export const ZListSchedulesInput = z
  .object({
    active_only: z.boolean({ invalid_type_error: "must be true or false" }).default(true),
    limit: z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(1, "must be 1 to 200").max(200, "must be 1 to 200").default(50),
    cursor: cursorInput,
  })
  .strict()
  .default({});
