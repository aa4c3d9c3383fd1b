import { apiLimitsFromEnv, requireSigningSecrets, type Env } from "../config/env.js";
import { assertLoginRoleFailsClosed } from "../db/login-role.js";
import { openDatabase } from "../db/open-database.js";
import { onShutdownSignal } from "./shutdown.js";
import { createLogger } from "../log/logger.js";
import { reconnectingPublisher } from "../queue/reconnecting-publisher.js";
import { createJobQueue } from "../queue/select-job-queue.js";
import { createObjectStore } from "../storage/select-object-store.js";
import { createApiApp, listen } from "../api/server.js";
import { createApiMetrics } from "../metrics/api-metrics.js";
import { createMetricsApp } from "../metrics/metrics-app.js";

/** How long SIGTERM may take (drain included); the Kubernetes grace period must be longer. */
export const API_SHUTDOWN_GRACE_MS = 25_000;

export async function runApiCommand(env: Env): Promise<number> {
  requireSigningSecrets(env);
  const logger = createLogger(env.LOG_LEVEL, "market-reports-api");
  const handle = await openDatabase(env, logger, { poolSize: 20, applicationName: "market-reports-api" });
  await assertLoginRoleFailsClosed(handle, logger, env);
  // The api only publishes (runNow, sendTest): reconnect after the broker drops the connection.
  const queue = env.AMQP_URL ? reconnectingPublisher(() => createJobQueue(env, logger)) : await createJobQueue(env, logger);
  const store = createObjectStore(env);
  let shuttingDown = false;
  const metrics = createApiMetrics();
  const app = createApiApp({ env, db: handle.db, logger, queue, store, isShuttingDown: () => shuttingDown }, { poolHealth: handle.health, metrics, limits: apiLimitsFromEnv(env) });
  const host = env.HOST ?? "0.0.0.0";
  const server = await listen(app, env.PORT, host);
  const metricsServer = await listen(createMetricsApp(metrics.registry), env.METRICS_PORT, host);
  logger.info({ host, port: env.PORT, metricsPort: env.METRICS_PORT }, "api listening");
  await onShutdownSignal(logger, API_SHUTDOWN_GRACE_MS, async () => {
    shuttingDown = true;
    await server.close(20_000);
    await metricsServer.close(1_000);
    await queue.close();
    await handle.close();
  });
  return 0;
}
