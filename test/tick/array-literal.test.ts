import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainArrayLiteral, textArrayLiteral } from "../../src/runs/array-literal.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

describe.skipIf(!up)("array literals for bulk statements", () => {
  let tdb: TestDatabase;
  beforeAll(async () => {
    tdb = await createTestDatabase("mr_arrlit", 1);
  });
  afterAll(async () => {
    await tdb.drop();
  });

  it("round-trips any text, NULLs and empty strings included", async () => {
    const values = [
      'unknown time zone "Mars/Olympus"',
      "back\\slash",
      "comma, {braces}",
      "",
      null,
      "NULL",
      "  spaced  ",
      "émoji 🏠",
    ];
    const { rows } = await sql<{ v: (string | null)[] }>`SELECT ${textArrayLiteral(values)}::text[] AS v`.execute(tdb.handle.db);
    expect(rows[0].v).toEqual(values);
  });

  it("round-trips UUIDs and timestamps, and the empty array", async () => {
    const ids = ["0190f5b0-0000-7000-8000-000000000001", "0190f5b0-0000-7000-8000-000000000002"];
    const times = ["2025-11-10T17:00:00.000Z", "2026-03-08T07:30:00.000Z"];
    const { rows } = await sql<{ ids: string[]; times: Date[]; empty: string[] }>`
      SELECT ${plainArrayLiteral(ids)}::uuid[] AS ids, ${plainArrayLiteral(times)}::timestamptz[] AS times,
             ${plainArrayLiteral([])}::uuid[] AS empty`.execute(tdb.handle.db);
    expect(rows[0]).toEqual({ ids, times: times.map((t) => new Date(t)), empty: [] });
  });
});

describe("uuidV7 run ids", () => {
  it("are valid version-7 UUIDs, unique, carrying their millisecond in order", async () => {
    const { uuidV7 } = await import("../../src/tick/claim-due.js");
    const ids = Array.from({ length: 5_000 }, (_, i) => uuidV7(1_700_000_000_000 + Math.floor(i / 1000)));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0].slice(0, 13)).toBe("018bcfe5-6800");
    expect(ids[999] < ids[1_000]).toBe(true);
    expect(ids[1_999] < ids[4_999]).toBe(true);
  });
});
