/**
 * bench:tick — how fast one tick drains a large backlog of due schedules.
 *
 *   ours:      one runTick over N due schedules (default 100,000; --n), mixed cadences and zones:
 *              claim in batches, write runs, publish with pipelined confirms, mark queued.
 *   ceiling:   the broker alone: the same N messages, pre-serialized, published with confirms to a
 *              scratch quorum queue declared like ours — no database, no validation.
 *   reference: the seed's design on a subset (--reference-n, default 2,000): one transaction and one
 *              confirmed publish per schedule, no cap.
 *
 * Usage: npx tsx bench/tick.ts [--n 100000] [--reference-n 2000] [--batch 2000] [--fair-share 10]
 * Prints one JSON line: {"bench":"tick","unit":"schedules/s",...}.
 */
import { performance } from "node:perf_hooks";
import amqp from "amqplib";
import { sql } from "kysely";
import { createLogger } from "../src/log/logger.js";
import { createRabbitQueue } from "../src/queue/rabbitmq-queue.js";
import { withSystem } from "../src/db/tenant.js";
import { jobForRun, scheduleParams, type RunToPublish } from "../src/runs/run-job.js";
import { DEFAULT_FAIR_SHARE, runTick } from "../src/tick/tick.js";
import { nextRunAt } from "../src/time/next-run-at.js";
import {
  BENCH_AMQP_URL,
  createScratchDatabase,
  deleteScratchTopologies,
  scratchPrefix,
} from "./support/tick-fixtures.js";
import { insertAccounts, insertDueSchedules } from "../test/support/schedules.js";
import { intFlag } from "./support/int-flag.js";

const N = intFlag("n", 100_000);
const REFERENCE_N = intFlag("reference-n", 2_000);
const BATCH = intFlag("batch", 2_000);
/** TICK_FAIR_SHARE for ours; 0 measures the tick without fairness between accounts. */
const FAIR_SHARE = intFlag("fair-share", DEFAULT_FAIR_SHARE, 0);
const log = (msg: string) => process.stderr.write(`[bench:tick] ${msg}\n`);
const round = (x: number, d = 0) => Math.round(x * 10 ** d) / 10 ** d;

async function countMessages(queueName: string): Promise<number> {
  const connection = await amqp.connect(BENCH_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(queueName)).messageCount;
  } finally {
    await connection.close();
  }
}

