import { sql, type Kysely } from "kysely";
import type { Database, ScheduleRun } from "../db/database.js";
import type { RunStatus } from "../db/enums.js";
import { FINAL_RUN_STATUSES, isFinalRunStatus } from "../db/enums.js";
import { withTenant, type Tx } from "../db/tenant.js";

/**
 * The run's lifecycle as the worker moves it: queued → running → completed | partial | failed |
 * skipped. Every transition runs as the run's account (RLS), keyed by the run id, which is the
 * job's idempotency key.
 */
export type StartOutcome<P = undefined> =
  | { kind: "start"; run: ScheduleRun; accountName: string; prepared: P }
  | { kind: "already-final"; status: RunStatus }
  | { kind: "gone" };

/**
 * Marks the run running. `prepare` runs in the same transaction once the run is known to start,
 * so a job reads everything else it needs (suppressions, a stored report) in one round of it.
 */
export async function startRun<P = undefined>(
  db: Kysely<Database>,
  accountId: string,
  runId: string,
  prepare?: (trx: Tx, run: ScheduleRun) => Promise<P>,
): Promise<StartOutcome<P>> {
  return withTenant(db, accountId, async (trx) => {
    const run = await trx.selectFrom("schedule_runs").selectAll().where("id", "=", runId).forUpdate().executeTakeFirst();
    if (!run) return { kind: "gone" } as const;
    if (isFinalRunStatus(run.status)) return { kind: "already-final", status: run.status } as const;
    const started = await trx
      .updateTable("schedule_runs")
      .set({
        status: "running",
        started_at: sql<Date>`coalesce(started_at, now())`,
        attempts: sql<number>`attempts + 1`,
      })
      .where("id", "=", runId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const account = await trx.selectFrom("accounts").select("name").where("id", "=", accountId).executeTakeFirst();
    const prepared = (prepare ? await prepare(trx, started) : undefined) as P;
    return { kind: "start", run: started, accountName: account?.name ?? "", prepared } as const;
  });
}

export async function finishRun(
  db: Kysely<Database>,
  accountId: string,
  runId: string,
  status: Extract<RunStatus, "completed" | "partial" | "failed" | "skipped">,
  details: { error?: string | null; summary?: Record<string, unknown>; reportRunId?: string | null } = {},
): Promise<void> {
  await withTenant(db, accountId, (trx) =>
    trx
      .updateTable("schedule_runs")
      .set({
        status,
        finished_at: new Date(),
        error: details.error ?? null,
        ...(details.summary ? { summary: JSON.stringify(details.summary) } : {}),
        ...(details.reportRunId !== undefined ? { report_run_id: details.reportRunId } : {}),
      })
      .where("id", "=", runId)
      .where("status", "not in", FINAL_RUN_STATUSES)
      .execute(),
  );
}

/** A failed attempt that will be retried: the run waits in `queued` and says why. */
export async function noteRetry(db: Kysely<Database>, accountId: string, runId: string, error: string): Promise<void> {
  await withTenant(db, accountId, (trx) =>
    trx
      .updateTable("schedule_runs")
      .set({ status: "queued", error })
      .where("id", "=", runId)
      .where("status", "not in", FINAL_RUN_STATUSES)
      .execute(),
  );
}
