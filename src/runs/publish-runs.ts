import { sql, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withSystem, withTenant, type Tx } from "../db/tenant.js";
import type { JobQueue, PublishFailure } from "../queue/job-queue.js";
import { plainArrayLiteral, textArrayLiteral } from "./array-literal.js";
import { jobForRun, type RunToPublish } from "./run-job.js";

export interface PublishRunsOutcome {
  /** Runs the broker confirmed; marked `queued` unless a worker had already moved them on. */
  queued: string[];
  /** Confirmed-or-not failures. Permanent ones are recorded as `failed` runs; the rest stay `pending`. */
  failed: PublishFailure[];
}

export interface PublishRunsOptions {
  /** Do the bookkeeping as this account's tenant (API paths); otherwise as the system role. */
  accountId?: string;
}

/**
 * Publishes the jobs for pending runs and marks the confirmed ones `queued` in one statement.
 * Shared by the tick, its recovery pass and runNow. Accepts run rows or run ids (loaded here).
 * A run the queue rejects as invalid is marked `failed` with the reason, so recovery does not
 * try it again every minute; a broker failure leaves it `pending` for the next tick.
 */
export async function publishRuns(
  db: Kysely<Database>,
  queue: JobQueue,
  runs: readonly RunToPublish[] | readonly string[],
  options: PublishRunsOptions = {},
): Promise<PublishRunsOutcome> {
  if (runs.length === 0) return { queued: [], failed: [] };
  const inScope = <T>(fn: (trx: Tx) => Promise<T>) =>
    options.accountId ? withTenant(db, options.accountId, fn) : withSystem(db, fn);
  const rows = isIdList(runs) ? await inScope((trx) => loadPendingRuns(trx, runs)) : runs;
  if (rows.length === 0) return { queued: [], failed: [] };
  const outcome = await queue.publish(rows.map(jobForRun));
  await inScope((trx) => recordPublishOutcome(trx, outcome.confirmed, outcome.failed));
  return { queued: outcome.confirmed, failed: outcome.failed };
}

function isIdList(runs: readonly RunToPublish[] | readonly string[]): runs is readonly string[] {
  return typeof runs[0] === "string";
}

export async function loadPendingRuns(trx: Tx, ids: readonly string[]): Promise<RunToPublish[]> {
  return trx
    .selectFrom("schedule_runs")
    .select(["id", "account_id", "schedule_id", "scheduled_for", "kind", "params"])
    .where(sql<boolean>`id = any(${[...ids]}::uuid[])`)
    .where("status", "=", "pending")
    .execute();
}

/**
 * `queued` for the confirmed runs and `failed` for the unpublishable ones, each in one statement.
 * Only `pending` runs move: a fast worker may already have started (or finished) a run whose
 * confirm we are recording, and must not be put back.
 *
 * The commit does not wait for its WAL flush: should Postgres crash and lose this mark, the runs
 * are `pending` again and recovery publishes them once more — the at-least-once delivery the run
 * id already makes harmless — while every batch is spared a disk flush.
 */
export async function recordPublishOutcome(
  trx: Tx,
  confirmed: readonly string[],
  failed: readonly PublishFailure[],
): Promise<void> {
  if (confirmed.length === 0 && failed.length === 0) return;
  await sql`select set_config('synchronous_commit', 'off', true)`.execute(trx);
  if (confirmed.length > 0) {
    await sql`
      UPDATE schedule_runs SET status = 'queued', queued_at = now()
      WHERE id = ANY(${plainArrayLiteral(confirmed)}::uuid[]) AND status = 'pending'`.execute(trx);
  }
  const permanent = failed.filter((f) => f.permanent && isUuid(f.runId));
  if (permanent.length > 0) {
    await sql`
      UPDATE schedule_runs r SET status = 'failed', error = f.error, finished_at = now()
      FROM unnest(${plainArrayLiteral(permanent.map((f) => f.runId))}::uuid[], ${textArrayLiteral(permanent.map((f) => f.reason))}::text[]) AS f(id, error)
      WHERE r.id = f.id AND r.status = 'pending'`.execute(trx);
  }
}

function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
