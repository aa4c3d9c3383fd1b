import { createServer } from "node:http";
import { parseCommandArgs } from "./command-args.js";
import { parseEnv, requireSigningSecrets } from "../config/env.js";
import { assertLoginRoleFailsClosed } from "../db/login-role.js";
import { openDatabase } from "../db/open-database.js";
import { onShutdownSignal } from "./shutdown.js";
import { createLogger } from "../log/logger.js";
import { createJobQueue } from "../queue/select-job-queue.js";
import { createObjectStore } from "../storage/select-object-store.js";
import { jobsHeld, startWorker } from "../worker/start-worker.js";

const HELP = `Usage: market-reports worker

Consumes report jobs, printing WORKER_CONCURRENCY (default 4) at once in Chromium and holding
twice as many: listing data → figures → HTML →
PDF (Chromium) → storage → email → final run status. Transient failures retry with backoff up to
WORKER_MAX_ATTEMPTS (default 5), then dead-letter. Serves /healthz and /metrics on
WORKER_HEALTH_PORT (default 9464). SIGTERM: stop taking jobs, finish the ones in hand, exit 0.`;

/** How long SIGTERM waits for jobs in hand. */
const DRAIN_MS = 90_000;
/** When the worker exits at the latest after SIGTERM; the Kubernetes grace period must be longer. */
export const WORKER_SHUTDOWN_GRACE_MS = DRAIN_MS + 10_000;
/** What the health server on WORKER_HEALTH_PORT serves (the probes and the ServiceMonitor ask these). */
export const WORKER_HEALTH_ROUTES = { health: "/healthz", metrics: "/metrics" } as const;

export async function runWorkerCommand(argv: string[]): Promise<number> {
  if (parseCommandArgs(argv, {}).values.help) {
    console.log(HELP);
    return 0;
  }
  const env = parseEnv();
  requireSigningSecrets(env);
  const logger = createLogger(env.LOG_LEVEL, "market-reports-worker");
  // A connection for each job held (each uses one at a time, a message being handed to the relay
  // included), and two to spare: dead-lettered runs marked failed, the check that waits out an outage.
  const handle = await openDatabase(env, logger, { poolSize: jobsHeld(env.WORKER_CONCURRENCY) + 2, applicationName: "market-reports-worker" });
  await assertLoginRoleFailsClosed(handle, logger, env);
  const queue = await createJobQueue(env, logger);
  const store = createObjectStore(env);
  const worker = await startWorker({ env, db: handle.db, queue, store, logger });

  let healthy = true;
  const health = createServer(async (req, res) => {
    if (req.url === WORKER_HEALTH_ROUTES.health) {
      res.writeHead(healthy ? 200 : 503, { "Content-Type": "application/json" }).end(JSON.stringify({ status: healthy ? "ok" : "consumer stopped" }));
    } else if (req.url === WORKER_HEALTH_ROUTES.metrics) {
      res.writeHead(200, { "Content-Type": worker.metrics.registry.contentType }).end(await worker.metrics.registry.metrics());
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => health.listen(env.WORKER_HEALTH_PORT, resolve));

  let exitCode = 0;
  const stopped = onShutdownSignal(logger, WORKER_SHUTDOWN_GRACE_MS, async () => {
    await worker.stop();
  });
  // A consumer that ends on its own (broker connection lost) makes the process exit non-zero,
  // so Kubernetes restarts it instead of leaving an idle pod that looks alive.
  const ended = worker.consumer.ended.then((error) => {
    if (error) {
      healthy = false;
      logger.error({ err: error }, "consumer ended: exiting so the pod restarts");
      exitCode = 1;
    }
  });
  await Promise.race([stopped, ended.then(() => (exitCode ? worker.stop() : stopped))]);
  health.close();
  await queue.close().catch(() => undefined);
  await handle.close();
  return exitCode;
}
