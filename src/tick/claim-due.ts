import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/database.js";
import type { Cadence } from "../db/enums.js";
import { withSystem } from "../db/tenant.js";
import { plainArrayLiteral } from "../runs/array-literal.js";
import type { RunToPublish } from "../runs/run-job.js";
import { insertClaimedRuns } from "../runs/run-lifecycle.js";
import { nextRunAt, type ScheduleTiming } from "../time/next-run-at.js";

/** A bad schedule is retried a day later rather than failing again at every tick. */
export const FAILED_SCHEDULE_RETRY_MS = 86_400_000;

interface LockedRow extends ScheduleTiming {
  id: string;
  slot_ms: number;
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
 * schedule to its next slot after `now` — a slot missed for days runs once. Three statements
 * whatever the batch size: the locking SELECT (timing columns only), the INSERT of the runs and
 * the UPDATE of the schedules, both from unnest()ed arrays. ON CONFLICT DO NOTHING is
 * the last word on "one run per slot" should a schedule's next_run_at ever be set back to a slot
 * that already ran.
 *
 * The run's params are built in SQL from the locked row — the same fields as scheduleParams() —
 * so the schedule's arrays and JSON never make a round trip through this process before the
 * message is built from what was stored.
 *
 * Every due slot is at or before `now`, so a schedule's next slot is nextRunAt(timing, now):
 * schedules that share their timing (most are 09:00 on a weekday in a handful of zones) share the
 * answer. `nextByTiming` caches it across the batches of one tick (same `now`), so nextRunAt's
 * zone arithmetic runs once per distinct timing rather than once per schedule.
 *
 * With `ids` (from listFairShare) it claims those schedules, in that order, if they are still
 * due and not locked, instead of the oldest due ones; the runs come back in the same order.
 */
export async function claimDueBatch(
  db: Kysely<Database>,
  now: Date,
  limit: number,
  nextByTiming: Map<string, string> = new Map(),
  options: { ids?: readonly string[] } = {},
): Promise<ClaimedBatch> {
  const nowIso = now.toISOString();
  return withSystem(db, async (trx) => {
    // Joining a few thousand ids against the whole table: always by primary key. The planner's
    // default page costs would pick a hash join over a full scan once the table is large.
    await sql`select set_config('enable_hashjoin', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(trx);
    const { rows } = options.ids
      ? await sql<LockedRow>`
          SELECT s.id, s.cadence, s.weekly_dow, s.monthly_dom, s.send_hour, s.send_minute, s.timezone,
                 floor(extract(epoch FROM s.next_run_at) * 1000)::float8 AS slot_ms
          FROM unnest(${plainArrayLiteral(options.ids)}::uuid[]) WITH ORDINALITY AS wanted(id, turn)
          JOIN schedules s ON s.id = wanted.id
          WHERE s.active AND s.next_run_at <= ${nowIso}::timestamptz
          ORDER BY wanted.turn
          LIMIT ${limit}
          FOR UPDATE OF s SKIP LOCKED`.execute(trx)
      : await sql<LockedRow>`
          SELECT id, cadence, weekly_dow, monthly_dom, send_hour, send_minute, timezone,
                 floor(extract(epoch FROM next_run_at) * 1000)::float8 AS slot_ms
          FROM schedules
          WHERE active AND next_run_at <= ${nowIso}::timestamptz
          ORDER BY next_run_at
          LIMIT ${limit}
          FOR UPDATE SKIP LOCKED`.execute(trx);
    const n = rows.length;
    if (n === 0) return { claimed: 0, runs: [], failed: [] };

    const scheduleIds = new Array<string>(n);
    const runIds = new Array<string>(n);
    const nexts = new Array<string>(n);
    const errors = new Array<string | null>(n);
    const nowMs = now.getTime();
    for (let i = 0; i < n; i++) {
      const row = rows[i];
      scheduleIds[i] = row.id;
      runIds[i] = uuidV7(Date.now());
      errors[i] = null;
      try {
        if (row.slot_ms > nowMs) {
          nexts[i] = nextRunAt(row, new Date(row.slot_ms)).toISOString();
        } else {
          const key = `${row.cadence}|${row.weekly_dow}|${row.monthly_dom}|${row.send_hour}|${row.send_minute}|${row.timezone}`;
          let next = nextByTiming.get(key);
          if (next === undefined) {
            next = nextRunAt(row, now).toISOString();
            nextByTiming.set(key, next);
          }
          nexts[i] = next;
        }
      } catch (err) {
        nexts[i] = new Date(nowMs + FAILED_SCHEDULE_RETRY_MS).toISOString();
        errors[i] = `cannot compute the next run: ${err instanceof Error ? err.message : String(err)}`;
      }
    }

    const ids = plainArrayLiteral(scheduleIds);
    // The runs first, the schedules' advance second: the foreign-key check on each new run then
    // finds its schedule row merely locked by us, instead of chasing (and locking) the version
    // the advance just wrote.
    const written = await insertClaimedRuns(trx, { scheduleIds, runIds, errors });
    await sql`
      UPDATE schedules s
      SET next_run_at = u.next_run_at, last_run_at = ${nowIso}::timestamptz, updated_at = now()
      FROM unnest(${ids}::uuid[], ${plainArrayLiteral(nexts)}::timestamptz[]) AS u(schedule_id, next_run_at)
      WHERE s.id = u.schedule_id`.execute(trx);

    // A slot that already had its run (conflict) is simply absent here: that run stands.
    const runs: RunToPublish[] = [];
    const failed: ClaimedBatch["failed"] = [];
    for (const w of written) {
      if (w.error !== null) {
        failed.push({ scheduleId: w.schedule_id, runId: w.id, error: w.error });
      } else {
        runs.push({
          id: w.id,
          account_id: w.account_id,
          schedule_id: w.schedule_id,
          scheduled_for: new Date(w.slot_ms),
          kind: "scheduled",
          params: JSON.parse(w.params!) as Record<string, unknown>,
        });
      }
    }
    return { claimed: n, runs, failed };
  });
}

/**
 * The fair share of a tick: the ids of each account's `perAccount` oldest due schedules, in turns
 * across accounts — every account's oldest, then every account's second, and so on — so that one
 * account with thousands due cannot fill the first batches, and the head of the queue, ahead of
 * everyone else. A plain read (no locks); claimDueBatch locks what is still due of it.
 */
export async function listFairShare(db: Kysely<Database>, now: Date, perAccount: number): Promise<string[]> {
  return withSystem(db, async (trx) => {
    const { rows } = await sql<{ id: string }>`
      SELECT id FROM (
        SELECT id, next_run_at, row_number() OVER (PARTITION BY account_id ORDER BY next_run_at, id) AS turn
        FROM schedules
        WHERE active AND next_run_at <= ${now.toISOString()}::timestamptz
      ) due
      WHERE turn <= ${perAccount}
      ORDER BY turn, next_run_at, id`.execute(trx);
    return rows.map((r) => r.id);
  });
}

/**
 * A version-7 UUID: 48 bits of milliseconds, then random bits (those of a v4 UUID, whose variant
 * bits already match). Run ids of one tick share their prefix, so the primary key grows at its
 * right edge instead of touching a random index page (and writing it whole to the WAL after a
 * checkpoint) for every run.
 */
export function uuidV7(ms: number): string {
  const time = ms.toString(16).padStart(12, "0");
  const random = randomUUID();
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}

export interface DueSchedule extends ScheduleTiming {
  id: string;
  account_id: string;
  name: string;
  next_run_at: Date;
  cadence: Cadence;
}

/** Read-only view of what is due, oldest first (for --dry-run). */
export async function listDue(db: Kysely<Database>, now: Date, limit: number): Promise<DueSchedule[]> {
  return withSystem(db, async (trx) => {
    const { rows } = await sql<DueSchedule>`
      SELECT id, account_id, name, next_run_at, cadence, weekly_dow, monthly_dom, send_hour, send_minute, timezone
      FROM schedules
      WHERE active AND next_run_at <= ${now.toISOString()}::timestamptz
      ORDER BY next_run_at
      LIMIT ${limit}`.execute(trx);
    return rows;
  });
}
