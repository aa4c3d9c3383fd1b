import { mkdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { sql, type Kysely } from "kysely";
import type { Database } from "../../../src/db/database.js";
import { findChromium } from "../../../src/pdf/find-chromium.js";
import { FINAL_RUN_STATUSES } from "../../../src/db/enums.js";
import { createLoginRoleDatabase, type LoginRoleDatabase } from "../../support/login-role-database.js";
import { AMQP_URL } from "../../support/services.js";
import { unusedPorts } from "../../support/unused-port.js";
import { waitUntil } from "../../support/wait-until.js";
import { brokerHandle, lockDefaultTopology, processesHonourAmqpPrefix, type BrokerHandle } from "./broker.js";
import { killTree, spawnCli, stopProcess, type CliProcess } from "./cli-process.js";
import { startPostgresServer, type PostgresServer } from "./postgres-server.js";
import { FAKE_SIMPLYRETS_CREDENTIALS, startFakeSimplyRets, type FakeSimplyRets } from "./fake-simplyrets.js";
import { checkInvariants, describeReport, type Expectations, type InvariantReport } from "./invariants.js";
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from "../../support/s3-server.js";
import { seedSchedules, type Seed, type SeedOptions } from "./seed-schedules.js";
import { startSmtpRecorder, type SmtpRecorder } from "./smtp-recorder.js";
import { tickLauncher, type TickLauncher } from "./tick-cron.js";
import { startWorkerPool, type WorkerPool } from "./worker-pool.js";

/** The browser production uses (the image sets the headless shell), found the way the worker finds it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? findChromium() ?? "/usr/bin/chromium";
const UNSUBSCRIBE_SECRET = "e2e-unsubscribe-secret-0123456789";
const REPORT_LINK_SECRET = "e2e-report-link-secret-0123456789";
export const E2E_RETRY_DELAYS_MS: readonly number[] = [3_000, 6_000, 12_000, 24_000, 48_000];

export interface E2eSystemOptions {
  /** Names the scenario in logs and database names. */
  name: string;
  accounts: number;
  schedules: number;
  seed?: Omit<SeedOptions, "accounts" | "schedules">;
  /** Listing data: the built-in sample market (default) or a local SimplyRETS the test controls. */
  listings?: "sample-market" | "fake-simplyrets";
  workers?: number;
  workerConcurrency?: number;
  workerMaxAttempts?: number;
  /**
   * WORKER_RETRY_DELAYS_MS. Default 3, 6, 12, 24, 48 s: a tenth of production's, yet the first
   * four attempts still span 45 s, longer than any fault window the scenarios open.
   */
  workerRetryDelaysMs?: readonly number[];
  workerRestartDelayMs?: number;
  tickBudgetSeconds?: number;
  /** Start the API process (default true). */
  api?: boolean;
  /**
   * Postgres: the machine's shared server (default), or a throwaway server of the scenario's own
   * that the scenario may stop and restart without touching anyone else's connections.
   */
  postgres?: "shared" | "own";
  logLevel?: string;
}

export interface E2eSystem {
  name: string;
  logDir: string;
  /** `url` is the processes' login role; `admin` the superuser connection `db` is. */
  database: LoginRoleDatabase;
  /** The scenario's own server, when `postgres: "own"`. */
  postgresServer: PostgresServer | undefined;
  db: Kysely<Database>;
  smtp: SmtpRecorder;
  s3: S3Server;
  simplyrets: FakeSimplyRets | undefined;
  broker: BrokerHandle;
  /** Whether the processes run on a topology of their own (AMQP_PREFIX) or the shared default names. */
  isolatedQueues: boolean;
  seed: Seed;
  /** The environment every process of the scenario starts with. */
  env: Record<string, string>;
  workers: WorkerPool;
  api: CliProcess | undefined;
  apiUrl: string;
  ticks: TickLauncher;
  /**
   * The seeded schedules' runs by status, how many of them are final, how many seeded schedules
   * are still due, and how many runs of any kind (manual ones too) are not final yet.
   */
  progress(): Promise<{ statuses: Record<string, number>; final: number; due: number; open: number }>;
  /** Polls until every seeded schedule has its run and every run, of any kind, is final. */
  waitUntilAllFinal(timeoutMs: number): Promise<void>;
  /**
   * Stops the tick cron, lets the workers take what is still queued (retries of runs that are
   * already final get acknowledged as duplicates), then stops the workers so nothing is in flight.
   */
  settle(drainTimeoutMs?: number): Promise<void>;
  checkInvariants(expect?: Expectations): Promise<InvariantReport>;
  stop(): Promise<void>;
}

