import { z } from "zod";
import { ZScheduleId } from "./by-id.types.js";

export const ZScheduleRunsInput = z
  .object({
    id: ZScheduleId,
    limit: z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(1, "must be 1 to 500").max(500, "must be 1 to 500").default(50),
  })
  .strict();
