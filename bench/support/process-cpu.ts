import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/db/database.js";
import { CLOCK_TICKS_PER_SECOND, isChromiumRenderer, startCpuSampler } from "../../test/support/proc-stat.js";

/**
 * CPU time of one phase of a benchmark, per kind of process, from /proc (user + system): this
 * process, the processes it started (Chromium's renderers apart from the rest of Chromium, and
 * any `named` child such as the stand-in S3 and SMTP servers), and the Postgres backends serving
 * `database`. Sampled every `intervalMs`, so a process that exits loses at most its last
 * interval. The sampling's own CPU is left out of this process's figure. On a shared machine CPU
 * time stays comparable between runs when wall time does not.
 */
export interface PhaseCpu {
  /** CPU milliseconds per kind. */
  ms: Record<string, number>;
}

export function startPhaseCpu(options: { db: Kysely<Database>; database: string; named?: Record<string, number>; intervalMs?: number }) {
  const named = new Map(Object.entries(options.named ?? {}).map(([kind, pid]) => [pid, kind]));
  const kindCache = new Map<number, string>();
  const selfStart = process.cpuUsage();
  let backends = new Set<number>();

  const sampler = startCpuSampler<string>({
    intervalMs: options.intervalMs ?? 200,
    async prepare() {
      const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = ${options.database}`.execute(options.db).catch(() => ({ rows: [] as { pid: number }[] }));
      if (rows.length) backends = new Set(rows.map((r) => r.pid));
    },
    classify(procs, children) {
      const kinds = new Map<number, string>();
      const stack = [...(children.get(process.pid) ?? [])];
      while (stack.length) {
        const p = stack.pop()!;
        let kind = named.get(p.pid) ?? kindCache.get(p.pid);
        if (!kind) {
          kind = isChromiumRenderer(p.pid) ? "chromium_renderers" : "chromium_other";
          kindCache.set(p.pid, kind);
        }
        kinds.set(p.pid, kind);
        // A named child's own children count with it.
        for (const c of children.get(p.pid) ?? []) {
          if (named.has(p.pid)) named.set(c.pid, named.get(p.pid)!);
          stack.push(c);
        }
      }
      for (const p of procs) if (backends.has(p.pid) && p.comm.startsWith("postgres")) kinds.set(p.pid, "postgres_backends");
      return kinds;
    },
  });

  return {
    ready: sampler.ready,
    async finish(): Promise<PhaseCpu> {
      const shares = await sampler.stop({ lastSample: true });
      const self = process.cpuUsage(selfStart);
      const ms: Record<string, number> = { bench_node: (self.user + self.system - sampler.scanMicros) / 1000 };
      for (const { kind, used } of shares) ms[kind] = (ms[kind] ?? 0) + (used * 1000) / CLOCK_TICKS_PER_SECOND;
      return { ms };
    },
  };
}
