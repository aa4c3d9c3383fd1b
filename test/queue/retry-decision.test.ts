import { describe, expect, it } from "vitest";
import { PermanentJobError } from "../../src/queue/job-queue.js";
import { decideRetry } from "../../src/queue/retry-decision.js";

describe("decideRetry (the one retry rule of both queues)", () => {
  const delays = [100, 200, 400];

  it("retries a transient failure after the attempt's delay, the last delay repeating", () => {
    expect([1, 2, 3, 4].map((attempt) => decideRetry(new Error("503"), attempt, 9, delays))).toEqual([
      { action: "retry", delayMs: 100, reason: "503" },
      { action: "retry", delayMs: 200, reason: "503" },
      { action: "retry", delayMs: 400, reason: "503" },
      { action: "retry", delayMs: 400, reason: "503" },
    ]);
  });

  it("dead-letters on the last attempt, saying how many were made and the last error", () => {
    expect(decideRetry(new Error("timeout"), 5, 5, delays)).toEqual({ action: "dead-letter", reason: "gave up after 5 attempts: timeout" });
  });

  it("dead-letters a permanent failure at once with its own message", () => {
    expect(decideRetry(new PermanentJobError("bad credentials"), 1, 5, delays)).toEqual({ action: "dead-letter", reason: "bad credentials" });
  });

  it("treats anything thrown that is not an Error as transient, with its text", () => {
    expect(decideRetry("boom", 1, 5, delays)).toEqual({ action: "retry", delayMs: 100, reason: "boom" });
  });
});
