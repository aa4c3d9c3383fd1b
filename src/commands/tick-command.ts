import { parseCommandArgs, UsageError } from "./command-args.js";
import { isEntryPoint } from "./entry-point.js";
import { isDatabaseUnreachable } from "../db/database-unreachable.js";
import { ConfigError, parseEnv, poolSettingsFromEnv } from "../config/env.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue } from "../queue/job-queue.js";
import { topologyFor } from "../queue/rabbitmq-topology.js";
import {
  PROBE_SQL,
  TICK_ROLE,
  emptySummary,
  logFinished,
  logFound,
  probeParams,
  type ProbeResult,
  type TickSummary,
} from "../tick/tick-report.js";

/*
 * `market-reports tick`: what the CronJob pod runs each minute. Nothing that renders, stores or
 * sends reports is reachable from here, and the claiming code (with kysely and luxon) is loaded
 * only when something is due: a pod that finds nothing to do pays for pg, amqplib and pino.
 */

export const TICK_USAGE = `Usage: market-reports tick [--dry-run] [--limit N]

One pass, then exit: republish runs an earlier tick left pending, claim the schedules that are due
(oldest first), write one run per schedule, publish one job per run to RabbitMQ with confirms.

Options:
  --dry-run    list what is due and change nothing (needs only DATABASE_URL)
  --limit N    claim at most N schedules; the rest stay due for the next tick
  --help       show this help

Environment: DATABASE_URL and AMQP_URL (required), TICK_BUDGET_SECONDS (default 50: claiming stops
before it; the process never outlives it), AMQP_PREFIX (exchange/queue name prefix, default
market-reports), LOG_LEVEL.
Prints one JSON line at the end: {"due","claimed","published","republished","failed","ms"}.
Exits 0 when done; 1 with one line on stderr when Postgres or RabbitMQ cannot be reached or a
publish fails (the runs stay pending and the next tick publishes them); 2 for bad usage; 3 when
it is still running at TICK_BUDGET_SECONDS (forced exit; nothing is left half-written).`;

export interface TickCommandDeps {
  env?: NodeJS.ProcessEnv;
  /** Topology prefix (tests isolate their queues); default AMQP_PREFIX, else the shared names. */
  queuePrefix?: string;
  logger?: Logger;
  stdout?: (line: string) => void;
  stderr?: (line: string) => void;
  /** Called when the process overruns its budget or lingers after finishing. */
  forceExit?: (code: number) => void;
}

interface TickArgs {
  dryRun: boolean;
  limit?: number;
  help: boolean;
}

