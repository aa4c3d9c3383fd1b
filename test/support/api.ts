import { TRPCClientError } from "@trpc/client";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import type { AppDeps } from "../../src/api/app-deps.js";
import { parseEnv, type Env } from "../../src/config/env.js";
import { createClient, type AppRouter, type MarketReportsClient } from "../../src/client.js";
import type { DatabaseHandle } from "../../src/db/connect.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export const TEST_SECRET = "test-unsubscribe-secret-0123456789";
export const TEST_LINK_SECRET = "test-report-link-secret-0123456789";

export function testEnv(overrides: Record<string, string> = {}): Env {
  return parseEnv({ UNSUBSCRIBE_SECRET: TEST_SECRET, REPORT_LINK_SECRET: TEST_LINK_SECRET, LOG_LEVEL: "silent", ...overrides });
}

export interface TestAccount {
  id: string;
  apiKey: string;
  client: MarketReportsClient;
}

export interface TestApi {
  server: RunningServer;
  url: string;
  deps: AppDeps;
  accountA: TestAccount;
  accountB: TestAccount;
  clientFor(apiKey?: string): MarketReportsClient;
  close(): Promise<void>;
}

/** The real express app on a random port, two accounts with keys, and typed clients for each. */
export async function startTestApi(handle: DatabaseHandle, env: Env = testEnv(), extra: Partial<AppDeps> = {}): Promise<TestApi> {
  const deps: AppDeps = { env, db: handle.db, logger: pino({ level: "silent" }), ...extra };
  const server = await listen(createApiApp(deps), 0, "127.0.0.1");
  const clientFor = (apiKey?: string) => createClient({ url: `${server.url}/trpc`, apiKey });
  const a = await createAccount(handle.db, "Account A");
  const b = await createAccount(handle.db, "Account B");
  return {
    server,
    url: server.url,
    deps,
    accountA: { id: a.account.id, apiKey: a.apiKey, client: clientFor(a.apiKey) },
    accountB: { id: b.account.id, apiKey: b.apiKey, client: clientFor(b.apiKey) },
    clientFor,
    close: () => server.close(1_000),
  };
}

export type TestApiFixture = TestApi & { tdb: TestDatabase };

/**
 * The API on a scratch database for the calling describe block: registers its beforeAll/afterAll
 * and returns the fixture they fill in, for the tests to read. `deps` (a queue, a store…) is
 * called in the beforeAll, after the block's own earlier hooks have made them.
 */
export function useTestApi(options: { env?: Env; deps?: () => Partial<AppDeps> | Promise<Partial<AppDeps>> } = {}): TestApiFixture {
  // Empty until beforeAll assigns the running API and its database to it.
  const fixture = {} as TestApiFixture;
  let tdb: TestDatabase | undefined;
  let api: TestApi | undefined;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    api = await startTestApi(tdb.handle, options.env, await options.deps?.());
    Object.assign(fixture, api, { tdb });
  });
  afterAll(async () => {
    await api?.close();
    await tdb?.drop();
  });
  return fixture;
}

/** The tRPC error a call fails with (a call that succeeds, or fails otherwise, fails the test). */
export async function errorOf(promise: Promise<unknown>): Promise<TRPCClientError<AppRouter>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) return error as TRPCClientError<AppRouter>;
    throw error;
  }
  throw new Error("expected the call to fail");
}

/**
 * Input the typed client would not compile, for the tests that send it on purpose (bad values,
 * unknown keys): the procedure's input type is taken from where it is passed.
 */
export function unchecked<Input>(input: Record<string, unknown>): Input {
  return input as Input;
}

/** The seed's POST /v1/schedules body, verbatim: the same example the OpenAPI document shows. */
export { SEED_CREATE_EXAMPLE as SEED_CREATE_BODY } from "../../src/api/rest/rest-routes.js";
