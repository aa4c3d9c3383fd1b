import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PermanentJobError, type DeadLetterEvent, type Delivery, type JobQueue } from "../../src/queue/job-queue.js";
import { PRIORITY_STREAK } from "../../src/queue/lane-turns.js";
import type { ReportJob } from "../../src/queue/report-job.js";

/**
 * The behaviour every JobQueue owes its callers, run against RabbitMQ and the in-process queue
 * alike: validation on both sides, delivery, delayed retries, dead letters, prefetch, stop.
 */
export interface QueueHarness {
  queue: JobQueue;
  /** Puts a body on the jobs queue without publish-side validation (a foreign/corrupt message). */
  publishRaw(body: string, messageId?: string): Promise<void>;
  /** Everything dead-lettered so far (consumed from the dead-letter queue where there is one). */
  deadLetters(): Promise<{ body: string; reason: string | undefined }[]>;
  dispose(): Promise<void>;
}

/** Retry delays the harness must configure: short, distinct, so a test can tell them apart. */
export const CONTRACT_RETRY_DELAYS_MS = [150, 300];

export function sampleJob(overrides: Partial<ReportJob> = {}): ReportJob {
  const scheduleId = randomUUID();
  return {
    v: 1,
    run_id: randomUUID(),
    schedule_id: scheduleId,
    account_id: randomUUID(),
    scheduled_for: "2025-11-10T17:00:00.000Z",
    kind: "scheduled",
    params: {
      report_type: "market_snapshot",
      city: "San Diego",
      zips: ["92101", "92103"],
      lookback_days: 30,
      filters: { min_price: 500000 },
      schedule_id: scheduleId,
      timezone: "America/Los_Angeles",
      name: "Weekly Snapshot",
      recipients: ["client@example.com"],
      include_attachment: false,
    },
    ...overrides,
  };
}

/** How long a contract test waits for a delivery, a retry or a dead letter, polling every 25 ms. */
export const DELIVERY_WAIT = { timeout: 20_000, interval: 25 };

