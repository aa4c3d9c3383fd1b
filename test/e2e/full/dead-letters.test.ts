import { describe, expect, it } from "vitest";
import { TICK_INTERVAL_MS, runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e: a cause that outlives the retry limit", () => {
  it("listings for one ZIP refused (503) for good, WORKER_MAX_ATTEMPTS 3: exactly those runs fail with the reason and are dead-lettered; the rest complete", async () => {
    let zip = "";
    const { report, system } = await runScenario({
      system: { name: "full dead letters", ...FULL, listings: "fake-simplyrets", workerMaxAttempts: 3 },
      cronFirst: false,
      during: async (s) => {
        zip = s.seed.schedules[1].zips[0];
        s.simplyrets!.setFailingZip(zip);
        s.ticks.startCron(TICK_INTERVAL_MS);
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      expect: (s) => ({
        mayFail: (run) =>
          run.status === "failed" &&
          s.seed.byId.get(run.schedule_id)!.zips.includes(zip) &&
          /^gave up after 3 attempts: SimplyRETS server error \(503\)/.test(run.error ?? ""),
      }),
    });

    const cutOff = system.seed.schedules.filter((s) => s.zips.includes(zip) && s.recipients.some((r) => !s.suppressed.has(r)));
    console.log(`[e2e full dead letters] ZIP ${zip}: ${cutOff.length} runs cut off, ${report.deadLetters} dead letters, ${system.simplyrets!.refused} refused requests`);
    expect(cutOff.length).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.failedRuns.map((f) => f.status)).toEqual(cutOff.map(() => "failed"));
    expect(report.deadLetters).toBe(cutOff.length);
    expect(report.statuses.completed).toBe(FULL.schedules - cutOff.length - (report.statuses.skipped ?? 0));
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
