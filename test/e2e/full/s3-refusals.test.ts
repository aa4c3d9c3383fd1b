import { describe, expect, it } from "vitest";
import { faultWindow } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";
import { waitUntil } from "../../support/wait-until.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 6: S3 refusing uploads", () => {
  it("half of all uploads answered 503 SlowDown for 20 s mid-run: every report is stored and mailed once", async () => {
    const { report, system } = await runScenario({
      system: { name: "full s3 refusals", ...FULL },
      during: async (s) => {
        await waitUntil(() => s.s3.uploads.passed > 0, { timeoutMs: 300_000, what: "no report uploaded" });
        await faultWindow(
          () => s.s3.refuseUploads(0.5),
          () => s.s3.refuseUploads(0),
          20_000,
        );
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
    });

    console.log(`[e2e full s3 refusals] uploads refused: ${system.s3.uploads.refused}, passed: ${system.s3.uploads.passed}`);
    expect(system.s3.uploads.refused).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
