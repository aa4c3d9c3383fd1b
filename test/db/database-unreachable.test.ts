import net from "node:net";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { isDatabaseUnreachable, retryWhileDatabaseUnreachable } from "../../src/db/database-unreachable.js";
import { POSTGRES_URL, postgresUp } from "../support/services.js";

const up = await postgresUp();

/** A loopback port nothing listens on: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function refusedConnection(): Promise<unknown> {
  const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres` });
  return client.connect().then(
    () => new Error("connected to a closed port"),
    (error: unknown) => error,
  );
}

describe.skipIf(!up)("isDatabaseUnreachable: the database went away, not the statement", () => {
  it("a refused connection is unreachable", async () => {
    expect(isDatabaseUnreachable(await refusedConnection())).toBe(true);
  });

  it("a session the server ends mid-statement (as a restart does, 57P01) is unreachable; the client after it too", async () => {
    const victim = new pg.Client({ connectionString: POSTGRES_URL });
    victim.on("error", () => undefined);
    await victim.connect();
    const pid = (await victim.query<{ pid: number }>("select pg_backend_pid() as pid")).rows[0].pid;
    const sleeping = victim.query("select pg_sleep(30)").then(
      () => new Error("the statement finished"),
      (error: unknown) => error,
    );
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    try {
      await admin.query("select pg_terminate_backend($1)", [pid]);
    } finally {
      await admin.end();
    }
    const ended = (await sleeping) as { code?: string };
    expect(ended.code).toBe("57P01");
    expect(isDatabaseUnreachable(ended)).toBe(true);
    const after = await victim.query("select 1").then(
      () => new Error("the ended session answered"),
      (error: unknown) => error,
    );
    expect(isDatabaseUnreachable(after)).toBe(true);
    await victim.end().catch(() => undefined);
  });

  it("a statement the server refuses is not", async () => {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const refused = await client.query("select * from no_such_table_here").then(
        () => new Error("the query succeeded"),
        (error: unknown) => error,
      );
      expect((refused as { code?: string }).code).toBe("42P01");
      expect(isDatabaseUnreachable(refused)).toBe(false);
    } finally {
      await client.end();
    }
  });
});

describe.skipIf(!up)("retryWhileDatabaseUnreachable", () => {
  it("does the work again while the database is unreachable, and returns once it succeeds", async () => {
    let calls = 0;
    const result = await retryWhileDatabaseUnreachable(async () => {
      calls++;
      if (calls < 3) throw await refusedConnection();
      return "recorded";
    }, 10_000);
    expect(result).toBe("recorded");
    expect(calls).toBe(3);
  });

  it("throws any other failure at once", async () => {
    let calls = 0;
    await expect(
      retryWhileDatabaseUnreachable(async () => {
        calls++;
        throw Object.assign(new Error("duplicate key value violates unique constraint"), { code: "23505" });
      }, 10_000),
    ).rejects.toThrow(/duplicate key/);
    expect(calls).toBe(1);
  });

  it("gives up after its bound with the last failure", async () => {
    const started = Date.now();
    let calls = 0;
    await expect(
      retryWhileDatabaseUnreachable(async () => {
        calls++;
        throw await refusedConnection();
      }, 1_000),
    ).rejects.toSatisfy(isDatabaseUnreachable);
    expect(calls).toBeGreaterThan(1);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
