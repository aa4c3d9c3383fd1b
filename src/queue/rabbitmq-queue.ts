import amqp, { type ChannelModel, type ConfirmChannel, type ConsumeMessage, type Message } from "amqplib";
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
import type { ReportJob } from "./report-job.js";
import { DEAD_REASON_HEADER, HOOK_PENDING_HEADER, watchDeadLetters } from "./dead-letter-watch.js";
import { declareTopology, topologyFor, type Topology } from "./rabbitmq-topology.js";
import { createLaneTurns } from "./lane-turns.js";
import { decideRetry } from "./retry-decision.js";

export interface RabbitQueueOptions {
  /** AMQP_URL. A `heartbeat` query parameter is added (30 s) unless the URL sets one. */
  url: string;
  /** Names every exchange and queue (rabbitmq-topology.ts); tests use their own. */
  prefix?: string;
  logger?: Logger;
  retryDelaysMs?: readonly number[];
  deliveryLimit?: number;
  /** A batch whose confirms have not all arrived this long after its last publish fails the rest. */
  confirmTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** Shown in the broker's connection list. */
  connectionName?: string;
  /**
   * "now" (default) declares the topology while connecting, so a mismatch fails at start.
   * "on-first-use" waits for the first publish or consume: a tick with nothing to publish opens
   * no channel at all.
   */
  declare?: "now" | "on-first-use";
}

export interface RabbitJobQueue extends JobQueue {
  readonly topology: Topology;
}

const HEARTBEAT_SECONDS = 30;
// Our own headers; the broker's (x-death, x-delivery-count) are never copied onto a republish.
const ATTEMPTS_HEADER = "x-mr-attempts";
const LAST_ERROR_HEADER = "x-mr-last-error";

/**
 * Connects, declares the topology and returns the queue. Rejects (never hangs) when the broker is
 * unreachable: the socket has a connect timeout and heartbeats catch a silent peer afterwards.
 */
