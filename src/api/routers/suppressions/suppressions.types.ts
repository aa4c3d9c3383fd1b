import { z } from "zod";
import { cursorInput } from "../../pagination.js";

const email = z.string({ required_error: "is required" }).trim().toLowerCase().email("must be a valid email address");

export const ZListSuppressionsInput = z
  .object({
    limit: z.number({ invalid_type_error: "must be a number" }).int("must be a whole number").min(1, "must be 1 to 500").max(500, "must be 1 to 500").default(100),
    cursor: cursorInput,
  })
  .strict()
  .default({});
export const ZAddSuppressionInput = z.object({ email, reason: z.string().trim().min(1, "must be 1 to 200 characters").max(200, "must be 1 to 200 characters").optional() }).strict();
export const ZRemoveSuppressionInput = z.object({ email }).strict();
