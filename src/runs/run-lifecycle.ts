import { sql, type Kysely } from "kysely";
import type { Database, ScheduleRun } from "../db/database.js";
import { RUN_STATUSES, type FinalRunStatus, type RunKind, type RunStatus } from "../db/enums.js";
import { withWorkerTenant, type Tx } from "../db/tenant.js";
import type { PublishFailure } from "../queue/job-queue.js";
import { plainArrayLiteral, textArrayLiteral } from "./array-literal.js";
import { runParamsSql, scheduleParams, type RunToPublish, type ScheduleParamsSource } from "./run-job.js";
import { isUuid } from "../validation/uuid.js";

/*
 * Every change of a `schedule_runs` row, and the only place that makes one:
 *
 *   insert ─► pending ─► queued ─► running ─► completed | partial | failed | skipped
 *                │          │        │  ▲
 *                │          │        └──┘ redelivered after a crash; back to queued for a retry
 *                └──────────┴──────────► failed (unpublishable, dead-lettered, worker gone)
 *
 * A bad schedule is inserted `failed` directly. Each transition below is an UPDATE guarded by
 * `status IN (statuses that may become the target)`, taken from RUN_TRANSITIONS, so a late or
 * duplicate caller (a confirm recorded after the worker started, a redelivery of a finished run)
 * changes nothing instead of moving a run backwards.
 */

/** Allowed moves, from each status to the statuses it may become. Final statuses go nowhere. */
export const RUN_TRANSITIONS = {
  pending: ["queued", "running", "failed"],
  queued: ["running", "failed"],
  running: ["running", "queued", "completed", "partial", "failed", "skipped"],
  completed: [],
  partial: [],
  failed: [],
  skipped: [],
} as const satisfies { readonly [S in RunStatus]: readonly RunStatus[] };

/** The statuses a run is written with. */
export const INITIAL_RUN_STATUSES = ["pending", "failed"] as const satisfies readonly RunStatus[];

const MAY_BECOME = new Map<RunStatus, RunStatus[]>(
  RUN_STATUSES.map((to) => [to, RUN_STATUSES.filter((from) => (RUN_TRANSITIONS[from] as readonly RunStatus[]).includes(to))]),
);

/** The statuses from which a run may move to `to`. */
export function statusesThatMayBecome(to: RunStatus): RunStatus[] {
  return MAY_BECOME.get(to)!;
}

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return (RUN_TRANSITIONS[from] as readonly RunStatus[]).includes(to);
}

const mayBecomeSql = (to: RunStatus, column = "status") =>
  sql`${sql.ref(column)} = ANY(${plainArrayLiteral(statusesThatMayBecome(to))}::text[])`;

// ── insert ────────────────────────────────────────────────────────────────────────────────────

export interface ClaimedRunsInput {
  scheduleIds: readonly string[];
  runIds: readonly string[];
  /** Per schedule: null, or why its timing failed (the run is then written `failed`). */
  errors: readonly (string | null)[];
}

export interface ClaimedRunRow {
  id: string;
  account_id: string;
  schedule_id: string;
  slot_ms: number;
  error: string | null;
  /** The params as JSON text, for pending runs only. */
  params: string | null;
}

/**
 * The tick's insert: one run per locked schedule for the slot it is due for, its params built in
 * SQL from the schedule row (runParamsSql), all from unnest()ed arrays in one statement. ON
 * CONFLICT DO NOTHING is the last word on "one run per slot": a slot that already has its run is
 * simply absent from the result. Rows come back in the order of the input.
 */
