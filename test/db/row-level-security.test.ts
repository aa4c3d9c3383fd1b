import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withSystem, withTenant } from "../../src/db/tenant.js";
import type { Database } from "../../src/db/database.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";
import { seedTwoAccounts, TENANT_TABLES, type TwoAccounts } from "../support/rls-fixture.js";

const up = await postgresUp();

describe.skipIf(!up)("row-level security on real Postgres", () => {
  let tdb: TestDatabase;
  let fx: TwoAccounts;

  beforeAll(async () => {
    tdb = await createTestDatabase();
    fx = await seedTwoAccounts(tdb.handle.db);
  });
  afterAll(async () => tdb?.drop());

  it("every table with account_id has RLS enabled and forced", async () => {
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'account_id'
       where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace`.execute(tdb.handle.db);
    expect(rows.rows.map((r) => r.relname).sort()).toEqual([...TENANT_TABLES].sort());
    for (const r of rows.rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it("as the tenant role with no account set, every tenant table reads empty", async () => {
    await tdb.handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'market_reports_tenant', true)`.execute(trx);
      for (const table of [...TENANT_TABLES, "accounts"] as const) {
        const rows = await trx.selectFrom(table as keyof Database).selectAll().execute();
        expect(rows, table).toEqual([]);
      }
    });
  });

  it("with account A set, only A's rows are visible in every table", async () => {
    await withTenant(tdb.handle.db, fx.a, async (trx) => {
      for (const table of TENANT_TABLES) {
        const rows = (await trx.selectFrom(table).selectAll().execute()) as { account_id: string }[];
        expect(rows.length, table).toBeGreaterThan(0);
        expect(new Set(rows.map((r) => r.account_id)), table).toEqual(new Set([fx.a]));
      }
      const accounts = await trx.selectFrom("accounts").select("id").execute();
      expect(accounts).toEqual([{ id: fx.a }]);
    });
  });

  it("inserting a row for B while A is set is rejected by the policy", async () => {
    await expect(
      withTenant(tdb.handle.db, fx.a, (trx) =>
        trx.insertInto("email_suppressions").values({ account_id: fx.b, email: "x@example.com" }).execute(),
      ),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(tdb.handle.db, fx.a, (trx) =>
        trx
          .insertInto("schedules")
          .values({ account_id: fx.b, name: "n", report_type: "market_snapshot", city: "X", cadence: "daily", recipients: ["a@example.com"], filters: "{}" })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("updating A's row to belong to B is rejected; updating B's rows touches nothing", async () => {
    await expect(
      withTenant(tdb.handle.db, fx.a, (trx) => trx.updateTable("schedules").set({ account_id: fx.b }).where("id", "=", fx.scheduleA).execute()),
    ).rejects.toThrow(/row-level security/);
    const result = await withTenant(tdb.handle.db, fx.a, (trx) =>
      trx.updateTable("schedules").set({ name: "hijacked" }).where("id", "=", fx.scheduleB).executeTakeFirst(),
    );
    expect(Number(result.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(tdb.handle.db, fx.a, (trx) => trx.deleteFrom("schedules").where("id", "=", fx.scheduleB).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const b = await withSystem(tdb.handle.db, (trx) => trx.selectFrom("schedules").select("name").where("id", "=", fx.scheduleB).executeTakeFirstOrThrow());
    expect(b.name).toBe("B schedule");
  });

  it("the tenant role cannot change its own role or read api key hashes of others", async () => {
    await withTenant(tdb.handle.db, fx.a, async (trx) => {
      const keys = await trx.selectFrom("api_keys").select("account_id").execute();
      expect(new Set(keys.map((k) => k.account_id))).toEqual(new Set([fx.a]));
    });
  });

  it("the system role sees every account's rows (the tick's cross-account scan)", async () => {
    const rows = await withSystem(tdb.handle.db, (trx) => trx.selectFrom("schedules").select("account_id").execute());
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set([fx.a, fx.b]));
  });
});
