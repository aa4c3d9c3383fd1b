import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { FINAL_RUN_STATUSES } from "../../src/db/enums.js";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { jobForRun } from "../../src/runs/run-job.js";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import pino from "pino";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";
import { unusedPort } from "../support/unused-port.js";
import { readLog, spawnCli, type CliProcess } from "../e2e/harness/cli-process.js";
import { startS3Server, type S3Server } from "../support/s3-server.js";
import { insertQueuedRun } from "../support/schedules.js";
import { localServicesEnv } from "../support/worker-fixture.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { waitUntil } from "../support/wait-until.js";

const up = (await postgresUp()) && (await rabbitUp());
const chromium = findChromium();

/** `market-reports worker` as its own process: health, metrics, and a graceful SIGTERM. */
describe.skipIf(!up || !chromium)("the worker process", () => {
  let tdb: TestDatabase;
  let s3: S3Server;
  let smtp: TestSmtpServer;
  let queue: RabbitJobQueue;
  let rabbit: RabbitSideChannel;
  let worker: CliProcess;
  let healthPort: number;
  const prefix = uniquePrefix("worker-proc");

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_worker_proc");
    s3 = await startS3Server("worker-proc");
    smtp = await startSmtpServer();
    queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger: pino({ level: "silent" }) });
    rabbit = await openSideChannel();
    healthPort = await unusedPort();
    const logDir = await mkdtemp(path.join(tmpdir(), "mr-worker-proc-"));
    worker = spawnCli(
      "worker",
      ["worker"],
      {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/tmp",
        DATABASE_URL: tdb.url,
        AMQP_URL,
        AMQP_PREFIX: prefix,
        ...localServicesEnv(s3, smtp),
        UNSUBSCRIBE_SECRET: "worker-process-test-unsubscribe-secret-0123456789",
        REPORT_LINK_SECRET: "worker-process-test-report-link-secret-0123456789",
        WORKER_CONCURRENCY: "2",
        WORKER_HEALTH_PORT: String(healthPort),
        LOG_LEVEL: "info",
      },
      path.join(logDir, "worker.log"),
    );
    await waitUntil(
      async () => {
        if (worker.exit) throw new Error(`worker exited before it was healthy:\n${readLog(worker)}`);
        return fetch(`http://127.0.0.1:${healthPort}/healthz`).then((r) => r.ok, () => false);
      },
      { timeoutMs: 60_000, what: () => `worker did not come up:\n${readLog(worker)}` },
    );
  });
  afterAll(async () => {
    if (worker && !worker.exit) worker.child.kill("SIGKILL");
    await queue?.close();
    await rabbit?.deleteAll(prefix).catch(() => undefined);
    await rabbit?.close();
    await smtp?.close();
    await s3?.close();
    await tdb?.drop();
  });

  it("serves /healthz and Prometheus /metrics", async () => {
    expect((await fetch(`http://127.0.0.1:${healthPort}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${healthPort}/metrics`)).text();
    expect(metrics).toContain("market_reports_worker_jobs_in_flight");
    expect(metrics).toContain("market_reports_worker_job_duration_seconds");
  });

  it("on SIGTERM stops taking jobs, finishes the ones in hand, and exits 0; the rest wait in the queue", async () => {
    const db = tdb.handle.db;
    const { account } = await createAccount(db, "Graceful Realty");
    const runs = [];
    for (let i = 0; i < 12; i++) {
      runs.push(await insertQueuedRun(db, account.id, { name: `S${i}`, city: "Houston", zip_codes: ["77002", "77006"], recipients: [`r${i}@example.com`] }));
    }
    await queue.publish(runs.map((r) => jobForRun({ ...r, params: r.params as Record<string, unknown> })));
    // Wait until the worker has jobs in hand, then ask it to stop.
    await waitUntil(async () => (await db.selectFrom("schedule_runs").select("id").where("status", "=", "running").execute()).length > 0, {
      timeoutMs: 60_000,
      intervalMs: 50,
      what: () => `no job started:\n${readLog(worker)}`,
    });
    worker.child.kill("SIGTERM");
    const exit = await worker.exited;
    expect(exit.code, readLog(worker)).toBe(0);

    const after = await db.selectFrom("schedule_runs").select(["id", "status"]).execute();
    expect(after.filter((r) => r.status === "running")).toEqual([]);
    const finished = after.filter((r) => FINAL_RUN_STATUSES.includes(r.status as never));
    expect(finished.length).toBeGreaterThan(0);
    expect(new Set(finished.map((r) => r.status))).toEqual(new Set(["completed"]));
    // Nothing lost: every run not finished is still a message in the queue, for the next worker.
    expect(await rabbit.messageCount(queue.topology.jobsQueue)).toBe(after.length - finished.length);
    expect(smtp.received.length).toBe(finished.length);
    expect(readLog(worker)).toContain("shutting down");
  }, 180_000);
});
