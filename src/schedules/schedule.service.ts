import type { Schedule, ScheduleUpdate } from "../db/database.js";
import type { Tx } from "../db/tenant.js";
import { invalidInput, notFound } from "../errors/app-error.js";
import { fieldIssues } from "../validation/describe-issue.js";
import { nextRunAt } from "../time/next-run-at.js";
import { DEFAULT_ACCOUNT_QUOTAS, checkScheduleQuotas, lockAccountQuotas, type AccountQuotas } from "../quotas/account-quotas.js";
import * as repo from "./schedule.repository.js";
import {
  mergedScheduleRules,
  TIMING_FIELDS,
  type CreateScheduleInput,
  type ScheduleFieldsPatch,
} from "./schedule.rules.js";

/** A new schedule, within the account's quotas (FORBIDDEN naming the limit otherwise). */
export async function createSchedule(
  trx: Tx,
  accountId: string,
  input: CreateScheduleInput,
  quotas: AccountQuotas = DEFAULT_ACCOUNT_QUOTAS,
  now = new Date(),
): Promise<Schedule> {
  await lockAccountQuotas(trx, accountId);
  await checkScheduleQuotas(trx, quotas, { active: input.active, recipients: input.recipients });
  const timing = {
    cadence: input.cadence,
    weekly_dow: input.weekly_dow ?? null,
    monthly_dom: input.monthly_dom ?? null,
    send_hour: input.send_hour,
    send_minute: input.send_minute,
    timezone: input.timezone,
  };
  return repo.insertSchedule(trx, {
    account_id: accountId,
    name: input.name,
    report_type: input.report_type,
    city: input.city ?? null,
    zip_codes: input.zip_codes ?? [],
    lookback_days: input.lookback_days,
    ...timing,
    recipients: input.recipients,
    include_attachment: input.include_attachment,
    filters: JSON.stringify(input.filters),
    active: input.active,
    next_run_at: nextRunAt(timing, now),
  });
}

/**
 * A partial update. When the cadence changes, a day field the new cadence does not use is
 * cleared unless the caller set it, so "switch to daily" needs no explicit `weekly_dow: null`.
 * The merged schedule is checked with the creation rules; next_run_at moves only when the timing
 * or `active` changed, and is computed from now (re-activating never fires missed slots).
 */
export async function updateSchedule(
  trx: Tx,
  id: string,
  patch: ScheduleFieldsPatch,
  quotas: AccountQuotas = DEFAULT_ACCOUNT_QUOTAS,
  now = new Date(),
): Promise<Schedule> {
  const existing = await repo.findScheduleForUpdate(trx, id);
  if (!existing) throw notFound("schedule");
  const merged = { ...existing, ...patch };
  if (patch.cadence !== undefined && patch.cadence !== existing.cadence) {
    if (patch.weekly_dow === undefined && merged.cadence !== "weekly") merged.weekly_dow = null;
    if (patch.monthly_dom === undefined && merged.cadence !== "monthly") merged.monthly_dom = null;
  }
  const check = mergedScheduleRules.safeParse(merged);
  if (!check.success) throw invalidInput(fieldIssues(check.error.issues));
  if (merged.active && (!existing.active || patch.recipients !== undefined)) {
    await lockAccountQuotas(trx, existing.account_id);
    await checkScheduleQuotas(trx, quotas, { active: true, recipients: merged.recipients, excludeId: id });
  }

  const changes: ScheduleUpdate = { updated_at: now };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) (changes as Record<string, unknown>)[key] = key === "filters" ? JSON.stringify(value) : value;
  }
  changes.weekly_dow = merged.weekly_dow;
  changes.monthly_dom = merged.monthly_dom;
  const timingChanged = TIMING_FIELDS.some((f) => merged[f] !== existing[f]);
  if (timingChanged) changes.next_run_at = nextRunAt(merged, now);
  return repo.updateSchedule(trx, id, changes);
}

export async function getSchedule(trx: Tx, id: string): Promise<Schedule> {
  const schedule = await repo.findSchedule(trx, id);
  if (!schedule) throw notFound("schedule");
  return schedule;
}

export async function removeSchedule(trx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteSchedule(trx, id))) throw notFound("schedule");
}

