import { readdirSync, readFileSync } from "node:fs";

/**
 * What /proc says of processes, for the benchmarks' and the e2e harness's CPU accounting: CPU
 * time is what stays comparable between runs on a shared machine when wall time does not.
 */

/** Linux's USER_HZ: the unit of the CPU times in /proc/<pid>/stat. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime of the process itself, in clock ticks. */
  cpu: number;
  /** cutime + cstime: children it has waited for. */
  children: number;
}

export function readProcStat(pid: number | "self"): ProcStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
    // f[0] is field 3 (state), so utime (field 14) and stime (15) are f[11] and f[12].
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { pid: pid === "self" ? process.pid : pid, ppid: Number(f[1]), comm, cpu: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
  } catch {
    return undefined;
  }
}

/** Every process that could be read (one may exit between the listing and the read). */
export function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProcStat(Number(entry));
    if (stat) out.push(stat);
  }
  return out;
}

/** Chromium's renderers say so on their command line; its other processes (browser, GPU, utility) do not. */
export function isChromiumRenderer(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
  } catch {
    return false;
  }
}

/** Each process's children, by parent pid. */
export function childrenByParent(procs: readonly ProcStat[]): Map<number, ProcStat[]> {
  const byParent = new Map<number, ProcStat[]>();
  for (const p of procs) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  return byParent;
}

/** One process's share of a sampled window. */
export interface SampledCpu<K> {
  kind: K;
  /** Clock ticks spent between its first sample (0 if it started after sampling began) and its last. */
  used: number;
  /** Clock ticks of its whole life, as of its last sample. */
  total: number;
}

/**
 * Samples /proc every `intervalMs` and keeps, for every process `classify` gives a kind, its CPU
 * time at its first and last sample: a process running at the first sample counts from there, one
 * started later from zero, and one that exits loses at most its last interval. `prepare` runs
 * before each scan (an awaited lookup, such as a database's backend pids); the scan itself is
 * synchronous, so `scanMicros` is this process's CPU for scanning alone.
 */
export function startCpuSampler<K>(options: {
  intervalMs: number;
  prepare?: () => Promise<void>;
  classify: (procs: readonly ProcStat[], byParent: Map<number, ProcStat[]>) => Map<number, K>;
}) {
  const first = new Map<number, number>();
  const last = new Map<number, { kind: K; cpu: number }>();
  let started = false;
  let scanMicros = 0;

  const sample = async () => {
    await options.prepare?.();
    const before = process.cpuUsage();
    const procs = allProcesses();
    const kinds = options.classify(procs, childrenByParent(procs));
    for (const p of procs) {
      const kind = kinds.get(p.pid);
      if (kind === undefined) continue;
      if (!first.has(p.pid)) first.set(p.pid, started ? 0 : p.cpu);
      last.set(p.pid, { kind, cpu: p.cpu });
    }
    const spent = process.cpuUsage(before);
    scanMicros += spent.user + spent.system;
  };

  let timer: NodeJS.Timeout | undefined;
  let sampling: Promise<void> | undefined;
  const ready = sample().then(() => {
    started = true;
    timer = setInterval(() => {
      sampling ??= sample().finally(() => (sampling = undefined));
    }, options.intervalMs);
  });

  return {
    ready,
    /**
     * Stops, after one last sample unless the window already ended (its processes have exited,
     * and a sample now would only add the machine's shared processes' time since); every
     * classified process's share.
     */
    async stop(options: { lastSample: boolean }): Promise<SampledCpu<K>[]> {
      await ready;
      clearInterval(timer);
      await sampling;
      if (options.lastSample) await sample();
      return [...last].map(([pid, { kind, cpu }]) => ({ kind, used: cpu - (first.get(pid) ?? 0), total: cpu }));
    },
    get scanMicros() {
      return scanMicros;
    },
  };
}
