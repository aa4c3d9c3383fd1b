import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CADENCES, EMAIL_STATUSES, REPORT_RUN_STATUSES, RUN_KINDS, RUN_STATUSES } from "../../src/db/enums.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

/** The values a column's `CHECK (col IN (...))` allows, read back from the migrated schema. */
async function allowedValues(db: TestDatabase, table: string, column: string): Promise<string[]> {
  const { rows } = await sql<{ def: string }>`
    select pg_get_constraintdef(c.oid) as def
      from pg_constraint c join pg_class t on t.oid = c.conrelid
     where t.relname = ${table} and c.contype = 'c'`.execute(db.handle.db);
  const pattern = new RegExp(`\\(${column} = ANY \\(ARRAY\\[(.*?)\\]\\)\\)`);
  const def = rows.map((r) => pattern.exec(r.def)).find((m) => m !== null);
  if (!def?.[1]) throw new Error(`no IN-list check on ${table}.${column}`);
  return [...def[1].matchAll(/'([^']*)'::text/g)].map((m) => m[1]!);
}

describe.skipIf(!up)("the closed sets in src/db/enums.ts are the migrations' CHECK lists", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("mr_enums");
  });
  afterAll(async () => db?.drop());

  it.each([
    ["schedules", "cadence", CADENCES],
    ["schedule_runs", "kind", RUN_KINDS],
    ["schedule_runs", "status", RUN_STATUSES],
    ["report_runs", "status", REPORT_RUN_STATUSES],
    ["email_log", "status", EMAIL_STATUSES],
  ] as const)("%s.%s", async (table, column, values) => {
    expect(new Set(await allowedValues(db, table, column))).toEqual(new Set(values));
  });
});
