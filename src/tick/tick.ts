import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { publishRuns } from "../runs/publish-runs.js";
import { RECOVERY_GRACE_MS, probe, recoverPending } from "./recover-pending.js";

export interface TickOptions {
  db: Kysely<Database>;
  queue: JobQueue;
  logger: Logger;
  /** The tick's notion of now (tests). Default: the clock when the tick starts. */
  now?: Date;
  /** Claiming stops once this much time has passed; what is left is due for the next tick. */
  budgetMs: number;
  /** Claim at most this many schedules. */
  limit?: number;
  /** Report what is due; change nothing. */
  dryRun?: boolean;
  /** Schedules per claim transaction. */
  batchSize?: number;
  /** Claimed batches being published while the next one is claimed. */
  maxBatchesInFlight?: number;
  recoveryGraceMs?: number;
}

export interface TickSummary {
  /** Schedules due when the tick started. */
  due: number;
  /** Schedules claimed and advanced (bad ones included). */
  claimed: number;
  /** New runs the broker confirmed. */
  published: number;
  /** Runs left pending by an earlier tick that this one published. */
  republished: number;
  /** Runs recorded as failed: bad schedules and jobs that fail the message schema. */
  failed: number;
  /** Runs left pending because the broker failed to take them; the next tick retries. */
  unpublished: number;
  /** Why publishing failed, when it did (the first reason). */
  publishError?: string;
  /** Claiming stopped because the budget ran out with schedules still due. */
  budgetExhausted: boolean;
  ms: number;
}

export const DEFAULT_BATCH_SIZE = 2_000;

/**
 * One pass: republish what an earlier tick left pending, then claim due schedules batch by batch
 * (one transaction each, see claimDueBatch), publishing each batch after its commit while the next
 * is being claimed, and marking confirmed runs `queued` in bulk.
 *
 * A run is never lost: it is committed `pending` before its message exists, and stays so until
 * the broker confirms. It is never claimed twice: claiming locks the schedule rows and advances
 * them in the same transaction. The first broker failure stops further claiming, so an outage
 * does not pile up pending runs.
 */
export async function runTick(options: TickOptions): Promise<TickSummary> {
  const started = Date.now();
  const { db, queue, logger } = options;
  const now = options.now ?? new Date(started);
  const deadline = started + options.budgetMs;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const graceMs = options.recoveryGraceMs ?? RECOVERY_GRACE_MS;
  const summary: TickSummary = {
    due: 0,
    claimed: 0,
    published: 0,
    republished: 0,
    failed: 0,
    unpublished: 0,
    budgetExhausted: false,
    ms: 0,
  };
  const finish = () => {
    summary.ms = Date.now() - started;
    const { publishError, ...counts } = summary;
    logger.info({ ...counts, ...(publishError ? { publishError } : {}) }, "Tick finished");
    return summary;
  };

  const { due, stale } = await probe(db, now, graceMs);
  summary.due = due;
  logger.info({ due }, `Found ${due} due schedule(s)`);

  if (options.dryRun) {
    await listDueForDryRun(options, now, Math.min(limit, 1_000));
    return finish();
  }

  const noteUnpublished = (failures: PublishFailure[]) => {
    const transient = failures.filter((f) => !f.permanent);
    summary.unpublished += transient.length;
    summary.failed += failures.length - transient.length;
    if (transient.length > 0) summary.publishError ??= transient[0].reason;
  };

  if (stale) {
    const recovered = await recoverPending(db, queue, { now, graceMs, batchSize, deadline });
    summary.republished = recovered.republished;
    summary.failed += recovered.failed;
    noteUnpublished(recovered.unpublished);
    if (recovered.republished + recovered.unpublished.length > 0) {
      logger.info({ republished: recovered.republished, unpublished: recovered.unpublished.length }, "Republished pending runs");
    }
    if (summary.unpublished > 0) return finish();
  }
  if (due === 0) return finish();

  const { claimDueBatch } = await import("./claim-due.js");
  const maxInFlight = options.maxBatchesInFlight ?? 2;
  const nextByTiming = new Map<string, string>();
  const inFlight = new Set<Promise<void>>();
  let brokerFailed = false;
  let publishCrash: unknown;
  const publishBatch = (runs: Parameters<typeof publishRuns>[2]) => {
    const task = publishRuns(db, queue, runs).then(
      (outcome) => {
        summary.published += outcome.queued.length;
        noteUnpublished(outcome.failed);
        if (outcome.failed.some((f) => !f.permanent)) brokerFailed = true;
      },
      (err: unknown) => {
        // Marking failed after a confirm (Postgres gone): the runs stay pending and are republished.
        brokerFailed = true;
        publishCrash ??= err;
      },
    );
    inFlight.add(task);
    void task.finally(() => inFlight.delete(task));
    return task;
  };

  try {
    while (!brokerFailed && summary.claimed < limit) {
      if (Date.now() >= deadline) {
        summary.budgetExhausted = true;
        logger.warn({ claimed: summary.claimed }, "tick budget spent; the remaining schedules are left for the next tick");
        break;
      }
      const size = Math.min(batchSize, limit - summary.claimed);
      const batch = await claimDueBatch(db, now, size, nextByTiming);
      summary.claimed += batch.claimed;
      summary.failed += batch.failed.length;
      for (const f of batch.failed) {
        logger.error({ schedule_id: f.scheduleId, run_id: f.runId, error: f.error }, "schedule failed; retrying it tomorrow");
      }
      if (batch.runs.length > 0) publishBatch(batch.runs);
      // Fewer than asked: nothing else is due and unlocked (another tick holds the rest).
      if (batch.claimed < size) break;
      while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    }
  } finally {
    await Promise.allSettled([...inFlight]);
  }
  if (publishCrash) throw publishCrash;
  return finish();
}

async function listDueForDryRun(options: TickOptions, now: Date, limit: number): Promise<void> {
  const [{ listDue }, { nextRunAt }] = await Promise.all([import("./claim-due.js"), import("../time/next-run-at.js")]);
  for (const row of await listDue(options.db, now, limit)) {
    let next: string;
    try {
      next = nextRunAt(row, row.next_run_at.getTime() > now.getTime() ? row.next_run_at : now).toISOString();
    } catch (err) {
      next = `error: ${err instanceof Error ? err.message : String(err)}`;
    }
    options.logger.info(
      {
        schedule_id: row.id,
        account_id: row.account_id,
        name: row.name,
        scheduled_for: row.next_run_at.toISOString(),
        then_next: next,
      },
      "due (dry run, nothing changed)",
    );
  }
}
