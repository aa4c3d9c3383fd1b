import { DEFAULT_RETRY_DELAYS_MS, PermanentJobError, errorMessage, retryDelayMs } from "./job-queue.js";

export type RetryDecision =
  | { action: "retry"; delayMs: number; reason: string }
  | { action: "dead-letter"; reason: string };

/**
 * What happens to a job whose handler threw on attempt `attempt` (1-based), for both queue
 * implementations: a PermanentJobError is dead-lettered at once with its message; anything else is
 * retried after retryDelayMs until `maxAttempts`, then dead-lettered with the last error.
 */
export function decideRetry(
  error: unknown,
  attempt: number,
  maxAttempts: number,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
): RetryDecision {
  const reason = errorMessage(error);
  if (error instanceof PermanentJobError) return { action: "dead-letter", reason };
  if (attempt >= maxAttempts) return { action: "dead-letter", reason: `gave up after ${attempt} attempts: ${reason}` };
  return { action: "retry", delayMs: retryDelayMs(attempt, delays), reason };
}
