import { z } from "zod";
import { cursorInput } from "../../pagination.js";

const id = (what: string) => z.string({ required_error: "is required" }).uuid(`must be a ${what} id (UUID)`);

export const ZListReportsInput = z
  .object({
    schedule_id: id("schedule").optional(),
    limit: z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(1, "must be 1 to 200").max(200, "must be 1 to 200").default(50),
    cursor: cursorInput,
  })
  .strict()
  .default({});

export const ZGetReportInput = z.object({ id: id("report") }).strict();
