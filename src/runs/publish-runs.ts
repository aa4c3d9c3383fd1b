import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import { withSystem, withTenant, type Tx } from "../db/tenant.js";
import type { JobQueue, PublishFailure, PublishOutcome } from "../queue/job-queue.js";
import { jobForRun, type RunToPublish } from "./run-job.js";
import { loadPendingRuns, recordPublishOutcome } from "./run-lifecycle.js";

export interface PublishRunsOutcome {
  /** Runs the broker confirmed; marked `queued` unless a worker had already moved them on. */
  queued: string[];
  /** Confirmed-or-not failures. Permanent ones are recorded as `failed` runs; the rest stay `pending`. */
  failed: PublishFailure[];
}

export interface PublishRunsOptions {
  /** Do the bookkeeping as this account's tenant (API paths); otherwise as the system role. */
  accountId?: string;
  /** The queue's priority lane (JobQueue PublishOptions) for every run, or for the runs with these ids. */
  priority?: boolean | ReadonlySet<string>;
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
  const priority = options.priority ?? false;
  const lanes = [rows.filter((r) => inPriorityLane(priority, r.id)), rows.filter((r) => !inPriorityLane(priority, r.id))];
  const outcomes = await Promise.all(
    lanes.map((lane, i): Promise<PublishOutcome> =>
      lane.length === 0 ? Promise.resolve({ confirmed: [], failed: [] }) : queue.publish(lane.map(jobForRun), { priority: i === 0 }),
    ),
  );
  const confirmed = outcomes.flatMap((o) => o.confirmed);
  const failed = outcomes.flatMap((o) => o.failed);
  await inScope((trx) => recordPublishOutcome(trx, confirmed, failed));
  return { queued: confirmed, failed };
}

function inPriorityLane(priority: boolean | ReadonlySet<string>, runId: string): boolean {
  return typeof priority === "boolean" ? priority : priority.has(runId);
}

function isIdList(runs: readonly RunToPublish[] | readonly string[]): runs is readonly string[] {
  return typeof runs[0] === "string";
}
