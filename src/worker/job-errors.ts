import { ListingSourceError } from "../listings/listing.js";
import { PermanentJobError, errorMessage } from "../queue/job-queue.js";
import { SmtpSendError } from "../email/mail-transport.js";

/**
 * Whether a failure is worth retrying, decided in one place from the errors the parts throw.
 * Anything unrecognised counts as transient: a retry with backoff is the safer default, and the
 * attempt limit bounds it.
 */
export function isPermanent(error: unknown): boolean {
  if (error instanceof PermanentJobError) return true;
  if (error instanceof ListingSourceError) return error.kind === "permanent";
  if (error instanceof SmtpSendError) return !error.transient;
  const flagged = error as { transient?: unknown } | null;
  if (flagged && typeof flagged === "object" && typeof flagged.transient === "boolean") return !flagged.transient;
  return false;
}

export function asJobError(error: unknown): Error {
  if (isPermanent(error) && !(error instanceof PermanentJobError)) return new PermanentJobError(errorMessage(error), { cause: error });
  return error instanceof Error ? error : new Error(String(error));
}
