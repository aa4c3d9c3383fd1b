import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withSystem } from "../db/tenant.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { jobForRun } from "../runs/run-job.js";
import { lockStalePendingRuns, recordPublishOutcome } from "../runs/run-lifecycle.js";
import { PROBE_SQL, RECOVERY_GRACE_MS, probeParams, type ProbeResult } from "./tick-report.js";

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
  const cutoff = new Date(options.now.getTime() - (options.graceMs ?? RECOVERY_GRACE_MS));
  const result: RecoveryResult = { republished: 0, failed: 0, unpublished: [] };
  while (Date.now() < options.deadline) {
    const batch = await withSystem(db, async (trx) => {
      const rows = await lockStalePendingRuns(trx, cutoff, options.batchSize);
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

/** See PROBE_SQL. */
export async function probe(db: Kysely<Database>, now: Date, graceMs: number = RECOVERY_GRACE_MS): Promise<ProbeResult> {
  return withSystem(db, async (trx) => {
    const { rows } = await trx.executeQuery(CompiledQuery.raw(PROBE_SQL, probeParams(now, graceMs)));
    return rows[0] as ProbeResult;
  });
}
