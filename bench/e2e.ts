/**
 * Due-to-inbox time: N schedules due at once (default 1,000; 3 recipients each, sample market,
 * PDFs), two real `worker` processes (WORKER_CONCURRENCY 4), a `tick` process started every
 * minute like the CronJob, real Postgres and RabbitMQ, s3rver and an SMTP server in this process.
 * Measures from the first tick's start until the SMTP server accepts the last email, and checks
 * that nothing was lost or doubled (the same invariants as the e2e suite).
 *
 *   npx tsx bench/e2e.ts [--n 1000]
 *
 * There is no reference or ceiling for this one: the target is ≤ 150 s for 1,000 with zero
 * duplicates and zero lost.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { postgresUp, rabbitUp } from "../test/support/services.js";
import { startCpuAccounting, type CpuBreakdown } from "../test/e2e/harness/cpu-accounting.js";
import { chromiumAvailable } from "../test/e2e/harness/fault-drivers.js";
import { runScenario } from "../test/e2e/harness/run-scenario.js";

function parseN(argv: string[]): number {
  const i = argv.findIndex((a) => a === "--n" || a.startsWith("--n="));
  if (i < 0) return 1_000;
  const raw = argv[i].includes("=") ? argv[i].slice(4) : argv[i + 1];
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--n must be a positive whole number of schedules, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}

const n = parseN(process.argv.slice(2));
if (!((await postgresUp()) && (await rabbitUp()) && chromiumAvailable())) {
  console.error("bench:e2e needs Postgres, RabbitMQ and Chromium (see above)");
  process.exit(1);
}

/** Mean milliseconds per finished run for each stage, from the workers' "run finished" log lines. */
function stageMeans(logDir: string): { runs: number; ms: Record<string, number> } {
  const sums: Record<string, number> = {};
  let runs = 0;
  for (const file of readdirSync(logDir).filter((f) => f.startsWith("worker-"))) {
    for (const line of readFileSync(path.join(logDir, file), "utf8").split("\n")) {
      if (!line.includes('"run finished"')) continue;
      try {
        const entry = JSON.parse(line) as { ms?: { stages: Record<string, number>; db: number; total: number } };
        if (!entry.ms) continue;
        runs++;
        for (const [stage, ms] of Object.entries(entry.ms.stages)) sums[stage] = (sums[stage] ?? 0) + ms;
        sums.db_total = (sums.db_total ?? 0) + entry.ms.db;
        sums.job_total = (sums.job_total ?? 0) + entry.ms.total;
      } catch {
        // a line cut short by a kill
      }
    }
  }
  return { runs, ms: Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, Math.round((v / Math.max(1, runs)) * 10) / 10])) };
}

let cpu: ReturnType<typeof startCpuAccounting> | undefined;
const { report, dueToInboxMs, system } = await runScenario({
  system: {
    name: `bench e2e ${n}`,
    accounts: Math.min(20, n),
    schedules: n,
    seed: { recipientsPerSchedule: 3, suppressEvery: 0, attachEvery: 0 },
    // info: the workers' "run finished" lines carry each job's stage timings.
    logLevel: "info",
  },
  // The accounting starts before the first tick, so every tick is counted.
  cronFirst: false,
  during: async (s) => {
    cpu = startCpuAccounting(s);
    await cpu.ready;
  },
  tickIntervalMs: 60_000,
  finalTimeoutMs: 60 * 60_000,
});
const breakdown: CpuBreakdown = await cpu!.finish();
const stages = stageMeans(system.logDir);

const seconds = (dueToInboxMs ?? NaN) / 1000;
const completed = report.statuses.completed ?? 0;
const ticks = system.ticks.launches.length;
console.log(
  `due-to-inbox for ${n} schedules × 3 recipients: ${seconds.toFixed(1)} s; ${completed} reports completed, ${report.received} emails; ` +
    `${ticks} tick processes; violations ${report.violations.length}`,
);
for (const v of report.violations) console.log(`  violation: ${v}`);
const perReport = (seconds: number) => Math.round((seconds * 1000) / Math.max(1, completed));
console.log(`CPU seconds by process kind (${breakdown.total} s for the scenario; RabbitMQ and the other Postgres processes are shared with the machine):`);
for (const [kind, s] of Object.entries(breakdown.seconds)) console.log(`  ${kind.padEnd(20)} ${String(s).padStart(8)} s  ${String(perReport(s)).padStart(5)} CPU-ms/report`);
console.log(`wall ms per report by stage (mean of ${stages.runs} runs): ${JSON.stringify(stages.ms)}`);
const cpuMsPerReport = perReport(breakdown.total + breakdown.seconds.rabbitmq);
// The machine has 2 cores: if nothing else ran, the scenario could not take less than this.
const cpuFloorSeconds = (cpuMsPerReport * n) / 1000 / 2;
console.log(`CPU floor on 2 cores: ${cpuMsPerReport} CPU-ms/report × ${n} ÷ 2 = ${cpuFloorSeconds.toFixed(1)} s; measured ${seconds.toFixed(1)} s (${(seconds / cpuFloorSeconds).toFixed(2)}×)`);
console.log(
  JSON.stringify({
    bench: "e2e",
    unit: "s",
    ours: Number(seconds.toFixed(2)),
    ceiling: null,
    reference: null,
    vs_ceiling: null,
    vs_reference: null,
    reports_per_s: Number((completed / seconds).toFixed(2)),
    emails_per_s: Number((report.received / seconds).toFixed(2)),
    duplicates: report.duplicates,
    lost: report.lost,
    schedules: n,
    cpu_ms_per_report: cpuMsPerReport,
    cpu_floor_s: Number(cpuFloorSeconds.toFixed(1)),
    vs_cpu_floor: Number((seconds / cpuFloorSeconds).toFixed(2)),
    cpu_s: breakdown.seconds,
    stage_ms: stages.ms,
  }),
);
process.exit(report.violations.length === 0 ? 0 : 1);