async function main() {
  const scratch = await createScratchDatabase("tick", 4);
  const prefixes: string[] = [];
  const logger = createLogger("silent");
  try {
    const db = scratch.handle.db;
    const now = new Date();
    log(`inserting ${N} due schedules…`);
    const accounts = await insertAccounts(db, 500);
    await insertDueSchedules(db, accounts, N, now);
    await sql`VACUUM ANALYZE schedules`.execute(db);

    // ours
    const oursPrefix = scratchPrefix("ours");
    prefixes.push(oursPrefix);
    const queue = await createRabbitQueue({ url: BENCH_AMQP_URL, prefix: oursPrefix });
    log("ours: one runTick…");
    const t0 = performance.now();
    const summary = await runTick({ db, queue, logger, now, budgetMs: 600_000, batchSize: BATCH, fairShare: FAIR_SHARE });
    const oursMs = performance.now() - t0;
    await queue.close();
    // Both lanes: each account's fair share (TICK_FAIR_SHARE) is in the priority one.
    const onQueue = (await countMessages(`${oursPrefix}.report-jobs`)) + (await countMessages(`${oursPrefix}.report-jobs.priority`));
    if (onQueue !== N) throw new Error(`ours: the queue holds ${onQueue} messages, expected ${N}`);
    if (summary.claimed !== N || summary.published !== N || summary.unpublished !== 0) {
      throw new Error(`tick did not drain the backlog: ${JSON.stringify(summary)}`);
    }
    const ours = N / (oursMs / 1000);
    log(`ours: ${N} in ${round(oursMs)} ms = ${round(ours)} schedules/s`);

    // ceiling: the same messages, straight to the broker
    const runs = await withSystem(db, async (trx) => {
      const { rows } = await sql<RunToPublish>`
        SELECT id, account_id, schedule_id, scheduled_for, kind, params FROM schedule_runs`.execute(trx);
      return rows;
    });
    const bodies = runs.map((r) => Buffer.from(JSON.stringify(jobForRun(r))));
    const ids = runs.map((r) => r.id);
    await deleteScratchTopologies(prefixes.splice(0)); // free the broker of ours' 100k messages
    const ceilingPrefix = scratchPrefix("ceiling");
    prefixes.push(ceilingPrefix);
    const declared = await createRabbitQueue({ url: BENCH_AMQP_URL, prefix: ceilingPrefix });
    const topology = declared.topology;
    await declared.close();
    log("ceiling: raw confirmed publishes…");
    const connection = await amqp.connect(BENCH_AMQP_URL);
    const channel = await connection.createConfirmChannel();
    const t1 = performance.now();
    for (let i = 0; i < bodies.length; i++) {
      const writable = channel.publish(topology.exchange, topology.jobsKey, bodies[i], {
        persistent: true,
        mandatory: true,
        messageId: ids[i],
        contentType: "application/json",
      });
      if (!writable) await new Promise((r) => channel.once("drain", r));
    }
    await channel.waitForConfirms();
    const ceilingMs = performance.now() - t1;
    const queued = (await channel.checkQueue(topology.jobsQueue)).messageCount;
    await connection.close();
    if (queued !== N) throw new Error(`ceiling queue holds ${queued} messages, expected ${N}`);
    const ceiling = N / (ceilingMs / 1000);
    log(`ceiling: ${N} in ${round(ceilingMs)} ms = ${round(ceiling)} messages/s`);
    await deleteScratchTopologies(prefixes.splice(0));

    // reference: the seed's loop, one schedule at a time
    await insertDueSchedules(db, accounts, REFERENCE_N, new Date());
    await sql`VACUUM ANALYZE schedules`.execute(db);
    const refPrefix = scratchPrefix("ref");
    prefixes.push(refPrefix);
    const refQueue = await createRabbitQueue({ url: BENCH_AMQP_URL, prefix: refPrefix });
    log(`reference: ${REFERENCE_N} schedules, one transaction + one confirmed publish each…`);
    const refNow = new Date();
    const t2 = performance.now();
    const due = await withSystem(db, async (trx) => {
      const { rows } = await sql<{ id: string }>`
        SELECT id FROM schedules WHERE active AND next_run_at <= ${refNow.toISOString()}::timestamptz ORDER BY next_run_at`.execute(trx);
      return rows;
    });
    for (const { id } of due) {
      await withSystem(db, async (trx) => {
        const row = await trx.selectFrom("schedules").selectAll().where("id", "=", id).forUpdate().executeTakeFirstOrThrow();
        const slot = row.next_run_at!;
        const next = nextRunAt(row, slot > refNow ? slot : refNow);
        const params = scheduleParams(row);
        const run = await trx
          .insertInto("schedule_runs")
          .values({ account_id: row.account_id, schedule_id: row.id, scheduled_for: slot, params: JSON.stringify(params), status: "queued", queued_at: new Date() })
          .returning("id")
          .executeTakeFirstOrThrow();
        const outcome = await refQueue.publish([
          jobForRun({ id: run.id, account_id: row.account_id, schedule_id: row.id, scheduled_for: slot, kind: "scheduled", params }),
        ]);
        if (outcome.confirmed.length !== 1) throw new Error(`reference publish failed: ${outcome.failed[0]?.reason}`);
        await trx.updateTable("schedules").set({ next_run_at: next, last_run_at: refNow, updated_at: new Date() }).where("id", "=", id).execute();
      });
    }
    const refMs = performance.now() - t2;
    await refQueue.close();
    if (due.length !== REFERENCE_N) throw new Error(`reference saw ${due.length} due schedules, expected ${REFERENCE_N}`);
    const reference = REFERENCE_N / (refMs / 1000);
    log(`reference: ${REFERENCE_N} in ${round(refMs)} ms = ${round(reference)} schedules/s`);

    console.log(
      JSON.stringify({
        bench: "tick",
        unit: "schedules/s",
        ours: round(ours),
        ceiling: round(ceiling),
        reference: round(reference),
        vs_ceiling: round(ours / ceiling, 3),
        vs_reference: round(ours / reference, 1),
        n: N,
        ours_ms: round(oursMs),
        ceiling_ms: round(ceilingMs),
        reference_n: REFERENCE_N,
        reference_ms: round(refMs),
        batch: BATCH,
        fair_share: FAIR_SHARE,
      }),
    );
  } finally {
    await deleteScratchTopologies(prefixes).catch((e) => log(`cleanup (broker): ${e.message}`));
    await scratch.drop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
