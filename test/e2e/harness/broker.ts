import { execFile } from "node:child_process";
import { closeSync, openSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import amqp from "amqplib";
import { declareTopology, topologyFor, type Topology } from "../../../src/queue/rabbitmq-topology.js";
import { REPO_ROOT } from "./cli-process.js";

const run = promisify(execFile);

/**
 * Whether every process that touches the broker (tick, worker, api) can be given its own
 * topology through AMQP_PREFIX. The tick reads it; when the worker does not, all of a scenario's
 * processes must share the default names, and scenarios take a machine-wide lock instead.
 */
export function processesHonourAmqpPrefix(): boolean {
  const mentions = (file: string) => {
    try {
      return readFileSync(path.join(REPO_ROOT, file), "utf8").includes("AMQP_PREFIX");
    } catch {
      return false;
    }
  };
  return (
    mentions("src/commands/tick-command.ts") &&
    (mentions("src/commands/worker-command.ts") || mentions("src/queue/select-job-queue.ts") || mentions("src/config/env.ts"))
  );
}

export interface QueueDepths {
  jobs: number;
  retry: Record<string, number>;
  dead: number;
  jobsConsumers: number;
}

export interface DeadLetter {
  runId: string | undefined;
  reason: string | undefined;
}

export interface BrokerHandle {
  topology: Topology;
  /** Deletes and declares the scenario's topology so it starts empty. */
  reset(): Promise<void>;
  depths(): Promise<QueueDepths>;
  /** Reads every dead letter and leaves it in place (unacknowledged reads go back to the queue). */
  deadLetters(): Promise<DeadLetter[]>;
  /**
   * Run ids of messages waiting in the jobs and retry queues, left in place. Only with no consumer
   * running: each read counts as a delivery of the message.
   */
  waitingRunIds(): Promise<string[]>;
  /** Removes the topology (scenario end, isolated prefix only). */
  remove(): Promise<void>;
}

/**
 * The scenario's broker objects. Workers declare retry queues for their WORKER_RETRY_DELAYS_MS,
 * the tick for the default delays: both sets exist side by side, and every one of them is
 * watched, so a retry waiting in either counts as "still queued".
 */
export function brokerHandle(url: string, prefix: string | undefined, retryDelaysMs?: readonly number[]): BrokerHandle {
  const topology = topologyFor(prefix, retryDelaysMs);
  const defaults = topologyFor(prefix);
  const retryQueues = [...new Set([...topology.retry, ...defaults.retry].map((r) => r.queue))];
  const withChannel = async <T>(fn: (channel: amqp.Channel) => Promise<T>): Promise<T> => {
    const connection = await amqp.connect(url, { clientProperties: { connection_name: "market-reports e2e harness" } });
    try {
      const channel = await connection.createChannel();
      channel.on("error", () => undefined);
      return await fn(channel);
    } finally {
      await connection.close().catch(() => undefined);
    }
  };
  // Unacknowledged gets go back to the queue when the connection closes.
  const peek = async (channel: amqp.Channel, queue: string) => {
    const found: amqp.GetMessage[] = [];
    for (;;) {
      const msg = await channel.get(queue, { noAck: false });
      if (msg === false) break;
      found.push(msg);
    }
    return found;
  };
  const allQueues = [topology.jobsQueue, topology.priorityQueue, topology.deadQueue, ...retryQueues];

  return {
    topology,
    async reset() {
      await withChannel(async (channel) => {
        for (const queue of allQueues) await channel.deleteQueue(queue).catch(() => undefined);
      });
      await withChannel(async (channel) => {
        await declareTopology(channel, defaults);
        await declareTopology(channel, topology);
      });
    },
    depths: () =>
      withChannel(async (channel) => {
        const jobs = await channel.checkQueue(topology.jobsQueue);
        const priority = await channel.checkQueue(topology.priorityQueue);
        const dead = await channel.checkQueue(topology.deadQueue);
        const retry: Record<string, number> = {};
        for (const queue of retryQueues) retry[queue] = (await channel.checkQueue(queue)).messageCount;
        // Both job lanes together: a worker consumes each.
        return {
          jobs: jobs.messageCount + priority.messageCount,
          retry,
          dead: dead.messageCount,
          jobsConsumers: Math.min(jobs.consumerCount, priority.consumerCount),
        };
      }),
    deadLetters: () =>
      withChannel(async (channel) =>
        (await peek(channel, topology.deadQueue)).map((m) => ({
          runId: typeof m.properties.messageId === "string" ? m.properties.messageId : undefined,
          reason: typeof m.properties.headers?.["x-mr-dead-reason"] === "string" ? (m.properties.headers["x-mr-dead-reason"] as string) : undefined,
        })),
      ),
    waitingRunIds: () =>
      withChannel(async (channel) => {
        const ids: string[] = [];
        for (const queue of [topology.jobsQueue, topology.priorityQueue, ...retryQueues]) {
          for (const m of await peek(channel, queue)) ids.push(String(m.properties.messageId));
        }
        return ids;
      }),
    remove: () =>
      withChannel(async (channel) => {
        for (const queue of allQueues) await channel.deleteQueue(queue);
        await channel.deleteExchange(topology.exchange);
      }),
  };
}

/**
 * Scenarios on the default topology must not overlap (two suites on this machine would consume
 * each other's jobs). A lock file holding the owner's pid; a dead owner's lock is taken over.
 */
export async function lockDefaultTopology(timeoutMs = 30 * 60_000): Promise<() => void> {
  const file = path.join(os.tmpdir(), "market-reports-e2e-default-topology.lock");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fd = openSync(file, "wx");
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(file, "utf8") === String(process.pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch {
      let owner: number;
      try {
        owner = Number(readFileSync(file, "utf8"));
      } catch {
        continue;
      }
      if (!Number.isInteger(owner) || !isAlive(owner) || owner === process.pid) {
        try {
          unlinkSync(file);
        } catch {
          // someone else took it over first
        }
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another e2e run (pid ${owner}) holds ${file}`);
      await new Promise((r) => setTimeout(r, 1_000));
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Local ports of `pids`' TCP connections to the broker's port, from `ss`. */
async function brokerClientPorts(pids: Set<number>, brokerPort: number): Promise<Set<number>> {
  const { stdout } = await run("ss", ["-tnpH", "state", "established", `( dport = :${brokerPort} )`]);
  const ports = new Set<number>();
  for (const line of stdout.split("\n")) {
    const pid = Number(/pid=(\d+)/.exec(line)?.[1]);
    if (!pids.has(pid)) continue;
    const local = line.trim().split(/\s+/)[2];
    const port = Number(local?.slice(local.lastIndexOf(":") + 1));
    if (Number.isInteger(port)) ports.add(port);
  }
  return ports;
}

export function rabbitmqctlAvailable(): Promise<boolean> {
  return run("rabbitmqctl", ["-q", "status"], { timeout: 30_000 }).then(
    () => true,
    () => false,
  );
}

/**
 * Closes, from the broker's side (`rabbitmqctl close_connection`), every AMQP connection held by
 * these processes, and only those: other suites on this machine keep theirs. Returns how many
 * connections were closed.
 */
export async function closeConnectionsOf(pids: number[], brokerPort = 5672): Promise<number> {
  const ports = await brokerClientPorts(new Set(pids), brokerPort);
  if (ports.size === 0) return 0;
  const { stdout } = await run("rabbitmqctl", ["-q", "list_connections", "pid", "peer_port"], { timeout: 60_000 });
  const targets = stdout
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, port]) => pid?.startsWith("<") && ports.has(Number(port)))
    .map(([pid]) => pid);
  await Promise.all(
    targets.map((pid) => run("rabbitmqctl", ["-q", "close_connection", pid, "e2e: connection cut by the broker"], { timeout: 60_000 })),
  );
  return targets.length;
}
