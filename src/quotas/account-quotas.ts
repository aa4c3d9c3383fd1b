import { sql } from "kysely";
import { envSchema, type Env } from "../config/env.js";
import type { Tx } from "../db/tenant.js";
import { AppError } from "../errors/app-error.js";

/**
 * What one account may do, so that no tenant can use the service to mail strangers in bulk or
 * crowd the others out. Read from the environment (QUOTA_* and *_PER_HOUR settings).
 */
export interface AccountQuotas {
  /** Active schedules per account. */
  activeSchedules: number;
  /** Emails per account per rolling 24 h. Scheduled sends are held to it when a schedule is saved. */
  recipientsPerDay: number;
  runNowPerAccountPerHour: number;
  sendTestPerSchedulePerHour: number;
  sendTestPerAccountPerHour: number;
}

export function quotasFromEnv(env: Env): AccountQuotas {
  return {
    activeSchedules: env.QUOTA_ACTIVE_SCHEDULES,
    recipientsPerDay: env.QUOTA_RECIPIENTS_PER_DAY,
    runNowPerAccountPerHour: env.RUN_NOW_PER_ACCOUNT_PER_HOUR,
    sendTestPerSchedulePerHour: env.SEND_TEST_PER_SCHEDULE_PER_HOUR,
    sendTestPerAccountPerHour: env.SEND_TEST_PER_ACCOUNT_PER_HOUR,
  };
}

/** The settings' defaults, for callers outside the API (tests, scripts). */
export const DEFAULT_ACCOUNT_QUOTAS: AccountQuotas = quotasFromEnv(envSchema.parse({}));

/**
 * Serializes the quota checks of one account (two concurrent creates could otherwise both see
 * room for one more). Transaction-scoped; other accounts are not held up.
 */
export async function lockAccountQuotas(trx: Tx, accountId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${`account-quotas:${accountId}`}, 0))`.execute(trx);
}

/**
 * A schedule about to be saved as `active` (or not) with `recipients`: the account's active
 * schedules must stay within the quota, and so must the recipients they send to a day (each
 * schedule sends at most once a day). `excludeId` is the schedule being updated. FORBIDDEN
 * naming the limit otherwise. Runs in the caller's tenant transaction, after lockAccountQuotas.
 */
export async function checkScheduleQuotas(
  trx: Tx,
  quotas: AccountQuotas,
  schedule: { active: boolean; recipients: readonly string[]; excludeId?: string },
): Promise<void> {
  if (!schedule.active) return;
  const { rows } = await sql<{ active: number; recipients: number }>`
    SELECT count(*)::int AS active, coalesce(sum(cardinality(recipients)), 0)::int AS recipients
    FROM schedules
    WHERE active AND id <> ${schedule.excludeId ?? "00000000-0000-0000-0000-000000000000"}::uuid`.execute(trx);
  const { active, recipients } = rows[0];
  if (active + 1 > quotas.activeSchedules) {
    throw new AppError(
      "FORBIDDEN",
      `active schedules quota reached: this account may have ${quotas.activeSchedules} active schedules (QUOTA_ACTIVE_SCHEDULES); deactivate or delete one first`,
      "active",
    );
  }
  if (recipients + schedule.recipients.length > quotas.recipientsPerDay) {
    throw new AppError(
      "FORBIDDEN",
      `recipients per day quota exceeded: the account's active schedules would send to ${recipients + schedule.recipients.length} recipients a day, over its ${quotas.recipientsPerDay} (QUOTA_RECIPIENTS_PER_DAY)`,
      "recipients",
    );
  }
}

export type ManualRunKind = "manual" | "test";

/**
 * runNow and sendTest, per schedule and per account per hour, and the emails they would add to
 * the account's last 24 h. TOO_MANY_REQUESTS naming the limit otherwise. Counts use the
 * per-schedule index on schedule_runs and the per-account one on email_log.
 */
export async function checkManualRunLimits(
  trx: Tx,
  quotas: AccountQuotas,
  request: { scheduleId: string; kind: ManualRunKind; recipients: number },
): Promise<void> {
  const { rows } = await sql<{ schedule_runs: number; account_runs: number; emails: number }>`
    SELECT
      (SELECT count(*)::int FROM schedule_runs
        WHERE schedule_id = ${request.scheduleId}::uuid AND kind = ${request.kind} AND created_at > now() - interval '1 hour') AS schedule_runs,
      (SELECT count(*)::int FROM schedules s
        JOIN schedule_runs r ON r.schedule_id = s.id
        WHERE r.kind = ${request.kind} AND r.created_at > now() - interval '1 hour') AS account_runs,
      (SELECT count(*)::int FROM email_log
        WHERE status IN ('sending', 'sent') AND created_at > now() - interval '1 day') AS emails`.execute(trx);
  const counts = rows[0];
  const tooMany = (message: string) => new AppError("TOO_MANY_REQUESTS", message);
  if (request.kind === "test") {
    if (counts.schedule_runs >= quotas.sendTestPerSchedulePerHour) {
      throw tooMany(`sendTest limit reached: ${quotas.sendTestPerSchedulePerHour} test sends per schedule per hour (SEND_TEST_PER_SCHEDULE_PER_HOUR)`);
    }
    if (counts.account_runs >= quotas.sendTestPerAccountPerHour) {
      throw tooMany(`sendTest limit reached: ${quotas.sendTestPerAccountPerHour} test sends per account per hour (SEND_TEST_PER_ACCOUNT_PER_HOUR)`);
    }
  } else if (counts.account_runs >= quotas.runNowPerAccountPerHour) {
    throw tooMany(`runNow limit reached: ${quotas.runNowPerAccountPerHour} manual runs per account per hour (RUN_NOW_PER_ACCOUNT_PER_HOUR)`);
  }
  if (counts.emails + request.recipients > quotas.recipientsPerDay) {
    throw tooMany(
      `recipients per day quota reached: ${counts.emails} emails sent in the last 24 h, and this run would add ${request.recipients}, over the account's ${quotas.recipientsPerDay} (QUOTA_RECIPIENTS_PER_DAY)`,
    );
  }
}