/**
 * Everything a scenario runs against: a fresh database with the seeded accounts and due
 * schedules, the broker topology emptied, SMTP and S3 servers in this process, and the real
 * processes (`api`, `worker` × 2) started and ready. Ticks are left to the scenario
 * (`ticks.startCron`, `ticks.launch`), so it decides what "the tick's start" is.
 */
export async function startE2eSystem(options: E2eSystemOptions): Promise<E2eSystem> {
  const id = `${options.name.replace(/[^a-z0-9]+/gi, "_").toLowerCase()}_${randomBytes(3).toString("hex")}`;
  const logDir = path.join(os.tmpdir(), "market-reports-e2e", id);
  mkdirSync(logDir, { recursive: true });
  const cleanups: (() => Promise<void> | void)[] = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    cleanups.length = 0;
  };

  try {
    const isolatedQueues = processesHonourAmqpPrefix();
    const prefix = isolatedQueues ? `mr-e2e-${id}` : undefined;
    if (!isolatedQueues) cleanups.push(await lockDefaultTopology());
    const retryDelays = options.workerRetryDelaysMs ?? E2E_RETRY_DELAYS_MS;
    const broker = brokerHandle(AMQP_URL, prefix, retryDelays);
    await broker.reset();
    cleanups.push(() => (isolatedQueues ? broker.remove() : broker.reset()));

    const postgresServer = options.postgres === "own" ? await startPostgresServer(logDir) : undefined;
    if (postgresServer) cleanups.push(() => postgresServer.remove());
    // The processes connect as a login role of their own, as a deployment does (production refuses
    // a superuser); the scenario seeds and checks as the superuser, which sees every account.
    const database = await createLoginRoleDatabase("mr_e2e", { serverUrl: postgresServer?.url, adminPoolSize: 5 });
    cleanups.push(() => database.drop());
    const smtp = await startSmtpRecorder();
    cleanups.push(() => withTimeout(smtp.close(), 5_000));
    const s3 = await startS3Server();
    cleanups.push(() => s3.close());
    const simplyrets = options.listings === "fake-simplyrets" ? await startFakeSimplyRets() : undefined;
    if (simplyrets) cleanups.push(() => simplyrets.close());

    const seed = await seedSchedules(database.admin.db, { accounts: options.accounts, schedules: options.schedules, ...options.seed });

    const workerCount = options.workers ?? 2;
    // Chosen together: one at a time, the OS can hand back a port it has just released.
    const [apiPort, metricsPort, ...healthPorts] = await unusedPorts(2 + workerCount);
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
      HOME: process.env.HOME ?? os.tmpdir(),
      TMPDIR: os.tmpdir(),
      ENVIRONMENT: "production",
      LOG_LEVEL: options.logLevel ?? "info",
      DATABASE_URL: database.url,
      AMQP_URL,
      ...(prefix ? { AMQP_PREFIX: prefix } : {}),
      S3_ENDPOINT: s3.endpoint,
      S3_BUCKET: s3.bucket,
      S3_REGION: "us-east-1",
      S3_FORCE_PATH_STYLE: "true",
      AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
      SMTP_URL: smtp.url,
      EMAIL_FROM: "E2E Market Reports <reports@e2e.test>",
      PUBLIC_BASE_URL: apiUrl,
      UNSUBSCRIBE_SECRET,
      REPORT_LINK_SECRET,
      CHROMIUM_PATH,
      PORT: String(apiPort),
      METRICS_PORT: String(metricsPort),
      TICK_BUDGET_SECONDS: String(options.tickBudgetSeconds ?? 10),
      WORKER_CONCURRENCY: String(options.workerConcurrency ?? 4),
      ...(options.workerMaxAttempts ? { WORKER_MAX_ATTEMPTS: String(options.workerMaxAttempts) } : {}),
      WORKER_RETRY_DELAYS_MS: retryDelays.join(","),
      ...(simplyrets
        ? {
            SIMPLYRETS_BASE_URL: simplyrets.baseUrl,
            SIMPLYRETS_USERNAME: FAKE_SIMPLYRETS_CREDENTIALS.username,
            SIMPLYRETS_PASSWORD: FAKE_SIMPLYRETS_CREDENTIALS.password,
          }
        : {}),
    };

    const workers = startWorkerPool({ count: workerCount, env, healthPorts, logDir, restartDelayMs: options.workerRestartDelayMs });
    cleanups.push(() => workers.stop());
    let api: CliProcess | undefined;
    if (options.api ?? true) {
      api = spawnCli("api", ["api"], env, path.join(logDir, "api.log"));
      const started = api;
      cleanups.push(async () => void (await stopProcess(started, 30_000)));
    }
    const ticks = tickLauncher(env, logDir);
    cleanups.push(async () => {
      await ticks.stopCron();
      for (const t of ticks.launches) if (!t.process.exit) killTree(t.process.pid);
    });

    await workers.waitHealthy(90_000);
    if (api) await waitForReady(`${apiUrl}/readyz`, api, 60_000);
    // A worker that ignored AMQP_PREFIX would consume other queues: make sure ours has them all.
    await waitUntil(async () => ((await broker.depths().catch(() => undefined))?.jobsConsumers ?? 0) >= workerCount, {
      timeoutMs: 30_000,
      what: `the workers do not consume ${broker.topology.jobsQueue}; see ${logDir}`,
    });

    const db = database.admin.db;
    const scheduleIds = seed.schedules.map((s) => s.id);
    const progress = async () => {
      const { rows } = await sql<{ status: string; n: number }>`
        SELECT status, count(*)::int AS n FROM schedule_runs
        WHERE schedule_id = ANY(${scheduleIds}::uuid[]) GROUP BY status`.execute(db);
      const due = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM schedules WHERE id = ANY(${scheduleIds}::uuid[]) AND next_run_at <= now()`.execute(db);
      const open = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM schedule_runs WHERE status <> ALL(${[...FINAL_RUN_STATUSES]}::text[])`.execute(db);
      const statuses = Object.fromEntries(rows.map((r) => [r.status, r.n]));
      const final = rows.filter((r) => FINAL_RUN_STATUSES.includes(r.status as never)).reduce((n, r) => n + r.n, 0);
      return { statuses, final, due: due.rows[0].n, open: open.rows[0].n };
    };

    const system: E2eSystem = {
      name: options.name,
      logDir,
      database,
      postgresServer,
      db,
      smtp,
      s3,
      simplyrets,
      broker,
      isolatedQueues,
      seed,
      env,
      workers,
      api,
      apiUrl,
      ticks,
      progress,
      async waitUntilAllFinal(timeoutMs) {
        let last: string | undefined;
        await waitUntil(
          async () => {
            try {
              const p = await progress();
              last = JSON.stringify(p);
              return p.due === 0 && p.final >= seed.schedules.length && p.open === 0;
            } catch (error) {
              // Postgres restarting: keep polling.
              last = `progress query failed: ${(error as Error).message}`;
              return false;
            }
          },
          { timeoutMs, intervalMs: 1_000, what: () => `[e2e ${options.name}] runs not all final: ${last}; logs in ${logDir}` },
        );
      },
      async settle(drainTimeoutMs = 150_000) {
        await ticks.stopCron();
        await Promise.all(ticks.launches.map((t) => t.done));
        const deadline = Date.now() + drainTimeoutMs;
        for (;;) {
          const d = await broker.depths();
          const waiting = d.jobs + Object.values(d.retry).reduce((a, b) => a + b, 0);
          if (waiting === 0 || Date.now() > deadline) break;
          await sleep(1_000);
        }
        await workers.stop();
      },
      async checkInvariants(expect) {
        const report = await checkInvariants({ db, seed, smtp, s3, broker, apiUrl: api ? apiUrl : undefined }, expect);
        console.log(describeReport(options.name, report));
        if (report.violations.length > 0) console.log(`[e2e ${options.name}] violations:\n  ${report.violations.join("\n  ")}\n  logs: ${logDir}`);
        return report;
      },
      stop: cleanup,
    };
    return system;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

export async function waitForReady(url: string, proc: CliProcess, timeoutMs: number): Promise<void> {
  await waitUntil(
    async () => {
      if (proc.exit) throw new Error(`${proc.name} exited (${proc.exit.code ?? proc.exit.signal}) before it was ready; see ${proc.logFile}`);
      const status = await fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
        (res) => res.status,
        () => 0,
      );
      return status === 200;
    },
    { timeoutMs, what: `${proc.name} not ready at ${url}; see ${proc.logFile}` },
  );
}

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, sleep(ms).then(() => undefined)]);
}
