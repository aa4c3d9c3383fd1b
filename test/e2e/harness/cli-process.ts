import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root: processes run from here, as the container's working directory would be. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
}

/** One real process of the project (`market-reports <command>`), its output in a log file. */
export interface CliProcess {
  name: string;
  pid: number;
  startedAt: number;
  logFile: string;
  child: ChildProcess;
  /** Settles when the process has exited, however it ended. */
  exited: Promise<ProcessExit>;
  exit: ProcessExit | undefined;
}

/**
 * Starts `node --import tsx src/commands/cli.ts <args>` (tsx as a loader in the same process: no npx
 * wrapper whose pid is not the real one, so kill -9 hits the process that holds the work).
 * stdout and stderr go straight to a file, so a busy process never stalls on a pipe the test
 * process is too busy to read.
 */
export function spawnCli(name: string, args: string[], env: Record<string, string>, logFile: string): CliProcess {
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, ["--import", "tsx", "src/commands/cli.ts", ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  if (child.pid === undefined) throw new Error(`could not start ${name} (${args.join(" ")})`);
  const proc: CliProcess = {
    name,
    pid: child.pid,
    startedAt: Date.now(),
    logFile,
    child,
    exit: undefined,
    exited: new Promise<ProcessExit>((resolve) => {
      child.once("exit", (code, signal) => {
        proc.exit = { code, signal, at: Date.now() };
        resolve(proc.exit);
      });
      child.once("error", () => {
        proc.exit ??= { code: null, signal: null, at: Date.now() };
        resolve(proc.exit);
      });
    }),
  };
  return proc;
}

/** The pids of every process below `pid` (Chromium and its helpers under a worker). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // The command name is in parentheses and may itself contain spaces or parentheses.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ppid = Number(fields[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      found.push(c);
      walk(c);
    }
  };
  walk(pid);
  return found;
}

/**
 * kill -9 of a process and everything it started, the way a pod's containers die together:
 * Chromium runs in its own session, so it would otherwise outlive the worker that launched it.
 */
export function killTree(pid: number, signal: NodeJS.Signals = "SIGKILL"): void {
  const tree = [pid, ...descendantsOf(pid)];
  for (const p of tree) {
    try {
      process.kill(p, signal);
    } catch {
      // already gone
    }
  }
}

/** SIGTERM, then SIGKILL of the whole tree if it has not exited within `graceMs`. */
export async function stopProcess(proc: CliProcess, graceMs = 15_000): Promise<ProcessExit> {
  if (proc.exit) return proc.exit;
  const orphans = descendantsOf(proc.pid);
  try {
    process.kill(proc.pid, "SIGTERM");
  } catch {
    // exited meanwhile
  }
  const timer = setTimeout(() => killTree(proc.pid), graceMs);
  const exit = await proc.exited;
  clearTimeout(timer);
  // A browser the process failed to close must not outlive the test.
  for (const p of orphans) {
    try {
      process.kill(p, "SIGKILL");
    } catch {
      // gone, as it should be
    }
  }
  return exit;
}

export function readLog(proc: CliProcess): string {
  try {
    return readFileSync(proc.logFile, "utf8");
  } catch {
    return "";
  }
}
