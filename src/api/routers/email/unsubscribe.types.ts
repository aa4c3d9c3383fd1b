import * as z from "zod";
import { emailAddressField } from "../../../validation/email-address.js";
import { idField, singleLineText, typeRule } from "../../../validation/field-rules.js";

/** POST /v1/email/unsubscribe in the seed, plus account_id (the token is bound to it). */
export const ZUnsubscribeInput = z
  .object({
    email: emailAddressField(),
    account_id: idField("account"),
    token: z.string(typeRule("must be a string")).regex(/^[0-9a-fA-F]{64}$/, "must be the 64-character token from the unsubscribe link"),
    reason: singleLineText(0, 200).optional(),
  })
  .strict();

export const ZUnsubscribeTokenInput = z.object({ email: emailAddressField() }).strict();

export const ZUnsubscribeResult = z
  .object({ email: z.string(), account_id: z.guid(), already_unsubscribed: z.boolean() })
  .meta({ id: "UnsubscribeResult" });

export const ZUnsubscribeTokenResult = z
  .object({ email: z.string(), account_id: z.guid(), token: z.string(), url: z.string() })
  .meta({ id: "UnsubscribeToken" });
