import { sql, type Kysely } from "kysely";
import type { Database, RunKind } from "../db/database.js";
import { withSystem } from "../db/tenant.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { recordPublishOutcome } from "../runs/publish-runs.js";
import { jobForRun, type RunToPublish } from "../runs/run-job.js";

/**
 * How old a `pending` run must be before recovery republishes it. A live tick publishes its runs
 * right after its commit; the grace keeps a concurrent tick from publishing them a second time.
 */
export const RECOVERY_GRACE_MS = 30_000;

export interface RecoveryResult {
  republished: number;
  failed: number;
  /** Broker trouble: these stay pending for a later tick. */
  unpublished: PublishFailure[];
}

/**
 * Republishes runs a dead tick (or a runNow that lost the broker) left `pending`. Each batch stays
 * locked (FOR UPDATE SKIP LOCKED) from selection until it is marked, so two ticks recovering at
 * once split the work instead of both publishing it. Stops at the first broker failure.
 */
export async function recoverPending(
  db: Kysely<Database>,
  queue: JobQueue,
  options: { now: Date; graceMs?: number; batchSize: number; deadline: number },
): Promise<RecoveryResult> {
  const cutoff = new Date(options.now.getTime() - (options.graceMs ?? RECOVERY_GRACE_MS)).toISOString();
  const result: RecoveryResult = { republished: 0, failed: 0, unpublished: [] };
  while (Date.now() < options.deadline) {
    const batch = await withSystem(db, async (trx) => {
      const { rows } = await sql<RunToPublish & { kind: RunKind }>`
        SELECT id, account_id, schedule_id, scheduled_for, kind, params
        FROM schedule_runs
        WHERE status = 'pending' AND created_at < ${cutoff}::timestamptz
        ORDER BY created_at
        LIMIT ${options.batchSize}
        FOR UPDATE SKIP LOCKED`.execute(trx);
      if (rows.length === 0) return undefined;
      const outcome = await queue.publish(rows.map(jobForRun));
      await recordPublishOutcome(trx, outcome.confirmed, outcome.failed);
      return { size: rows.length, outcome };
    });
    if (!batch) break;
    result.republished += batch.outcome.confirmed.length;
    result.failed += batch.outcome.failed.filter((f) => f.permanent).length;
    const transient = batch.outcome.failed.filter((f) => !f.permanent);
    if (transient.length > 0) {
      result.unpublished.push(...transient);
      break;
    }
    if (batch.size < options.batchSize) break;
  }
  return result;
}

/** One round trip telling the tick whether there is anything to do at all. */
export async function probe(
  db: Kysely<Database>,
  now: Date,
  graceMs: number = RECOVERY_GRACE_MS,
): Promise<{ due: number; stale: boolean }> {
  const cutoff = new Date(now.getTime() - graceMs).toISOString();
  return withSystem(db, async (trx) => {
    const { rows } = await sql<{ due: number; stale: boolean }>`
      SELECT (SELECT count(*)::int FROM schedules WHERE active AND next_run_at <= ${now.toISOString()}::timestamptz) AS due,
             EXISTS (SELECT 1 FROM schedule_runs WHERE status = 'pending' AND created_at < ${cutoff}::timestamptz) AS stale`.execute(
      trx,
    );
    return rows[0];
  });
}
