import { CompiledQuery, sql, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import type { RunKind } from "../db/enums.js";
import { withSystem } from "../db/tenant.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { recordPublishOutcome } from "../runs/publish-runs.js";
import { jobForRun, type RunToPublish } from "../runs/run-job.js";
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

/** See PROBE_SQL. */
export async function probe(db: Kysely<Database>, now: Date, graceMs: number = RECOVERY_GRACE_MS): Promise<ProbeResult> {
  return withSystem(db, async (trx) => {
    const { rows } = await trx.executeQuery(CompiledQuery.raw(PROBE_SQL, probeParams(now, graceMs)));
    return rows[0] as ProbeResult;
  });
}
