import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAccount, revokeApiKey } from "../../src/accounts/account.repository.js";
import { endSession, findSessionAccount, SESSION_IDLE_MS, SESSION_MAX_MS, startSession, type StartedSession } from "../../src/sessions/session.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

const MINUTE = 60_000;
const at = (start: Date, ms: number) => new Date(start.getTime() + ms);

describe("browser sessions (real Postgres)", () => {
  let tdb: TestDatabase;
  let apiKey: string;
  let keyPrefix: string;
  let accountId: string;
  let start: Date;
  let session: StartedSession;

  const stored = () => tdb.handle.db.selectFrom("sessions").select(["last_seen_at", "idle_expires_at", "expires_at"]).where("account_id", "=", accountId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_sessions");
  });
  afterAll(async () => {
    await tdb?.drop();
  });
  beforeEach(async () => {
    const created = await createAccount(tdb.handle.db, "Session Realty");
    ({ apiKey, keyPrefix } = created);
    accountId = created.account.id;
    start = new Date(Date.now() - 1_000);
    session = (await startSession(tdb.handle.db, apiKey, start))!;
  });

  it("signs in with a live key only, and finds the account by the cookie's token, not by anything like it", async () => {
    expect(session.expiresAt).toEqual(at(start, SESSION_MAX_MS));
    expect(await findSessionAccount(tdb.handle.db, session.token)).toEqual({ accountId, accountName: "Session Realty" });
    expect(await findSessionAccount(tdb.handle.db, `${session.token.slice(0, -1)}${session.token.endsWith("A") ? "B" : "A"}`)).toBeUndefined();
    expect(await findSessionAccount(tdb.handle.db, "not-a-token")).toBeUndefined();
    expect(await startSession(tdb.handle.db, `${apiKey.slice(0, -1)}x`)).toBeUndefined();
  });

  it("ends when unused for the idle limit; each use pushes that back, recorded at most once a minute", async () => {
    expect(await findSessionAccount(tdb.handle.db, session.token, at(start, SESSION_IDLE_MS))).toBeUndefined();

    // Within a minute of the last use: found, nothing written.
    expect(await findSessionAccount(tdb.handle.db, session.token, at(start, 30_000))).toBeDefined();
    expect((await stored()).last_seen_at).toEqual(start);

    // Later: the use is recorded and the idle limit counts from it.
    const used = at(start, 2 * 60 * MINUTE);
    expect(await findSessionAccount(tdb.handle.db, session.token, used)).toBeDefined();
    expect(await stored()).toMatchObject({ last_seen_at: used, idle_expires_at: at(used, SESSION_IDLE_MS) });
    const usedAgain = at(start, SESSION_IDLE_MS + MINUTE);
    expect(await findSessionAccount(tdb.handle.db, session.token, usedAgain)).toBeDefined();
    // A use within a minute of the recorded one is not recorded: the limit still counts from usedAgain.
    expect(await findSessionAccount(tdb.handle.db, session.token, at(usedAgain, 30_000))).toBeDefined();
    expect(await findSessionAccount(tdb.handle.db, session.token, at(usedAgain, SESSION_IDLE_MS))).toBeUndefined();
  });

  it("ends at its absolute expiry however often it is used: a use never pushes the idle limit past it", async () => {
    let now = start;
    while (now.getTime() + SESSION_IDLE_MS / 2 < start.getTime() + SESSION_MAX_MS) {
      now = at(now, SESSION_IDLE_MS / 2);
      expect(await findSessionAccount(tdb.handle.db, session.token, now), now.toISOString()).toBeDefined();
    }
    expect((await stored()).idle_expires_at).toEqual(session.expiresAt);
    expect(await findSessionAccount(tdb.handle.db, session.token, at(session.expiresAt, -1))).toBeDefined();
    expect(await findSessionAccount(tdb.handle.db, session.token, session.expiresAt)).toBeUndefined();
  });

  it("stops working at once on sign-out and when its API key is revoked", async () => {
    const other = (await startSession(tdb.handle.db, apiKey))!;
    await endSession(tdb.handle.db, session.token);
    expect(await findSessionAccount(tdb.handle.db, session.token)).toBeUndefined();
    expect(await findSessionAccount(tdb.handle.db, other.token)).toBeDefined();
    await revokeApiKey(tdb.handle.db, keyPrefix);
    expect(await findSessionAccount(tdb.handle.db, other.token)).toBeUndefined();
  });
});
