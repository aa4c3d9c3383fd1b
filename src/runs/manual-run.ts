import { isEmailAddress, normalizeEmail } from "../validation/email-address.js";
import { sql, type Kysely } from "kysely";
import type { Database, ScheduleRun } from "../db/database.js";
import { withTenant } from "../db/tenant.js";
import { AppError } from "../errors/app-error.js";
import type { JobQueue } from "../queue/job-queue.js";
import { publishRuns } from "./publish-runs.js";
import { insertManualRun } from "./run-lifecycle.js";

/** A second manual run of one schedule within a minute (the API answers CONFLICT). */
export class RunConflictError extends AppError {
  constructor(
    readonly scheduleId: string,
    readonly lastRunAt: Date,
    readonly retryAfterSeconds: number,
  ) {
    super(
      "CONFLICT",
      `schedule ${scheduleId} was already run manually at ${lastRunAt.toISOString()}; ` +
        `a schedule can be run manually once a minute (try again in ${retryAfterSeconds} s)`,
    );
    this.name = "RunConflictError";
  }
}

/** No such schedule in this account (the API answers NOT_FOUND; RLS hides other accounts'). */
export class RunScheduleNotFoundError extends AppError {
  constructor(readonly scheduleId: string) {
    super("NOT_FOUND", "schedule not found");
    this.name = "RunScheduleNotFoundError";
  }
}

export interface ManualRunRequest {
  accountId: string;
  scheduleId: string;
  /** manual = runNow (at most once a minute per schedule); test = a test send, no such limit. */
  kind: "manual" | "test";
  /** Send to these addresses instead of the schedule's recipients (test sends). */
  recipients?: string[];
}

const MANUAL_RUN_INTERVAL_SECONDS = 60;

/**
 * Writes a run for now with the schedule's current parameters and publishes it through the same
 * path as the tick. The schedule's `next_run_at` is not touched. Returns the run as it stands
 * after publishing: `queued`, or `pending` when the broker could not take it — then the next
 * tick's recovery publishes it, so the caller can still report success.
 *
 * The once-a-minute rule is a check under a per-schedule advisory lock rather than the unique
 * (schedule_id, scheduled_for) constraint: a manual run stamped with a truncated minute would
 * collide with (and be refused for) a scheduled slot in the same minute. The advisory lock does
 * not block the tick, which locks schedule rows, not this key.
 */
export async function createManualRun(
  db: Kysely<Database>,
  queue: JobQueue,
  request: ManualRunRequest,
): Promise<ScheduleRun> {
  const { accountId, scheduleId, kind, recipients } = request;
  if (recipients !== undefined) {
    if (!Array.isArray(recipients) || recipients.length < 1 || recipients.length > 50) {
      throw new RangeError("recipients must list 1 to 50 email addresses");
    }
    const bad = recipients.find((r) => typeof r !== "string" || !isEmailAddress(normalizeEmail(r)));
    if (bad !== undefined) throw new RangeError(`recipients: "${String(bad)}" is not an email address`);
  }

  const run = await withTenant(db, accountId, async (trx) => {
    if (kind === "manual") {
      await sql`select pg_advisory_xact_lock(hashtextextended(${`manual-run:${scheduleId}`}, 0))`.execute(trx);
    }
    const schedule = await trx
      .selectFrom("schedules")
      .selectAll()
      .where("id", "=", scheduleId)
      .executeTakeFirst();
    if (!schedule) throw new RunScheduleNotFoundError(scheduleId);

    if (kind === "manual") {
      const recent = await trx
        .selectFrom("schedule_runs")
        .select(["created_at", sql<number>`extract(epoch from now() - created_at)`.as("age_seconds")])
        .where("schedule_id", "=", scheduleId)
        .where("kind", "=", "manual")
        .where(sql<boolean>`created_at > now() - make_interval(secs => ${MANUAL_RUN_INTERVAL_SECONDS})`)
        .orderBy("created_at", "desc")
        .limit(1)
        .executeTakeFirst();
      if (recent) {
        const wait = Math.max(1, Math.ceil(MANUAL_RUN_INTERVAL_SECONDS - Number(recent.age_seconds)));
        throw new RunConflictError(scheduleId, recent.created_at, wait);
      }
    }

    return insertManualRun(trx, { accountId, schedule, kind, recipients: recipients?.map(normalizeEmail) });
  });

  const outcome = await publishRuns(db, queue, [run], { accountId });
  if (outcome.queued.length === 0 && outcome.failed.length === 0) return run;
  return withTenant(db, accountId, (trx) =>
    trx.selectFrom("schedule_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow(),
  );
}
