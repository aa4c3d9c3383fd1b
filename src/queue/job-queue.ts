import type { ReportJob } from "./report-job.js";

/**
 * The one interface the tick, the API's runNow and the worker use to talk to the job queue. Two
 * implementations: RabbitMQ (rabbitmq-queue.ts) and the embedded in-process queue for `npm start`.
 * Nothing outside src/queue knows which one it has.
 */
export interface JobQueue {
  /**
   * Publishes every job, keeping many in flight, and resolves once each is confirmed or failed.
   * Never rejects for a per-message problem: a nack, an unroutable return, a closed connection or
   * an invalid job each land in `failed` with the reason. The run id is the message id.
   */
  publish(jobs: ReportJob[], options?: PublishOptions): Promise<PublishOutcome>;
  /** Starts delivering jobs to `handler`; see JobHandler for how its result is treated. */
  consume(handler: JobHandler, options: ConsumeOptions): Promise<Consumer>;
  /** Releases the connection. Every operation still pending fails rather than hangs. */
  close(): Promise<void>;
}

export interface PublishOptions {
  /**
   * Put these jobs in the priority lane: a consumer starts any waiting priority job before the
   * jobs of the ordinary lane, however many of those are queued. The tick uses it for each
   * account's first jobs of a tick (TICK_FAIR_SHARE), the API for runNow and sendTest, so one
   * account's backlog does not hold up another's reports. Retries return to the ordinary lane.
   */
  priority?: boolean;
}

export interface PublishOutcome {
  /** Run ids the broker confirmed (durably accepted). */
  confirmed: string[];
  failed: PublishFailure[];
}

export interface PublishFailure {
  runId: string;
  reason: string;
  /**
   * True when publishing it again cannot succeed (the job fails the message schema); false for
   * broker-side trouble (nack, unroutable, connection lost, confirm timeout) worth retrying.
   */
  permanent: boolean;
}

/** What the handler learns about the delivery besides the job itself. */
export interface Delivery {
  runId: string;
  /** 1 for the first delivery; counts retries and redeliveries after a consumer crash. */
  attempt: number;
  maxAttempts: number;
  /** attempt >= maxAttempts: if this one fails too, the job is dead-lettered, not retried. */
  finalAttempt: boolean;
  /** The broker delivered this message before (a consumer died or gave it back). */
  redelivered: boolean;
}

/**
 * Resolves → the message is acknowledged (done).
 * Throws PermanentJobError → dead-lettered at once with the error's message as the reason.
 * Throws anything else → retried after an exponential backoff (a delayed redelivery, never a hot
 * loop) until `maxAttempts`, then dead-lettered with the last error as the reason.
 */
export type JobHandler = (job: ReportJob, delivery: Delivery) => Promise<void>;

export interface ConsumeOptions {
  /** Deliveries in flight at once (unacknowledged), i.e. the consumer's concurrency. */
  prefetch: number;
  /** Attempts before dead-lettering a job that keeps failing transiently. Default 5. */
  maxAttempts?: number;
  /**
   * Called before a message is dead-lettered, so the caller can record why (the run's error).
   * `job` is absent when the message itself was invalid. On RabbitMQ it is also called for the
   * dead letters the broker makes itself (a job whose workers died past the delivery limit), and
   * may be called again for the same job, or retried after it failed: it must be idempotent.
   */
  onDeadLetter?: (event: DeadLetterEvent) => Promise<void> | void;
}

export interface DeadLetterEvent {
  runId: string | undefined;
  job: ReportJob | undefined;
  reason: string;
  attempt: number;
}

export interface Consumer {
  /** Stops taking new deliveries and waits for the handlers in progress to settle. */
  stop(): Promise<void>;
  /**
   * Settles when consuming ends: undefined after stop(), an Error when the channel or connection
   * closed underneath (the process should exit and be restarted rather than sit idle).
   */
  readonly ended: Promise<Error | undefined>;
}

/** Thrown by a handler for a failure that retrying cannot fix (bad parameters, deleted schedule). */
export class PermanentJobError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PermanentJobError";
  }
}

export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Retry delays, growing ×3 from 10 s. The RabbitMQ queue declares one delay queue per entry, so
 * this list is part of the topology: keep it stable. Attempts past its end use the last delay.
 */
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [10_000, 30_000, 90_000, 270_000, 810_000, 2_430_000];

/** The delay before retrying after failed attempt `attempt` (1-based). */
export function retryDelayMs(attempt: number, delays: readonly number[] = DEFAULT_RETRY_DELAYS_MS): number {
  return delays[Math.min(Math.max(attempt, 1), delays.length) - 1];
}

/** The run id of a job that may not have passed validation, for error reports. */
export function runIdOf(value: unknown): string {
  const id = (value as { run_id?: unknown } | null)?.run_id;
  return typeof id === "string" ? id : "(unknown)";
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
