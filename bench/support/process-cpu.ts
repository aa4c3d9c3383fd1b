import { sql, type Kysely } from "kysely";
import type { Database } from "../../src/db/database.js";
import { allProcesses, CLOCK_TICKS_PER_SECOND, isChromiumRenderer, type ProcStat } from "../../test/support/proc-stat.js";

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
  const first = new Map<number, number>();
  const last = new Map<number, { kind: string; ticks: number }>();
  const kindCache = new Map<number, string>();
  const selfStart = process.cpuUsage();
  let backends = new Set<number>();
  let started = false;
  let samplingMicros = 0;

  const sample = async () => {
    const { rows } = await sql<{ pid: number }>`SELECT pid FROM pg_stat_activity WHERE datname = ${options.database}`.execute(options.db).catch(() => ({ rows: [] as { pid: number }[] }));
    if (rows.length) backends = new Set(rows.map((r) => r.pid));
    // From here on synchronous, so this measures the scan alone.
    const before = process.cpuUsage();
    const procs = allProcesses();
    const children = new Map<number, ProcStat[]>();
    for (const p of procs) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
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
    for (const p of procs) {
      const kind = kinds.get(p.pid);
      if (!kind) continue;
      if (!first.has(p.pid)) first.set(p.pid, started ? 0 : p.cpu);
      last.set(p.pid, { kind, ticks: p.cpu });
    }
    const spent = process.cpuUsage(before);
    samplingMicros += spent.user + spent.system;
  };

  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> | undefined;
  const ready = sample().then(() => {
    started = true;
    timer = setInterval(() => {
      sampling ??= sample().finally(() => (sampling = undefined));
    }, options.intervalMs ?? 200);
  });

  return {
    ready,
    async finish(): Promise<PhaseCpu> {
      await ready;
      clearInterval(timer);
      await sampling;
      await sample();
      const self = process.cpuUsage(selfStart);
      const ms: Record<string, number> = { bench_node: (self.user + self.system - samplingMicros) / 1000 };
      for (const [pid, { kind, ticks }] of last) ms[kind] = (ms[kind] ?? 0) + ((ticks - (first.get(pid) ?? 0)) * 1000) / CLOCK_TICKS_PER_SECOND;
      return { ms };
    },
  };
}
