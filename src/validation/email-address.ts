import * as z from "zod";
import { typeRule } from "./field-rules.js";

/**
 * The one rule for recipient addresses, used by the API's inputs, manual runs, delivery and the
 * suppression list: addresses are compared and stored trimmed and lower-cased, and are valid when
 * zod's email pattern (a deliberately practical subset of RFC 5321) accepts them.
 */
export function normalizeEmail(address: string): string {
  return address.trim().toLowerCase();
}

export const EMAIL_ADDRESS_RULE = "must be a valid email address";

/** RFC 5321 caps a forward path at 254 octets; longer addresses cannot be delivered. */
const MAX_EMAIL_LENGTH = 254;

export function isEmailAddress(address: string): boolean {
  return address.length <= MAX_EMAIL_LENGTH && z.regexes.email.test(address);
}

/** An email address input: normalized, then checked with the one validity rule. */
export function emailAddressField() {
  return z
    .string(typeRule("must be an email address"))
    .transform(normalizeEmail)
    .refine(isEmailAddress, EMAIL_ADDRESS_RULE);
}