export async function createRabbitQueue(options: RabbitQueueOptions): Promise<RabbitJobQueue> {
  const log = options.logger;
  const retryDelays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const topology = topologyFor(options.prefix, retryDelays, options.deliveryLimit);
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 30_000;

  const connection: ChannelModel = await amqp.connect(withHeartbeat(options.url), {
    timeout: options.connectTimeoutMs ?? 5_000,
    clientProperties: { connection_name: options.connectionName ?? "market-reports" },
  });
  let closedBecause: Error | undefined;
  connection.on("error", (err: Error) => {
    log?.warn({ err: err.message }, "RabbitMQ connection error");
  });
  connection.on("close", (err?: Error) => {
    closedBecause ??= new Error(`RabbitMQ connection closed${err ? `: ${err.message}` : ""}`);
  });
  connection.on("blocked", (reason: string) => log?.warn({ reason }, "RabbitMQ blocked publishing (resource alarm)"));

  let declared: Promise<void> | undefined;
  const ready = (): Promise<void> => {
    declared ??= (async () => {
      const setup = await connection.createChannel();
      setup.on("error", () => undefined);
      await declareTopology(setup, topology);
      await setup.close();
    })();
    // A failed declaration is tried again by the next operation.
    declared.catch(() => {
      declared = undefined;
    });
    return declared;
  };
  if (options.declare !== "on-first-use") {
    try {
      await ready();
    } catch (err) {
      await connection.close().catch(() => undefined);
      throw err;
    }
  }

  // One publishing channel, reopened if the broker closed it (a channel error) while the
  // connection lives on.
  let publisher: Promise<PublisherChannel> | undefined;
  const publisherChannel = (): Promise<PublisherChannel> => {
    if (closedBecause) return Promise.reject(closedBecause);
    publisher ??= openPublisher(connection).then((p) => {
      p.channel.on("close", () => {
        publisher = undefined;
      });
      return p;
    });
    publisher.catch(() => {
      publisher = undefined;
    });
    return publisher;
  };

  const publish = async (jobs: ReportJob[], publishOptions: PublishOptions = {}): Promise<PublishOutcome> => {
    const { validateJob } = await import("./job-validation.js");
    const failed: PublishFailure[] = [];
    const valid: ReportJob[] = [];
    for (const job of jobs) {
      const checked = validateJob(job);
      if (checked.ok) valid.push(checked.job);
      else failed.push({ runId: runIdOf(job), reason: checked.reason, permanent: true });
    }
    if (valid.length === 0) return { confirmed: [], failed };
    let pub: PublisherChannel;
    try {
      await ready();
      pub = await publisherChannel();
    } catch (err) {
      for (const job of valid) failed.push({ runId: job.run_id, reason: errorMessage(err), permanent: false });
      return { confirmed: [], failed };
    }
    const routingKey = publishOptions.priority ? topology.priorityKey : topology.jobsKey;
    const outcome = await publishBatch(pub, topology, routingKey, valid, confirmTimeoutMs);
    failed.push(...outcome.failed);
    return { confirmed: outcome.confirmed, failed };
  };

  const consume = async (handler: JobHandler, consumeOptions: ConsumeOptions): Promise<Consumer> => {
    if (closedBecause) throw closedBecause;
    const { decodeJob } = await import("./job-validation.js");
    await ready();
    const channel = await connection.createConfirmChannel();
    channel.on("error", (err: Error) => log?.warn({ err: err.message }, "RabbitMQ consumer channel error"));
    const maxAttempts = consumeOptions.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const inFlight = new Set<Promise<void>>();
    let stopping = false;
    let settleEnded!: (value: Error | undefined) => void;
    const ended = new Promise<Error | undefined>((resolve) => (settleEnded = resolve));
    channel.on("close", () => {
      settleEnded(stopping ? undefined : (closedBecause ?? new Error("RabbitMQ consumer channel closed")));
    });

    const republish = (msg: Message, routingKey: string, headers: Record<string, unknown>): Promise<void> =>
      new Promise((resolve, reject) => {
        const own = Object.fromEntries(
          Object.entries(msg.properties.headers ?? {}).filter(([k]) => k.startsWith("x-mr-")),
        );
        try {
          channel.publish(
            topology.exchange,
            routingKey,
            msg.content,
            {
              persistent: true,
              mandatory: true,
              contentType: msg.properties.contentType ?? "application/json",
              messageId: msg.properties.messageId,
              headers: { ...own, ...headers },
            },
            (err: unknown) => (err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve()),
          );
        } catch (err) {
          reject(err);
        }
      });

    // The copy goes out confirmed before the original is acked: a crash in between duplicates
    // the job (the run id makes that harmless) but never loses it.
    const settle = async (msg: Message, routingKey: string, headers: Record<string, unknown>) => {
      try {
        await republish(msg, routingKey, headers);
        channel.ack(msg);
      } catch (err) {
        log?.warn({ run_id: msg.properties.messageId, err: errorMessage(err) }, "could not move job; returning it to the queue");
        try {
          channel.nack(msg, false, true);
        } catch {
          // The channel is gone; the broker redelivers the message to another consumer.
        }
      }
    };

    const deadLetter = async (msg: Message, job: ReportJob | undefined, reason: string, attempt: number) => {
      const runId = job?.run_id ?? (msg.properties.messageId as string | undefined);
      log?.error({ run_id: runId, attempt, reason }, "dead-lettering job");
      let hookPending = false;
      if (consumeOptions.onDeadLetter) {
        try {
          await consumeOptions.onDeadLetter({ runId, job, reason, attempt });
        } catch (err) {
          hookPending = true;
          log?.error({ run_id: runId, err: errorMessage(err) }, "onDeadLetter failed; the dead-letter watcher tries again");
        }
      }
      await settle(msg, topology.deadKey, {
        [DEAD_REASON_HEADER]: reason.slice(0, 2000),
        [ATTEMPTS_HEADER]: attempt,
        ...(hookPending ? { [HOOK_PENDING_HEADER]: true } : {}),
      });
    };

    const handle = async (msg: ConsumeMessage) => {
      const headers = msg.properties.headers ?? {};
      const attempt = numberHeader(headers[ATTEMPTS_HEADER]) + numberHeader(headers["x-delivery-count"]) + 1;
      const decoded = decodeJob(msg.content);
      if (!decoded.ok) {
        await deadLetter(msg, undefined, decoded.reason, attempt);
        return;
      }
      const job = decoded.job;
      try {
        await handler(job, {
          runId: job.run_id,
          attempt,
          maxAttempts,
          finalAttempt: attempt >= maxAttempts,
          redelivered: msg.fields.redelivered,
        });
      } catch (err) {
        const decision = decideRetry(err, attempt, maxAttempts, retryDelays);
        if (decision.action === "dead-letter") {
          await deadLetter(msg, job, decision.reason, attempt);
        } else {
          const tier = topology.retry.find((r) => r.delayMs === decision.delayMs)!;
          log?.warn({ run_id: job.run_id, attempt, retry_in_ms: decision.delayMs, err: decision.reason }, "job failed; retrying later");
          await settle(msg, tier.key, { [ATTEMPTS_HEADER]: attempt, [LAST_ERROR_HEADER]: decision.reason.slice(0, 2000) });
        }
        return;
      }
      try {
        channel.ack(msg);
      } catch {
        // Channel closed while the handler ran: the broker redelivers; the run id keeps it idempotent.
      }
    };

    // One consumer per lane and at most `prefetch` handlers running: a free slot goes to a waiting
    // priority job first, within PRIORITY_STREAK in a row (lane-turns.ts). (Quorum queues have no
    // channel-wide prefetch, so the choice is made here.) The priority consumer holds twice
    // `prefetch`, so that while its lane has a backlog a next priority job is already in hand
    // whenever a slot frees — the broker refills a consumer only after an ack, and the slot would
    // otherwise go to an ordinary job meanwhile. Jobs can wait here while the slots are busy;
    // stop() gives those back to the broker.
    const waiting: { priority: ConsumeMessage[]; ordinary: ConsumeMessage[] } = { priority: [], ordinary: [] };
    const nextJob = createLaneTurns();
    const start = () => {
      while (!stopping && inFlight.size < consumeOptions.prefetch) {
        const msg = nextJob(waiting.priority, waiting.ordinary);
        if (!msg) return;
        const task = handle(msg).catch((err) => log?.error({ err: errorMessage(err) }, "job handling crashed"));
        inFlight.add(task);
        void task.finally(() => {
          inFlight.delete(task);
          start();
        });
      }
    };
    // basic.qos applies to the consumers started after it on the channel.
    const consumeLane = async (queue: string, lane: ConsumeMessage[], prefetch: number) => {
      await channel.prefetch(prefetch);
      return (
        await channel.consume(
          queue,
          (msg) => {
            if (msg === null) {
              settleEnded(new Error(`consumer cancelled by the broker (queue ${queue} deleted?)`));
              return;
            }
            lane.push(msg);
            start();
          },
          { noAck: false },
        )
      ).consumerTag;
    };
    const consumerTags = [
      await consumeLane(topology.priorityQueue, waiting.priority, consumeOptions.prefetch * 2),
      await consumeLane(topology.jobsQueue, waiting.ordinary, consumeOptions.prefetch),
    ];

    const watchTag = consumeOptions.onDeadLetter
      ? await watchDeadLetters(channel, topology, consumeOptions.onDeadLetter, decodeJob, log)
      : undefined;

    return {
      ended,
      async stop() {
        stopping = true;
        if (watchTag) await channel.cancel(watchTag).catch(() => undefined);
        await Promise.all(consumerTags.map((tag) => channel.cancel(tag).catch(() => undefined)));
        for (const msg of [...waiting.priority.splice(0), ...waiting.ordinary.splice(0)]) {
          try {
            channel.nack(msg, false, true);
          } catch {
            // The channel is gone; the broker requeues what it had delivered.
          }
        }
        await Promise.allSettled([...inFlight]);
        await channel.close().catch(() => undefined);
        settleEnded(undefined);
      },
    };
  };

  return {
    topology,
    publish,
    consume,
    async close() {
      if (closedBecause) return;
      closedBecause = new Error("RabbitMQ connection closed by this process");
      await withTimeout(connection.close(), 3_000).catch(() => undefined);
    },
  };
}

