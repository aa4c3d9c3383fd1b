import { normalizeEmail } from "../validation/email-address.js";
import { sql, type Kysely } from "kysely";
import type { Database, ScheduleRun } from "../db/database.js";
import { withTenant } from "../db/tenant.js";
import { AppError } from "../errors/app-error.js";
import type { JobQueue } from "../queue/job-queue.js";
import { DEFAULT_ACCOUNT_QUOTAS, checkManualRunLimits, lockAccountQuotas, type AccountQuotas } from "../quotas/account-quotas.js";
import { formatInstantNamingZone } from "../time/format-instant.js";
import { publishRuns } from "./publish-runs.js";
import { insertManualRun } from "./run-lifecycle.js";

/**
 * A second manual run of one schedule within a minute (the API answers CONFLICT). The earlier
 * run's time is given in the schedule's zone, named, as its owner reads its send times.
 */
export class RunConflictError extends AppError {
  constructor(
    readonly scheduleId: string,
    readonly lastRunAt: Date,
    readonly timezone: string,
    readonly retryAfterSeconds: number,
  ) {
    super(
      "CONFLICT",
      `schedule ${scheduleId} was already run manually at ${formatInstantNamingZone(lastRunAt, timezone)}; ` +
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
  /** manual = runNow (at most once a minute per schedule); test = a test send. */
  kind: "manual" | "test";
  /** Test sends: only these of the schedule's own recipients (default: all of them). */
  recipients?: string[];
  /** Per-schedule and per-account limits (src/quotas/account-quotas.ts); default: the settings' defaults. */
  quotas?: AccountQuotas;
}

const MANUAL_RUN_INTERVAL_SECONDS = 60;

/**
 * Writes a run for now with the schedule's current parameters and publishes it through the same
 * path as the tick. The schedule's `next_run_at` is not touched. Returns the run as it stands
 * after publishing: `queued`, or `pending` when the broker could not take it — then the next
 * tick's recovery publishes it, so the caller can still report success.
 *
 * A test goes only to recipients the schedule already has (never an open relay for strangers).
 * Limits are checked under a per-account advisory lock, so concurrent requests cannot both slip
 * under one. The once-a-minute rule is such a check rather than the unique (schedule_id,
 * scheduled_for) constraint: a manual run stamped with a truncated minute would collide with
 * (and be refused for) a scheduled slot in the same minute. The lock does not block the tick,
 * which locks schedule rows, not this key.
 */
export async function createManualRun(
  db: Kysely<Database>,
  queue: JobQueue,
  request: ManualRunRequest,
): Promise<ScheduleRun> {
  const { accountId, scheduleId, kind, quotas = DEFAULT_ACCOUNT_QUOTAS } = request;
  const run = await withTenant(db, accountId, async (trx) => {
    await lockAccountQuotas(trx, accountId);
    const schedule = await trx
      .selectFrom("schedules")
      .selectAll()
      .where("id", "=", scheduleId)
      .executeTakeFirst();
    if (!schedule) throw new RunScheduleNotFoundError(scheduleId);
    const recipients = request.recipients === undefined ? undefined : ownRecipients(schedule.recipients, request.recipients);

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
        throw new RunConflictError(scheduleId, recent.created_at, schedule.timezone, wait);
      }
    }
    await checkManualRunLimits(trx, quotas, { scheduleId, kind, recipients: (recipients ?? schedule.recipients).length });
    return insertManualRun(trx, { accountId, schedule, kind, recipients });
  });

  // Someone is waiting for it: it goes ahead of every account's scheduled backlog (the
  // per-hour limits above keep that lane from being flooded).
  const outcome = await publishRuns(db, queue, [run], { accountId, priority: true });
  if (outcome.queued.length === 0 && outcome.failed.length === 0) return run;
  return withTenant(db, accountId, (trx) =>
    trx.selectFrom("schedule_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow(),
  );
}

/** `to` as the schedule's own addresses (normalized, de-duplicated); BAD_REQUEST naming `to` otherwise. */
function ownRecipients(scheduleRecipients: readonly string[], to: readonly string[]): string[] {
  const own = new Set(scheduleRecipients.map(normalizeEmail));
  const wanted = [...new Set(to.map(normalizeEmail))];
  const strangers = wanted.filter((address) => !own.has(address));
  if (wanted.length === 0 || strangers.length > 0) {
    throw new AppError(
      "BAD_REQUEST",
      `to: a test is sent only to the schedule's own recipients; ${strangers.length > 0 ? `not among them: ${strangers.join(", ")}` : "list at least one"}`,
      "to",
    );
  }
  return wanted;
}
