import type { Logger } from "../log/logger.js";
import {
  DEFAULT_MAX_ATTEMPTS,
  DEFAULT_RETRY_DELAYS_MS,
  errorMessage,
  runIdOf,
  type ConsumeOptions,
  type Consumer,
  type JobHandler,
  type JobQueue,
  type PublishFailure,
  type PublishOptions,
  type PublishOutcome,
} from "./job-queue.js";
import { decodeJob, validateJob } from "./job-validation.js";
import { createLaneTurns } from "./lane-turns.js";
import { decideRetry } from "./retry-decision.js";
import type { ReportJob } from "./report-job.js";

/**
 * The embedded queue for `npm start` without RabbitMQ: the same contract (validation on both
 * sides, delayed retries, dead letters) held in memory. Messages travel as JSON text, so a handler
 * gets its own parsed copy exactly as it would from the broker. Two lanes, as on the broker: a
 * free consumer slot takes a priority job before an ordinary one, within PRIORITY_STREAK in a row
 * (lane-turns.ts). What is queued when the process exits is gone; the runs stay `queued` in the
 * database.
 */
export interface InProcessQueue extends JobQueue {
  /** Enqueues a body as-is, skipping publish-side validation (a foreign or corrupt message). */
  publishRaw(body: string, messageId?: string): void;
  deadLetters(): DeadLetter[];
  /** Messages ready or waiting for a retry delay. */
  size(): number;
}

export interface DeadLetter {
  runId: string | undefined;
  body: string;
  reason: string;
  attempt: number;
  at: Date;
}

export interface InProcessQueueOptions {
  logger?: Logger;
  retryDelaysMs?: readonly number[];
}

interface Envelope {
  body: string;
  messageId: string | undefined;
  /** Attempts already made. */
  attempts: number;
}

interface ActiveConsumer {
  handler: JobHandler;
  options: ConsumeOptions;
  active: number;
  inFlight: Set<Promise<void>>;
  end(reason: Error | undefined): void;
}

export function createInProcessQueue(options: InProcessQueueOptions = {}): InProcessQueue {
  const log = options.logger;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const ready: Envelope[] = [];
  const readyPriority: Envelope[] = [];
  const nextJob = createLaneTurns();
  const dead: DeadLetter[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const consumers: ActiveConsumer[] = [];
  let closed = false;
  let next = 0;

  const enqueue = (envelope: Envelope) => {
    ready.push(envelope);
    dispatch();
  };

  // Round-robin over consumers with spare prefetch, like the broker.
  const dispatch = () => {
    while (readyPriority.length + ready.length > 0 && !closed) {
      let chosen: ActiveConsumer | undefined;
      for (let i = 0; i < consumers.length; i++) {
        const c = consumers[(next + i) % consumers.length];
        if (c.active < c.options.prefetch) {
          chosen = c;
          next = (next + i + 1) % consumers.length;
          break;
        }
      }
      if (!chosen) return;
      const envelope = nextJob(readyPriority, ready)!;
      const consumer = chosen;
      consumer.active++;
      const task = deliver(consumer, envelope)
        .catch((err) => log?.error({ err: errorMessage(err) }, "job handling crashed"))
        .finally(() => {
          consumer.active--;
          consumer.inFlight.delete(task);
          dispatch();
        });
      consumer.inFlight.add(task);
    }
  };

  const deadLetter = async (
    consumer: ActiveConsumer,
    envelope: Envelope,
    job: ReportJob | undefined,
    reason: string,
    attempt: number,
  ) => {
    const runId = job?.run_id ?? envelope.messageId;
    log?.error({ run_id: runId, attempt, reason }, "dead-lettering job");
    if (consumer.options.onDeadLetter) {
      try {
        await consumer.options.onDeadLetter({ runId, job, reason, attempt });
      } catch (err) {
        log?.error({ run_id: runId, err: errorMessage(err) }, "onDeadLetter failed");
      }
    }
    dead.push({ runId, body: envelope.body, reason, attempt, at: new Date() });
  };

  const deliver = async (consumer: ActiveConsumer, envelope: Envelope) => {
    const attempt = envelope.attempts + 1;
    const maxAttempts = consumer.options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const decoded = decodeJob(envelope.body);
    if (!decoded.ok) {
      await deadLetter(consumer, envelope, undefined, decoded.reason, attempt);
      return;
    }
    const job = decoded.job;
    try {
      await consumer.handler(job, {
        runId: job.run_id,
        attempt,
        maxAttempts,
        finalAttempt: attempt >= maxAttempts,
        redelivered: false,
      });
    } catch (err) {
      const decision = decideRetry(err, attempt, maxAttempts, retryDelays);
      if (decision.action === "dead-letter") {
        await deadLetter(consumer, envelope, job, decision.reason, attempt);
        return;
      }
      log?.warn({ run_id: job.run_id, attempt, retry_in_ms: decision.delayMs, err: decision.reason }, "job failed; retrying later");
      const timer = setTimeout(() => {
        timers.delete(timer);
        enqueue({ ...envelope, attempts: attempt });
      }, decision.delayMs);
      timer.unref();
      timers.add(timer);
    }
  };

  return {
    async publish(jobs: ReportJob[], publishOptions: PublishOptions = {}): Promise<PublishOutcome> {
      const lane = publishOptions.priority ? readyPriority : ready;
      const confirmed: string[] = [];
      const failed: PublishFailure[] = [];
      for (const job of jobs) {
        const checked = validateJob(job);
        if (!checked.ok) {
          failed.push({ runId: runIdOf(job), reason: checked.reason, permanent: true });
        } else if (closed) {
          failed.push({ runId: checked.job.run_id, reason: "in-process queue is closed", permanent: false });
        } else {
          lane.push({ body: JSON.stringify(checked.job), messageId: checked.job.run_id, attempts: 0 });
          confirmed.push(checked.job.run_id);
        }
      }
      // Handlers start on a later turn, as they would after a network hop.
      if (confirmed.length > 0) setImmediate(dispatch);
      return { confirmed, failed };
    },

    publishRaw(body: string, messageId?: string) {
      enqueue({ body, messageId, attempts: 0 });
    },

    async consume(handler: JobHandler, consumeOptions: ConsumeOptions): Promise<Consumer> {
      if (closed) throw new Error("in-process queue is closed");
      if (!Number.isInteger(consumeOptions.prefetch) || consumeOptions.prefetch < 1) {
        throw new RangeError(`prefetch must be a positive integer, got ${consumeOptions.prefetch}`);
      }
      let settleEnded!: (value: Error | undefined) => void;
      const ended = new Promise<Error | undefined>((resolve) => (settleEnded = resolve));
      const consumer: ActiveConsumer = {
        handler,
        options: consumeOptions,
        active: 0,
        inFlight: new Set(),
        end: settleEnded,
      };
      consumers.push(consumer);
      setImmediate(dispatch);
      return {
        ended,
        async stop() {
          const i = consumers.indexOf(consumer);
          if (i >= 0) consumers.splice(i, 1);
          await Promise.allSettled([...consumer.inFlight]);
          settleEnded(undefined);
        },
      };
    },

    deadLetters: () => [...dead],
    size: () => readyPriority.length + ready.length + timers.size,

    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled(consumers.flatMap((c) => [...c.inFlight]));
      for (const c of consumers) c.end(new Error("in-process queue closed"));
      consumers.length = 0;
    },
  };
}
