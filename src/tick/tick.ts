import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { publishRuns } from "../runs/publish-runs.js";
import { probe, recoverPending } from "./recover-pending.js";
import { RECOVERY_GRACE_MS, emptySummary, logFinished, logFound, type TickSummary } from "./tick-report.js";

export type { TickSummary };

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
  /** Claim-and-publish loops running side by side (each with its own connection). */
  lanes?: number;
  /**
   * Fairness between accounts (TICK_FAIR_SHARE): claim each account's oldest `fairShare` due
   * schedules first, in turns across accounts, and publish them to the queue's priority lane;
   * then the rest, oldest first. 0: oldest first, one lane. Default DEFAULT_FAIR_SHARE.
   */
  fairShare?: number;
  recoveryGraceMs?: number;
}

export const DEFAULT_BATCH_SIZE = 2_000;
export const DEFAULT_LANES = 3;
export const DEFAULT_FAIR_SHARE = 10;

/**
 * One pass: republish what an earlier tick left pending, then claim due schedules batch by batch
 * (one transaction each, see claimDueBatch), publishing each batch after its commit and marking
 * its confirmed runs `queued` in bulk — in a few lanes side by side, so one batch is published
 * while the next is claimed.
 *
 * A run is never lost: it is committed `pending` before its message exists, and stays so until
 * the broker confirms. It is never claimed twice: claiming locks the schedule rows and advances
 * them in the same transaction. A broker failure stops further claiming, so an outage does not
 * pile up pending runs.
 *
 * Fair between accounts (fairShare > 0): each account's oldest fairShare due schedules are
 * claimed first, in turns across accounts, and go to the priority lane, which workers take before
 * the ordinary one; the rest follow oldest first. An account with one report due gets it in the
 * first batch and at the head of the queue, however large another account's backlog — this
 * tick's or one still queued from earlier ones.
 */
export async function runTick(options: TickOptions): Promise<TickSummary> {
  const started = Date.now();
  const { db, queue, logger } = options;
  const now = options.now ?? new Date(started);
  const deadline = started + options.budgetMs;
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const graceMs = options.recoveryGraceMs ?? RECOVERY_GRACE_MS;
  const summary = emptySummary();
  const finish = () => {
    summary.ms = Date.now() - started;
    logFinished(logger, summary);
    return summary;
  };

  const { due, stale } = await probe(db, now, graceMs);
  summary.due = due;
  logFound(logger, due);

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

  const { claimDueBatch, listFairShare } = await import("./claim-due.js");
  const nextByTiming = new Map<string, string>();
  const fairShare = options.fairShare ?? DEFAULT_FAIR_SHARE;
  let reserved = 0;
  let drained = false;
  let brokerFailed = false;
  let crash: unknown;
  const stopClaiming = () => drained || brokerFailed || crash !== undefined || reserved >= limit;

  // The fair share first: each account's oldest `fairShare` due schedules, in turns across
  // accounts, claimed by id and published to the priority lane. Ranked once per tick (ranking
  // every batch would sort the whole backlog each time). Everything else follows oldest first.
  let fairIds: readonly string[] = [];
  if (fairShare > 0) {
    try {
      fairIds = await listFairShare(db, now, fairShare);
    } catch (err) {
      crash = err;
    }
  }
  let fairCursor = 0;
  // Fair batches whose claim has not committed yet. Until every one has, no lane claims oldest
  // first: it could lock (and send to the ordinary lane) a schedule of the fair share before its
  // fair batch gets to it. Their publishing need not be waited for: once claimed, a schedule is
  // no longer due, so oldest-first claims start while the last fair batches are still publishing.
  const fairClaims = new Set<Promise<unknown>>();

  // Each lane claims a batch, publishes it, marks it, and goes again. Lanes overlap one batch's
  // claim with another's publish (and use a second Postgres backend), so the broker keeps
  // receiving while the database works; SKIP LOCKED keeps their batches disjoint.
  const lane = async () => {
    while (!stopClaiming()) {
      if (Date.now() >= deadline) {
        if (!summary.budgetExhausted) {
          summary.budgetExhausted = true;
          logger.warn({ claimed: summary.claimed }, "tick budget spent; the remaining schedules are left for the next tick");
        }
        return;
      }
      let size = Math.min(batchSize, limit - reserved);
      let ids: readonly string[] | undefined;
      if (fairCursor < fairIds.length) {
        ids = fairIds.slice(fairCursor, fairCursor + size);
        fairCursor += ids.length;
        size = ids.length;
      } else if (fairClaims.size > 0) {
        await Promise.allSettled([...fairClaims]);
        continue;
      }
      const fair = ids !== undefined;
      reserved += size;
      let batch;
      const claim = claimDueBatch(db, now, size, nextByTiming, { ids });
      if (fair) fairClaims.add(claim);
      try {
        batch = await claim;
      } catch (err) {
        crash ??= err;
        return;
      } finally {
        fairClaims.delete(claim);
      }
      reserved -= size - batch.claimed;
      summary.claimed += batch.claimed;
      summary.failed += batch.failed.length;
      for (const f of batch.failed) {
        logger.error({ schedule_id: f.scheduleId, run_id: f.runId, error: f.error }, "schedule failed; retrying it tomorrow");
      }
      // Fewer than asked: nothing else is due and unlocked (another lane or tick holds the rest).
      // (A fair batch's missing rows were merely taken by another tick.)
      if (!fair && batch.claimed < size) drained = true;
      if (batch.runs.length === 0) continue;
      try {
        const outcome = await publishRuns(db, queue, batch.runs, { priority: fair });
        summary.published += outcome.queued.length;
        noteUnpublished(outcome.failed);
        if (outcome.failed.some((f) => !f.permanent)) brokerFailed = true;
      } catch (err) {
        // Recording the outcome failed (Postgres gone): the runs stay pending and are republished.
        crash ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: options.lanes ?? DEFAULT_LANES }, lane));
  if (crash !== undefined) throw crash;
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
