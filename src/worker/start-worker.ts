import { sql, type Kysely } from "kysely";
import type { Env } from "../config/env.js";
import type { Database } from "../db/database.js";
import { isDatabaseUnreachable, retryWhileDatabaseUnreachable } from "../db/database-unreachable.js";
import { createMailTransport } from "../email/select-mail-transport.js";
import type { MailTransport } from "../email/mail-transport.js";
import { createListingSource } from "../listings/select-source.js";
import type { ListingSource } from "../listings/listing.js";
import type { Logger } from "../log/logger.js";
import { findChromium } from "../pdf/find-chromium.js";
import { createBrowserPdfRenderer, type PdfRenderer } from "../pdf/pdf-renderer.js";
import { errorMessage, type Consumer, type JobQueue } from "../queue/job-queue.js";
import type { ObjectStore } from "../storage/object-store.js";
import { handleReportJob, markRunDeadLettered, type JobResult } from "./handle-report-job.js";
import { createWorkerMetrics, type WorkerMetrics } from "./worker-metrics.js";

/**
 * Jobs a worker holds per report it prints at once. A job spends about a quarter of its time
 * outside Chromium (its run started, the PDF uploaded, the emails sent); holding a second job per
 * print slot hands Chromium the next report meanwhile instead of letting it idle.
 */
const JOBS_PER_PRINT_SLOT = 2;

/** Jobs a worker printing `concurrency` reports at once holds (its queue prefetch). */
export function jobsHeld(concurrency: number): number {
  return concurrency * JOBS_PER_PRINT_SLOT;
}

/** Longest a job is held while the database is unreachable; well inside the worker's drain on SIGTERM. */
export const DATABASE_HOLD_MS = 30_000;

export interface StartWorkerOptions {
  env: Env;
  db: Kysely<Database>;
  queue: JobQueue;
  store: ObjectStore;
  logger: Logger;
  /** Overrides for tests and benchmarks; by default each comes from the environment. */
  listings?: ListingSource;
  mail?: MailTransport;
  pdf?: PdfRenderer | null;
  metrics?: WorkerMetrics;
  concurrency?: number;
  maxAttempts?: number;
}

export interface RunningWorker {
  consumer: Consumer;
  metrics: WorkerMetrics;
  pdf: PdfRenderer | undefined;
  /** Stops taking jobs, finishes the ones in hand, closes the browser and the mail transport. */
  stop(): Promise<void>;
}

/**
 * Chromium is required in production; in development a machine without it still produces
 * reports, stored as HTML, after one clear warning.
 */
export function choosePdfRenderer(env: Env, logger: Logger, concurrency: number): PdfRenderer | undefined {
  const executablePath = findChromium({ CHROMIUM_PATH: env.CHROMIUM_PATH, PATH: process.env.PATH });
  if (executablePath) return createBrowserPdfRenderer({ executablePath, logger, concurrency });
  if (env.ENVIRONMENT === "production") {
    throw new Error("Chromium not found: set CHROMIUM_PATH to the browser executable (required when ENVIRONMENT=production)");
  }
  logger.warn("Chromium not found (set CHROMIUM_PATH): reports will be stored as HTML only, without a PDF");
  return undefined;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { env, db, queue, store, logger } = options;
  const metrics = options.metrics ?? createWorkerMetrics();
  const listings = options.listings ?? createListingSource(env);
  const mail = options.mail ?? createMailTransport(env, logger);
  const concurrency = options.concurrency ?? env.WORKER_CONCURRENCY;
  const pdf = options.pdf === null ? undefined : (options.pdf ?? choosePdfRenderer(env, logger, concurrency));
  const ctx = { env, db, mail, listings, pdf, store, logger, metrics };

  const consumer = await queue.consume(
    async (job, delivery) => {
      const started = process.hrtime.bigint();
      metrics.inFlight.inc();
      let outcome: JobResult | "error" = "error";
      try {
        outcome = await handleReportJob(job, delivery, ctx);
      } catch (error) {
        if (isDatabaseUnreachable(error)) {
          // Hand the job back only once the database answers again (or after a bound): returned
          // at once, every slot would take and fail the whole backlog within the outage, each job
          // spending its attempts on it.
          logger.warn({ runId: job.run_id, err: errorMessage(error) }, "database unreachable: holding the job until it answers");
          await retryWhileDatabaseUnreachable(() => sql`select 1`.execute(db), DATABASE_HOLD_MS).catch(() => undefined);
        }
        throw error;
      } finally {
        metrics.inFlight.dec();
        const labels = { report_type: job.params.report_type, outcome };
        metrics.jobs.inc(labels);
        metrics.duration.observe(labels, Number(process.hrtime.bigint() - started) / 1e9);
        if (pdf) metrics.browserRestarts.set(pdf.restarts);
      }
    },
    {
      prefetch: jobsHeld(concurrency),
      maxAttempts: options.maxAttempts ?? env.WORKER_MAX_ATTEMPTS,
      onDeadLetter: async ({ job, reason, runId }) => {
        logger.warn({ runId, reason }, "job dead-lettered");
        if (job) await markRunDeadLettered(db, job, reason);
      },
    },
  );
  logger.info({ concurrency, jobsHeld: jobsHeld(concurrency), pdf: Boolean(pdf), mail: mail.provider }, "worker consuming report jobs");

  return {
    consumer,
    metrics,
    pdf,
    async stop() {
      await consumer.stop();
      await pdf?.close();
      await mail.close();
    },
  };
}
