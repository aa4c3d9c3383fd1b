/**
 * bench:worker — M market snapshots end to end through the real worker (RabbitMQ job → sample
 * market data → figures → HTML → PDF in Chromium → s3rver upload → report row → one email to a
 * local SMTP server → final run status), at the worker's concurrency. In the same run:
 *   ceiling:   bare page.pdf() of the same report HTML on one warm browser, same concurrency;
 *   reference: a browser launched per report (launch, render, close), same concurrency.
 *   npx tsx bench/worker.ts [--m 120] [--concurrency 4]
 */
import pino from "pino";
import puppeteer from "puppeteer-core";
import { randomBytes } from "node:crypto";
import { createAccount } from "../src/accounts/account.repository.js";
import { parseEnv } from "../src/config/env.js";
import { FINAL_RUN_STATUSES } from "../src/db/enums.js";
import { computeMarketFigures } from "../src/figures/market-figures.js";
import { SAMPLE_METROS, createSampleMarketSource } from "../src/listings/sample-market.js";
import { chromiumLaunchOptions } from "../src/pdf/chromium-launch.js";
import { findChromium } from "../src/pdf/find-chromium.js";
import { createRabbitQueue } from "../src/queue/rabbitmq-queue.js";
import { deleteTopology } from "../src/queue/rabbitmq-topology.js";
import { listingQueryFor } from "../src/render/market-report.js";
import { renderReportHtml } from "../src/render/report-html.js";
import { reportPeriod } from "../src/time/report-period.js";
import { jobForRun } from "../src/runs/run-job.js";
import { createObjectStore } from "../src/storage/select-object-store.js";
import { startWorker } from "../src/worker/start-worker.js";
import { startSmtpServer } from "../test/support/smtp-server.js";
import { startS3Server } from "../test/support/s3-server.js";
import { insertQueuedRun } from "../test/support/schedules.js";
import { localServicesEnv } from "../test/support/worker-fixture.js";
import { createTestDatabase } from "../test/support/database.js";
import { AMQP_URL } from "../test/support/services.js";
import { measurePdfCeiling, measureThroughput } from "./pdf-ceiling.js";
import { intFlag } from "./support/int-flag.js";

const M = intFlag("m", 120);
const concurrency = intFlag("concurrency", 4);
const executablePath = findChromium();
if (!executablePath) throw new Error("Chromium not found: apt-get install chromium, or set CHROMIUM_PATH");

const logger = pino({ level: "silent" });
const tdb = await createTestDatabase("mr_bench_worker", 12);
const s3 = await startS3Server("bench-reports");
const smtp = await startSmtpServer();
const prefix = `mr-bench-worker-${randomBytes(3).toString("hex")}`;
const queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger });
const env = parseEnv({
  DATABASE_URL: tdb.url,
  ...localServicesEnv(s3, smtp),
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

  const worker = await startWorker({ env, db, queue, store: createObjectStore(env), logger, concurrency });
  // Warm the browser and the code paths before timing.
  await worker.pdf?.render("<!doctype html><p>warm</p>");
  const started = performance.now();
  const outcome = await queue.publish(runs.map((r) => jobForRun({ ...r, params: r.params as Record<string, unknown> })));
  if (outcome.failed.length) throw new Error(`publish failed for ${outcome.failed.length} jobs`);
  for (;;) {
    const done = await db.selectFrom("schedule_runs").select((eb) => eb.fn.countAll<number>().as("n")).where("status", "in", FINAL_RUN_STATUSES).executeTakeFirstOrThrow();
    if (Number(done.n) >= M) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const seconds = (performance.now() - started) / 1000;
  const statuses = await db.selectFrom("schedule_runs").select(["status"]).execute();
  const completed = statuses.filter((s) => s.status === "completed").length;
  await worker.stop();
  const ours = completed / seconds;

  // The same kind of report HTML for the PDF-only comparisons.
  const metro = SAMPLE_METROS[0]!;
  const zips = metro.zips.slice(0, 2).map((z) => z.zip);
  const period = reportPeriod({ slot: new Date(), lookbackDays: 30, timezone: "America/Los_Angeles" });
  const listings = await createSampleMarketSource().fetchListings(listingQueryFor({ city: metro.city, zips, filters: {} }, period));
  const figures = computeMarketFigures(listings, { period, zips, now: new Date() });
  const html = renderReportHtml({ reportType: "market_snapshot", scheduleName: "Snapshot", city: metro.city, zips, figures, asOf: new Date(), accountName: "Bench Realty", dataSource: "sample", fetched: "Every synthetic listing for the area.", sampleData: true });

  const ceiling = (await measurePdfCeiling({ executablePath, html, concurrency, jobs: M })).pdfsPerSecond;
  const referenceJobs = Math.max(concurrency * 3, Math.round(M / 10));
  const reference = (
    await measureThroughput(
      async () => {
        const browser = await puppeteer.launch(chromiumLaunchOptions(executablePath));
        try {
          const page = await browser.newPage();
          await page.setContent(html, { waitUntil: "load" });
          return await page.pdf({ format: "Letter", printBackground: true, preferCSSPageSize: true });
        } finally {
          await browser.close();
        }
      },
      { concurrency, jobs: referenceJobs, warmup: 1 },
    )
  ).pdfsPerSecond;

  const round = (n: number) => Math.round(n * 100) / 100;
  console.log(`worker: ${completed}/${M} reports completed in ${seconds.toFixed(1)} s; ceiling ${ceiling.toFixed(2)} pdf/s; browser-per-report ${reference.toFixed(2)} pdf/s`);
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
      emails: smtp.received.length,
    }),
  );
} finally {
  await queue.close();
  const amqp = await import("amqplib");
  const conn = await amqp.connect(AMQP_URL);
  const ch = await conn.createChannel();
  await deleteTopology(ch, (await import("../src/queue/rabbitmq-topology.js")).topologyFor(prefix)).catch(() => undefined);
  await conn.close();
  await smtp.close();
  await s3.close();
  await tdb.drop();
}
