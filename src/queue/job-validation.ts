import { reportJobSchema, type ReportJob } from "./report-job.js";

/*
 * The message schema applied on both sides. Its own module so that connecting to the broker does
 * not load zod's schema machinery: a tick that finds nothing due never validates anything.
 */

export type DecodedMessage =
  | { ok: true; job: ReportJob }
  | { ok: false; reason: string };

/** Parses and validates a message body; the reason names every failing field. */
export function decodeJob(body: Buffer | string): DecodedMessage {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === "string" ? body : body.toString("utf8"));
  } catch (err) {
    return { ok: false, reason: `invalid message: not JSON (${(err as Error).message})` };
  }
  return validateJob(value);
}

export function validateJob(value: unknown): DecodedMessage {
  const parsed = reportJobSchema.safeParse(value);
  if (parsed.success) return { ok: true, job: parsed.data };
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "message"}: ${i.message}`);
  return { ok: false, reason: `invalid message: ${problems.join("; ")}` };
}

