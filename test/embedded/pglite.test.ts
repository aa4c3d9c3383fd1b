import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { withTenant } from "../../src/db/tenant.js";
import { endSession, findSessionAccount, startSession } from "../../src/sessions/session.repository.js";
import { SEED_CREATE_BODY, startTestApi, type TestApi } from "../support/api.js";

describe("embedded PGlite: same migrations, same API, same RLS", () => {
  let dir: string;
  let handle: DatabaseHandle;
  let api: TestApi;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mr-pglite-"));
    handle = await connectDatabase({ dataDir: dir });
    await migrateToLatest(handle);
    api = await startTestApi(handle);
  });
  afterAll(async () => {
    await api?.close();
    await handle?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("creates and lists schedules through the API", async () => {
    const s = await api.accountA.client.schedules.create.mutate({ ...SEED_CREATE_BODY, timezone: "America/Los_Angeles" });
    expect(s.next_run_at).not.toBeNull();
    const list = await api.accountA.client.schedules.list.query();
    expect(list.schedules.map((x) => x.id)).toEqual([s.id]);
  });

  it("keeps accounts apart: B sees nothing of A's, and A's id is NOT_FOUND for B", async () => {
    const s = await api.accountA.client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "A only" });
    expect((await api.accountB.client.schedules.list.query()).count).toBe(0);
    await expect(api.accountB.client.schedules.get.query({ id: s.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
  });

  it("under the tenant role with no account set, tables read empty; other accounts' inserts are rejected", async () => {
    await handle.db.transaction().execute(async (trx) => {
      await sql`select set_config('role', 'market_reports_tenant', true)`.execute(trx);
      expect(await trx.selectFrom("schedules").selectAll().execute()).toEqual([]);
    });
    await expect(
      withTenant(handle.db, api.accountA.id, (trx) => trx.insertInto("email_suppressions").values({ account_id: api.accountB.id, email: "z@example.com" }).execute()),
    ).rejects.toThrow(/row-level security/);
  });

  it("signs a browser in: the session is found through its lookup function, and ends at sign-out", async () => {
    const session = (await startSession(handle.db, api.accountA.apiKey))!;
    expect((await findSessionAccount(handle.db, session.token))?.accountId).toBe(api.accountA.id);
    await endSession(handle.db, session.token);
    expect(await findSessionAccount(handle.db, session.token)).toBeUndefined();
  });

  it("a second migrate is a no-op and data survives a reopen of the directory", async () => {
    expect((await migrateToLatest(handle)).applied).toEqual([]);
    await api.close();
    await handle.close();
    handle = await connectDatabase({ dataDir: dir });
    const count = await handle.db.selectFrom("schedules").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(2);
    api = await startTestApi(handle);
  });
});
