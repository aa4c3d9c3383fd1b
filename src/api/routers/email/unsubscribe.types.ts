import { z } from "zod";

/** POST /v1/email/unsubscribe in the seed, plus account_id (the token is bound to it). */
export const ZUnsubscribeInput = z
  .object({
    email: z.string({ required_error: "is required" }).trim().email("must be a valid email address"),
    account_id: z.string({ required_error: "is required" }).uuid("must be an account id (UUID)"),
    token: z.string({ required_error: "is required" }).regex(/^[0-9a-fA-F]{64}$/, "must be the 64-character token from the unsubscribe link"),
    reason: z.string().trim().max(200, "must be at most 200 characters").optional(),
  })
  .strict();

export const ZUnsubscribeTokenInput = z
  .object({ email: z.string({ required_error: "is required" }).trim().email("must be a valid email address") })
  .strict();
