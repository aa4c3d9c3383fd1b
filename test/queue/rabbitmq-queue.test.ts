import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { topologyFor } from "../../src/queue/rabbitmq-topology.js";
import { PermanentJobError, type Delivery } from "../../src/queue/job-queue.js";
import { AMQP_URL, rabbitUp } from "../support/services.js";
import { CONTRACT_RETRY_DELAYS_MS, DELIVERY_WAIT, describeJobQueueContract, sampleJob } from "./job-queue-contract.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";

const up = await rabbitUp();

/** A failed passive check closes the side channel (AMQP semantics); open a fresh one. */
async function reopenAfterChannelError(side: RabbitSideChannel): Promise<RabbitSideChannel> {
  await side.close().catch(() => undefined);
  return openSideChannel();
}

describe.skipIf(!up)("RabbitMQ job queue", () => {
  let side: RabbitSideChannel;
  const prefixes: string[] = [];
  const open: RabbitJobQueue[] = [];

  beforeAll(async () => {
    side = await openSideChannel();
  });
  afterAll(async () => {
    await Promise.allSettled(open.map((q) => q.close()));
    for (const prefix of prefixes) await side.deleteAll(prefix, CONTRACT_RETRY_DELAYS_MS);
    await side.close();
  });

  const newQueue = async (prefix = uniquePrefix("q")) => {
    if (!prefixes.includes(prefix)) prefixes.push(prefix);
    const queue = await createRabbitQueue({ url: AMQP_URL, prefix, retryDelaysMs: CONTRACT_RETRY_DELAYS_MS });
    open.push(queue);
    return queue;
  };

  describeJobQueueContract("RabbitMQ", async () => {
    const queue = await newQueue();
    return {
      queue,
      publishRaw: (body, messageId) => side.publishRaw(queue.topology, body, messageId),
      deadLetters: (() => {
        const seen: { body: string; reason: string | undefined }[] = [];
        return async () => {
          seen.push(...(await side.drainDeadLetters(queue.topology)));
          return [...seen];
        };
      })(),
      dispose: () => queue.close(),
    };
  });

  it("declares a durable direct exchange, quorum queues and a dead-letter queue, idempotently", async () => {
    const prefix = uniquePrefix("topo");
    const first = await newQueue(prefix);
    const second = await newQueue(prefix); // same names, same arguments: no channel error
    const t = first.topology;
    expect(t).toMatchObject({
      exchange: prefix,
      jobsQueue: `${prefix}.report-jobs`,
      priorityQueue: `${prefix}.report-jobs.priority`,
      deadQueue: `${prefix}.report-jobs.dead`,
    });
    expect(t.retry.map((r) => r.queue)).toEqual([`${prefix}.report-jobs.retry.150ms`, `${prefix}.report-jobs.retry.300ms`]);
    for (const q of [t.jobsQueue, t.priorityQueue, t.deadQueue, ...t.retry.map((r) => r.queue)]) {
      await expect(side.channel.checkQueue(q)).resolves.toMatchObject({ queue: q });
    }
    await expect(side.channel.checkExchange(t.exchange)).resolves.toBeDefined();
    await second.close();
  });

  it("can leave declaring to the first publish (a tick with nothing due opens no channel)", async () => {
    const prefix = uniquePrefix("lazy");
    prefixes.push(prefix);
    const queue = await createRabbitQueue({ url: AMQP_URL, prefix, retryDelaysMs: CONTRACT_RETRY_DELAYS_MS, declare: "on-first-use" });
    open.push(queue);
    await expect(side.channel.checkExchange(prefix)).rejects.toThrow(/NOT_FOUND/);
    side = await reopenAfterChannelError(side);
    const job = sampleJob();
    expect((await queue.publish([job])).confirmed).toEqual([job.run_id]);
    expect(await side.messageCount(queue.topology.jobsQueue)).toBe(1);
  });

  it("counts a message that returns as unroutable as failed, not confirmed", async () => {
    const queue = await newQueue();
    await side.channel.unbindQueue(queue.topology.jobsQueue, queue.topology.exchange, queue.topology.jobsKey);
    const job = sampleJob();
    const outcome = await queue.publish([job]);
    expect(outcome.confirmed).toEqual([]);
    expect(outcome.failed).toEqual([
      { runId: job.run_id, permanent: false, reason: expect.stringMatching(/^unroutable/) },
    ]);
  });

  it("fails every pending publish when the connection closes mid-batch, without hanging", async () => {
    const queue = await newQueue();
    const jobs = Array.from({ length: 3_000 }, () => sampleJob());
    const publishing = queue.publish(jobs);
    await queue.close();
    const outcome = await publishing;
    expect(outcome.confirmed.length + outcome.failed.length).toBe(3_000);
    expect(outcome.failed.length).toBeGreaterThan(0);
    expect(new Set(outcome.failed.map((f) => f.permanent))).toEqual(new Set([false]));

    const after = await queue.publish([sampleJob()]);
    expect(after.confirmed).toEqual([]);
    expect(after.failed[0].reason).toMatch(/closed/);
  });

  it("rejects at once when the broker is unreachable", async () => {
    const prefix = uniquePrefix("down");
    await expect(createRabbitQueue({ url: "amqp://guest:guest@127.0.0.1:1", prefix })).rejects.toThrow(/ECONNREFUSED|connect/);
  });

  it("redelivers the job of a consumer that died, counting it as another attempt", async () => {
    const prefix = uniquePrefix("crash");
    const doomed = await newQueue(prefix);
    const job = sampleJob();
    await doomed.publish([job]);
    let taken = false;
    await doomed.consume(
      async () => {
        taken = true;
        await new Promise(() => undefined); // never finishes: the process "dies" holding it
      },
      { prefetch: 1 },
    );
    await vi.waitFor(() => expect(taken).toBe(true), DELIVERY_WAIT);
    await doomed.close();

    const survivor = await newQueue(prefix);
    const deliveries: Delivery[] = [];
    const consumer = await survivor.consume(async (_j, d) => void deliveries.push(d), { prefetch: 1, maxAttempts: 5 });
    await vi.waitFor(() => expect(deliveries).toHaveLength(1), DELIVERY_WAIT);
    await consumer.stop();
    expect(deliveries[0]).toMatchObject({ runId: job.run_id, attempt: 2, redelivered: true });
  });

  it("hands a job the broker dead-letters itself (its workers kept dying) to the dead-letter hook, once per copy", async () => {
    const prefix = uniquePrefix("limit");
    prefixes.push(prefix);
    const limited = () => createRabbitQueue({ url: AMQP_URL, prefix, retryDelaysMs: CONTRACT_RETRY_DELAYS_MS, deliveryLimit: 1 });
    const job = sampleJob();
    const setup = await limited();
    expect(await setup.publish([job])).toMatchObject({ confirmed: [job.run_id] });
    await setup.close();
    // Each consumer "dies" holding the job: its connection closes before it settles.
    for (let death = 0; death < 2; death++) {
      const doomed = await limited();
      let taken = false;
      await doomed.consume(
        async () => {
          taken = true;
          await new Promise(() => undefined);
        },
        { prefetch: 1 },
      );
      await vi.waitFor(() => expect(taken, `delivery ${death + 1}`).toBe(true), DELIVERY_WAIT);
      await doomed.close();
    }
    const t = topologyFor(prefix, CONTRACT_RETRY_DELAYS_MS, 1);
    await vi.waitFor(async () => expect(await side.messageCount(t.deadQueue)).toBe(1), DELIVERY_WAIT);

    const survivor = await limited();
    const handled: string[] = [];
    const deadLetters: { runId: string | undefined; reason: string }[] = [];
    const consumer = await survivor.consume(async (j) => void handled.push(j.run_id), {
      prefetch: 1,
      onDeadLetter: ({ runId, reason }) => void deadLetters.push({ runId, reason }),
    });
    await vi.waitFor(() => expect(deadLetters).toHaveLength(1), DELIVERY_WAIT);
    await consumer.stop();
    expect(deadLetters[0].runId).toBe(job.run_id);
    expect(deadLetters[0].reason).toMatch(/delivery limit/);
    expect(handled).toEqual([]);
    // The operator's copy stays for inspection; the watch copy is settled.
    expect(await side.messageCount(t.deadQueue)).toBe(1);
    expect(await side.messageCount(t.deadWatchQueue)).toBe(0);
  });

  it("calls the dead-letter hook again from the watcher when its first call failed", async () => {
    const queue = await newQueue();
    const job = sampleJob();
    await queue.publish([job]);
    const calls: string[] = [];
    const consumer = await queue.consume(
      async () => {
        throw new PermanentJobError("a permanent failure");
      },
      {
        prefetch: 1,
        onDeadLetter: ({ runId }) => {
          calls.push(runId ?? "?");
          if (calls.length === 1) throw new Error("database unavailable");
        },
      },
    );
    await vi.waitFor(() => expect(calls).toHaveLength(2), DELIVERY_WAIT);
    await vi.waitFor(async () => expect(await side.messageCount(queue.topology.deadWatchQueue)).toBe(0), DELIVERY_WAIT);
    await consumer.stop();
    expect(calls).toEqual([job.run_id, job.run_id]);
  });

  it("ends the consumer with an error when the connection goes away underneath it", async () => {
    const queue = await newQueue();
    const consumer = await queue.consume(async () => undefined, { prefetch: 1 });
    await queue.close();
    const ended = await consumer.ended;
    expect(ended).toBeInstanceOf(Error);
  });

  it("keeps the main queue's delivery limit and dead-letter routing in the topology", () => {
    const t = topologyFor("x", [1000]);
    expect(t.deliveryLimit).toBeGreaterThan(0);
    expect(t.deadKey).not.toBe(t.jobsKey);
    expect(() => topologyFor("bad prefix!")).toThrow(/prefix/);
  });
});
