import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { procedureSchemas } from "../../src/api/rest/procedure-schemas.js";
import type { ProcedurePath } from "../../src/api/rest/rest-routes.js";
import { appRouter } from "../../src/api/router.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { createInProcessQueue } from "../../src/queue/in-process-queue.js";
import { createLocalObjectStore } from "../../src/storage/local-object-store.js";
import { unsubscribeToken } from "../../src/unsubscribe/token.js";
import { SEED_CREATE_BODY, TEST_SECRET, testEnv } from "../support/api.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

const valid = { ...SEED_CREATE_BODY, zip_codes: ["92101"], timezone: "America/Los_Angeles" };
const TENANT_TABLES = ["schedules", "schedule_runs", "report_runs", "email_log", "email_suppressions"] as const;
const cursorOf = (text: string) => Buffer.from(text).toString("base64url");

interface Answer {
  status: number;
  body: { error?: { message?: string; data?: { code?: string } }; result?: { data?: Record<string, unknown> } };
}

describe.skipIf(!up)("bad input: a 4xx naming the field, never a 5xx, nothing written", () => {
  let tdb: TestDatabase;
  let server: RunningServer;
  let storeDir: string;
  let accountId: string;
  let apiKey: string;
  let scheduleId: string;

  /** A procedure called over HTTP with `body` as the raw JSON text of its input. */
  async function call(procedure: string, body: string): Promise<Answer> {
    const isQuery = procedureSchemas(procedure as ProcedurePath).type === "query";
    const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
    const res = isQuery
      ? await fetch(`${server.url}/trpc/${procedure}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(`${server.url}/trpc/${procedure}`, { method: "POST", headers, body });
    const text = await res.text();
    let parsed: Answer["body"] = {};
    try {
      parsed = JSON.parse(text) as Answer["body"];
    } catch {
      // A non-JSON answer (431 from Node for a huge query string) has no body to read.
    }
    return { status: res.status, body: parsed };
  }
  const callWith = (procedure: string, input: unknown) => call(procedure, JSON.stringify(input));

  /** Every tenant table's rows, hashed: equal before and after means nothing was written. */
  async function fingerprint(): Promise<string> {
    const parts: string[] = [];
    for (const table of TENANT_TABLES) {
      const row = await sql<{ h: string | null }>`select md5(string_agg(t::text, ',' order by t::text)) as h from ${sql.table(table)} t`.execute(tdb.handle.db);
      parts.push(`${table}:${row.rows[0]?.h ?? "empty"}`);
    }
    return parts.join(" ");
  }

  async function expectRejected(procedure: string, body: string, message: string): Promise<void> {
    const before = await fingerprint();
    const answer = await call(procedure, body);
    expect(answer.status, `${procedure} ${body.slice(0, 200)}`).toBe(400);
    expect(answer.body.error?.message).toContain(message);
    expect(await fingerprint()).toBe(before);
  }

  beforeAll(async () => {
    tdb = await createTestDatabase();
    storeDir = mkdtempSync(join(tmpdir(), "mr-bad-input-"));
    const deps = {
      env: testEnv(),
      db: tdb.handle.db,
      logger: pino({ level: "silent" }),
      queue: createInProcessQueue(),
      store: createLocalObjectStore(storeDir),
    };
    // Rate limits off: the property test sends hundreds of requests from one address.
    server = await listen(createApiApp(deps, { limits: { rateLimitPerIp: 0, rateLimitPerKey: 0, rateLimitPublicPerIp: 0 } }), 0, "127.0.0.1");
    const account = await createAccount(tdb.handle.db, "Fuzzed");
    accountId = account.account.id;
    apiKey = account.apiKey;
  });
  afterAll(async () => {
    await server?.close(1_000);
    await tdb?.drop();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    const existing = scheduleId
      ? await tdb.handle.db.selectFrom("schedules").select("id").where("id", "=", scheduleId).executeTakeFirst()
      : undefined;
    if (!existing) {
      const created = await callWith("schedules.create", valid);
      scheduleId = String(created.body.result?.data?.id);
    }
  });

  it.each([
    ["a NUL in name", "schedules.create", { ...valid, name: "a\u0000b" }, "name: must be one line of text without control characters"],
    ["a NUL in city", "schedules.create", { ...valid, city: "San\u0000Diego" }, "city: must be one line of text without control characters"],
    ["a line break in name", "schedules.create", { ...valid, name: "Weekly\r\nBcc: x@example.com" }, "name: must be one line of text"],
    ["an unpaired surrogate in name", "schedules.create", { ...valid, name: "a\ud800b" }, "name: must be valid Unicode text"],
    ["a NUL in name_contains", "schedules.list", { name_contains: "\u0000" }, "name_contains: must be one line of text"],
    ["a NUL in a suppression reason", "suppressions.add", { email: "a@example.com", reason: "spam\u0000" }, "reason: must be one line of text"],
    ["a NUL in a filters key", "schedules.create", { ...valid, filters: { "min_price\u0000": 1 } }, 'filters."min_price\\u0000": is not a known field'],
    ["a NUL in a filters value", "schedules.create", { ...valid, filters: { property_types: ["land\u0000"] } }, "filters.property_types[0]: must be one of"],
    ["an unpaired surrogate in a filters key", "schedules.create", { ...valid, filters: { "\udc00": 1 } }, 'filters."\\udc00": is not a known field'],
    ["an unpaired surrogate in a filters value", "schedules.create", { ...valid, filters: { property_types: ["\ud800"] } }, "filters.property_types[0]: must be one of"],
  ] as const)("%s", async (_what, procedure, input, message) => {
    await expectRejected(procedure, JSON.stringify(input), message);
  });

  it("a NUL in the reason of a valid email.unsubscribe is a 400, not a 500", async () => {
    const token = unsubscribeToken(TEST_SECRET, "nul@example.com", accountId);
    await expectRejected("email.unsubscribe", JSON.stringify({ email: "nul@example.com", account_id: accountId, token, reason: "x\u0000" }), "reason: must be one line of text");
  });

  it("a filter number beyond a double (1e309) is refused, not stored as null", async () => {
    const body = JSON.stringify({ ...valid, filters: { min_price: 0 } }).replace('"min_price":0', '"min_price":1e309');
    await expectRejected("schedules.create", body, "filters.min_price: must be a whole number of dollars");
  });

  it("a 100,000-character filter key is refused and not echoed back whole", async () => {
    const before = await fingerprint();
    const answer = await callWith("schedules.create", { ...valid, filters: { ["k".repeat(100_000)]: 1 } });
    expect(answer.status).toBe(400);
    expect(answer.body.error?.message).toContain("(100000 characters): is not a known field");
    expect(JSON.stringify(answer.body).length).toBeLessThan(2_000);
    expect(await fingerprint()).toBe(before);
  });

  it("forged cursors are a 400 naming the cursor, whatever they decode to", async () => {
    const forged = [
      "2020-01-01T00:00:00.000Z|------------------------------------",
      "2020-01-01T00:00:00.000Z|zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz",
      "-271821-04-20T00:00:00.000Z|00000000-0000-0000-0000-000000000000",
      "+275760-09-13T00:00:00.000Z|00000000-0000-0000-0000-000000000000",
      "0000-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000",
      "0|00000000-0000-0000-0000-000000000000",
      "2020-01-01T00:00:00.000Z|00000000-0000-0000-0000-000000000000|extra",
    ];
    for (const procedure of ["schedules.list", "reports.list", "email.log", "suppressions.list"]) {
      for (const text of forged) await expectRejected(procedure, JSON.stringify({ cursor: cursorOf(text) }), "cursor: is not a cursor this API returned");
    }
    // A cursor the API did write still works.
    const page = await callWith("schedules.list", { limit: 1, cursor: cursorOf(`2020-01-01T00:00:00.000Z|${scheduleId}`) });
    expect(page.status).toBe(200);
  });

  it("time zones are stored under their canonical name, however typed; offsets are not zones", async () => {
    for (const [typed, stored] of [
      ["aMeRiCa/los_angeles", "America/Los_Angeles"],
      ["US/Pacific", "America/Los_Angeles"],
      ["utc", "UTC"],
    ]) {
      const created = await callWith("schedules.create", { ...valid, timezone: typed });
      expect(created.status).toBe(200);
      expect(created.body.result?.data?.timezone).toBe(stored);
      const row = await tdb.handle.db.selectFrom("schedules").select("timezone").where("id", "=", String(created.body.result?.data?.id)).executeTakeFirstOrThrow();
      expect(row.timezone).toBe(stored);
    }
    await expectRejected("schedules.create", JSON.stringify({ ...valid, timezone: "+05:00" }), "timezone: must be an IANA time zone name");
    await expectRejected("schedules.create", JSON.stringify({ ...valid, timezone: "x".repeat(10_000) }), "timezone: must be an IANA time zone name");
  });

  it("POST /unsubscribe: every body error is a 4xx naming the body, and nothing is written", async () => {
    const form = "application/x-www-form-urlencoded";
    const cases: [string, RequestInit, number][] = [
      ["oversized form", { headers: { "content-type": form }, body: `email=${"x".repeat(20_000)}` }, 413],
      ["unknown charset", { headers: { "content-type": `${form}; charset=klingon` }, body: "email=a" }, 415],
      ["bad gzip", { headers: { "content-type": form, "content-encoding": "gzip" }, body: "not gzip at all" }, 400],
      ["unknown encoding", { headers: { "content-type": form, "content-encoding": "br2" }, body: "email=a" }, 415],
      ["too many parameters", { headers: { "content-type": form }, body: Array.from({ length: 1_100 }, (_, i) => `${i}`).join("&") }, 413],
      ["gzip bomb", { headers: { "content-type": form, "content-encoding": "gzip" }, body: gzipSync(`email=${"a".repeat(1_000_000)}`) }, 413],
    ];
    for (const [what, init, status] of cases) {
      const before = await fingerprint();
      const res = await fetch(`${server.url}/unsubscribe`, { method: "POST", ...init, headers: { ...(init.headers as Record<string, string>), accept: "application/json" } });
      expect(res.status, what).toBe(status);
      expect(((await res.json()) as { message: string }).message, what).toMatch(/^body: /);
      expect(await fingerprint(), what).toBe(before);
    }
  });

  it("property: random JSON at every procedure is never a 5xx, and a rejected call writes nothing", async () => {
    const token = unsubscribeToken(TEST_SECRET, "fuzz@example.com", accountId);
    const bases: Record<string, () => Record<string, unknown>> = {
      "schedules.create": () => valid,
      "schedules.list": () => ({ name_contains: "Weekly" }),
      "schedules.get": () => ({ id: scheduleId }),
      "schedules.update": () => ({ id: scheduleId, name: "Renamed" }),
      "schedules.delete": () => ({ id: "00000000-0000-4000-8000-000000000000" }),
      "schedules.runs": () => ({ id: scheduleId }),
      "schedules.runNow": () => ({ id: scheduleId }),
      "schedules.sendTest": () => ({ id: scheduleId, to: ["test@example.com"] }),
      "schedules.previewTimes": () => ({ cadence: "daily", send_hour: 9, send_minute: 0, timezone: "UTC" }),
      "email.unsubscribe": () => ({ email: "fuzz@example.com", account_id: accountId, token, reason: "fuzz" }),
      "email.unsubscribeToken": () => ({ email: "fuzz@example.com" }),
      "email.log": () => ({}),
      "reports.list": () => ({}),
      "reports.get": () => ({ id: "00000000-0000-4000-8000-000000000000" }),
      "reports.preview": () => valid,
      "suppressions.list": () => ({}),
      "suppressions.add": () => ({ email: "fuzz@example.com", reason: "fuzz" }),
      "suppressions.remove": () => ({ email: "fuzz@example.com" }),
    };
    // A new procedure must be added here, so it is fuzzed too.
    expect(Object.keys(bases).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());

    const keys = [...new Set([...Object.values(bases).flatMap((b) => Object.keys(b())), "filters", "cursor", "limit", "after", "count", "reason", "name_contains", "status", "active_only", "schedule_id", "run_id"])];
    const nastyText = fc.constantFrom(
      "\u0000", "a\ud800", "\udc00b", "", " ", "\r\n", "\u2028", "9".repeat(300), "1e309", "-0", "NaN",
      "00000000-0000-0000-0000-000000000000", "------------------------------------",
      cursorOf("-271821-04-20T00:00:00.000Z|00000000-0000-0000-0000-000000000000"),
      cursorOf("2020-01-01T00:00:00.000Z|------------------------------------"),
      "aMeRiCa/NeW_yOrK", "+05:00", "Etc/GMT+14", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z",
    );
    // Strings built from the pieces that broke the API before: NUL, line breaks, lone surrogates.
    const nastyPiece = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom("\u0000", "\ud800", "\udc00", "\n", "\u2028", "\u009f") },
      { weight: 2, arbitrary: fc.constantFrom("a", "é", "😀", " ") },
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 4 }) },
    );
    const nastyString = fc.array(nastyPiece, { minLength: 1, maxLength: 5 }).map((pieces) => pieces.join(""));
    const text = fc.oneof(nastyText, nastyString);
    const value: fc.Arbitrary<unknown> = fc.oneof(
      { weight: 4, arbitrary: text },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, Number.MIN_VALUE) },
      { weight: 1, arbitrary: fc.array(text, { maxLength: 3 }) },
      { weight: 1, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...keys), nastyString), fc.oneof(text, fc.jsonValue({ maxDepth: 1 })), { maxKeys: 3 }) },
    );
    const input = (procedure: string) => {
      const base = bases[procedure]!();
      // Mostly the procedure's own fields, its text fields most of all, where bad text does harm.
      const own = Object.keys(base);
      const ownText = own.filter((k) => typeof base[k] === "string" && k !== "id");
      const key = fc.oneof(
        ...(ownText.length > 0 ? [{ weight: 4, arbitrary: fc.constantFrom(...ownText) }] : []),
        ...(own.length > 0 ? [{ weight: 2, arbitrary: fc.constantFrom(...own) }] : []),
        { weight: 1, arbitrary: fc.constantFrom(...keys) },
        { weight: 1, arbitrary: nastyString },
      );
      const edit = fc.tuple(key, fc.option(value, { nil: undefined, freq: 8 }));
      return fc.oneof(
        { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
        {
          weight: 6,
          arbitrary: fc.array(edit, { minLength: 1, maxLength: 2 }).map((edits) => {
            const out: Record<string, unknown> = { ...bases[procedure]!() };
            for (const [k, v] of edits) {
              if (v === undefined) delete out[k];
              else out[k] = v;
            }
            return out;
          }),
        },
      );
    };
    const calls = fc.constantFrom(...Object.keys(bases)).chain((procedure) => input(procedure).map((i) => [procedure, i] as const));

    await fc.assert(
      fc.asyncProperty(calls, async ([procedure, i]) => {
        const before = await fingerprint();
        const answer = await callWith(procedure, i);
        expect(answer.status, `${procedure} ${JSON.stringify(i)} → ${JSON.stringify(answer.body)}`).toBeLessThan(500);
        if (answer.status >= 400) expect(await fingerprint(), `${procedure} ${JSON.stringify(i)} wrote on rejection`).toBe(before);
        // Keep the schedule the edits aim at: a fuzzed delete may remove it.
        const exists = await tdb.handle.db.selectFrom("schedules").select("id").where("id", "=", scheduleId).executeTakeFirst();
        if (!exists) scheduleId = String((await callWith("schedules.create", valid)).body.result?.data?.id);
      }),
      { numRuns: 400 },
    );
  }, 120_000);
});
