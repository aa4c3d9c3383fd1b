import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount, findAccountByApiKey, revokeApiKey } from "../../src/accounts/account.repository.js";
import { connectDatabase } from "../../src/db/connect.js";
import { assertLoginRoleFailsClosed, LoginRoleError } from "../../src/db/login-role.js";
import { withSystem, withTenant, withWorkerSession, withWorkerTenant } from "../../src/db/tenant.js";
import type { Database } from "../../src/db/database.js";
import { endSession, findSessionAccount, startSession } from "../../src/sessions/session.repository.js";
import { createLoginRoleDatabase, type LoginRoleDatabase } from "../support/login-role-database.js";
import { postgresUp } from "../support/services.js";
import { seedTwoAccounts, TENANT_TABLES, type TwoAccounts } from "../support/rls-fixture.js";

/** What the api and worker check the login role under in a deployment. */
const PRODUCTION = { ENVIRONMENT: "production", DATABASE_ALLOW_SUPERUSER: false } as const;

const up = await postgresUp();

/** Key lookups and sessions go through the system role; the tenant role may not read them at all. */
const TENANT_UNREADABLE = ["api_keys", "sessions"] as const;
const TENANT_READABLE = TENANT_TABLES.filter((t) => !(TENANT_UNREADABLE as readonly string[]).includes(t));

