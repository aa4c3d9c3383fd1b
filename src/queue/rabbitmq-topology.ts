import type { Channel } from "amqplib";
import { DEFAULT_RETRY_DELAYS_MS } from "./job-queue.js";

/**
 * The broker objects tick and worker share, declared idempotently by whoever connects first.
 *
 *   exchange <prefix> (direct, durable)
 *     ── "report-jobs"          → <prefix>.report-jobs        quorum; delivery limit; dead letters ↓
 *     ── "report-jobs.priority" → <prefix>.report-jobs.priority
 *                                  the same, for jobs a worker takes before any in report-jobs
 *     ── "report-jobs.dead"     → <prefix>.report-jobs.dead   quorum; kept for an operator to inspect
 *                               → <prefix>.report-jobs.dead.watch
 *                                  quorum; a copy the workers consume to mark each run failed, so
 *                                  the broker's own dead letters (delivery limit) end their runs too
 *     ── "report-jobs.retry.Ns" → <prefix>.report-jobs.retry.Ns
 *                                  quorum, no consumers, message TTL N s, dead-letters back to
 *                                  "report-jobs": a delayed redelivery without a delay plugin
 *
 * The priority lane is a second queue rather than message priorities: quorum queues on the
 * RabbitMQ we run (3.10) refuse `x-max-priority` and global prefetch, and a classic priority queue
 * would give up the quorum queue's replication, delivery limit and safe dead-lettering. The
 * worker consumes both and starts a waiting priority job first (rabbitmq-queue.ts).
 *
 * One queue per delay (rather than a per-message TTL) because a queue expires messages only from
 * its head: mixed delays in one queue would hold a short retry behind a long one.
 * Declaring with arguments that differ from an existing queue's is a channel error, so everything
 * here is fixed by the prefix and the delay list; tests isolate themselves with their own prefix.
 */
export interface Topology {
  exchange: string;
  jobsQueue: string;
  jobsKey: string;
  priorityQueue: string;
  priorityKey: string;
  deadQueue: string;
  deadWatchQueue: string;
  deadKey: string;
  retry: { delayMs: number; queue: string; key: string }[];
  deliveryLimit: number;
}

export const DEFAULT_PREFIX = "market-reports";
/**
 * Redeliveries after a consumer died holding the message (crash, OOM kill). Handler failures go
 * through the retry queues and count separately, so this only stops a message that kills workers.
 */
export const DEFAULT_DELIVERY_LIMIT = 10;

export function topologyFor(
  prefix: string = DEFAULT_PREFIX,
  retryDelaysMs: readonly number[] = DEFAULT_RETRY_DELAYS_MS,
  deliveryLimit: number = DEFAULT_DELIVERY_LIMIT,
): Topology {
  if (!/^[A-Za-z0-9._:-]{1,200}$/.test(prefix)) {
    throw new RangeError(`queue prefix must be 1-200 letters, digits or . _ : -, got "${prefix}"`);
  }
  const delays = [...new Set(retryDelaysMs)];
  for (const d of delays) {
    if (!Number.isInteger(d) || d < 1) throw new RangeError(`retry delays must be positive integers (ms), got ${d}`);
  }
  const label = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
  return {
    exchange: prefix,
    jobsQueue: `${prefix}.report-jobs`,
    jobsKey: "report-jobs",
    priorityQueue: `${prefix}.report-jobs.priority`,
    priorityKey: "report-jobs.priority",
    deadQueue: `${prefix}.report-jobs.dead`,
    deadWatchQueue: `${prefix}.report-jobs.dead.watch`,
    deadKey: "report-jobs.dead",
    retry: delays.map((delayMs) => ({
      delayMs,
      queue: `${prefix}.report-jobs.retry.${label(delayMs)}`,
      key: `report-jobs.retry.${label(delayMs)}`,
    })),
    deliveryLimit,
  };
}

// at-least-once dead-lettering (no message dropped between a queue and its dead-letter target)
// requires reject-publish overflow on quorum queues.
const SAFE_DEAD_LETTERING = { "x-dead-letter-strategy": "at-least-once", "x-overflow": "reject-publish" };

/** Declares everything. Safe to run concurrently from many processes. */
export async function declareTopology(channel: Channel, t: Topology): Promise<void> {
  // amqplib sends a channel's RPCs one after another anyway; issuing them together saves the
  // event-loop turns between replies, which matters for a tick that starts every minute.
  const jobsArguments = {
    "x-queue-type": "quorum",
    "x-delivery-limit": t.deliveryLimit,
    "x-dead-letter-exchange": t.exchange,
    "x-dead-letter-routing-key": t.deadKey,
    ...SAFE_DEAD_LETTERING,
  };
  const declared: Promise<unknown>[] = [
    channel.assertExchange(t.exchange, "direct", { durable: true }),
    channel.assertQueue(t.jobsQueue, { durable: true, arguments: jobsArguments }),
    channel.assertQueue(t.priorityQueue, { durable: true, arguments: jobsArguments }),
    channel.assertQueue(t.deadQueue, { durable: true, arguments: { "x-queue-type": "quorum" } }),
    channel.assertQueue(t.deadWatchQueue, { durable: true, arguments: { "x-queue-type": "quorum" } }),
    ...t.retry.map((r) =>
      channel.assertQueue(r.queue, {
        durable: true,
        arguments: {
          "x-queue-type": "quorum",
          "x-message-ttl": r.delayMs,
          "x-dead-letter-exchange": t.exchange,
          "x-dead-letter-routing-key": t.jobsKey,
          ...SAFE_DEAD_LETTERING,
        },
      }),
    ),
    channel.bindQueue(t.jobsQueue, t.exchange, t.jobsKey),
    channel.bindQueue(t.priorityQueue, t.exchange, t.priorityKey),
    channel.bindQueue(t.deadQueue, t.exchange, t.deadKey),
    channel.bindQueue(t.deadWatchQueue, t.exchange, t.deadKey),
    ...t.retry.map((r) => channel.bindQueue(r.queue, t.exchange, r.key)),
  ];
  await Promise.all(declared);
}

/** Removes everything (tests and benchmarks cleaning up after their own prefix). */
export async function deleteTopology(channel: Channel, t: Topology): Promise<void> {
  await Promise.all([
    channel.deleteQueue(t.jobsQueue),
    channel.deleteQueue(t.priorityQueue),
    channel.deleteQueue(t.deadQueue),
    channel.deleteQueue(t.deadWatchQueue),
    ...t.retry.map((r) => channel.deleteQueue(r.queue)),
    channel.deleteExchange(t.exchange),
  ]);
}
