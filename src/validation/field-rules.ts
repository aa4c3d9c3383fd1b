import { z } from "zod";

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
