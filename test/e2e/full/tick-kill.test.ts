import { describe, expect, it } from "vitest";
import { killTickBetweenCommitAndPublish } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 2: a tick killed between commit and publish", () => {
  it("kill -9 of a tick after it committed its claim and before any publish reached the broker: a later tick republishes those runs, once", async () => {
    const claimedByVictim = FULL.schedules / 2;
    const { report, fault, system } = await runScenario({
      system: { name: "full tick kill", ...FULL },
      cronFirst: false,
      during: (s) => killTickBetweenCommitAndPublish(s, claimedByVictim),
      finalTimeoutMs: FINAL_TIMEOUT_MS,
    });

    expect(fault).toEqual({ pendingAtKill: claimedByVictim, queuedAtKill: 0, exitSignal: "SIGKILL" });
    const summaries = await system.ticks.summaries();
    expect(summaries.reduce((n, s) => n + s.republished, 0)).toBe(claimedByVictim);
    expect(summaries.reduce((n, s) => n + s.claimed, 0)).toBe(FULL.schedules - claimedByVictim);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
