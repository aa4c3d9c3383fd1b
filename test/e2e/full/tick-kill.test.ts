import { describe, expect, it } from "vitest";
import { killTickBetweenCommitAndPublish } from "../harness/fault-drivers.js";
import { DEFAULT_FAIR_SHARE } from "../../../src/tick/tick.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 2: a tick killed between commit and publish", () => {
  it("kill -9 of a tick after it committed its claim and before any publish reached the broker: a later tick republishes those runs, once", async () => {
    const limit = FULL.schedules / 2;
    // A tick's first commit is the accounts' fair share (TICK_FAIR_SHARE each, in turns), published
    // to the priority lane; the gate holds that first publish. Oldest-first claims wait only for the
    // fair claims to commit, not to be published, so by the kill the victim has committed at least
    // the fair share and at most its --limit, none of it on the broker.
    const fairShare = Math.min(limit, FULL.accounts * DEFAULT_FAIR_SHARE);
    const { report, fault, system } = await runScenario({
      system: { name: "full tick kill", ...FULL },
      cronFirst: false,
      during: (s) => killTickBetweenCommitAndPublish(s, limit),
      finalTimeoutMs: FINAL_TIMEOUT_MS,
    });

    expect(fault).toMatchObject({ queuedAtKill: 0, exitSignal: "SIGKILL" });
    const claimedByVictim = fault.pendingAtKill;
    expect(claimedByVictim).toBeGreaterThanOrEqual(fairShare);
    expect(claimedByVictim).toBeLessThanOrEqual(limit);
    const summaries = await system.ticks.summaries();
    expect(summaries.reduce((n, s) => n + s.republished, 0)).toBe(claimedByVictim);
    expect(summaries.reduce((n, s) => n + s.claimed, 0)).toBe(FULL.schedules - claimedByVictim);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
