import { z } from "zod";
import { cursorInput } from "../../pagination.js";

export const ZEmailLogInput = z
  .object({
    schedule_id: z.string().uuid("must be a schedule id (UUID)").optional(),
    run_id: z.string().uuid("must be a run id (UUID)").optional(),
    limit: z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(1, "must be 1 to 500").max(500, "must be 1 to 500").default(50),
    cursor: cursorInput,
  })
  .strict()
  .default({});
