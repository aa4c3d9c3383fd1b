import { API_SHUTDOWN_GRACE_MS } from "../../src/commands/api-command.js";
import { COMMANDS } from "../../src/commands/cli.js";
import { ENV_KEYS, envSchema } from "../../src/config/env.js";
import { topologyFor } from "../../src/queue/rabbitmq-topology.js";
import { WORKER_HEALTH_ROUTES, WORKER_SHUTDOWN_GRACE_MS } from "../../src/commands/worker-command.js";

/**
 * What the deployment files must agree with, imported from the code itself so that a renamed
 * command, variable, route or queue fails these checks instead of a pod in a cluster.
 */
export const CLI_COMMANDS: readonly string[] = COMMANDS;
export const ENV_NAMES: ReadonlySet<string> = new Set(ENV_KEYS as string[]);

/** The configuration a process gets with nothing set (development defaults). */
export const ENV_DEFAULTS = envSchema.parse({});

/** The RabbitMQ queue the workers consume, as the tick and worker declare it. */
export const REPORT_JOBS_QUEUE = topologyFor().jobsQueue;
export const REPORT_JOBS_PRIORITY_QUEUE = topologyFor().priorityQueue;

/** The longest each long-running process takes to stop after SIGTERM. */
export const SHUTDOWN_GRACE_MS = { api: API_SHUTDOWN_GRACE_MS, worker: WORKER_SHUTDOWN_GRACE_MS };

/** The worker's health server routes (the api's are requested for real by the tests). */
export const WORKER_ROUTES = WORKER_HEALTH_ROUTES;

/**
 * Credentials and keys: they belong in the Secret, never in a ConfigMap or values.yaml defaults.
 * Every name must exist in ENV_KEYS (checked by the tests), so the list cannot drift silently.
 */
export const SECRET_ENV_NAMES = [
  "DATABASE_URL",
  "AMQP_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "SMTP_URL",
  "REPORT_LINK_SECRET",
  "REPORT_LINK_SECRET_PREVIOUS",
  "UNSUBSCRIBE_SECRET",
  "UNSUBSCRIBE_SECRET_PREVIOUS",
  "SIMPLYRETS_USERNAME",
  "SIMPLYRETS_PASSWORD",
  "DKIM_PRIVATE_KEY",
] as const;