export async function insertClaimedRuns(trx: Tx, input: ClaimedRunsInput): Promise<ClaimedRunRow[]> {
  const { rows } = await sql<ClaimedRunRow>`
    WITH inserted AS (
      INSERT INTO schedule_runs (id, account_id, schedule_id, scheduled_for, kind, status, params, error, finished_at)
      SELECT u.run_id, s.account_id, s.id, s.next_run_at, 'scheduled',
             CASE WHEN u.error IS NULL THEN 'pending' ELSE 'failed' END,
             ${runParamsSql("s")},
             u.error,
             CASE WHEN u.error IS NOT NULL THEN now() END
      FROM unnest(${plainArrayLiteral(input.scheduleIds)}::uuid[], ${plainArrayLiteral(input.runIds)}::uuid[], ${textArrayLiteral(input.errors)}::text[])
             AS u(schedule_id, run_id, error)
      JOIN schedules s ON s.id = u.schedule_id
      ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
      RETURNING id, account_id, schedule_id, scheduled_for, error, params
    )
    SELECT id, account_id, schedule_id, floor(extract(epoch FROM scheduled_for) * 1000)::float8 AS slot_ms, error,
           CASE WHEN error IS NULL THEN params::text END AS params
    FROM inserted`.execute(trx);
  return inInputOrder(rows, input.runIds);
}

/**
 * `rows` ordered like `runIds`. Postgres returns them in that order already (the insert follows
 * the unnest), which one walk confirms for ~0.3 µs a run; building a Map of the ids and sorting
 * through it cost 1–3 µs a run. The sort remains for the order SQL does not promise.
 */
function inInputOrder(rows: ClaimedRunRow[], runIds: readonly string[]): ClaimedRunRow[] {
  let next = 0;
  for (const row of rows) {
    while (next < runIds.length && runIds[next] !== row.id) next++;
    if (next === runIds.length) {
      const position = new Map(runIds.map((id, i) => [id, i]));
      return rows.sort((a, b) => position.get(a.id)! - position.get(b.id)!);
    }
    next++;
  }
  return rows;
}

