import * as z from "zod";

/**
 * Zod building blocks shared by every input schema, so an id, a page size or a type error reads
 * the same on every procedure. Messages state the rule; the API's error formatter prefixes the
 * field from the issue path ("limit: must be 1 to 200").
 */

/** A type error message that says "is required" when the field is absent instead. */
export function typeRule(message: string) {
  return { error: (iss: { input?: unknown }) => (iss.input === undefined ? "is required" : message) };
}

/** An id of the named thing. Any 8-4-4-4-12 hex string, as Postgres' uuid type accepts. */
export function idField(what: string) {
  return z.guid(typeRule(`must be a ${what} id (UUID)`));
}

/** A page size from 1 to `max`, `fallback` when absent. */
export function pageLimitField(max: number, fallback: number) {
  return z
    .number(typeRule("must be a number"))
    .int("must be a whole number")
    .min(1, `must be 1 to ${max}`)
    .max(max, `must be 1 to ${max}`)
    .default(fallback);
}

export function booleanField() {
  return z.boolean(typeRule("must be true or false"));
}

/** A whole number in [min, max] with one message for every way of missing it. */
export function intInRange(min: number, max: number, message = `must be ${min} to ${max}`) {
  return z.number(typeRule(message)).int(message).min(min, message).max(max, message);
}

/**
 * Text that goes into a single line (a schedule's name in a subject line, a city in a heading, a
 * reason in the suppression list): no control characters, which also keeps out NUL (Postgres
 * cannot store it in text) and line breaks (header injection); and well-formed UTF-16, since a
 * lone surrogate cannot be encoded as UTF-8 and would be stored as U+FFFD.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
export const SINGLE_LINE_RULE = "must be one line of text without control characters";
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
export const WELL_FORMED_RULE = "must be valid Unicode text (it holds an unpaired surrogate)";

/** One line of trimmed text of `min` to `max` characters; `min` 0 allows it to be empty. */
export function singleLineText(min: number, max: number) {
  const length = min > 0 ? `must be ${min} to ${max} characters` : `must be at most ${max} characters`;
  return z
    .string(typeRule("must be a string"))
    .refine((s) => !LONE_SURROGATE.test(s), { message: WELL_FORMED_RULE, abort: true })
    .refine((s) => !CONTROL_CHARACTER.test(s), { message: SINGLE_LINE_RULE, abort: true })
    .trim()
    .min(min, length)
    .max(max, length);
}
