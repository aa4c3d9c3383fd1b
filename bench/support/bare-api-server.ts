import express from "express";
import pg from "pg";
import { createHash } from "node:crypto";
import { nextRunAt } from "../../src/time/next-run-at.js";

/**
 * The benchmark's reference: a minimal express + pg handler doing the same SQL as the tRPC path
 * under the same RLS setup (one transaction: system role for the key lookup, then the tenant role
 * scoped to the key's account; a create takes the account's quota lock and count first), without
 * tRPC, zod or kysely.
 */
export async function startBareApi(databaseUrl: string, port: number) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 20 });
  const app = express();
  app.use(express.json());

  async function inTenant<T>(authorization: string | undefined, work: (c: pg.PoolClient) => Promise<T>): Promise<T | undefined> {
    const key = /^Bearer\s+(\S+)$/.exec(authorization ?? "")?.[1];
    if (!key) return undefined;
    const client = await pool.connect();
    try {
      await client.query("begin");
      await client.query("select set_config('role', 'market_reports_system', true)");
      const auth = await client.query(
        `select k.account_id, set_config('role', 'market_reports_tenant', true), set_config('app.current_account_id', k.account_id::text, true)
           from api_keys k join accounts a on a.id = k.account_id where k.key_hash = $1 and k.revoked_at is null`,
        [createHash("sha256").update(key).digest("hex")],
      );
      if (auth.rowCount === 0) {
        await client.query("rollback");
        return undefined;
      }
      const result = await work(client);
      await client.query("commit");
      return result;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  app.get("/schedules", async (req, res) => {
    const rows = await inTenant(req.headers.authorization, async (c) =>
      (
        await c.query(
          `select schedules.*, (select json_build_object('kind', r.kind, 'status', r.status, 'scheduled_for', r.scheduled_for, 'finished_at', r.finished_at)
             from schedule_runs r where r.schedule_id = schedules.id order by r.created_at desc, r.id desc limit 1) as last_run
           from schedules where active = true order by created_at desc, id desc limit $1`,
          [51],
        )
      ).rows,
    );
    if (!rows) return res.status(401).json({ error: "unauthorized" });
    res.json({ schedules: rows.slice(0, 50), count: Math.min(rows.length, 50) });
  });

  app.post("/schedules", async (req, res) => {
    const b = req.body;
    const timing = { cadence: b.cadence, weekly_dow: b.weekly_dow ?? null, monthly_dom: b.monthly_dom ?? null, send_hour: b.send_hour ?? 9, send_minute: b.send_minute ?? 0, timezone: b.timezone ?? "UTC" };
    const row = await inTenant(req.headers.authorization, async (c) => {
      const account = (await c.query("select current_setting('app.current_account_id') as id")).rows[0].id;
      // The account quotas' lock and count, as src/quotas/account-quotas.ts makes them.
      await c.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [`account-quotas:${account}`]);
      await c.query(
        "select count(*)::int as active, coalesce(sum(cardinality(recipients)), 0)::int as recipients from schedules where active and id <> $1::uuid",
        ["00000000-0000-0000-0000-000000000000"],
      );
      return (
        await c.query(
          `insert into schedules (account_id, name, report_type, city, zip_codes, lookback_days, cadence, weekly_dow, monthly_dom, send_hour, send_minute, timezone, recipients, include_attachment, filters, active, next_run_at)
           values ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17) returning *`,
          [account, b.name, b.report_type, b.city ?? null, b.zip_codes ?? [], b.lookback_days ?? 30, timing.cadence, timing.weekly_dow, timing.monthly_dom, timing.send_hour, timing.send_minute, timing.timezone, b.recipients, b.include_attachment ?? false, JSON.stringify(b.filters ?? {}), b.active ?? true, nextRunAt(timing, new Date())],
        )
      ).rows[0];
    });
    if (!row) return res.status(401).json({ error: "unauthorized" });
    res.json(row);
  });

  const server = app.listen(port, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  return { close: async () => { server.close(); await pool.end(); } };
}
