import { sql, type Kysely } from "kysely";
import type { Database, NewSchedule, ScheduleRun } from "../../src/db/database.js";
import { scheduleParams } from "../../src/runs/run-job.js";

/** Inserted as the owner (tests connect as the superuser, which row-level security lets through). */
export async function insertAccount(db: Kysely<Database>, name = "Test Brokerage"): Promise<string> {
  const row = await db.insertInto("accounts").values({ name }).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/** `count` accounts in one statement, named "Brokerage 1" to "Brokerage <count>". */
export async function insertAccounts(db: Kysely<Database>, count: number): Promise<string[]> {
  const { rows } = await sql<{ id: string }>`
    INSERT INTO accounts (name) SELECT 'Brokerage ' || g FROM generate_series(1, ${count}) AS g RETURNING id`.execute(db);
  return rows.map((r) => r.id);
}

export type ScheduleSeed = Partial<Omit<NewSchedule, "account_id">>;

/**
 * A daily 09:00 Los Angeles market snapshot of two San Diego ZIP codes for one recipient, not due
 * for a week; a test sets the columns it is about.
 */
function scheduleRow(accountId: string, seed: ScheduleSeed): NewSchedule {
  return {
    account_id: accountId,
    name: "Market Snapshot",
    report_type: "market_snapshot",
    city: "San Diego",
    zip_codes: ["92101", "92103"],
    cadence: "daily",
    send_hour: 9,
    send_minute: 0,
    timezone: "America/Los_Angeles",
    recipients: ["client@example.com"],
    next_run_at: new Date(Date.now() + 7 * 86_400_000),
    ...seed,
  };
}

/** A schedule (see scheduleRow for what is not in `seed`); its id. */
export async function insertSchedule(db: Kysely<Database>, accountId: string, seed: ScheduleSeed = {}): Promise<string> {
  const row = await db.insertInto("schedules").values(scheduleRow(accountId, seed)).returning("id").executeTakeFirstOrThrow();
  return row.id;
}

/**
 * A schedule and a queued manual run of it carrying the schedule's params, as a run is before it
 * is published: `jobForRun` makes its job.
 */
export async function insertQueuedRun(db: Kysely<Database>, accountId: string, seed: ScheduleSeed = {}): Promise<ScheduleRun> {
  const schedule = await db.insertInto("schedules").values(scheduleRow(accountId, seed)).returningAll().executeTakeFirstOrThrow();
  return db
    .insertInto("schedule_runs")
    .values({ account_id: accountId, schedule_id: schedule.id, scheduled_for: new Date(), kind: "manual", status: "queued", params: JSON.stringify(scheduleParams(schedule)) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * `count` due schedules in one statement, dealt round-robin to `accountIds` and mixed like a real
 * book of business: half daily, a third weekly, the rest monthly (some on the 29th–31st); zones
 * across the US and a few abroad; 1–12 recipients, 0–4 ZIP codes, some filters. Every one is due
 * within the 10 minutes before `now`, and its send time is an hour before `now` in its own zone,
 * so its next slot is a day or more away: a later tick in a test finds none of them due again.
 */
export async function insertDueSchedules(db: Kysely<Database>, accountIds: string[], count: number, now: Date): Promise<void> {
  await sql`
    INSERT INTO schedules (account_id, name, report_type, city, zip_codes, lookback_days, cadence, weekly_dow,
                           monthly_dom, send_hour, send_minute, timezone, recipients, include_attachment, filters,
                           next_run_at)
    SELECT (${accountIds}::uuid[])[1 + g % ${accountIds.length}],
           'Market update ' || g,
           (ARRAY['market_snapshot','new_listings','closed_sales','inventory'])[1 + g % 4],
           (ARRAY['San Diego','Los Angeles','Austin','Denver','Miami','Seattle'])[1 + g % 6],
           CASE g % 5 WHEN 0 THEN '{}'::text[] WHEN 1 THEN '{92101}' WHEN 2 THEN '{92101,92103}'
                      WHEN 3 THEN '{78701,78702,78703}' ELSE '{80202,80203,80205,80206}' END,
           (ARRAY[7, 14, 30, 90])[1 + g % 4],
           c.cadence,
           CASE WHEN c.cadence = 'weekly' THEN g % 7 END,
           CASE WHEN c.cadence = 'monthly' THEN 1 + g % 31 END,
           extract(hour FROM c.send_at)::int,
           extract(minute FROM c.send_at)::int,
           c.timezone,
           (SELECT array_agg('client' || g || '_' || r || '@example.com') FROM generate_series(1, 1 + g % 12) AS r),
           g % 3 = 0,
           CASE WHEN g % 4 = 0 THEN '{"min_price": 400000, "property_types": ["residential"]}'::jsonb ELSE '{}'::jsonb END,
           ${now.toISOString()}::timestamptz - make_interval(secs => g % 600)
    FROM generate_series(1, ${count}) AS g,
         LATERAL (SELECT (ARRAY['America/Los_Angeles','America/New_York','America/Chicago','America/Denver','America/Phoenix',
                                'America/Anchorage','Pacific/Honolulu','UTC','Europe/London','Australia/Sydney'])[1 + g % 10] AS timezone) z,
         LATERAL (SELECT CASE WHEN g % 20 < 10 THEN 'daily' WHEN g % 20 < 17 THEN 'weekly' ELSE 'monthly' END AS cadence,
                         z.timezone,
                         (${now.toISOString()}::timestamptz - interval '1 hour') AT TIME ZONE z.timezone AS send_at) c`.execute(db);
}