export function describeJobQueueContract(name: string, createHarness: () => Promise<QueueHarness>): void {
  describe(`JobQueue contract: ${name}`, () => {
    let h: QueueHarness;
    beforeEach(async () => {
      h = await createHarness();
    });
    afterEach(async () => {
      await h.dispose();
    });

    it("delivers a published job, parsed and intact, on its first attempt", async () => {
      const job = sampleJob();
      const outcome = await h.queue.publish([job]);
      expect(outcome).toEqual({ confirmed: [job.run_id], failed: [] });

      const received: { job: ReportJob; delivery: Delivery }[] = [];
      const consumer = await h.queue.consume(async (j, d) => void received.push({ job: j, delivery: d }), {
        prefetch: 4,
        maxAttempts: 3,
      });
      await vi.waitFor(() => expect(received).toHaveLength(1), DELIVERY_WAIT);
      await consumer.stop();
      expect(received[0].job).toEqual(job);
      expect(received[0].delivery).toEqual({
        runId: job.run_id,
        attempt: 1,
        maxAttempts: 3,
        finalAttempt: false,
        redelivered: false,
      });
      expect(await h.deadLetters()).toEqual([]);
    });

    it("refuses an invalid job at publish, naming the field, and still publishes the valid ones", async () => {
      const good = sampleJob();
      const bad = sampleJob({ kind: "nightly" as ReportJob["kind"] });
      const outcome = await h.queue.publish([bad, good]);
      expect(outcome.confirmed).toEqual([good.run_id]);
      expect(outcome.failed).toHaveLength(1);
      expect(outcome.failed[0]).toMatchObject({ runId: bad.run_id, permanent: true });
      expect(outcome.failed[0].reason).toMatch(/kind/);
    });

    it("delivers every job of a large batch exactly once", async () => {
      const jobs = Array.from({ length: 500 }, () => sampleJob());
      const outcome = await h.queue.publish(jobs);
      expect(outcome.failed).toEqual([]);
      expect(new Set(outcome.confirmed)).toEqual(new Set(jobs.map((j) => j.run_id)));

      const seen: string[] = [];
      const consumer = await h.queue.consume(async (j) => void seen.push(j.run_id), { prefetch: 50 });
      await vi.waitFor(() => expect(seen.length).toBeGreaterThanOrEqual(500), DELIVERY_WAIT);
      await sleep(200);
      await consumer.stop();
      expect(seen).toHaveLength(500);
      expect(new Set(seen)).toEqual(new Set(jobs.map((j) => j.run_id)));
    });

    it("retries a transient failure after a delay, counting attempts, until it succeeds", async () => {
      const job = sampleJob();
      await h.queue.publish([job]);
      const attempts: { attempt: number; at: number; finalAttempt: boolean }[] = [];
      const consumer = await h.queue.consume(
        async (_j, d) => {
          attempts.push({ attempt: d.attempt, at: Date.now(), finalAttempt: d.finalAttempt });
          if (d.attempt < 3) throw new Error("listing API timed out");
        },
        { prefetch: 1, maxAttempts: 5 },
      );
      await vi.waitFor(() => expect(attempts).toHaveLength(3), DELIVERY_WAIT);
      await sleep(400);
      await consumer.stop();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(new Set(attempts.map((a) => a.finalAttempt))).toEqual(new Set([false]));
      // Delayed redelivery, not a hot loop: each retry waits at least its backoff step.
      expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(CONTRACT_RETRY_DELAYS_MS[0] - 20);
      expect(attempts[2].at - attempts[1].at).toBeGreaterThanOrEqual(CONTRACT_RETRY_DELAYS_MS[1] - 20);
      expect(await h.deadLetters()).toEqual([]);
    });

    it("dead-letters a job that keeps failing once it reaches maxAttempts, with the reason", async () => {
      const job = sampleJob();
      await h.queue.publish([job]);
      const attempts: Delivery[] = [];
      const events: DeadLetterEvent[] = [];
      const consumer = await h.queue.consume(
        async (_j, d) => {
          attempts.push(d);
          throw new Error("SMTP 451 try later");
        },
        { prefetch: 1, maxAttempts: 3, onDeadLetter: (e) => void events.push(e) },
      );
      const dead = await vi.waitFor(async () => {
        const d = await h.deadLetters();
        expect(d.length).toBeGreaterThan(0);
        return d;
      }, DELIVERY_WAIT);
      await sleep(500);
      await consumer.stop();
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      expect(attempts.map((a) => a.finalAttempt)).toEqual([false, false, true]);
      expect(dead).toHaveLength(1);
      expect(JSON.parse(dead[0].body)).toEqual(job);
      expect(dead[0].reason).toBe("gave up after 3 attempts: SMTP 451 try later");
      expect(events).toEqual([{ runId: job.run_id, job, reason: "gave up after 3 attempts: SMTP 451 try later", attempt: 3 }]);
    });

    it("dead-letters a permanent failure at once", async () => {
      const job = sampleJob();
      await h.queue.publish([job]);
      let calls = 0;
      const events: DeadLetterEvent[] = [];
      const consumer = await h.queue.consume(
        async () => {
          calls++;
          throw new PermanentJobError("schedule was deleted");
        },
        { prefetch: 1, maxAttempts: 5, onDeadLetter: (e) => void events.push(e) },
      );
      const dead = await vi.waitFor(async () => {
        const d = await h.deadLetters();
        expect(d.length).toBeGreaterThan(0);
        return d;
      }, DELIVERY_WAIT);
      await sleep(400);
      await consumer.stop();
      expect(calls).toBe(1);
      expect(dead.map((d) => d.reason)).toEqual(["schedule was deleted"]);
      expect(events.map((e) => [e.runId, e.attempt, e.reason])).toEqual([[job.run_id, 1, "schedule was deleted"]]);
    });

    it("sends a message that fails validation on consume straight to the dead letters", async () => {
      const runId = randomUUID();
      await h.publishRaw(JSON.stringify({ v: 2, run_id: runId, hello: "world" }), runId);
      await h.publishRaw("{not json", "corrupt");
      const good = sampleJob();
      await h.queue.publish([good]);
      const handled: string[] = [];
      const events: DeadLetterEvent[] = [];
      const consumer = await h.queue.consume(async (j) => void handled.push(j.run_id), {
        prefetch: 2,
        onDeadLetter: (e) => void events.push(e),
      });
      const dead = await vi.waitFor(async () => {
        const d = await h.deadLetters();
        expect(d.length).toBeGreaterThanOrEqual(2);
        return d;
      }, DELIVERY_WAIT);
      await vi.waitFor(() => expect(handled).toHaveLength(1), DELIVERY_WAIT);
      await consumer.stop();
      expect(handled).toEqual([good.run_id]);
      const byBody = new Map(dead.map((d) => [d.body, d.reason]));
      expect(byBody.get("{not json")).toMatch(/^invalid message: not JSON/);
      expect(byBody.get(JSON.stringify({ v: 2, run_id: runId, hello: "world" }))).toMatch(/^invalid message: .*v:/);
      expect(events.map((e) => e.job)).toEqual([undefined, undefined]);
      expect(events.map((e) => e.runId).sort()).toEqual(["corrupt", runId].sort());
    });

    it("keeps at most `prefetch` jobs in progress at once", async () => {
      await h.queue.publish(Array.from({ length: 12 }, () => sampleJob()));
      let active = 0;
      let peak = 0;
      let done = 0;
      const consumer = await h.queue.consume(
        async () => {
          active++;
          peak = Math.max(peak, active);
          await sleep(40);
          active--;
          done++;
        },
        { prefetch: 3 },
      );
      await vi.waitFor(() => expect(done).toBe(12), DELIVERY_WAIT);
      await consumer.stop();
      expect(peak).toBe(3);
    });

    /** Consumes `count` jobs one at a time (5 ms each), in the order the queue starts them. */
    async function handleOneAtATime(count: number): Promise<string[]> {
      const handled: string[] = [];
      const consumer = await h.queue.consume(
        async (job) => {
          handled.push(job.run_id);
          await sleep(5);
        },
        { prefetch: 1 },
      );
      await vi.waitFor(() => expect(handled).toHaveLength(count), DELIVERY_WAIT);
      await consumer.stop();
      return handled;
    }

    it("starts a waiting priority job before a backlog of ordinary ones", async () => {
      const backlog = Array.from({ length: 30 }, () => sampleJob());
      const urgent = sampleJob();
      await h.queue.publish(backlog);
      expect((await h.queue.publish([urgent], { priority: true })).confirmed).toEqual([urgent.run_id]);
      const handled = await handleOneAtATime(31);
      // At most the ordinary job already in hand when the priority one arrived goes first.
      expect(handled.indexOf(urgent.run_id)).toBeLessThanOrEqual(1);
      expect(new Set(handled).size).toBe(31);
    });

    it("a flood of priority jobs slows the ordinary lane but does not stop it", async () => {
      const flood = Array.from({ length: 30 }, () => sampleJob());
      const ordinary = Array.from({ length: 4 }, () => sampleJob());
      await h.queue.publish(ordinary);
      await h.queue.publish(flood, { priority: true });
      const handled = await handleOneAtATime(34);
      const isOrdinary = new Set(ordinary.map((j) => j.run_id));
      const lastOrdinary = Math.max(...handled.flatMap((id, i) => (isOrdinary.has(id) ? [i] : [])));
      // Every ordinary job started while priority ones still waited, one after each
      // PRIORITY_STREAK priority jobs (one more at the start, when a lane's first deliveries
      // arrive a moment apart).
      expect(lastOrdinary).toBeLessThanOrEqual(4 * (PRIORITY_STREAK + 1) + 1);
      let inARow = 0;
      let longest = 0;
      for (const id of handled.slice(0, lastOrdinary)) {
        inARow = isOrdinary.has(id) ? 0 : inARow + 1;
        longest = Math.max(longest, inARow);
      }
      expect(longest).toBeLessThanOrEqual(PRIORITY_STREAK + 1);
      expect(new Set(handled).size).toBe(34);
    });

    it("stop() gives back the jobs of both lanes it held but had not started: none is lost", async () => {
      const jobs = Array.from({ length: 10 }, () => sampleJob());
      await h.queue.publish(jobs.slice(0, 6));
      await h.queue.publish(jobs.slice(6), { priority: true });
      const handled: string[] = [];
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const first = await h.queue.consume(
        async (job) => {
          handled.push(job.run_id);
          await gate;
        },
        { prefetch: 2 },
      );
      await vi.waitFor(() => expect(handled).toHaveLength(2), DELIVERY_WAIT);
      await sleep(100);
      const stopped = first.stop();
      setTimeout(release, 50);
      await stopped;
      expect(handled).toHaveLength(2);
      const second = await h.queue.consume(async (job) => void handled.push(job.run_id), { prefetch: 2 });
      await vi.waitFor(() => expect(handled).toHaveLength(10), DELIVERY_WAIT);
      await sleep(100);
      await second.stop();
      expect(handled.sort()).toEqual(jobs.map((j) => j.run_id).sort());
    });

    it("stop() waits for the job in progress and takes no more", async () => {
      await h.queue.publish([sampleJob(), sampleJob()]);
      let finished = 0;
      let started = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const consumer = await h.queue.consume(
        async () => {
          started++;
          await gate;
          finished++;
        },
        { prefetch: 1 },
      );
      await vi.waitFor(() => expect(started).toBe(1), DELIVERY_WAIT);
      const stopped = consumer.stop();
      setTimeout(release, 100);
      await stopped;
      expect(finished).toBe(1);
      expect(await consumer.ended).toBeUndefined();
      await sleep(200);
      expect(started).toBe(1);
    });
  });
}
