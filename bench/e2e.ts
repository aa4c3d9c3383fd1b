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
import { postgresUp, rabbitUp } from "../test/support/services.js";
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

const { report, dueToInboxMs, system } = await runScenario({
  system: {
    name: `bench e2e ${n}`,
    accounts: Math.min(20, n),
    schedules: n,
    seed: { recipientsPerSchedule: 3, suppressEvery: 0, attachEvery: 0 },
    logLevel: "warn",
  },
  tickIntervalMs: 60_000,
  finalTimeoutMs: 60 * 60_000,
});

const seconds = (dueToInboxMs ?? NaN) / 1000;
const completed = report.statuses.completed ?? 0;
const ticks = system.ticks.launches.length;
console.log(
  `due-to-inbox for ${n} schedules × 3 recipients: ${seconds.toFixed(1)} s; ${completed} reports completed, ${report.received} emails; ` +
    `${ticks} tick processes; violations ${report.violations.length}`,
);
for (const v of report.violations) console.log(`  violation: ${v}`);
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
  }),
);
process.exit(report.violations.length === 0 ? 0 : 1);
