import { randomBytes } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Kysely } from "kysely";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import type { Database } from "../../src/db/database.js";
import { migrateToLatest, MIGRATIONS_DIR } from "../../src/db/migrate.js";
import { reportFiltersSchema } from "../../src/listings/listing-filters.js";
import { POSTGRES_URL, postgresUp } from "../support/services.js";

/**
 * migrations/0004_typed_filters.sql run the way production runs it: by an owner that is not a
 * superuser, so FORCE ROW LEVEL SECURITY on schedules applies to it, over rows written with the
 * old free-form filters.
 */
const available = await postgresUp();
const suffix = randomBytes(4).toString("hex");
const owner = `mr_filters_owner_${suffix}`;
const database = `mr_filters_${suffix}`;
let handle: DatabaseHandle;
let before: string;
let through: string;

/** A folder holding the migrations whose file names pass `keep`. */
function migrationsWhere(keep: (file: string) => boolean): string {
  const dir = mkdtempSync(path.join(tmpdir(), "mr-migrations-"));
  for (const file of readdirSync(MIGRATIONS_DIR).filter(keep)) cpSync(path.join(MIGRATIONS_DIR, file), path.join(dir, file));
  return dir;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>, db?: string): Promise<T> {
  const url = new URL(POSTGRES_URL);
  if (db) url.pathname = `/${db}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const OLD_FILTERS: Record<string, unknown>[] = [
  {},
  { minprice: 500000, maxprice: "1000000", type: ["Condo", "townhouse", "boat"], beds: 2 },
  { min_price: 900000, max_price: 100000, min_year_built: 1990, colour: "blue" },
  { property_type: "Single Family", minbaths: 1.7, minarea: "1200", maxarea: -5, minyear: 3000 },
  { note: "anything at all" },
];

describe.skipIf(!available)("migration 0004: typed filters", () => {
  beforeAll(async () => {
    await admin(async (c) => {
      // NOINHERIT: the owner reaches the system policy only by SET ROLE, as a hardened install grants it.
      await c.query(`CREATE ROLE ${owner} LOGIN NOSUPERUSER NOINHERIT`);
      // The roles 0002 creates are cluster-wide; an owner that is not a superuser needs them granted.
      for (const role of ["market_reports_tenant", "market_reports_system"]) {
        await c.query(`DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
        await c.query(`GRANT ${role} TO ${owner}`);
      }
      await c.query(`CREATE DATABASE ${database} OWNER ${owner}`);
    });
    // A NOINHERIT owner does not get pg_database_owner's rights on the public schema by itself.
    await admin(async (c) => c.query(`GRANT ALL ON SCHEMA public TO ${owner}`), database);
    const url = new URL(POSTGRES_URL);
    url.username = owner;
    url.pathname = `/${database}`;
    handle = await connectDatabase({ databaseUrl: url.toString(), poolSize: 2 });
    before = migrationsWhere((f) => f < "0004");
    through = migrationsWhere((f) => f < "0005");
    await migrateToLatest(handle, before);
  });

  afterAll(async () => {
    await handle?.close();
    for (const dir of [before, through]) if (dir) rmSync(dir, { recursive: true, force: true });
    await admin(async (c) => {
      await c.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await c.query(`DROP ROLE IF EXISTS ${owner}`);
    });
  });

  it("maps every account's rows under FORCE row-level security, keeps the originals and leaves valid filters", async () => {
    const { sql } = await import("kysely");
    // One connection, so the role switches apply to the statements between them.
    const asSystem = <T,>(run: (db: Kysely<Database>) => Promise<T>) =>
      handle.db.connection().execute(async (db) => {
        await sql`SET ROLE market_reports_system`.execute(db);
        try {
          return await run(db);
        } finally {
          await sql`RESET ROLE`.execute(db);
        }
      });
    const ids = await asSystem(async (db) => {
      const out: string[] = [];
      for (const [i, filters] of OLD_FILTERS.entries()) {
        const account = await db.insertInto("accounts").values({ name: `Account ${i}` }).returning("id").executeTakeFirstOrThrow();
        const row = await db
          .insertInto("schedules")
          .values({ account_id: account.id, name: `s${i}`, report_type: "market_snapshot", city: "Houston", cadence: "daily", recipients: ["a@example.com"], filters: JSON.stringify(filters) })
          .returning("id")
          .executeTakeFirstOrThrow();
        out.push(row.id);
      }
      return out;
    });
    // the owner itself sees no schedule: it is subject to the policies like anyone else
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM schedules`.execute(handle.db)).rows[0].n).toBe(0);

    expect((await migrateToLatest(handle, through)).applied).toEqual(["0004_typed_filters"]);

    const { rows, saved } = await asSystem(async (db) => ({
      rows: await db.selectFrom("schedules").select(["id", "filters"]).execute(),
      saved: (await sql<{ schedule_id: string; filters: unknown }>`SELECT schedule_id, filters FROM schedule_filters_before_0004`.execute(db)).rows,
    }));
    const after = new Map(rows.map((r) => [r.id, r.filters]));
    expect(ids.map((id) => after.get(id))).toEqual([
      {},
      { property_types: ["condominium"], min_price: 500000, max_price: 1000000, min_beds: 2 },
      { min_year_built: 1990 }, // a crossed price band is dropped, an unknown key too
      { property_types: ["residential"], min_baths: 1.5, min_sqft: 1200 },
      {},
    ]);
    for (const filters of after.values()) expect(reportFiltersSchema.safeParse(filters).success).toBe(true);
    expect(new Map(saved.map((r) => [r.schedule_id, r.filters]))).toEqual(new Map(ids.slice(1).map((id, i) => [id, OLD_FILTERS[i + 1]])));
    // the migration's helpers are gone
    const helpers = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_proc WHERE proname LIKE 'migrate_0004_%'`.execute(handle.db);
    expect(helpers.rows[0].n).toBe(0);
  });
});
