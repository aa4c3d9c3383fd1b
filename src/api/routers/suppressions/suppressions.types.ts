import * as z from "zod";
import { cursorInput } from "../../../db/pagination.js";
import { emailAddressField } from "../../../validation/email-address.js";
import { pageLimitField, singleLineText } from "../../../validation/field-rules.js";

export const ZListSuppressionsInput = z
  .object({
    limit: pageLimitField(500, 100),
    cursor: cursorInput,
  })
  .strict()
  .prefault({});
export const ZAddSuppressionInput = z
  .object({
    email: emailAddressField(),
    reason: singleLineText(1, 200).optional(),
  })
  .strict();
export const ZRemoveSuppressionInput = z.object({ email: emailAddressField() }).strict();

export const ZSuppression = z
  .object({ email: z.string(), reason: z.string().nullable(), created_at: z.iso.datetime() })
  .meta({ id: "Suppression" });
export const ZSuppressionList = z
  .object({ suppressions: z.array(ZSuppression), count: z.int(), next_cursor: z.string().nullable() })
  .meta({ id: "SuppressionList" });
export const ZSuppressionAdded = z
  .object({ email: z.string(), added: z.boolean().meta({ description: "false when the address was already on the list" }) })
  .meta({ id: "SuppressionAdded" });
export const ZSuppressionRemoved = z.object({ email: z.string(), removed: z.literal(true) });
