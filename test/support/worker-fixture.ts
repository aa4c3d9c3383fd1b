import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import pino from "pino";
import { createAccount } from "../../src/accounts/account.repository.js";
import { parseEnv, type Env } from "../../src/config/env.js";
import type { Database, ScheduleRun } from "../../src/db/database.js";
import { isFinalRunStatus } from "../../src/db/enums.js";
import type { ListingSource } from "../../src/listings/listing.js";
import { createSampleMarketSource } from "../../src/listings/sample-market.js";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { createObjectStore } from "../../src/storage/select-object-store.js";
import type { ObjectStore } from "../../src/storage/object-store.js";
import { startWorker, type RunningWorker } from "../../src/worker/start-worker.js";
import { createSmtpTransport } from "../../src/email/smtp-transport.js";
import { startSmtpServer, type TestSmtpServer } from "./smtp-server.js";
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from "./s3-server.js";
import { createTestDatabase, type TestDatabase } from "./database.js";
import { AMQP_URL } from "./services.js";
import { waitUntil } from "./wait-until.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "./rabbit-side-channel.js";

export const FIXTURE_SECRET = "worker-test-unsubscribe-secret-0123456789";
export const FIXTURE_LINK_SECRET = "worker-test-report-link-secret-0123456789";

/** The environment that points a worker at an in-test s3rver and SMTP server. */
export function localServicesEnv(s3: { bucket: string; endpoint: string }, smtp: { url: string }): Record<string, string> {
  return {
    S3_BUCKET: s3.bucket,
    S3_ENDPOINT: s3.endpoint,
    S3_FORCE_PATH_STYLE: "true",
    AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
    SMTP_URL: smtp.url,
  };
}

/**
 * A worker on real services: its own Postgres database, its own RabbitMQ topology (short retry
 * delays), s3rver, and an SMTP server recording every message.
 */
export interface WorkerFixture {
  tdb: TestDatabase;
  db: Kysely<Database>;
  env: Env;
  queue: RabbitJobQueue;
  store: ObjectStore;
  s3: S3Server;
  smtp: TestSmtpServer;
  worker: RunningWorker;
  rabbit: RabbitSideChannel;
  accountId: string;
  close(): Promise<void>;
}

export async function startWorkerFixture(options: {
  listings?: ListingSource;
  smtpReply?: (address: string) => { code: number; message: string } | undefined;
  /** Holds each message's final answer until the promise settles (a slow relay). */
  smtpBeforeAnswer?: (to: string[]) => Promise<void>;
  /** Holds each RCPT TO's answer until the promise settles. */
  smtpBeforeRcpt?: (address: string) => Promise<void>;
  /** Pooled SMTP connections of the worker's transport (default: the transport's own). */
  smtpConnections?: number;
  maxAttempts?: number;
  apiBaseUrl?: string;
  /** null: a worker with no Chromium, which stores reports as HTML. */
  pdf?: null;
} = {}): Promise<WorkerFixture> {
  const tdb = await createTestDatabase("mr_worker");
  const s3 = await startS3Server(`reports-${randomBytes(3).toString("hex")}`);
  const smtp = await startSmtpServer({ rcptReply: options.smtpReply, beforeAnswer: options.smtpBeforeAnswer, beforeRcpt: options.smtpBeforeRcpt });
  const env = parseEnv({
    DATABASE_URL: tdb.url,
    ...localServicesEnv(s3, smtp),
    UNSUBSCRIBE_SECRET: FIXTURE_SECRET,
    REPORT_LINK_SECRET: FIXTURE_LINK_SECRET,
    PUBLIC_BASE_URL: options.apiBaseUrl ?? "http://127.0.0.1:9",
    LOG_LEVEL: "silent",
  });
  const logger = pino({ level: "silent" });
  const prefix = uniquePrefix("worker");
  const retryDelaysMs = [300, 600, 1200, 2400];
  const queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger, retryDelaysMs });
  const rabbit = await openSideChannel();
  const store = createObjectStore(env);
  const worker = await startWorker({
    env,
    db: tdb.handle.db,
    queue,
    store,
    logger,
    listings: options.listings ?? createSampleMarketSource(),
    ...(options.smtpConnections ? { mail: createSmtpTransport({ url: smtp.url, maxConnections: options.smtpConnections }) } : {}),
    concurrency: 2,
    maxAttempts: options.maxAttempts ?? 3,
    ...(options.pdf === null ? { pdf: null } : {}),
  });
  const { account } = await createAccount(tdb.handle.db, "Coastal Realty");
  return {
    tdb,
    db: tdb.handle.db,
    env,
    queue,
    store,
    s3,
    smtp,
    worker,
    rabbit,
    accountId: account.id,
    async close() {
      await worker.stop();
      await queue.close();
      await rabbit.deleteAll(prefix, retryDelaysMs).catch(() => undefined);
      await rabbit.close();
      await smtp.close();
      await s3.close();
      await tdb.drop();
    },
  };
}

export async function waitForFinalRun(db: Kysely<Database>, runId: string, timeoutMs = 60_000): Promise<ScheduleRun> {
  let run: ScheduleRun | undefined;
  await waitUntil(
    async () => {
      run = await db.selectFrom("schedule_runs").selectAll().where("id", "=", runId).executeTakeFirstOrThrow();
      return isFinalRunStatus(run.status);
    },
    { timeoutMs, intervalMs: 100, what: () => `run ${runId} still ${run?.status} (error: ${run?.error})` },
  );
  return run!;
}

/**
 * The dead letters of a fixture's queue, waiting until at least `count` arrived: the run is marked
 * failed by the dead-letter hook just before the broker has the message.
 */
export async function waitForDeadLetters(fx: WorkerFixture, count: number, timeoutMs = 15_000): Promise<{ body: string; reason: string | undefined }[]> {
  const seen: { body: string; reason: string | undefined }[] = [];
  await waitUntil(
    async () => {
      seen.push(...(await fx.rabbit.drainDeadLetters(fx.queue.topology)));
      return seen.length >= count;
    },
    { timeoutMs, intervalMs: 100, what: () => `${seen.length} of ${count} dead letters` },
  );
  return seen;
}
