import { describe, expect, it } from "vitest";
import { faultWindow } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";
import { waitUntil } from "../../support/wait-until.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 7: the listing source timing out", () => {
  it("SimplyRETS silent for 30 s mid-run (requests time out): the jobs wait, retry and every report is mailed once", async () => {
    const { report, system } = await runScenario({
      system: { name: "full listing timeouts", ...FULL, listings: "fake-simplyrets" },
      during: async (s) => {
        await waitUntil(() => (s.simplyrets?.answered ?? 0) > 0, { timeoutMs: 300_000, what: "no listing request answered" });
        await faultWindow(
          () => s.simplyrets!.setHanging(true),
          () => s.simplyrets!.setHanging(false),
          30_000,
        );
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
    });

    console.log(`[e2e full listing timeouts] requests answered: ${system.simplyrets!.answered}, left hanging: ${system.simplyrets!.hung}`);
    expect(system.simplyrets!.hung).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
