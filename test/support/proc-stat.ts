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
