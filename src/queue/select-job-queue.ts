import type { Env } from "../config/env.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue } from "./job-queue.js";

export interface JobQueueChoice {
  /** Topology prefix for RabbitMQ (tests, benchmarks); the default names are the shared ones. */
  prefix?: string;
  connectionName?: string;
}

/**
 * RabbitMQ when AMQP_URL is set, else the embedded in-process queue. Each is imported only when
 * chosen, so a process on the in-process queue never loads amqplib and vice versa.
 */
export async function createJobQueue(
  env: Pick<Env, "AMQP_URL"> & Partial<Pick<Env, "AMQP_PREFIX" | "WORKER_RETRY_DELAYS_MS">>,
  logger: Logger,
  choice: JobQueueChoice = {},
): Promise<JobQueue> {
  if (env.AMQP_URL) {
    const { createRabbitQueue } = await import("./rabbitmq-queue.js");
    return createRabbitQueue({
      url: env.AMQP_URL,
      prefix: choice.prefix ?? env.AMQP_PREFIX,
      retryDelaysMs: env.WORKER_RETRY_DELAYS_MS,
      logger,
      connectionName: choice.connectionName,
    });
  }
  const { createInProcessQueue } = await import("./in-process-queue.js");
  logger.info("AMQP_URL is not set: using the in-process job queue (jobs live in this process only)");
  return createInProcessQueue({ logger, retryDelaysMs: env.WORKER_RETRY_DELAYS_MS });
}