describe.skipIf(!up)("row-level security on real Postgres, connected as a non-superuser login role", () => {
  let ldb: LoginRoleDatabase;
  let fx: TwoAccounts;
  let superuser: string;
  const db = () => ldb.handle.db;

  beforeAll(async () => {
    ldb = await createLoginRoleDatabase();
    // seeded as the cluster's superuser, which row-level security does not apply to
    fx = await seedTwoAccounts(ldb.admin.db);
    superuser = (await sql<{ rolname: string }>`select rolname from pg_roles where rolsuper order by oid limit 1`.execute(db())).rows[0]!.rolname;
  });
  afterAll(async () => ldb?.drop());

  it("every table with account_id has RLS enabled and forced", async () => {
    const rows = await sql<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean }>`
      select c.relname, c.relrowsecurity, c.relforcerowsecurity
        from pg_class c join pg_attribute a on a.attrelid = c.oid and a.attname = 'account_id'
       where c.relkind = 'r' and c.relnamespace = 'public'::regnamespace`.execute(db());
    expect(rows.rows.map((r) => r.relname).sort()).toEqual([...TENANT_TABLES].sort());
    for (const r of rows.rows) expect([r.relname, r.relrowsecurity, r.relforcerowsecurity]).toEqual([r.relname, true, true]);
  });

  it("the login role can switch to the service's roles but holds none of their privileges (NOINHERIT)", async () => {
    const { rows } = await sql<{ role: string; usage: boolean; member: boolean }>`
      select r as role, pg_has_role(current_user, r, 'USAGE') as usage, pg_has_role(current_user, r, 'MEMBER') as member
        from unnest(array['market_reports_tenant', 'market_reports_worker', 'market_reports_system']) as r`.execute(db());
    expect(rows).toEqual([
      { role: "market_reports_tenant", usage: false, member: true },
      { role: "market_reports_worker", usage: false, member: true },
      { role: "market_reports_system", usage: false, member: true },
    ]);
    expect((await sql<{ rolsuper: boolean }>`select rolsuper from pg_roles where rolname = current_user`.execute(db())).rows[0]!.rolsuper).toBe(false);
  });

  it("a bare query on the login connection, outside withTenant/withSystem, sees no tenant rows", async () => {
    for (const table of [...TENANT_TABLES, "accounts"] as const) {
      const rows = await db().selectFrom(table as keyof Database).selectAll().execute();
      expect(rows, table).toEqual([]);
    }
    // and writes nothing either: no policy admits the login role's rows
    await expect(db().insertInto("email_suppressions").values({ account_id: fx.a, email: "bare@example.com" }).execute()).rejects.toThrow(/row-level security/);
  });

  it("withWorkerSession is the worker role for one account statement by statement, and the connection is the bare login role again afterwards, also after an error", async () => {
    // one connection, so what the session leaves behind is what the next caller gets
    const single = await connectDatabase({ databaseUrl: ldb.url, poolSize: 1 });
    try {
      const seen = await withWorkerSession(single.db, fx.a, async (session) => {
        const logs = await session.selectFrom("email_log").select("account_id").execute();
        const role = (await sql<{ r: string }>`select current_user as r`.execute(session)).rows[0]!.r;
        return { accounts: logs.map((l) => l.account_id), role };
      });
      expect(seen).toEqual({ accounts: [fx.a], role: "market_reports_worker" });
      await expect(withWorkerSession(single.db, fx.b, () => Promise.reject(new Error("fn failed")))).rejects.toThrow("fn failed");
      for (const table of [...TENANT_TABLES, "accounts"] as const) {
        expect(await single.db.selectFrom(table as keyof Database).selectAll().execute(), table).toEqual([]);
      }
      const after = (await sql<{ r: string; a: string }>`select current_user as r, current_setting('app.current_account_id', true) as a`.execute(single.db)).rows[0]!;
      expect(after).toEqual({ r: ldb.login, a: "" });
    } finally {
      await single.close();
    }
  });

  it("start-up refuses a login role that inherits the system role (and then a bare query does see every account)", async () => {
    const fresh = await connectDatabase({ databaseUrl: ldb.url, poolSize: 1 });
    await expect(assertLoginRoleFailsClosed(fresh, pino({ level: "silent" }), PRODUCTION)).resolves.toBeUndefined();
    await fresh.close();
    const version = Number((await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db())).rows[0]!.v);
    const inherit = version >= 160000 ? `GRANT market_reports_tenant, market_reports_worker, market_reports_system TO ${ldb.login} WITH INHERIT TRUE` : `ALTER ROLE ${ldb.login} INHERIT`;
    const noInherit = version >= 160000 ? `GRANT market_reports_tenant, market_reports_worker, market_reports_system TO ${ldb.login} WITH INHERIT FALSE` : `ALTER ROLE ${ldb.login} NOINHERIT`;
    await ldb.asSuperuser(inherit);
    const inheriting = await connectDatabase({ databaseUrl: ldb.url, poolSize: 1 });
    try {
      const leaked = await inheriting.db.selectFrom("schedules").select("account_id").execute();
      expect(new Set(leaked.map((r) => r.account_id))).toEqual(new Set([fx.a, fx.b]));
      const refused = assertLoginRoleFailsClosed(inheriting, pino({ level: "silent" }), PRODUCTION);
      await expect(refused).rejects.toThrow(LoginRoleError);
      await expect(refused).rejects.toThrow(/inherits the privileges of market_reports_tenant, market_reports_worker, market_reports_system[\s\S]*NOINHERIT/);
    } finally {
      await inheriting.close().catch(() => undefined);
      await ldb.asSuperuser(noInherit);
    }
  });

  it("in production, start-up refuses a superuser login (row-level security does not apply to it) unless DATABASE_ALLOW_SUPERUSER accepts it; elsewhere it warns", async () => {
    // The test cluster's own connection, `postgres`: a superuser, which sees every account's rows.
    const superuser = await connectDatabase({ databaseUrl: ldb.adminUrl, poolSize: 1 });
    try {
      const refused = assertLoginRoleFailsClosed(superuser, pino({ level: "silent" }), PRODUCTION);
      await expect(refused).rejects.toThrow(LoginRoleError);
      await expect(refused).rejects.toThrow(/is a superuser[\s\S]*DATABASE_ALLOW_SUPERUSER=true/);
    } finally {
      await superuser.close().catch(() => undefined);
    }
    for (const env of [{ ...PRODUCTION, DATABASE_ALLOW_SUPERUSER: true }, { ENVIRONMENT: "development" as const, DATABASE_ALLOW_SUPERUSER: false }]) {
      const warnings: string[] = [];
      const logger = pino({ level: "warn" }, { write: (line: string) => void warnings.push(line) });
      const accepted = await connectDatabase({ databaseUrl: ldb.adminUrl, poolSize: 1 });
      await expect(assertLoginRoleFailsClosed(accepted, logger, env)).resolves.toBeUndefined();
      await accepted.close();
      expect(warnings.join("")).toContain("row-level security does not guard queries made outside a tenant transaction");
    }
  });

  it("an API key's account is found by the key's hash through the system role's lookup function, outside any transaction; the tenant role may not call it", async () => {
    const { account, apiKey, keyPrefix } = await createAccount(ldb.admin.db, "Key Lookup Realty");
    expect(await findAccountByApiKey(db(), apiKey)).toEqual({ accountId: account.id, accountName: "Key Lookup Realty" });
    expect(await findAccountByApiKey(db(), `${apiKey.slice(0, -1)}x`)).toBeUndefined();
    await revokeApiKey(ldb.admin.db, keyPrefix);
    expect(await findAccountByApiKey(db(), apiKey)).toBeUndefined();
    await expect(
      withTenant(db(), fx.a, (trx) => sql`select * from market_reports_api_key_account('x')`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });

  it("a browser session's account is found by its token's hash through the system role's lookup function, outside any transaction; the tenant role may not call it", async () => {
    const { account, apiKey } = await createAccount(ldb.admin.db, "Session Lookup Realty");
    const session = (await startSession(db(), apiKey))!;
    expect(await findSessionAccount(db(), session.token)).toEqual({ accountId: account.id, accountName: "Session Lookup Realty" });
    await endSession(db(), session.token);
    expect(await findSessionAccount(db(), session.token)).toBeUndefined();
    await expect(
      withTenant(db(), fx.a, (trx) => sql`select * from market_reports_session_account('x', now(), interval '1 hour', interval '1 minute')`.execute(trx)),
    ).rejects.toThrow(/permission denied/);
  });

  it("as the tenant role with no account set, every tenant table reads empty; key hashes and sessions are not readable at all", async () => {
    await db().transaction().execute(async (trx) => {
      await sql`select set_config('role', 'market_reports_tenant', true)`.execute(trx);
      for (const table of [...TENANT_READABLE, "accounts"] as const) {
        const rows = await trx.selectFrom(table as keyof Database).selectAll().execute();
        expect(rows, table).toEqual([]);
      }
    });
    for (const table of TENANT_UNREADABLE) {
      await expect(withTenant(db(), fx.a, (trx) => trx.selectFrom(table).selectAll().execute()), table).rejects.toThrow(/permission denied/);
    }
  });

  it("with account A set, only A's rows are visible in every table", async () => {
    await withTenant(db(), fx.a, async (trx) => {
      for (const table of TENANT_READABLE) {
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
      withTenant(db(), fx.a, (trx) => trx.insertInto("email_suppressions").values({ account_id: fx.b, email: "x@example.com" }).execute()),
    ).rejects.toThrow(/row-level security/);
    await expect(
      withTenant(db(), fx.a, (trx) =>
        trx
          .insertInto("schedules")
          .values({ account_id: fx.b, name: "n", report_type: "market_snapshot", city: "X", cadence: "daily", recipients: ["a@example.com"], filters: "{}" })
          .execute(),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  it("updating A's row to belong to B is rejected; updating B's rows touches nothing", async () => {
    await expect(
      withTenant(db(), fx.a, (trx) => trx.updateTable("schedules").set({ account_id: fx.b }).where("id", "=", fx.scheduleA).execute()),
    ).rejects.toThrow(/row-level security/);
    const result = await withTenant(db(), fx.a, (trx) => trx.updateTable("schedules").set({ name: "hijacked" }).where("id", "=", fx.scheduleB).executeTakeFirst());
    expect(Number(result.numUpdatedRows)).toBe(0);
    const deleted = await withTenant(db(), fx.a, (trx) => trx.deleteFrom("schedules").where("id", "=", fx.scheduleB).executeTakeFirst());
    expect(Number(deleted.numDeletedRows)).toBe(0);
    const b = await withSystem(db(), (trx) => trx.selectFrom("schedules").select("name").where("id", "=", fx.scheduleB).executeTakeFirstOrThrow());
    expect(b.name).toBe("B schedule");
  });

  it("the tenant role cannot delete runs, reports or email log rows, even its own", async () => {
    for (const table of ["schedule_runs", "report_runs", "email_log"] as const) {
      await expect(withTenant(db(), fx.a, (trx) => trx.deleteFrom(table).execute()), table).rejects.toThrow(/permission denied/);
      await expect(withWorkerTenant(db(), fx.a, (trx) => trx.deleteFrom(table).execute()), table).rejects.toThrow(/permission denied/);
    }
  });

  it("an API request's tenant role cannot write reports or the email log; the worker's role can, for its own account only", async () => {
    await expect(withTenant(db(), fx.a, (trx) => trx.updateTable("email_log").set({ status: "failed" }).execute())).rejects.toThrow(/permission denied/);
    await expect(withTenant(db(), fx.a, (trx) => trx.updateTable("report_runs").set({ error: "x" }).execute())).rejects.toThrow(/permission denied/);
    await expect(
      withTenant(db(), fx.a, (trx) => trx.insertInto("report_runs").values({ account_id: fx.a, schedule_id: fx.scheduleA, report_type: "market_snapshot", params: "{}" }).execute()),
    ).rejects.toThrow(/permission denied/);
    const updated = await withWorkerTenant(db(), fx.a, (trx) => trx.updateTable("report_runs").set({ error: "worker wrote this" }).executeTakeFirst());
    expect(Number(updated.numUpdatedRows)).toBe(1);
    const rows = await withSystem(db(), (trx) => trx.selectFrom("report_runs").select(["account_id", "error"]).execute());
    expect(new Map(rows.map((r) => [r.account_id, r.error]))).toEqual(new Map([[fx.a, "worker wrote this"], [fx.b, null]]));
    await expect(
      withWorkerTenant(db(), fx.a, (trx) => trx.insertInto("report_runs").values({ account_id: fx.b, schedule_id: fx.scheduleB, report_type: "market_snapshot", params: "{}" }).execute()),
    ).rejects.toThrow(/row-level security/);
    await db().transaction().execute(async (trx) => {
      await sql`select set_config('role', 'market_reports_worker', true)`.execute(trx);
      for (const table of [...TENANT_READABLE, "accounts"] as const) expect(await trx.selectFrom(table as keyof Database).selectAll().execute(), table).toEqual([]);
    });
  });

  it("the tenant role cannot change its own role: SET ROLE, SET SESSION AUTHORIZATION and set_config to a superuser are refused", async () => {
    const attempts = [
      sql`set role ${sql.id(superuser)}`,
      sql`set session authorization ${sql.id(superuser)}`,
      sql`select set_config('role', ${superuser}, true)`,
      sql`alter role market_reports_tenant bypassrls`,
    ];
    for (const attempt of attempts) {
      await expect(withTenant(db(), fx.a, (trx) => attempt.execute(trx)), attempt.compile(db()).sql).rejects.toThrow(/permission denied|must be superuser/);
    }
    // Dropping the tenant role only falls back to the login role, which sees nothing.
    const afterReset = await withTenant(db(), fx.a, async (trx) => {
      await sql`reset role`.execute(trx);
      return trx.selectFrom("schedules").select("id").execute();
    });
    expect(afterReset).toEqual([]);
  });

  it("the system role sees every account's rows (the tick's cross-account scan)", async () => {
    const rows = await withSystem(db(), (trx) => trx.selectFrom("schedules").select("account_id").execute());
    expect(new Set(rows.map((r) => r.account_id))).toEqual(new Set([fx.a, fx.b]));
  });
});
