/**
 * bench:worker — M market snapshots end to end through the real worker (RabbitMQ job → sample
 * market data → figures → HTML → PDF in Chromium → s3rver upload → report row → one email to a
 * local SMTP server → final run status), at the worker's concurrency. In the same run:
 *   ceiling:   bare page.pdf() of the same report HTML on one warm browser, same concurrency;
 *   reference: a browser launched per report (launch, render, close), same concurrency.
 * CPU time of the worker phase is reported per report and per kind of process. The stand-in S3
 * and SMTP servers run in a child process of their own (`--servers inline` puts them back in this
 * process, on the worker's event loop).
 * `--service-latency-ms N` makes the stand-ins answer each upload and each email N ms late, as
 * services across a network do (with the servers in their own process).
 *   npx tsx bench/worker.ts [--m 120] [--concurrency 4] [--servers child|inline] [--service-latency-ms 0]
 */
import pino from "pino";
import puppeteer from "puppeteer-core";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import os from "node:os";
import { createInterface } from "node:readline";
import { createAccount } from "../src/accounts/account.repository.js";
import { parseEnv } from "../src/config/env.js";
import { FINAL_RUN_STATUSES } from "../src/db/enums.js";
import { SAMPLE_METROS } from "../src/listings/sample-market.js";
import { chromiumLaunchOptions } from "../src/pdf/chromium-launch.js";
import { findChromium } from "../src/pdf/find-chromium.js";
import { createRabbitQueue } from "../src/queue/rabbitmq-queue.js";
import { deleteTopology } from "../src/queue/rabbitmq-topology.js";
import { jobForRun } from "../src/runs/run-job.js";
import { createObjectStore } from "../src/storage/select-object-store.js";
import { createBrowserPdfRenderer, type PdfRenderer } from "../src/pdf/pdf-renderer.js";
import { startWorker } from "../src/worker/start-worker.js";
import type { WorkerMetrics } from "../src/worker/worker-metrics.js";
import { startSmtpServer } from "../test/support/smtp-server.js";
import { startS3Server } from "../test/support/s3-server.js";
import { insertQueuedRun } from "../test/support/schedules.js";
import { localServicesEnv } from "../test/support/worker-fixture.js";
import { createTestDatabase } from "../test/support/database.js";
import { AMQP_URL } from "../test/support/services.js";
import { htmlOfJob, measurePdfCeiling, measureThroughput } from "./pdf-ceiling.js";
import { intFlag } from "./support/int-flag.js";
import { startPhaseCpu } from "./support/process-cpu.js";

const M = intFlag("m", 120);
const concurrency = intFlag("concurrency", 4);
const serviceLatencyMs = intFlag("service-latency-ms", 0, 0);
const executablePath = findChromium();
if (!executablePath) throw new Error("Chromium not found: apt-get install chromium, or set CHROMIUM_PATH");

const logger = pino({ level: "silent" });
const tdb = await createTestDatabase("mr_bench_worker", 12);
const serversFlag = process.argv.includes("--servers") ? process.argv[process.argv.indexOf("--servers") + 1] : "child";
if (serversFlag !== "child" && serversFlag !== "inline") throw new Error(`--servers must be child or inline, got ${JSON.stringify(serversFlag)}`);
const serversInline = serversFlag === "inline";
if (serversInline && serviceLatencyMs) throw new Error("--service-latency-ms needs the servers in their own process (--servers child)");
const servers = serversInline ? await inlineServers() : await childServers();
const prefix = `mr-bench-worker-${randomBytes(3).toString("hex")}`;
const queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger });
const env = parseEnv({
  DATABASE_URL: tdb.url,
  ...localServicesEnv(servers, servers),
  UNSUBSCRIBE_SECRET: "bench-unsubscribe-secret-0123456789abcdef",
  REPORT_LINK_SECRET: "bench-report-link-secret-0123456789abcdef",
  LOG_LEVEL: "silent",
  CHROMIUM_PATH: executablePath,
});