/** A manual or test run of one schedule, for now, `pending` until published. */
export async function insertManualRun(
  trx: Tx,
  run: { accountId: string; schedule: ScheduleParamsSource; kind: Extract<RunKind, "manual" | "test">; recipients?: readonly string[] },
): Promise<ScheduleRun> {
  const params = scheduleParams(run.schedule);
  if (run.recipients) params.recipients = [...run.recipients];
  return trx
    .insertInto("schedule_runs")
    .values({
      account_id: run.accountId,
      schedule_id: run.schedule.id,
      scheduled_for: sql<Date>`now()`,
      kind: run.kind,
      status: "pending",
      params: JSON.stringify(params),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

// ── pending → queued | failed (publishing) ────────────────────────────────────────────────────

export async function loadPendingRuns(trx: Tx, ids: readonly string[]): Promise<RunToPublish[]> {
  return trx
    .selectFrom("schedule_runs")
    .select(["id", "account_id", "schedule_id", "scheduled_for", "kind", "params"])
    .where(sql<boolean>`id = any(${[...ids]}::uuid[])`)
    .where("status", "=", "pending")
    .execute();
}

/**
 * Recovery: runs left `pending` since before `cutoff` (a tick died between its commit and its
 * publishes, or runNow lost the broker), oldest first, locked (FOR UPDATE SKIP LOCKED) until the
 * caller's transaction ends, so two ticks recovering at once split them.
 */
export async function lockStalePendingRuns(trx: Tx, cutoff: Date, limit: number): Promise<RunToPublish[]> {
  const { rows } = await sql<RunToPublish>`
    SELECT id, account_id, schedule_id, scheduled_for, kind, params
    FROM schedule_runs
    WHERE status = 'pending' AND created_at < ${cutoff.toISOString()}::timestamptz
    ORDER BY created_at
    LIMIT ${limit}
    FOR UPDATE SKIP LOCKED`.execute(trx);
  return rows;
}

/**
 * `queued` for the runs the broker confirmed and `failed` for the unpublishable ones, each in one
 * statement. A fast worker may already have started (or finished) a run whose confirm we are
 * recording: the transition guard leaves it alone.
 *
 * The commit does not wait for its WAL flush: should Postgres crash and lose this mark, the runs
 * are `pending` again and recovery publishes them once more — the at-least-once delivery the run
 * id already makes harmless — while every batch is spared a disk flush.
 */
export async function recordPublishOutcome(trx: Tx, confirmed: readonly string[], failed: readonly PublishFailure[]): Promise<void> {
  const permanent = failed.filter((f) => f.permanent && isUuid(f.runId));
  if (confirmed.length === 0 && permanent.length === 0) return;
  await sql`select set_config('synchronous_commit', 'off', true)`.execute(trx);
  if (confirmed.length > 0) {
    await sql`
      UPDATE schedule_runs SET status = 'queued', queued_at = now()
      WHERE id = ANY(${plainArrayLiteral(confirmed)}::uuid[]) AND status = 'pending'`.execute(trx);
  }
  if (permanent.length > 0) {
    await sql`
      UPDATE schedule_runs r SET status = 'failed', error = f.error, finished_at = now()
      FROM unnest(${plainArrayLiteral(permanent.map((f) => f.runId))}::uuid[], ${textArrayLiteral(permanent.map((f) => f.reason))}::text[]) AS f(id, error)
      WHERE r.id = f.id AND ${mayBecomeSql("failed", "r.status")}`.execute(trx);
  }
}

// ── the worker's moves: running, back to queued, final ────────────────────────────────────────

export type StartOutcome<P = undefined> =
  | { kind: "start"; run: ScheduleRun; accountName: string; prepared: P }
  | { kind: "already-final"; status: RunStatus }
  | { kind: "gone" };

/**
 * Marks the run running (attempts + 1), as its account. `prepare` runs in the same transaction
 * once the run is known to start, so a job reads everything else it needs (suppressions, a stored
 * report) in one round of it.
 *
 * The guarded UPDATE is the lock and the check at once (under READ COMMITTED it waits for a
 * concurrent writer and re-checks the status on the row that writer left), and it brings the
 * account's name back with it: one round trip where a job starts. Only a run it did not move is
 * read again, to tell a deleted run from a final one.
 */
export async function startRun<P = undefined>(
  db: Kysely<Database>,
  accountId: string,
  runId: string,
  prepare?: (trx: Tx, run: ScheduleRun) => Promise<P>,
): Promise<StartOutcome<P>> {
  return withWorkerTenant(db, accountId, async (trx) => {
    const started = await trx
      .updateTable("schedule_runs")
      .set({
        status: "running",
        started_at: sql<Date>`coalesce(started_at, now())`,
        attempts: sql<number>`attempts + 1`,
      })
      .where("id", "=", runId)
      .where("status", "in", statusesThatMayBecome("running"))
      .returningAll()
      .returning((eb) => eb.selectFrom("accounts").select("name").whereRef("accounts.id", "=", "schedule_runs.account_id").as("account_name"))
      .executeTakeFirst();
    if (!started) {
      const run = await trx.selectFrom("schedule_runs").select("status").where("id", "=", runId).executeTakeFirst();
      return run ? ({ kind: "already-final", status: run.status } as const) : ({ kind: "gone" } as const);
    }
    const { account_name: accountName, ...run } = started;
    const prepared = (prepare ? await prepare(trx, run) : undefined) as P;
    return { kind: "start", run, accountName: accountName ?? "", prepared } as const;
  });
}

/** The run's final status. Returns false when it was already final (nothing changed). */
export async function finishRun(
  db: Kysely<Database>,
  accountId: string,
  runId: string,
  status: FinalRunStatus,
  details: { error?: string | null; summary?: Record<string, unknown>; reportRunId?: string | null } = {},
): Promise<boolean> {
  const result = await withWorkerTenant(db, accountId, (trx) =>
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
      .where("status", "in", statusesThatMayBecome(status))
      .executeTakeFirst(),
  );
  return Number(result.numUpdatedRows) > 0;
}

/** A failed attempt that will be retried: the run waits in `queued` and says why. */
export async function noteRetry(db: Kysely<Database>, accountId: string, runId: string, error: string): Promise<void> {
  await withWorkerTenant(db, accountId, (trx) =>
    trx
      .updateTable("schedule_runs")
      .set({ status: "queued", error })
      .where("id", "=", runId)
      .where("status", "in", statusesThatMayBecome("queued"))
      .execute(),
  );
}

/** Given up (dead-lettered): `failed` with the reason, once; a final run keeps its status. */
export function failRun(db: Kysely<Database>, accountId: string, runId: string, reason: string): Promise<boolean> {
  return finishRun(db, accountId, runId, "failed", { error: reason });
}
