import net from "node:net";
import { sql } from "kysely";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { DatabaseBusyError } from "../../src/db/pool-health.js";
import { createClient } from "../../src/client.js";
import { SEED_CREATE_BODY, testEnv } from "../support/api.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();
const POOL = 4;

/** Sends the headers and the start of a body that announces more, and keeps the socket open. */
function partialPost(url: string, apiKey: string): Promise<net.Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: hostname, port: Number(port) }, () => {
      socket.write(
        `POST /trpc/schedules.create HTTP/1.1\r\nHost: ${hostname}\r\nAuthorization: Bearer ${apiKey}\r\n` +
          `Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"name":`,
        () => resolve(socket),
      );
    });
    socket.on("error", reject);
  });
}

function responseOf(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("close", () => resolve(text));
  });
}

async function idleInTransaction(tdb: TestDatabase): Promise<number> {
  const rows = await sql<{ n: number }>`
    select count(*)::int as n from pg_stat_activity where datname = ${tdb.name} and state like 'idle in transaction%'`.execute(tdb.handle.db);
  return rows.rows[0]!.n;
}

describe.skipIf(!up)("the connection pool survives aborted and slow request bodies", () => {
  let tdb: TestDatabase;
  let server: RunningServer;
  let apiKey: string;
  /** Every request the server has received, so a test knows its partial requests arrived. */
  let received = 0;

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_pool", POOL);
    apiKey = (await createAccount(tdb.handle.db, "Pool")).apiKey;
    const app = createApiApp(
      { env: testEnv(), db: tdb.handle.db, logger: pino({ level: "silent" }) },
      { poolHealth: tdb.handle.health, limits: { bodyTimeoutMs: 1_500 } },
    );
    server = await listen(app, 0, "127.0.0.1");
    server.server.on("request", () => received++);
  });
  afterAll(async () => {
    await server?.close(1_000);
    await tdb?.drop();
  });


  it(`${3 * POOL} clients that hang up mid-body leave no connection taken: the next request succeeds and /readyz is 200`, async () => {
    const before = received;
    const sockets = await Promise.all(Array.from({ length: 3 * POOL }, () => partialPost(server.url, apiKey)));
    await vi.waitFor(() => expect(received - before).toBe(sockets.length), { timeout: 10_000, interval: 20 });
    for (const s of sockets) s.destroy();
    await vi.waitFor(async () => expect(await new Promise<number>((r) => server.server.getConnections((_e, n) => r(n)))).toBe(0), { timeout: 10_000, interval: 20 });

    const created = await createClient({ url: `${server.url}/trpc`, apiKey }).schedules.create.mutate({ ...SEED_CREATE_BODY, recipients: [...SEED_CREATE_BODY.recipients] });
    expect(created.name).toBe(SEED_CREATE_BODY.name);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await idleInTransaction(tdb)).toBe(0);
  });

  it(`while ${3 * POOL} bodies are still arriving, other requests are served; the slow ones get 408 and nothing was written`, async () => {
    const before = received;
    const sockets = await Promise.all(Array.from({ length: 3 * POOL }, () => partialPost(server.url, apiKey)));
    const answers = sockets.map(responseOf);
    await vi.waitFor(() => expect(received - before).toBe(sockets.length), { timeout: 10_000, interval: 20 });

    const client = createClient({ url: `${server.url}/trpc`, apiKey });
    const listed = await client.schedules.list.query({});
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect(await idleInTransaction(tdb)).toBe(0);

    for (const answer of await Promise.all(answers)) expect(answer).toMatch(/^HTTP\/1\.1 408 /);
    expect((await client.schedules.list.query({})).count).toBe(listed.count);
  });
});

describe.skipIf(!up)("defence in depth on the pool", () => {
  let tdb: TestDatabase;
  let handle: DatabaseHandle;

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_pool");
  });
  afterAll(async () => {
    await handle?.close();
    await tdb?.drop();
  });

  it("every session carries the configured statement and idle-in-transaction timeouts", async () => {
    handle = await connectDatabase({ databaseUrl: tdb.url, poolSize: 2, statementTimeoutMs: 1_234, idleInTransactionTimeoutMs: 2_345 });
    const row = await sql<{ s: string; i: string }>`
      select current_setting('statement_timeout') as s, current_setting('idle_in_transaction_session_timeout') as i`.execute(handle.db);
    expect(row.rows[0]).toEqual({ s: "1234ms", i: "2345ms" });
    await expect(sql`select pg_sleep(3)`.execute(handle.db)).rejects.toThrow(/statement timeout/);
    await handle.close();
  });

  it("a session left idle in a transaction is ended by Postgres: the holder's next statement fails, the process lives on and the slot comes back", async () => {
    handle = await connectDatabase({ databaseUrl: tdb.url, poolSize: 1, idleInTransactionTimeoutMs: 200 });
    const holder = handle.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      await new Promise((r) => setTimeout(r, 1_000));
      await sql`select 1`.execute(trx);
    });
    await expect(holder).rejects.toThrow();
    const row = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
    expect(row.rows).toEqual([{ one: 1 }]);
    await handle.close();
  });

  it("no free connection within the wait is a DatabaseBusyError, answered 503 with Retry-After; a pool stuck past the liveness limit fails /healthz", async () => {
    handle = await connectDatabase({ databaseUrl: tdb.url, poolSize: 1, poolWaitMs: 1_000 });
    const apiKey = (await createAccount(handle.db, "Busy")).apiKey;
    const app = createApiApp(
      { env: testEnv(), db: handle.db, logger: pino({ level: "silent" }) },
      { poolHealth: handle.health, limits: { livenessPoolStallMs: 1, busyRetryAfterSeconds: 2 } },
    );
    const server = await listen(app, 0, "127.0.0.1");
    try {
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      let release!: () => void;
      const held = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        await new Promise<void>((r) => (release = r));
      });
      await expect(sql`select 1`.execute(handle.db)).rejects.toBeInstanceOf(DatabaseBusyError);

      const list = await fetch(`${server.url}/trpc/schedules.list`, { headers: { Authorization: `Bearer ${apiKey}` } });
      expect(list.status).toBe(503);
      expect(list.headers.get("retry-after")).toBe("2");
      expect((await list.json()).error.data.code).toBe("SERVICE_UNAVAILABLE");
      expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(503);

      release();
      await held;
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    } finally {
      await server.close(1_000);
      await handle.close();
    }
  });
});