function withHeartbeat(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("heartbeat")) parsed.searchParams.set("heartbeat", String(HEARTBEAT_SECONDS));
  return parsed.toString();
}

function numberHeader(value: unknown): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

interface PublisherChannel {
  channel: ConfirmChannel;
  /** Message ids the broker returned as unroutable; their confirm arrives right after. */
  returned: Set<string>;
}

async function openPublisher(connection: ChannelModel): Promise<PublisherChannel> {
  const channel = await connection.createConfirmChannel();
  const returned = new Set<string>();
  channel.on("error", () => undefined);
  channel.on("return", (msg: Message) => {
    if (typeof msg.properties.messageId === "string") returned.add(msg.properties.messageId);
  });
  return { channel, returned };
}

/**
 * Writes every message without waiting (pausing only when the socket buffer is full), then
 * collects the confirms. A closed channel fails every outstanding message through amqplib's
 * confirm callbacks; a timer covers a broker that stops answering without closing.
 */
function publishBatch(
  pub: PublisherChannel,
  topology: Topology,
  routingKey: string,
  jobs: ReportJob[],
  confirmTimeoutMs: number,
): Promise<{ confirmed: string[]; failed: PublishFailure[] }> {
  const { channel, returned } = pub;
  const confirmed: string[] = [];
  const failed: PublishFailure[] = [];
  const settled = new Uint8Array(jobs.length);
  let remaining = jobs.length;
  let timer: NodeJS.Timeout | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  const settle = (i: number, err: unknown) => {
    if (settled[i]) return;
    settled[i] = 1;
    const runId = jobs[i].run_id;
    if (err) failed.push({ runId, reason: errorMessage(err), permanent: false });
    else if (returned.delete(runId)) {
      failed.push({ runId, reason: `unroutable: no queue bound to ${topology.exchange}/${routingKey}`, permanent: false });
    } else confirmed.push(runId);
    if (--remaining === 0) finish();
  };

  let closed = false;
  const onClose = () => {
    closed = true;
    drainWaiter?.();
  };
  channel.once("close", onClose);
  let drainWaiter: (() => void) | undefined;
  const drained = () =>
    new Promise<void>((resolve) => {
      drainWaiter = resolve;
      channel.once("drain", resolve);
    });

  void (async () => {
    for (let i = 0; i < jobs.length; i++) {
      if (closed) {
        settle(i, new Error("RabbitMQ channel closed"));
        continue;
      }
      let writable: boolean;
      try {
        writable = channel.publish(
          topology.exchange,
          routingKey,
          Buffer.from(JSON.stringify(jobs[i])),
          { persistent: true, mandatory: true, messageId: jobs[i].run_id, contentType: "application/json" },
          (err: unknown) => settle(i, err),
        );
      } catch (err) {
        settle(i, err);
        continue;
      }
      if (!writable) await drained();
    }
    if (remaining === 0) return;
    timer = setTimeout(() => {
      for (let i = 0; i < jobs.length; i++) settle(i, new Error(`no confirm within ${confirmTimeoutMs} ms`));
    }, confirmTimeoutMs);
    timer.unref();
  })();

  return done.then(() => {
    clearTimeout(timer);
    channel.removeListener("close", onClose);
    return { confirmed, failed };
  });
}