try {
  const db = tdb.handle.db;
  const { account } = await createAccount(db, "Bench Realty");
  // A realistic spread of areas: each schedule one metro and two or three of its ZIPs.
  const runs = [];
  for (let i = 0; i < M; i++) {
    const metro = SAMPLE_METROS[i % SAMPLE_METROS.length]!;
    const zips = metro.zips.slice(i % 4, (i % 4) + 2 + (i % 2)).map((z) => z.zip);
    runs.push(await insertQueuedRun(db, account.id, { name: `Snapshot ${i}`, city: metro.city, zip_codes: zips, recipients: [`client${i}@example.com`] }));
  }

  // The worker's own renderer, as startWorker would make it, noting each report it prints: the
  // comparisons below print the very same ones.
  const printed: string[] = [];
  const renderer = createBrowserPdfRenderer({ executablePath, logger, concurrency });
  const pdf: PdfRenderer = {
    render(html, options) {
      printed.push(html);
      return renderer.render(html, options);
    },
    close: () => renderer.close(),
    get restarts() {
      return renderer.restarts;
    },
  };
  const worker = await startWorker({ env, db, queue, store: createObjectStore(env), logger, concurrency, pdf });
  // Warm the browser and the code paths before timing.
  await renderer.render("<!doctype html><p>warm</p>");
  const cpu = startPhaseCpu({ db, database: new URL(tdb.url).pathname.slice(1), named: servers.pid ? { test_s3_smtp: servers.pid } : {} });
  await cpu.ready;
  const started = performance.now();
  // On the same clock as a --cpu-prof profile's timestamps, to cut the worker phase out of it.
  const phaseStartUs = process.hrtime.bigint() / 1000n;
  const outcome = await queue.publish(runs.map((r) => jobForRun({ ...r, params: r.params as Record<string, unknown> })));
  if (outcome.failed.length) throw new Error(`publish failed for ${outcome.failed.length} jobs`);
  for (;;) {
    const done = await db.selectFrom("schedule_runs").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "in", FINAL_RUN_STATUSES).executeTakeFirstOrThrow();
    if (Number(done.n) >= M) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const phaseEndUs = process.hrtime.bigint() / 1000n;
  const phaseCpu = await cpu.finish();
  const statuses = await db.selectFrom("schedule_runs").select(["status"]).execute();
  const completed = statuses.filter((s) => s.status === "completed").length;
  const stageMs = await stageMsPerReport(worker.metrics, M);
  await worker.stop();
  const ours = completed / seconds;

  // The comparisons print the very reports the worker printed (`printed`): each run's own area,
  // two or three ZIPs, not one report over and over.
  const ceilingCpu = startPhaseCpu({ db, database: "-" });
  await ceilingCpu.ready;
  const ceiling = (await measurePdfCeiling({ executablePath, html: printed, concurrency, jobs: M })).pdfsPerSecond;
  // Its warm-up PDFs (twice the concurrency) and the browser's launch count too.
  const ceilingPdfs = M + concurrency * 2;
  const ceilingCpuPerPdf = Object.fromEntries(Object.entries((await ceilingCpu.finish()).ms).map(([kind, ms]) => [kind, Math.round((ms / ceilingPdfs) * 10) / 10]));
  const referenceJobs = Math.max(concurrency * 3, Math.round(M / 10));
  const reference = (
    await measureThroughput(
      async (index) => {
        const browser = await puppeteer.launch(chromiumLaunchOptions(executablePath));
        try {
          const page = await browser.newPage();
          await page.setContent(htmlOfJob(printed, index), { waitUntil: "load" });
          return await page.pdf({ format: "Letter", printBackground: true, preferCSSPageSize: true });
        } finally {
          await browser.close();
        }
      },
      { concurrency, jobs: referenceJobs, warmup: 1 },
    )
  ).pdfsPerSecond;

  const round = (n: number) => Math.round(n * 100) / 100;
  const emails = await servers.emails();
  const cpuPerReport = Object.fromEntries(Object.entries(phaseCpu.ms).map(([kind, ms]) => [kind, Math.round((ms / M) * 10) / 10]));
  const cpuTotal = Math.round(Object.values(cpuPerReport).reduce((a, b) => a + b, 0));
  console.log(`worker: ${completed}/${M} reports completed in ${seconds.toFixed(1)} s; ceiling ${ceiling.toFixed(2)} pdf/s; browser-per-report ${reference.toFixed(2)} pdf/s`);
  console.log(`worker phase, CPU-ms per report (S3 and SMTP servers ${serversInline ? "inside bench_node" : "in their own process"}): ${JSON.stringify(cpuPerReport)}, total ${cpuTotal}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log(`worker phase, wall ms per report by stage (summed over the jobs in flight at once): ${JSON.stringify(stageMs)}`);
  console.log(`ceiling phase, CPU-ms per PDF (launch and warm-up included): ${JSON.stringify(ceilingCpuPerPdf)}`);
  console.log(`worker phase on the monotonic clock (µs): ${phaseStartUs}–${phaseEndUs}`);
  console.log(
    JSON.stringify({
      bench: "worker",
      unit: "reports/s",
      ours: round(ours),
      ceiling: round(ceiling),
      reference: round(reference),
      vs_ceiling: round(ours / ceiling),
      vs_reference: round(ours / reference),
      reports: M,
      completed,
      seconds: round(seconds),
      concurrency,
      service_latency_ms: serviceLatencyMs,
      emails,
      servers: serversInline ? "inline" : "child",
      cpu_ms_per_report: cpuPerReport,
      ceiling_cpu_ms_per_pdf: ceilingCpuPerPdf,
    }),
  );
} finally {
  await queue.close();
  const amqp = await import("amqplib");
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  await deleteTopology(ch, (await import("../src/queue/rabbitmq-topology.js")).topologyFor(prefix)).catch(() => undefined);
  await conn.close();
  await servers.close();
  await tdb.drop();
}

/** The worker's own stage histograms (job-timings.ts): wall milliseconds per report in each stage. */
async function stageMsPerReport(metrics: WorkerMetrics, reports: number): Promise<Record<string, number>> {
  const { values } = await metrics.stageDuration.get();
  return Object.fromEntries(
    values.filter((v) => v.metricName?.endsWith("_sum")).map((v) => [String(v.labels.stage), Math.round((v.value * 1000 * 10) / reports) / 10]),
  );
}

interface StandInServers {
  endpoint: string;
  bucket: string;
  url: string;
  /** The servers' own process, when they run in one. */
  pid?: number;
  emails(): Promise<number>;
  close(): Promise<void>;
}

async function inlineServers(): Promise<StandInServers> {
  const s3 = await startS3Server("bench-reports");
  const smtp = await startSmtpServer();
  return {
    endpoint: s3.endpoint,
    bucket: s3.bucket,
    url: smtp.url,
    emails: () => Promise.resolve(smtp.received.length),
    close: async () => {
      await smtp.close();
      await s3.close();
    },
  };
}

async function childServers(): Promise<StandInServers> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/support/test-servers-process.ts", "bench-reports", String(serviceLatencyMs)], { stdio: ["pipe", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error("the S3 and SMTP server process exited");
    return JSON.parse(line.value) as Record<string, unknown>;
  };
  const where = (await next()) as { endpoint: string; bucket: string; url: string };
  return {
    ...where,
    pid: child.pid,
    async emails() {
      child.stdin.write("count\n");
      return (await next()).emails as number;
    },
    async close() {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.stdin.end();
      await exited;
    },
  };
}
