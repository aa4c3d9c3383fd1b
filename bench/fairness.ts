/**
 * bench:fairness — how long an account with one report due waits behind another account's
 * backlog. Account "big" has D schedules due at the same minute as account "small"'s one (big's
 * were created first); one worker (real: sample market data → figures → HTML → PDF in Chromium →
 * s3rver → SMTP) is consuming when the tick runs.
 *
 *   ours:      seconds from the start of the tick to the small account's email arriving, with
 *              TICK_FAIR_SHARE=10 (claimed in turns across accounts, first jobs in the priority lane).
 *   reference: the same run with TICK_FAIR_SHARE=0 — oldest first into one FIFO queue, as before
 *              fairness: the small report waits for (nearly) all of big's.
 *
 * Each run has its own scratch database and queue prefix; a run ends when the small account's
 * email arrives (big's remaining jobs are deleted with the topology).
 *
 * Usage: npx tsx bench/fairness.ts [--due 5000] [--concurrency 4] [--fair-share 10] [--no-pdf]
 * Prints one JSON line: {"bench":"fairness","unit":"s",...}; vs_reference = ours ÷ reference.
 */
import { performance } from "node:perf_hooks";
import pino from "pino";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/account.repository.js";
import { parseEnv } from "../src/config/env.js";
import { SAMPLE_METROS } from "../src/listings/sample-market.js";
import { findChromium } from "../src/pdf/find-chromium.js";
import { createRabbitQueue } from "../src/queue/rabbitmq-queue.js";
import { createObjectStore } from "../src/storage/select-object-store.js";
import { runTick } from "../src/tick/tick.js";
import { startWorker } from "../src/worker/start-worker.js";
import { startSmtpServer } from "../test/support/smtp-server.js";
import { startS3Server } from "../test/support/s3-server.js";
import { FIXTURE_LINK_SECRET, FIXTURE_SECRET, localServicesEnv } from "../test/support/worker-fixture.js";
import { BENCH_AMQP_URL, createScratchDatabase, deleteScratchTopologies, scratchPrefix } from "./support/tick-fixtures.js";
import { intFlag } from "./support/int-flag.js";

const DUE = intFlag("due", 5_000);
const CONCURRENCY = intFlag("concurrency", 4);
const FAIR_SHARE = intFlag("fair-share", 10);
const WITH_PDF = !process.argv.includes("--no-pdf");
const SMALL_RECIPIENT = "small-account-client@example.com";
const log = (msg: string) => process.stderr.write(`[bench:fairness] ${msg}\n`);
const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

const executablePath = WITH_PDF ? findChromium() : undefined;
if (WITH_PDF && !executablePath) throw new Error("Chromium not found: apt-get install chromium, set CHROMIUM_PATH, or pass --no-pdf");

interface RunResult {
  /** Seconds from the tick's start to the small account's email. */
  seconds: number;
  /** Reports the worker had finished (emails sent) by then, the small one included. */
  reportsBefore: number;
  tickMs: number;
}

