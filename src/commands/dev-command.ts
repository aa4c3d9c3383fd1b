import type { Env } from "../config/env.js";
import { apiLimitsFromEnv, publicBaseUrl } from "../config/env.js";
import { createApiApp, listen } from "../api/server.js";
import { assertLoginRoleFailsClosed } from "../db/login-role.js";
import { createApiMetrics } from "../metrics/api-metrics.js";
import { createMetricsApp } from "../metrics/metrics-app.js";
import { openDatabase } from "../db/open-database.js";
import { onShutdownSignal } from "./shutdown.js";
import { migrateToLatest } from "../db/migrate.js";
import { createLogger, wantsPrettyLogs } from "../log/logger.js";
import { createJobQueue } from "../queue/select-job-queue.js";
import { createObjectStore } from "../storage/select-object-store.js";
import { startMinuteTicker } from "../tick/dev-ticker.js";
import { ensureDemoAccount } from "../dev/demo-account.js";
import { EXAMPLE_SCHEDULE } from "../dev/example-schedule.js";
import { ensureWebAppBuilt } from "../api/http/build-web-app.js";
import { withDevelopmentSecrets } from "../dev/development-secrets.js";

/**
 * `npm start`: the whole system in one process. Each backing service is the real one when its
 * variable is set and the embedded default otherwise, so the same command works on a laptop with
 * nothing installed and against the machine's Postgres/RabbitMQ.
 */
export async function runDevCommand(configured: Env): Promise<number> {
  const env = await withDevelopmentSecrets(configured);
  const logger = createLogger(env.LOG_LEVEL, "market-reports-dev", { pretty: wantsPrettyLogs("dev") });
  const handle = await openDatabase(env, logger, { poolSize: 10, applicationName: "market-reports-dev" });
  const { applied } = await migrateToLatest(handle);
  if (applied.length) logger.info({ applied }, "migrations applied");
  await assertLoginRoleFailsClosed(handle, logger, env);

  const demo = await ensureDemoAccount(handle.db, env.DATA_DIR);
  await ensureWebAppBuilt(logger);
  const queue = await createJobQueue(env, logger);
  const store = createObjectStore(env);
  const { startWorker } = await import("../worker/start-worker.js");
  const worker = await startWorker({ env, db: handle.db, queue, store, logger });
  const ticker = startMinuteTicker({ db: handle.db, queue, logger, fairShare: env.TICK_FAIR_SHARE });

  let shuttingDown = false;
  const metrics = createApiMetrics();
  const app = createApiApp({ env, db: handle.db, logger, queue, store, isShuttingDown: () => shuttingDown }, { metrics, limits: apiLimitsFromEnv(env) });
  // A laptop's dev server answers this machine only, unless HOST says otherwise.
  const host = env.HOST ?? "127.0.0.1";
  const server = await listen(app, env.PORT, host);
  const metricsServer = await listen(createMetricsApp(metrics.registry), env.METRICS_PORT, host);
  const base = publicBaseUrl(env);
  const body = JSON.stringify(EXAMPLE_SCHEDULE);
  console.log(`
market-reports is running at ${base}
  database: ${env.DATABASE_URL ? "Postgres (DATABASE_URL)" : `PGlite in ${env.DATA_DIR}/pglite`}
  queue:    ${env.AMQP_URL ? "RabbitMQ (AMQP_URL)" : "in-process"}
  reports:  ${env.S3_BUCKET ? `S3 bucket ${env.S3_BUCKET}` : `${env.DATA_DIR}/reports`}
  email:    ${env.SMTP_URL ? "SMTP (SMTP_URL)" : `.eml files in ${env.DATA_DIR}/outbox`}

Demo account ${demo.accountId}
API key (development only): ${demo.apiKey}

Open the web app, signed in as the demo account (the key rides in the #fragment, which the
browser never sends to the server; the page trades it for a session cookie and forgets it):
  ${base}/sign-in#key=${demo.apiKey}

Create a schedule:
  curl -s -X POST ${base}/trpc/schedules.create \\
    -H 'Authorization: Bearer ${demo.apiKey}' -H 'Content-Type: application/json' \\
    -d '${body}'
List schedules:
  curl -s -H 'Authorization: Bearer ${demo.apiKey}' '${base}/trpc/schedules.list'
Send one now (use the id from create):
  curl -s -X POST ${base}/trpc/schedules.runNow -H 'Authorization: Bearer ${demo.apiKey}' \\
    -H 'Content-Type: application/json' -d '{"id":"<schedule id>"}'
`);

  await onShutdownSignal(logger, 60_000, async () => {
    shuttingDown = true;
    await ticker.stop();
    await server.close(10_000);
    await metricsServer.close(1_000);
    await worker.stop();
    await queue.close();
    await handle.close();
  });
  return 0;
}
