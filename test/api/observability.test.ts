import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { createLogger, wantsPrettyLogs } from "../../src/log/logger.js";
import { createApiMetrics, type ApiMetrics } from "../../src/metrics/api-metrics.js";
import { createMetricsApp } from "../../src/metrics/metrics-app.js";
import { createInProcessQueue } from "../../src/queue/in-process-queue.js";
import { startSession } from "../../src/sessions/session.repository.js";
import { SEED_CREATE_BODY, testEnv } from "../support/api.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

interface LogLine {
  level: number;
  msg: string;
  err?: { stack?: string };
  stack?: string;
  [key: string]: unknown;
}

describe.skipIf(!up)("logs and metrics an operator can trust", () => {
  let tdb: TestDatabase;
  let api: RunningServer;
  let metricsServer: RunningServer;
  let metrics: ApiMetrics;
  let apiKey: string;
  const lines: LogLine[] = [];

  const scrape = async () => (await fetch(`${metricsServer.url}/metrics`)).text();
  const trpc = (procedure: string, init: RequestInit & { input?: unknown; key?: string | null } = {}) => {
    const headers: Record<string, string> = { "content-type": "application/json", ...(init.headers as Record<string, string>) };
    const key = init.key === undefined ? apiKey : init.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (init.method === "POST") return fetch(`${api.url}/trpc/${procedure}`, { ...init, headers, body: JSON.stringify(init.input ?? {}) });
    const query = init.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(init.input))}`;
    return fetch(`${api.url}/trpc/${procedure}${query}`, { headers });
  };

  beforeAll(async () => {
    tdb = await createTestDatabase();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line) as LogLine);
        done();
      },
    });
    // Everything down to trace is captured, so the level each line was written at is visible.
    const logger = pino({ level: "trace" }, sink);
    metrics = createApiMetrics();
    const deps = { env: testEnv(), db: tdb.handle.db, logger, queue: createInProcessQueue() };
    api = await listen(createApiApp(deps, { metrics, limits: { rateLimitPerKey: 40 } }), 0, "127.0.0.1");
    metricsServer = await listen(createMetricsApp(metrics.registry), 0, "127.0.0.1");
    apiKey = (await createAccount(tdb.handle.db, "Observed")).apiKey;
  });
  afterAll(async () => {
    await api?.close(1_000);
    await metricsServer?.close(1_000);
    await tdb?.drop();
  });

  it("expected client errors are logged at info or below, without stacks, and counted under their own code", async () => {
    const created = await trpc("schedules.create", { method: "POST", input: SEED_CREATE_BODY });
    const id = ((await created.json()) as { result: { data: { id: string } } }).result.data.id;
    const session = await startSession(tdb.handle.db, apiKey);

    const expected: [string, () => Promise<Response>, number][] = [
      ["NOT_FOUND", () => trpc("schedules.get", { input: { id: "00000000-0000-4000-8000-000000000000" } }), 404],
      ["NOT_FOUND", () => fetch(`${api.url}/v1/schedules/00000000-0000-4000-8000-000000000000`, { headers: { authorization: `Bearer ${apiKey}` } }), 404],
      ["BAD_REQUEST", () => trpc("schedules.get", { input: { id: "nope" } }), 400],
      ["BAD_REQUEST", () => trpc("schedules.create", { method: "POST", input: { ...SEED_CREATE_BODY, name: "a\u0000b" } }), 400],
      ["UNAUTHORIZED", () => trpc("schedules.list", { key: "mr_unknown_key_0000000000000000" }), 401],
      ["UNAUTHORIZED", () => trpc("schedules.list", { key: null }), 401],
      ["FORBIDDEN", () => trpc("schedules.delete", { method: "POST", input: { id }, key: null, headers: { cookie: `mr_session=${session!.token}`, origin: "https://evil.example" } }), 403],
      ["CONFLICT", () => trpc("schedules.runNow", { method: "POST", input: { id } }), 200],
      ["CONFLICT", () => trpc("schedules.runNow", { method: "POST", input: { id } }), 409],
    ];
    const before = lines.length;
    for (const [code, call, status] of expected) expect((await call()).status, code).toBe(status);
    // A body that cannot be read never reaches a procedure; it is still counted under its code.
    const tooLarge = await fetch(`${api.url}/trpc/schedules.create`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: "x".repeat(300 * 1024) });
    expect(tooLarge.status).toBe(413);
    // Over the per-key limit: the 41st request in the window is refused.
    let refused = 0;
    for (let i = 0; i < 45; i++) if ((await trpc("schedules.list")).status === 429) refused++;
    expect(refused).toBeGreaterThan(0);

    const written = lines.slice(before);
    const loud = written.filter((l) => l.level > 30);
    expect(loud, JSON.stringify(loud.slice(0, 3))).toEqual([]);
    const withStacks = written.filter((l) => JSON.stringify(l).includes('"stack"'));
    expect(withStacks, JSON.stringify(withStacks.slice(0, 1))).toEqual([]);

    const text = await scrape();
    expect(text).not.toContain('code="INTERNAL_SERVER_ERROR"');
    for (const code of ["NOT_FOUND", "BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "CONFLICT", "TOO_MANY_REQUESTS"]) {
      expect(text, code).toMatch(new RegExp(`market_reports_api_errors_total\\{procedure="[^"]+",code="${code}"\\} [1-9]`));
    }
    expect(text).toContain('market_reports_api_errors_total{procedure="schedules.get",code="NOT_FOUND"}');
    expect(text).toContain('market_reports_api_errors_total{procedure="schedules.list",code="TOO_MANY_REQUESTS"}');
    expect(text).toContain('market_reports_api_errors_total{procedure="schedules.create",code="PAYLOAD_TOO_LARGE"}');
  });

  it("metric labels come from the resolved procedure or route: 200 random paths add no label values", async () => {
    await fetch(`${api.url}/healthz`);
    const labels = (text: string) => new Set([...text.matchAll(/procedure="([^"]*)"/g)].map((m) => m[1]));
    const tokens = Array.from({ length: 200 }, (_, i) => `zz${i}q${Math.random().toString(36).slice(2, 8)}`);
    const shapes = [
      (t: string) => `/${t}`,
      (t: string) => `/trpc/${t}`,
      (t: string) => `/trpc/schedules.list,${t}`,
      (t: string) => `/v1/${t}`,
      (t: string) => `/v1/schedules/${t}/runs/${t}`,
      (t: string) => `/r/${t}/x`,
      (t: string) => `/unsubscribe/${t}`,
      (t: string) => `/assets/${t}.js`,
    ];
    const labelsBefore = labels(await scrape());
    // Every shape once first, so the statuses each can answer are already in the histogram.
    for (const shape of shapes) await fetch(`${api.url}${shape("warmup")}`, { headers: { authorization: `Bearer ${apiKey}` } });
    const sizeBefore = (await scrape()).length;
    for (const [i, token] of tokens.entries()) await fetch(`${api.url}${shapes[i % shapes.length]!(token)}`);
    const after = await scrape();
    for (const token of tokens) expect(after).not.toContain(token);
    const added = [...labels(after)].filter((l) => !labelsBefore.has(l));
    expect(added.every((l) => l === "unmatched"), added.join(", ")).toBe(true);
    // Counts change, series do not: /metrics stays the same size give or take the digits.
    expect(after.length - sizeBefore).toBeLessThan(4_000);
  });

  it("/metrics is served on the metrics port only, never on the API's port", async () => {
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${metricsServer.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    expect(await res.text()).toContain("market_reports_api_request_duration_seconds");
    expect((await fetch(`${metricsServer.url}/trpc/schedules.list`)).status).toBe(404);
  });

  it("METRICS_PORT is a setting with a default", () => {
    expect(testEnv().METRICS_PORT).toBe(9464);
    expect(testEnv({ METRICS_PORT: "9100" }).METRICS_PORT).toBe(9100);
    expect(() => testEnv({ METRICS_PORT: "0" })).toThrow(/METRICS_PORT/);
  });

  it("dev on a terminal logs human-readable lines; every other case logs JSON", () => {
    expect(wantsPrettyLogs("dev", { isTTY: true })).toBe(true);
    expect(wantsPrettyLogs("dev", { isTTY: false })).toBe(false);
    expect(wantsPrettyLogs("dev", {})).toBe(false);
    expect(wantsPrettyLogs("api", { isTTY: true })).toBe(false);
    const capture = (pretty: boolean) => {
      let out = "";
      const destination = new Writable({
        write(chunk: Buffer, _enc, done) {
          out += chunk.toString();
          done();
        },
      });
      createLogger("info", "market-reports-dev", { pretty, destination }).info({ token: "s3cret", schedules: 3 }, "tick published");
      return out;
    };
    const human = capture(true);
    expect(human).toMatch(/INFO.*\(market-reports-dev\).*tick published/);
    expect(() => JSON.parse(human)).toThrow();
    expect(human).not.toContain("s3cret");
    const json = JSON.parse(capture(false)) as LogLine;
    expect(json).toMatchObject({ level: 30, msg: "tick published", token: "[redacted]", schedules: 3 });
  });
});