async function measure(fairShare: number): Promise<RunResult> {
  const logger = pino({ level: "silent" });
  const scratch = await createScratchDatabase("fairness", 8);
  const s3 = await startS3Server("bench-fairness");
  const smtp = await startSmtpServer();
  const prefix = scratchPrefix("fairness");
  const queue = await createRabbitQueue({ url: BENCH_AMQP_URL, prefix, logger });
  const env = parseEnv({
    DATABASE_URL: scratch.url,
    ...localServicesEnv(s3, smtp),
    UNSUBSCRIBE_SECRET: FIXTURE_SECRET,
    REPORT_LINK_SECRET: FIXTURE_LINK_SECRET,
    LOG_LEVEL: "silent",
    ...(executablePath ? { CHROMIUM_PATH: executablePath } : {}),
  });
  try {
    const db = scratch.handle.db;
    // Both accounts' schedules are due at the minute that has just begun, as at 09:00.
    const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    const metro = SAMPLE_METROS[0]!;
    const { account: big } = await createAccount(db, "Big Brokerage");
    const { account: small } = await createAccount(db, "Small Agent");
    await sql`
      INSERT INTO schedules (account_id, name, report_type, city, zip_codes, cadence, send_hour, send_minute, timezone, recipients, next_run_at)
      SELECT ${big.id}::uuid, 'Big ' || g, 'market_snapshot', ${metro.city}, ARRAY[${metro.zips[g0(0)]!.zip}], 'daily',
             ${slot.getUTCHours()}, ${slot.getUTCMinutes()}, 'UTC', ARRAY['big-client-' || g || '@example.com'], ${slot.toISOString()}::timestamptz
      FROM generate_series(1, ${DUE}) AS g`.execute(db);
    await sql`
      INSERT INTO schedules (account_id, name, report_type, city, zip_codes, cadence, send_hour, send_minute, timezone, recipients, next_run_at)
      VALUES (${small.id}::uuid, 'Small 1', 'market_snapshot', ${metro.city}, ARRAY[${metro.zips[g0(1)]!.zip}], 'daily',
              ${slot.getUTCHours()}, ${slot.getUTCMinutes()}, 'UTC', ARRAY[${SMALL_RECIPIENT}], ${slot.toISOString()}::timestamptz)`.execute(db);
    await sql`VACUUM ANALYZE schedules`.execute(db);

    const worker = await startWorker({
      env,
      db,
      queue,
      store: createObjectStore(env),
      logger,
      concurrency: CONCURRENCY,
      ...(WITH_PDF ? {} : { pdf: null }),
    });
    await worker.pdf?.render("<!doctype html><p>warm</p>");

    const started = performance.now();
    const tick = runTick({ db, queue, logger, now: new Date(), budgetMs: 50_000, fairShare });
    let tickMs = Number.NaN;
    void tick.then(() => (tickMs = performance.now() - started), () => undefined);
    const arrived = () => smtp.received.findIndex((m) => m.to.includes(SMALL_RECIPIENT));
    let lastNote = started;
    while (arrived() < 0) {
      await new Promise((r) => setTimeout(r, 20));
      if (performance.now() - lastNote > 30_000) {
        lastNote = performance.now();
        log(`  … ${((lastNote - started) / 1000).toFixed(0)} s, ${smtp.received.length} reports so far`);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const reportsBefore = arrived() + 1;
    const summary = await tick;
    if (summary.published !== DUE + 1) throw new Error(`the tick published ${summary.published} of ${DUE + 1} jobs`);
    await worker.stop();
    return { seconds, reportsBefore, tickMs };
  } finally {
    await queue.close();
    await deleteScratchTopologies([prefix]).catch(() => undefined);
    await smtp.close();
    await s3.close();
    await scratch.drop();
  }
}

/** Index into the metro's ZIPs, wrapped (the sample market has a handful per metro). */
function g0(i: number): number {
  return i % SAMPLE_METROS[0]!.zips.length;
}

async function main() {
  log(`${DUE} due for one account, 1 for another; one worker, concurrency ${CONCURRENCY}, ${WITH_PDF ? "with" : "without"} PDF`);
  const ours = await measure(FAIR_SHARE);
  log(`fair (TICK_FAIR_SHARE=${FAIR_SHARE}): small account's report after ${ours.seconds.toFixed(2)} s (report ${ours.reportsBefore}; tick took ${ours.tickMs.toFixed(0)} ms)`);
  const reference = await measure(0);
  log(`FIFO (TICK_FAIR_SHARE=0): small account's report after ${reference.seconds.toFixed(2)} s (report ${reference.reportsBefore}; tick took ${reference.tickMs.toFixed(0)} ms)`);
  console.log(
    JSON.stringify({
      bench: "fairness",
      unit: "s",
      ours: round(ours.seconds),
      ceiling: null,
      reference: round(reference.seconds),
      vs_ceiling: null,
      vs_reference: round(ours.seconds / reference.seconds, 4),
      ratio: round(reference.seconds / ours.seconds, 1),
      due: DUE,
      concurrency: CONCURRENCY,
      pdf: WITH_PDF,
      fair_share: FAIR_SHARE,
      ours_reports_before: ours.reportsBefore,
      reference_reports_before: reference.reportsBefore,
      target_seconds: 10,
      target_ratio: 20,
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
