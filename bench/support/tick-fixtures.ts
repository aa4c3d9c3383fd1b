import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.js";
import { deleteTopology, topologyFor } from "../../src/queue/rabbitmq-topology.js";

export const BENCH_AMQP_URL = process.env.BENCH_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export type ScratchDatabase = TestDatabase;

/** A migrated database of the benchmark's own, dropped afterwards. */
export function createScratchDatabase(label: string, poolSize = 4): Promise<ScratchDatabase> {
  return createTestDatabase(`mr_bench_${label}`, poolSize);
}

export function scratchPrefix(label: string): string {
  return `mr-bench-${label}-${randomBytes(4).toString("hex")}`;
}

export async function deleteScratchTopologies(prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const connection = await amqp.connect(BENCH_AMQP_URL);
  const channel = await connection.createChannel();
  channel.on("error", () => undefined);
  for (const prefix of prefixes) await deleteTopology(channel, topologyFor(prefix));
  await connection.close();
}

/**
 * `count` due schedules across 500 accounts, mixed like a real book of business: half daily,
 * a third weekly, the rest monthly (some on the 29th–31st); zones across the US and a few abroad;
 * 1–12 recipients, 0–4 ZIP codes, some filters. Every one is due (within the last 10 minutes).
 */
export async function insertDueSchedules(db: Kysely<Database>, count: number, now: Date): Promise<void> {
  await sql`
    INSERT INTO accounts (name)
    SELECT 'Brokerage ' || g FROM generate_series(1, 500) AS g
    ON CONFLICT DO NOTHING`.execute(db);
  await sql`
    WITH acct AS (SELECT array_agg(id) AS ids FROM accounts)
    INSERT INTO schedules (account_id, name, report_type, city, zip_codes, lookback_days, cadence, weekly_dow,
                           monthly_dom, send_hour, send_minute, timezone, recipients, include_attachment, filters,
                           next_run_at)
    SELECT acct.ids[1 + g % cardinality(acct.ids)],
           'Market update ' || g,
           (ARRAY['market_snapshot','new_listings','closed_sales','inventory'])[1 + g % 4],
           (ARRAY['San Diego','Los Angeles','Austin','Denver','Miami','Seattle'])[1 + g % 6],
           CASE g % 5 WHEN 0 THEN '{}'::text[] WHEN 1 THEN '{92101}' WHEN 2 THEN '{92101,92103}'
                      WHEN 3 THEN '{78701,78702,78703}' ELSE '{80202,80203,80205,80206}' END,
           (ARRAY[7, 14, 30, 90])[1 + g % 4],
           c.cadence,
           CASE WHEN c.cadence = 'weekly' THEN g % 7 END,
           CASE WHEN c.cadence = 'monthly' THEN 1 + g % 31 END,
           6 + g % 12,
           (ARRAY[0, 15, 30, 45])[1 + g % 4],
           (ARRAY['America/Los_Angeles','America/New_York','America/Chicago','America/Denver','America/Phoenix',
                  'America/Anchorage','Pacific/Honolulu','UTC','Europe/London','Australia/Sydney'])[1 + g % 10],
           (SELECT array_agg('client' || g || '_' || r || '@example.com') FROM generate_series(1, 1 + g % 12) AS r),
           g % 3 = 0,
           CASE WHEN g % 4 = 0 THEN '{"minprice": 400000, "type": ["residential"]}'::jsonb ELSE '{}'::jsonb END,
           ${now.toISOString()}::timestamptz - make_interval(secs => g % 600)
    FROM generate_series(1, ${count}) AS g,
         LATERAL (SELECT CASE WHEN g % 20 < 10 THEN 'daily' WHEN g % 20 < 17 THEN 'weekly' ELSE 'monthly' END AS cadence) c,
         acct`.execute(db);
  await sql`VACUUM ANALYZE schedules`.execute(db);
}
