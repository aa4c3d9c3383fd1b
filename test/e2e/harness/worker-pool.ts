import path from "node:path";
import { killTree, spawnCli, stopProcess, type CliProcess, type ProcessExit } from "./cli-process.js";

export interface WorkerSlot {
  index: number;
  healthPort: number;
  current: CliProcess;
  /** Every process this slot has had, the current one last. */
  history: CliProcess[];
}

export interface WorkerExit extends ProcessExit {
  slot: number;
  pid: number;
  /** The harness killed it (kill -9) rather than it ending on its own. */
  killed: boolean;
}

export interface WorkerPool {
  slots: WorkerSlot[];
  exits: WorkerExit[];
  pids(): number[];
  /** Resolves once every slot's current process answers /healthz with 200. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  /** kill -9 of one slot's worker (and its Chromium); the pool restarts it. */
  kill(slotIndex: number): number;
  killRandom(): { slot: number; pid: number };
  /** SIGTERM to every worker (they drain), no more restarts. */
  stop(): Promise<void>;
}

/**
 * `worker` processes the way a Deployment keeps them: a slot whose process exits for any reason
 * gets a new one after `restartDelayMs` (Kubernetes' restart, without its growing back-off).
 */
export function startWorkerPool(options: {
  count: number;
  env: Record<string, string>;
  healthPorts: number[];
  logDir: string;
  restartDelayMs?: number;
}): WorkerPool {
  const restartDelayMs = options.restartDelayMs ?? 1_000;
  const exits: WorkerExit[] = [];
  const killed = new Set<number>();
  let stopping = false;
  const slots: WorkerSlot[] = [];

  const launch = (slot: WorkerSlot | undefined, index: number): CliProcess => {
    const generation = slot ? slot.history.length : 0;
    const proc = spawnCli(
      `worker-${index}`,
      ["worker"],
      { ...options.env, WORKER_HEALTH_PORT: String(options.healthPorts[index]) },
      path.join(options.logDir, `worker-${index}.${generation}.log`),
    );
    void proc.exited.then((exit) => {
      exits.push({ ...exit, slot: index, pid: proc.pid, killed: killed.has(proc.pid) });
      if (stopping) return;
      setTimeout(() => {
        if (stopping) return;
        const s = slots[index];
        s.current = launch(s, index);
        s.history.push(s.current);
      }, restartDelayMs);
    });
    return proc;
  };

  for (let i = 0; i < options.count; i++) {
    const proc = launch(undefined, i);
    slots.push({ index: i, healthPort: options.healthPorts[i], current: proc, history: [proc] });
  }

  const kill = (slotIndex: number) => {
    const proc = slots[slotIndex].current;
    killed.add(proc.pid);
    killTree(proc.pid);
    return proc.pid;
  };

  return {
    slots,
    exits,
    pids: () => slots.map((s) => s.current.pid),
    async waitHealthy(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (const slot of slots) {
        for (;;) {
          if (await healthy(slot.healthPort)) break;
          if (Date.now() > deadline) throw new Error(`worker ${slot.index} not healthy after ${timeoutMs} ms; see ${slot.current.logFile}`);
          await new Promise((r) => setTimeout(r, 250));
        }
      }
    },
    kill,
    killRandom() {
      const slot = Math.floor(Math.random() * slots.length);
      return { slot, pid: kill(slot) };
    },
    async stop() {
      stopping = true;
      await Promise.all(slots.map((s) => stopProcess(s.current, 100_000)));
    },
  };
}

async function healthy(port: number): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2_000) });
    return res.status === 200;
  } catch {
    return false;
  }
}
