import path from "node:path";
import { readLog, spawnCli, type CliProcess, type ProcessExit } from "./cli-process.js";

/** The tick's final JSON summary line. */
export interface TickSummaryLine {
  due: number;
  claimed: number;
  published: number;
  republished: number;
  failed: number;
  ms: number;
}

export interface TickLaunch {
  process: CliProcess;
  /** Settles when the tick exits, with its summary line when it printed one. */
  done: Promise<{ exit: ProcessExit; summary: TickSummaryLine | undefined }>;
}

export interface TickLauncher {
  launches: TickLaunch[];
  /** One `tick` process, as `kubectl create job --from=cronjob/...` would start it. */
  launch(options?: { args?: string[]; env?: Record<string, string> }): TickLaunch;
  /**
   * Starts a new tick now and every `intervalMs`, skipping a beat while the cron's previous one
   * still runs (concurrencyPolicy: Forbid). Does nothing when the cron already runs.
   */
  startCron(intervalMs: number): void;
  /** No more cron ticks; waits for the ones running. */
  stopCron(): Promise<void>;
  /** Summaries of every tick that has finished. */
  summaries(): Promise<TickSummaryLine[]>;
}

export function tickLauncher(baseEnv: Record<string, string>, logDir: string): TickLauncher {
  const launches: TickLaunch[] = [];
  let timer: NodeJS.Timeout | undefined;
  let cronRunning: TickLaunch | undefined;

  const launch = (options: { args?: string[]; env?: Record<string, string> } = {}): TickLaunch => {
    const n = launches.length + 1;
    const proc = spawnCli(`tick-${n}`, ["tick", ...(options.args ?? [])], { ...baseEnv, ...options.env }, path.join(logDir, `tick-${String(n).padStart(4, "0")}.log`));
    const t: TickLaunch = {
      process: proc,
      done: proc.exited.then((exit) => ({ exit, summary: summaryOf(readLog(proc)) })),
    };
    launches.push(t);
    return t;
  };

  return {
    launches,
    launch,
    startCron(intervalMs) {
      if (timer) return;
      const fire = () => {
        if (cronRunning) return;
        const t = launch();
        cronRunning = t;
        void t.done.finally(() => {
          if (cronRunning === t) cronRunning = undefined;
        });
      };
      fire();
      timer = setInterval(fire, intervalMs);
    },
    async stopCron() {
      clearInterval(timer);
      timer = undefined;
      await cronRunning?.done;
    },
    async summaries() {
      const done = await Promise.all(launches.filter((l) => l.process.exit).map((l) => l.done));
      return done.flatMap((d) => (d.summary ? [d.summary] : []));
    },
  };
}

function summaryOf(log: string): TickSummaryLine | undefined {
  const lines = log.trim().split("\n").reverse();
  for (const line of lines) {
    if (!line.startsWith("{")) continue;
    try {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      // pino lines carry "level"; the summary line is the bare counts.
      if (!("level" in parsed) && typeof parsed.claimed === "number") return parsed as unknown as TickSummaryLine;
    } catch {
      // a partial line from a killed tick
    }
  }
  return undefined;
}
