import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Cadence, Database } from "../db/database.js";
import { withSystem } from "../db/tenant.js";
import { scheduleParams, type RunToPublish } from "../runs/run-job.js";
import { nextRunAt } from "../time/next-run-at.js";

/** A bad schedule is retried a day later rather than failing again at every tick. */
export const FAILED_SCHEDULE_RETRY_MS = 86_400_000;

interface DueRow {
  id: string;
  account_id: string;
  name: string;
  report_type: string;
  city: string | null;
  zip_codes: string[];
  lookback_days: number;
  cadence: Cadence;
  weekly_dow: number | null;
  monthly_dom: number | null;
  send_hour: number;
  send_minute: number;
  timezone: string;
  recipients: string[];
  include_attachment: boolean;
  filters: Record<string, unknown>;
  next_run_at: Date;
}

export interface ClaimedBatch {
  /** Schedules claimed and advanced (including bad ones). */
  claimed: number;
  /** New `pending` runs to publish. */
  runs: RunToPublish[];
  /** Bad schedules recorded as `failed` runs. */
  failed: { scheduleId: string; runId: string; error: string }[];
}

/**
 * One transaction as the system role: lock up to `limit` due schedules (oldest first, skipping
 * rows another tick holds), write one run per schedule for the slot it is due for, and move each
 * schedule to its next slot after `now` — a slot missed for days runs once. Two statements
 * whatever the batch size: the locking SELECT, then one INSERT … unnest + UPDATE … unnest.
 * ON CONFLICT DO NOTHING is the last word on "one run per slot" should a schedule's next_run_at
 * ever be set back to a slot that already ran.
 */
export async function claimDueBatch(db: Kysely<Database>, now: Date, limit: number): Promise<ClaimedBatch> {
  return withSystem(db, async (trx) => {
    const { rows } = await sql<DueRow>`
      SELECT id, account_id, name, report_type, city, zip_codes, lookback_days, cadence, weekly_dow,
             monthly_dom, send_hour, send_minute, timezone, recipients, include_attachment, filters,
             next_run_at
      FROM schedules
      WHERE active AND next_run_at <= ${now.toISOString()}::timestamptz
      ORDER BY next_run_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED`.execute(trx);
    if (rows.length === 0) return { claimed: 0, runs: [], failed: [] };

    const n = rows.length;
    const runIds = new Array<string>(n);
    const scheduleIds = new Array<string>(n);
    const accountIds = new Array<string>(n);
    const slots = new Array<string>(n);
    const statuses = new Array<string>(n);
    const params = new Array<string>(n);
    const errors = new Array<string | null>(n);
    const nexts = new Array<string>(n);
    const runs: RunToPublish[] = [];
    const failed: ClaimedBatch["failed"] = [];
    const nowMs = now.getTime();

    for (let i = 0; i < n; i++) {
      const row = rows[i];
      const slot = row.next_run_at;
      const runId = randomUUID();
      const runParams = scheduleParams(row);
      runIds[i] = runId;
      scheduleIds[i] = row.id;
      accountIds[i] = row.account_id;
      slots[i] = slot.toISOString();
      params[i] = JSON.stringify(runParams);
      try {
        const after = slot.getTime() > nowMs ? slot : now;
        nexts[i] = nextRunAt(row, after).toISOString();
        statuses[i] = "pending";
        errors[i] = null;
        runs.push({
          id: runId,
          account_id: row.account_id,
          schedule_id: row.id,
          scheduled_for: slot,
          kind: "scheduled",
          params: runParams,
        });
      } catch (err) {
        const error = `cannot compute the next run: ${err instanceof Error ? err.message : String(err)}`;
        nexts[i] = new Date(nowMs + FAILED_SCHEDULE_RETRY_MS).toISOString();
        statuses[i] = "failed";
        errors[i] = error;
        failed.push({ scheduleId: row.id, runId, error });
      }
    }

    const { rows: inserted } = await sql<{ id: string }>`
      WITH inserted AS (
        INSERT INTO schedule_runs (id, account_id, schedule_id, scheduled_for, kind, status, params, error, finished_at)
        SELECT r.id, r.account_id, r.schedule_id, r.scheduled_for, 'scheduled', r.status, r.params, r.error,
               CASE WHEN r.status = 'failed' THEN now() END
        FROM unnest(
          ${runIds}::uuid[], ${accountIds}::uuid[], ${scheduleIds}::uuid[], ${slots}::timestamptz[],
          ${statuses}::text[], ${params}::jsonb[], ${errors}::text[]
        ) AS r(id, account_id, schedule_id, scheduled_for, status, params, error)
        ON CONFLICT (schedule_id, scheduled_for) DO NOTHING
        RETURNING id
      ), advanced AS (
        UPDATE schedules s
        SET next_run_at = u.next_run_at, last_run_at = ${now.toISOString()}::timestamptz, updated_at = now()
        FROM unnest(${scheduleIds}::uuid[], ${nexts}::timestamptz[]) AS u(id, next_run_at)
        WHERE s.id = u.id
      )
      SELECT id FROM inserted`.execute(trx);

    if (inserted.length === n) return { claimed: n, runs, failed };
    // A slot that already had its run: that run stands, nothing new to publish for it.
    const kept = new Set(inserted.map((r) => r.id));
    return {
      claimed: n,
      runs: runs.filter((r) => kept.has(r.id)),
      failed: failed.filter((f) => kept.has(f.runId)),
    };
  });
}

export interface DueSchedule {
  id: string;
  account_id: string;
  name: string;
  next_run_at: Date;
  cadence: Cadence;
  timezone: string;
}

/** Read-only view of what is due, oldest first (for --dry-run). */
export async function listDue(db: Kysely<Database>, now: Date, limit: number) {
  return withSystem(db, async (trx) => {
    const { rows } = await sql<DueSchedule & Pick<DueRow, "weekly_dow" | "monthly_dom" | "send_hour" | "send_minute">>`
      SELECT id, account_id, name, next_run_at, cadence, weekly_dow, monthly_dom, send_hour, send_minute, timezone
      FROM schedules
      WHERE active AND next_run_at <= ${now.toISOString()}::timestamptz
      ORDER BY next_run_at
      LIMIT ${limit}`.execute(trx);
    return rows;
  });
}
