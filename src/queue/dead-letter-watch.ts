import type { Channel, ConsumeMessage } from "amqplib";
import type { Logger } from "../log/logger.js";
import { errorMessage, type DeadLetterEvent } from "./job-queue.js";
import type { ReportJob } from "./report-job.js";
import type { Topology } from "./rabbitmq-topology.js";

/** The header our consumer sets when it dead-letters a job itself (rabbitmq-queue.ts). */
export const DEAD_REASON_HEADER = "x-mr-dead-reason";
/** Set beside it when the consumer's own call of the hook failed: the watcher tries again. */
export const HOOK_PENDING_HEADER = "x-mr-dead-hook-pending";
const HOOK_RETRY_DELAY_MS = 2_000;

/**
 * Watches the copy of every dead letter (`<prefix>.report-jobs.dead.watch`) so each one reaches
 * the consumer's dead-letter hook. Our consumer calls the hook itself before it dead-letters a
 * job; the broker does not: a message that killed its consumers past the delivery limit is
 * dead-lettered by the queue, and without this its run would stay `running`. A copy is settled
 * only once its hook succeeded (or was already called by our consumer); otherwise it returns to
 * the queue to be tried again, so the hook must be idempotent (a final run keeps its status).
 */
export async function watchDeadLetters(
  channel: Channel,
  topology: Topology,
  onDeadLetter: (event: DeadLetterEvent) => Promise<void> | void,
  decodeJob: (content: Buffer) => { ok: true; job: ReportJob } | { ok: false; reason: string },
  log?: Logger,
): Promise<string> {
  const { consumerTag } = await channel.consume(
    topology.deadWatchQueue,
    (msg) => {
      if (msg === null) return;
      void settle(msg);
    },
    { noAck: false },
  );

  async function settle(msg: ConsumeMessage): Promise<void> {
    const decoded = decodeJob(msg.content);
    const job = decoded.ok ? decoded.job : undefined;
    const event: DeadLetterEvent = {
      runId: job?.run_id ?? (msg.properties.messageId as string | undefined),
      job,
      reason: deadLetterReason(msg, topology),
      attempt: deliveriesOf(msg),
    };
    const headers = msg.properties.headers ?? {};
    const hookDone = typeof headers[DEAD_REASON_HEADER] === "string" && headers[HOOK_PENDING_HEADER] !== true;
    try {
      if (job && !hookDone) await onDeadLetter(event);
      channel.ack(msg);
    } catch (err) {
      log?.warn({ run_id: event.runId, err: errorMessage(err) }, "could not record a dead letter; it stays queued");
      // Held a moment before it goes back: with the database down, an immediate redelivery
      // would spin on the same failure.
      await new Promise((resolve) => setTimeout(resolve, HOOK_RETRY_DELAY_MS));
      try {
        channel.nack(msg, false, true);
      } catch {
        // The channel is gone: the broker hands the copy to another watcher.
      }
    }
  }
  return consumerTag;
}

/** Why the job was given up: our consumer's reason, or what the broker's x-death says. */
export function deadLetterReason(msg: Pick<ConsumeMessage, "properties">, topology: Topology): string {
  const headers = msg.properties.headers ?? {};
  const own = headers[DEAD_REASON_HEADER];
  if (typeof own === "string") return own;
  const death = firstDeath(headers["x-death"]);
  if (death?.reason === "delivery_limit") {
    return `its worker stopped while running it ${topology.deliveryLimit + 1} times (the queue's delivery limit; a report that crashes its worker, or workers killed repeatedly)`;
  }
  return `dead-lettered by the broker (${death?.reason ?? "no reason given"})`;
}

function deliveriesOf(msg: Pick<ConsumeMessage, "properties">): number {
  const count = msg.properties.headers?.["x-delivery-count"];
  return typeof count === "number" ? count : 0;
}

function firstDeath(value: unknown): { reason?: string } | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const first: unknown = value[0];
  if (typeof first !== "object" || first === null) return undefined;
  const reason = (first as { reason?: unknown }).reason;
  return { reason: typeof reason === "string" ? reason : undefined };
}
