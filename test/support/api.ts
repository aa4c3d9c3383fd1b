import pino from "pino";
import { createAccount } from "../../src/accounts/account.repository.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import type { AppDeps } from "../../src/api/app-deps.js";
import { parseEnv, type Env } from "../../src/config/env.js";
import { createClient, type MarketReportsClient } from "../../src/client.js";
import type { DatabaseHandle } from "../../src/db/connect.js";

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

/** The seed's POST /v1/schedules body, verbatim: the same example the OpenAPI document shows. */
export { SEED_CREATE_EXAMPLE as SEED_CREATE_BODY } from "../../src/api/rest/rest-routes.js";
