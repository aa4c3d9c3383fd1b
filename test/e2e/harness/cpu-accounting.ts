import { sql, type Kysely } from "kysely";
import type { Database } from "../../../src/db/database.js";
import type { E2eSystem } from "./e2e-system.js";
import { CLOCK_TICKS_PER_SECOND, isChromiumRenderer, readProcStat, startCpuSampler } from "../../support/proc-stat.js";

/**
 * CPU seconds a scenario cost, per kind of process, read from /proc (user + system time): the
 * worker processes, their Chromium (renderers apart from the rest), the api, the ticks, the
 * Postgres backends serving the scenario's database, RabbitMQ, and this process (s3rver, the
 * SMTP server and the harness itself). On a shared machine CPU time is what stays comparable
 * between runs when wall time does not.
 */
export interface CpuBreakdown {
  /** CPU seconds per kind. */
  seconds: Record<CpuKind, number>;
  /** Everything above that belongs to the scenario (RabbitMQ and other Postgres processes are shared with the machine). */
  total: number;
}

export type CpuKind =
  | "worker_node"
  | "chromium_renderers"
  | "chromium_other"
  | "api"
  | "ticks"
  | "postgres_backends"
  | "postgres_shared"
  | "rabbitmq"
  | "harness_s3_smtp";

const KINDS: CpuKind[] = ["worker_node", "chromium_renderers", "chromium_other", "api", "ticks", "postgres_backends", "postgres_shared", "rabbitmq", "harness_s3_smtp"];
const SHARED: CpuKind[] = ["postgres_shared", "rabbitmq"];
async function backendPids(db: Kysely<Database>, database: string): Promise<Set<number>> {
  const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = ${database}`.execute(db);
  return new Set(rows.map((r) => r.pid));
}

/**
 * Starts sampling every `intervalMs`; processes already running count from the first sample.
 * Processes that exit between samples lose at most their last interval; the ticks, which live
 * about a second each, are counted instead from what this process reaped (cutime/cstime) minus
 * the workers (with their Chromium) and the api it reaped too, so ticks also carry those tails.
 */
export function startCpuAccounting(system: E2eSystem, intervalMs = 250) {
  const databaseName = new URL(system.database.url).pathname.slice(1);
  const selfStart = readProcStat("self")!;
  let backends = new Set<number>();

  const sampler = startCpuSampler<CpuKind | "tick">({
    intervalMs,
    async prepare() {
      backends = await backendPids(system.db, databaseName).catch(() => backends);
    },
    classify(procs, byParent) {
      const workerPids = new Set(system.workers.slots.flatMap((s) => s.history.map((h) => h.pid)));
      const tickPids = new Set(system.ticks.launches.map((t) => t.process.pid));
      const kindOf = new Map<number, CpuKind | "tick">();
      for (const p of procs) {
        if (workerPids.has(p.pid)) {
          kindOf.set(p.pid, "worker_node");
          const stack = [...(byParent.get(p.pid) ?? [])];
          while (stack.length) {
            const c = stack.pop()!;
            kindOf.set(c.pid, isChromiumRenderer(c.pid) ? "chromium_renderers" : "chromium_other");
            stack.push(...(byParent.get(c.pid) ?? []));
          }
        } else if (system.api && p.pid === system.api.pid) kindOf.set(p.pid, "api");
        else if (tickPids.has(p.pid)) kindOf.set(p.pid, "tick");
        else if (p.comm === "beam.smp") kindOf.set(p.pid, "rabbitmq");
        else if (p.comm === "postgres" || p.comm.startsWith("postgres")) kindOf.set(p.pid, backends.has(p.pid) ? "postgres_backends" : "postgres_shared");
      }
      return kindOf;
    },
  });

  return {
    ready: sampler.ready,
    /** Call after every process of the scenario has exited. */
    async finish(): Promise<CpuBreakdown> {
      const shares = await sampler.stop({ lastSample: false });
      const seconds = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<CpuKind, number>;
      let sampledChildren = 0;
      for (const { kind, used, total } of shares) {
        if (kind === "tick") continue;
        seconds[kind] += used / CLOCK_TICKS_PER_SECOND;
        // What this process reaps is each child's whole life, startup included.
        if (kind === "worker_node" || kind === "api" || kind.startsWith("chromium")) sampledChildren += total / CLOCK_TICKS_PER_SECOND;
      }
      const self = readProcStat("self")!;
      seconds.harness_s3_smtp = (self.cpu - selfStart.cpu) / CLOCK_TICKS_PER_SECOND;
      const reaped = (self.children - selfStart.children) / CLOCK_TICKS_PER_SECOND;
      seconds.ticks = Math.max(0, reaped - sampledChildren);
      const round = (n: number) => Math.round(n * 100) / 100;
      for (const k of KINDS) seconds[k] = round(seconds[k]);
      const total = round(KINDS.filter((k) => !SHARED.includes(k)).reduce((sum, k) => sum + seconds[k], 0));
      return { seconds, total };
    },
  };
}
