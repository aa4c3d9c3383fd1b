import { describe, expect, it } from "vitest";
import { createInProcessQueue } from "../../src/queue/in-process-queue.js";
import { retryDelayMs } from "../../src/queue/job-queue.js";
import { CONTRACT_RETRY_DELAYS_MS, describeJobQueueContract, sampleJob } from "./job-queue-contract.js";

describeJobQueueContract("in-process", async () => {
  const queue = createInProcessQueue({ retryDelaysMs: CONTRACT_RETRY_DELAYS_MS });
  return {
    queue,
    publishRaw: async (body, messageId) => queue.publishRaw(body, messageId),
    deadLetters: async () => queue.deadLetters().map((d) => ({ body: d.body, reason: d.reason })),
    dispose: () => queue.close(),
  };
});

describe("in-process queue", () => {
  it("refuses to publish after close, as a retryable failure", async () => {
    const queue = createInProcessQueue();
    await queue.close();
    const job = sampleJob();
    expect(await queue.publish([job])).toEqual({
      confirmed: [],
      failed: [{ runId: job.run_id, reason: "in-process queue is closed", permanent: false }],
    });
  });

  it("keeps jobs until a consumer comes", async () => {
    const queue = createInProcessQueue();
    await queue.publish([sampleJob(), sampleJob()]);
    expect(queue.size()).toBe(2);
    await queue.close();
  });
});

describe("retry backoff", () => {
  it("grows exponentially and stays at its last step", () => {
    const delays = [1, 2, 4];
    expect([1, 2, 3, 4, 9].map((a) => retryDelayMs(a, delays))).toEqual([1, 2, 4, 4, 4]);
    expect(retryDelayMs(1)).toBe(10_000);
    expect(retryDelayMs(2)).toBe(30_000);
  });
});