function parseTickArgs(argv: string[]): TickArgs {
  const { values } = parseCommandArgs(argv, { "dry-run": { type: "boolean" }, limit: { type: "string" } });
  const args: TickArgs = { dryRun: values["dry-run"] === true, help: values.help === true };
  if (values.limit !== undefined) {
    const n = Number(values.limit);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--limit must be a positive whole number, got "${values.limit}"`);
    args.limit = n;
  }
  return args;
}

export async function runTickCommand(argv: string[], deps: TickCommandDeps = {}): Promise<number> {
  const out = deps.stdout ?? ((line: string) => void process.stdout.write(line + "\n"));
  const err = deps.stderr ?? ((line: string) => void process.stderr.write(line + "\n"));
  const forceExit = deps.forceExit ?? ((code: number) => process.exit(code));

  let args: TickArgs;
  try {
    args = parseTickArgs(argv);
  } catch (e) {
    err(`tick: ${(e as Error).message}. Run "market-reports tick --help" for usage.`);
    return 2;
  }
  if (args.help) {
    out(TICK_USAGE);
    return 0;
  }

  let env;
  let queuePrefix: string | undefined;
  try {
    env = parseEnv(deps.env ?? process.env);
    queuePrefix = deps.queuePrefix ?? env.AMQP_PREFIX;
    if (queuePrefix !== undefined) topologyFor(queuePrefix);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`tick: ${e.problems.join("; ")}`);
      return 1;
    }
    if (e instanceof RangeError) {
      err(`tick: AMQP_PREFIX: ${e.message}`);
      return 1;
    }
    throw e;
  }
  if (!env.DATABASE_URL) {
    err("tick: DATABASE_URL is not set (the embedded database is only reachable from the dev process)");
    return 1;
  }
  if (!env.AMQP_URL && !args.dryRun) {
    err("tick: AMQP_URL is not set (jobs published to an in-process queue would vanish with this process)");
    return 1;
  }

  const budgetMs = env.TICK_BUDGET_SECONDS * 1000;
  // Claiming stops early enough to publish the last batches and close before the hard stop.
  const claimBudgetMs = budgetMs - Math.min(10_000, budgetMs * 0.2);
  const hardStop = setTimeout(() => {
    err(`tick: still running after TICK_BUDGET_SECONDS=${env.TICK_BUDGET_SECONDS}; exiting (unpublished runs stay pending for the next tick)`);
    forceExit(3);
  }, budgetMs);
  hardStop.unref();

  const databaseUrl = env.DATABASE_URL;
  const amqpUrl = env.AMQP_URL;
  const dbTarget = describeUrl(databaseUrl);
  const amqpTarget = amqpUrl ? describeUrl(amqpUrl) : "";
  const started = Date.now();

  // Both handshakes start before the rest of the tick is loaded, and overlap with loading it.
  const probeClient = connectProbeClient(databaseUrl);
  const loggerReady = deps.logger
    ? Promise.resolve(deps.logger)
    : import("../log/logger.js").then(({ createLogger }) => createLogger(env.LOG_LEVEL, "market-reports-tick"));
  const brokerQueue =
    args.dryRun || !amqpUrl
      ? Promise.resolve(undefined)
      : Promise.all([import("../queue/rabbitmq-queue.js"), loggerReady]).then(([{ createRabbitQueue }, log]) =>
          createRabbitQueue({
            url: amqpUrl,
            prefix: queuePrefix,
            logger: log,
            connectionName: "market-reports tick",
            // Nothing to publish, no channel: the common minute opens none.
            declare: "on-first-use",
          }),
        );
  const logger = await loggerReady;

  let client: PgClient | undefined;
  let queue: JobQueue | undefined;
  let handle: { close(): Promise<void> } | undefined;
  let code = 1;
  try {
    const [queueResult, clientResult] = await Promise.allSettled([brokerQueue, probeClient]);
    if (queueResult.status === "fulfilled") queue = queueResult.value;
    if (clientResult.status === "fulfilled") client = clientResult.value;
    if (clientResult.status === "rejected") {
      err(`tick: cannot reach Postgres at ${dbTarget}: ${reasonOf(clientResult.reason)}`);
      return (code = 1);
    }
    if (queueResult.status === "rejected") {
      err(`tick: cannot reach RabbitMQ at ${amqpTarget}: ${reasonOf(queueResult.reason)}`);
      return (code = 1);
    }

    let summary: TickSummary;
    try {
      const { due, stale } = await probeWith(client!, new Date());
      if (due === 0 && !stale) {
        // Most minutes: report and leave without loading kysely and the claiming code.
        logFound(logger, 0);
        summary = emptySummary();
        summary.ms = Date.now() - started;
        logFinished(logger, summary);
      } else {
        const [{ connectDatabase }, { runTick }] = await Promise.all([
          import("../db/connect.js"),
          import("../tick/tick.js"),
        ]);
        const opened = await connectDatabase({ databaseUrl, poolSize: 4, applicationName: "market-reports-tick", ...poolSettingsFromEnv(env) });
        handle = opened;
        // A dry run publishes nothing; the embedded queue stands in so runTick's contract holds.
        queue ??= (await import("../queue/in-process-queue.js")).createInProcessQueue();
        summary = await runTick({
          db: opened.db,
          queue,
          logger,
          budgetMs: claimBudgetMs,
          limit: args.limit,
          dryRun: args.dryRun,
          fairShare: env.TICK_FAIR_SHARE,
        });
      }
    } catch (e) {
      err(`tick: ${isDatabaseUnreachable(e) ? "lost Postgres" : "Postgres error"} at ${dbTarget}: ${reasonOf(e)}`);
      return (code = 1);
    }
    const { due, claimed, published, republished, failed, ms } = summary;
    out(JSON.stringify({ due, claimed, published, republished, failed, ms }));
    if (summary.unpublished > 0) {
      err(
        `tick: ${summary.unpublished} run(s) not published to RabbitMQ at ${amqpTarget} (${summary.publishError}); ` +
          "they stay pending and the next tick publishes them",
      );
      return (code = 1);
    }
    return (code = 0);
  } finally {
    // Whatever failed, nothing is left open: the handshakes that lost the race are closed too.
    const [late, lateClient] = await Promise.allSettled([brokerQueue, probeClient]);
    await Promise.allSettled([
      (queue ?? (late.status === "fulfilled" ? late.value : undefined))?.close(),
      (client ?? (lateClient.status === "fulfilled" ? lateClient.value : undefined))?.end(),
      handle?.close(),
    ]);
    clearTimeout(hardStop);
    // Everything is closed; anything still holding the event loop must not keep the pod alive.
    const linger = setTimeout(() => forceExit(code), 2_000);
    linger.unref();
  }
}

type PgClient = import("pg").Client;

/** A single plain connection for the first look; the claiming path opens its own pool. */
async function connectProbeClient(url: string): Promise<PgClient> {
  const { default: pg } = await import("pg");
  const client = new pg.Client({
    connectionString: url,
    application_name: "market-reports-tick",
    connectionTimeoutMillis: 5_000,
    keepAlive: true,
  });
  // A connection lost while idle must surface through the next query, not crash the process.
  client.on("error", () => undefined);
  await client.connect();
  return client;
}

/** PROBE_SQL as the system role, in one transaction (what withSystem does, without kysely). */
async function probeWith(client: PgClient, now: Date): Promise<ProbeResult> {
  await client.query("BEGIN");
  try {
    await client.query("SELECT set_config('role', $1, true)", [TICK_ROLE]);
    const { rows } = await client.query<ProbeResult>(PROBE_SQL, probeParams(now));
    await client.query("COMMIT");
    return rows[0];
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}

/** host:port/path of a URL, never its credentials. */
function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname.length > 1 ? u.pathname : ""}`;
  } catch {
    return "(unparseable URL)";
  }
}

function reasonOf(e: unknown): string {
  if (e instanceof AggregateError && e.errors.length > 0) return reasonOf(e.errors[0]);
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  const text = message || (typeof code === "string" ? code : "unknown error");
  return text.replace(/\s+/g, " ").trim();
}


// Runnable on its own (node dist/commands/tick-command.js) besides `market-reports tick`.
if (isEntryPoint(import.meta.url)) {
  runTickCommand(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tick: ${reasonOf(e)}\n`);
      process.exitCode = 1;
    },
  );
}
