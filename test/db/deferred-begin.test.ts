import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deferBegin } from "../../src/db/deferred-begin.js";
import { POSTGRES_URL, postgresUp } from "../support/services.js";

const up = await postgresUp();

/** What reached Postgres, one entry per round trip. */
function countingPool(pool: pg.Pool, sent: string[]) {
  return {
    async connect() {
      const client = await pool.connect();
      return {
        query: ((text: string | pg.Submittable, values?: unknown[]) => {
          if (typeof text === "string") sent.push(text);
          return values ? client.query(text as string, values) : client.query(text as string);
        }) as pg.PoolClient["query"],
        release: () => client.release(),
      };
    },
    end: () => pool.end(),
  };
}

describe.skipIf(!up)("deferBegin: a transaction's begin travels with its first statement", () => {
  const sent: string[] = [];
  let pool: pg.Pool;
  let db: Kysely<Record<string, never>>;

  beforeAll(() => {
    pool = new pg.Pool({ connectionString: POSTGRES_URL, max: 2 });
    db = new Kysely({ dialect: new PostgresDialect({ pool: deferBegin(countingPool(pool, sent)) }) });
  });
  afterAll(async () => db?.destroy());

  it("sends begin with a first statement without parameters, in one round trip, and keeps its rows", async () => {
    sent.length = 0;
    const rows = await db.transaction().execute(async (trx) => {
      const first = await sql<{ setting: string }>`select set_config('app.deferred_test', 'on', true) as setting`.execute(trx);
      const second = await sql<{ setting: string }>`select current_setting('app.deferred_test', true) as setting, ${1}::int as n`.execute(trx);
      return [first.rows, second.rows];
    });
    expect(rows).toEqual([[{ setting: "on" }], [{ setting: "on", n: 1 }]]);
    expect(sent).toEqual([
      "begin; select set_config('app.deferred_test', 'on', true) as setting",
      "select current_setting('app.deferred_test', true) as setting, $1::int as n",
      "commit",
    ]);
  });

  it("the settings were the transaction's own: the pooled session does not keep them", async () => {
    const { rows } = await sql<{ setting: string | null }>`select nullif(current_setting('app.deferred_test', true), '') as setting`.execute(db);
    expect(rows).toEqual([{ setting: null }]);
  });

  it("a first statement with parameters gets its begin on its own, as without deferBegin", async () => {
    sent.length = 0;
    await db.transaction().execute((trx) => sql`select ${1}::int`.execute(trx));
    expect(sent).toEqual(["begin", "select $1::int", "commit"]);
  });

  it("a transaction that ran nothing sends nothing", async () => {
    sent.length = 0;
    await db.transaction().execute(async () => undefined);
    expect(sent).toEqual([]);
  });

  it("a failure rolls back what the transaction wrote, the merged begin included", async () => {
    // A temporary table lives in one session: pin the pool to one connection for this test.
    const conn = db.connection();
    await conn.execute(async (c) => {
      await sql`create temporary table if not exists deferred_probe (n int)`.execute(c);
      await expect(
        c.transaction().execute(async (trx) => {
          await sql`insert into deferred_probe values (1)`.execute(trx);
          await sql`select 1 / 0`.execute(trx);
        }),
      ).rejects.toThrow(/division by zero/);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from deferred_probe`.execute(c);
      expect(rows).toEqual([{ n: 0 }]);
      // The session is usable again: the failed transaction ended with the rollback.
      expect((await sql<{ one: number }>`select 1 as one`.execute(c)).rows).toEqual([{ one: 1 }]);
    });
  });
});
