import type { KyselyPlugin } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { MAX_BATCH_ITEMS } from "../../src/api/batch-limit.js";
import type { ApiLimits } from "../../src/config/api-limits.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { createClient } from "../../src/client.js";
import { apiLimitsFromEnv } from "../../src/config/env.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { testEnv } from "../support/api.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

/** A well-formed key that belongs to nobody. */
const UNKNOWN_KEY = `mr_0badc0de_${"x".repeat(43)}`;

/** Issue 10 §2: one request, or one client, must not take the pool (or everyone else's quota). */
describe.skipIf(!up)("one client cannot exhaust the API: batches, key lookups and rate limits", () => {
  let tdb: TestDatabase;
  let queries = 0;
  // Every statement the API sends, counted where kysely compiles it.
  const counting: KyselyPlugin = {
    transformQuery: (args) => {
      queries++;
      return args.node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  const servers: RunningServer[] = [];
  let apiKey: string;
  let otherKey: string;

  const start = async (limits: Partial<ApiLimits> = {}) => {
    const app = createApiApp({ env: testEnv(), db: tdb.handle.db.withPlugin(counting), logger: pino({ level: "silent" }) }, { limits });
    const server = await listen(app, 0, "127.0.0.1");
    servers.push(server);
    return server;
  };
  const batchPath = (n: number) => `/trpc/${Array.from({ length: n }, () => "schedules.list").join(",")}?batch=1&input=${encodeURIComponent(JSON.stringify({}))}`;

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_abuse", 4);
    apiKey = (await createAccount(tdb.handle.db, "Abuse A")).apiKey;
    otherKey = (await createAccount(tdb.handle.db, "Abuse B")).apiKey;
  });
  afterAll(async () => {
    for (const server of servers) await server.close(1_000);
    await tdb?.drop();
  });

  it(`a batch of 800 procedures is refused at once (over ${MAX_BATCH_ITEMS}) without a database statement; a tenant's request made meanwhile is served`, async () => {
    const server = await start();
    queries = 0;
    const [flood, own] = await Promise.all([
      fetch(server.url + batchPath(800), { headers: { authorization: `Bearer ${UNKNOWN_KEY}` } }),
      createClient({ url: `${server.url}/trpc`, apiKey }).schedules.list.query({}),
    ]);
    expect(flood.status).toBe(400);
    expect(await flood.json()).toMatchObject({ error: "batch_too_large" });
    expect(own.count).toBe(0);
    // The tenant's list only: its key lookup and its transaction (begin, settings, list, commit).
    expect(queries).toBeLessThanOrEqual(5);
  });

  it("an unknown key is looked up once per HTTP request however many procedures it batches, then not again while remembered", async () => {
    const server = await start({ unknownKeyCacheMs: 60_000 });
    queries = 0;
    const first = await fetch(server.url + batchPath(MAX_BATCH_ITEMS), { headers: { authorization: `Bearer ${UNKNOWN_KEY}` } });
    expect(first.status).toBe(401);
    const answers = (await first.json()) as { error: { data: { code: string } } }[];
    expect(answers.map((a) => a.error.data.code)).toEqual(Array(MAX_BATCH_ITEMS).fill("UNAUTHORIZED"));
    expect(queries).toBe(1);
    for (let i = 0; i < 5; i++) {
      expect((await fetch(server.url + batchPath(3), { headers: { authorization: `Bearer ${UNKNOWN_KEY}` } })).status).toBe(401);
    }
    expect(queries).toBe(1);
  });

  it("limits each client address: the next request is a 429 with Retry-After, and a forged X-Forwarded-For does not get round it", async () => {
    // Through the settings, as `api` reads them.
    const server = await start(apiLimitsFromEnv(testEnv({ RATE_LIMIT_PER_IP: "5", RATE_LIMIT_PER_KEY: "0", RATE_LIMIT_WINDOW_SECONDS: "60" })));
    const list = (forwardedFor?: string) =>
      fetch(`${server.url}/trpc/schedules.list?input=${encodeURIComponent("{}")}`, {
        headers: { authorization: `Bearer ${apiKey}`, ...(forwardedFor ? { "x-forwarded-for": forwardedFor } : {}) },
      });
    for (let i = 0; i < 5; i++) expect((await list()).status).toBe(200);
    const refused = await list();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    for (const forged of ["203.0.113.7", "198.51.100.1, 10.0.0.1"]) expect((await list(forged)).status).toBe(429);
  });

  it("TRUST_PROXY cannot be set to trust every client's X-Forwarded-For; a hop count or addresses can", () => {
    expect(() => testEnv({ TRUST_PROXY: "true" })).toThrow(/TRUST_PROXY: must be a hop count or the proxies' addresses, not "true"/);
    expect(apiLimitsFromEnv(testEnv({ TRUST_PROXY: "1" })).trustProxy).toBe(1);
    expect(apiLimitsFromEnv(testEnv({ TRUST_PROXY: "10.0.0.0/8, loopback" })).trustProxy).toBe("10.0.0.0/8, loopback");
    expect(apiLimitsFromEnv(testEnv()).trustProxy).toBe(false);
  });

  it("limits each API key on its own: one key over its limit leaves another key's requests alone", async () => {
    const server = await start({ rateLimitPerIp: 0, rateLimitPerKey: 3, rateLimitWindowMs: 60_000 });
    const greedy = createClient({ url: `${server.url}/trpc`, apiKey });
    for (let i = 0; i < 3; i++) await greedy.schedules.list.query({});
    // In tRPC's own error shape: the typed client reads the code.
    await expect(greedy.schedules.list.query({})).rejects.toMatchObject({ data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } });
    const overOnV1 = await fetch(`${server.url}/v1/schedules`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(overOnV1.status).toBe(429);
    expect(await overOnV1.json()).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    const other = createClient({ url: `${server.url}/trpc`, apiKey: otherKey });
    expect((await other.schedules.list.query({})).count).toBe(0);
  });
});
