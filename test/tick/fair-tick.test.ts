import { sql } from "kysely";
import { setTimeout as sleep } from "node:timers/promises";
import { describe, expect, it, vi } from "vitest";
import type { ReportJob } from "../../src/queue/report-job.js";
import type { RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { runTick, type TickOptions } from "../../src/tick/tick.js";
import type { TestDatabase } from "../support/database.js";
import { postgresUp, rabbitUp } from "../support/services.js";
import type { RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { insertAccount, insertDueSchedules, insertSchedule } from "../support/schedules.js";
import { silentLogger, useTickWorld } from "./fixtures.js";

const up = (await postgresUp()) && (await rabbitUp());

/** Fairness between accounts (TICK_FAIR_SHARE): claim order and the queue's priority lane. */
describe.skipIf(!up)("fair tick", () => {
  let tdb: TestDatabase;
  let side: RabbitSideChannel;
  let queue: RabbitJobQueue;
  useTickWorld({ database: "mr_fair_tick", label: "fair" }, (world) => ({ tdb, side, queue } = world));

  const db = () => tdb.handle.db;
  const tick = (now: Date, extra: Partial<TickOptions> = {}) =>
    runTick({ db: db(), queue, logger: silentLogger, now, budgetMs: 60_000, ...extra });
  const lane = async (name: string) => (await side.takeAll(name)) as unknown as ReportJob[];
  const ago = (now: Date, seconds: number) => new Date(now.getTime() - seconds * 1000);

  /** Account big: 30 due, 1..30 s ago; mid: 2 due, 40 and 20 s ago; small: 1 due, 5 s ago. */
  const threeAccounts = async (now: Date) => {
    const big = await insertAccount(db(), "Big");
    const mid = await insertAccount(db(), "Mid");
    const small = await insertAccount(db(), "Small");
    await insertDueSchedules(db(), [big], 30, now);
    await sql`UPDATE schedules SET next_run_at = ${now.toISOString()}::timestamptz - make_interval(secs => split_part(name, ' ', 3)::int)
              WHERE account_id = ${big}::uuid`.execute(db());
    await insertSchedule(db(), mid, { next_run_at: ago(now, 40) });
    await insertSchedule(db(), mid, { next_run_at: ago(now, 20) });
    await insertSchedule(db(), small, { next_run_at: ago(now, 5) });
    const name = new Map([[big, "big"], [mid, "mid"], [small, "small"]]);
    return (jobs: ReportJob[]) => jobs.map((j) => name.get(j.account_id));
  };

  it("claims in turns across accounts and puts each account's first TICK_FAIR_SHARE runs in the priority lane", async () => {
    const now = new Date("2025-11-10T17:00:30.000Z");
    const who = await threeAccounts(now);
    // Batches of 4 in one lane: the first batch already holds every account's oldest schedule.
    const summary = await tick(now, { fairShare: 2, batchSize: 4, lanes: 1 });
    expect(summary).toMatchObject({ due: 33, claimed: 33, published: 33 });

    const priority = await lane(queue.topology.priorityQueue);
    const ordinary = await lane(queue.topology.jobsQueue);
    // Batch 1 (turns: mid 40 s, big 30 s, small 5 s; then big 29 s) and batch 2's mid 20 s.
    expect(who(priority)).toEqual(["mid", "big", "small", "big", "mid"]);
    expect(who(ordinary)).toEqual(Array.from({ length: 28 }, () => "big"));
    const slots = ordinary.map((j) => j.scheduled_for);
    expect(slots).toEqual([...slots].sort());
  });

  it("with several lanes and the fair share over several batches, all of it goes to the priority lane", async () => {
    const now = new Date("2025-11-10T17:00:30.000Z");
    const who = await threeAccounts(now);
    // Fair share: big's 10 oldest, mid's 2, small's 1, in 7 batches of 2 over 3 lanes. A lane that
    // runs out of fair batches starts claiming oldest first only once every fair batch is claimed.
    const summary = await tick(now, { fairShare: 10, batchSize: 2, lanes: 3 });
    expect(summary).toMatchObject({ due: 33, claimed: 33, published: 33 });

    const priority = await lane(queue.topology.priorityQueue);
    const ordinary = await lane(queue.topology.jobsQueue);
    expect(who(priority).sort()).toEqual([...Array.from({ length: 10 }, () => "big"), "mid", "mid", "small"]);
    expect(who(ordinary)).toEqual(Array.from({ length: 20 }, () => "big"));
    // The big account's 10 oldest (30 to 21 s ago) are its fair share; its 20 newest follow.
    const oldestOrdinary = Math.min(...ordinary.map((j) => Date.parse(j.scheduled_for)));
    const bigPriority = priority.filter((j) => who([j])[0] === "big").map((j) => Date.parse(j.scheduled_for));
    expect(Math.max(...bigPriority)).toBeLessThan(oldestOrdinary);
  });

  it("with TICK_FAIR_SHARE=0 keeps the single FIFO: oldest first, one lane", async () => {
    const now = new Date("2025-11-10T17:00:30.000Z");
    const who = await threeAccounts(now);
    await tick(now, { fairShare: 0, batchSize: 4, lanes: 1 });
    expect(await side.messageCount(queue.topology.priorityQueue)).toBe(0);
    const ordinary = await lane(queue.topology.jobsQueue);
    expect(ordinary).toHaveLength(33);
    expect(ordinary.map((j) => j.scheduled_for)).toEqual(ordinary.map((j) => j.scheduled_for).sort());
    // Behind every older schedule of the big account (only its 4 newest come after).
    expect(who(ordinary).indexOf("small")).toBe(28);
  });

  /** Where the small account's job comes among everything one consumer (prefetch 1) handles. */
  const smallAccountsTurn = async (fairShare: number): Promise<{ position: number; handled: number }> => {
    const first = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    const big = await insertAccount(db(), "Big");
    await insertDueSchedules(db(), [big], 40, first);
    await tick(first, { fairShare });
    // A minute later the big account's backlog is still queued when the small account's slot comes.
    const small = await insertAccount(db(), "Small");
    const second = new Date(first.getTime() + 60_000);
    await insertSchedule(db(), small, { next_run_at: second });
    await tick(second, { fairShare });

    const handled: string[] = [];
    const consumer = await queue.consume(
      async (job) => {
        handled.push(job.account_id);
        await sleep(5);
      },
      { prefetch: 1 },
    );
    await vi.waitFor(() => expect(handled).toHaveLength(41), { timeout: 20_000, interval: 25 });
    await consumer.stop();
    return { position: handled.indexOf(small), handled: new Set(handled).size };
  };

  it("a small account's job is taken before a big account's backlog from an earlier tick", async () => {
    const fair = await smallAccountsTurn(2);
    expect(fair.handled).toBe(2);
    // At most the big account's two priority jobs, and an ordinary one taken before those arrived.
    expect(fair.position).toBeLessThanOrEqual(3);
  });

  it("…which the single FIFO (TICK_FAIR_SHARE=0) puts behind the whole backlog", async () => {
    expect((await smallAccountsTurn(0)).position).toBe(40);
  });
});
