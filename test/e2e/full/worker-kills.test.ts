import { describe, expect, it } from "vitest";
import { killWorkersAtRandom } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 1: workers killed", () => {
  it("kill -9 of a worker at 10 random moments: every run final once, no recipient mailed twice", async () => {
    const { report, fault, system } = await runScenario({
      system: { name: "full worker kills", ...FULL },
      during: (s) => killWorkersAtRandom(s, { times: 10, gapMs: [4_000, 12_000] }),
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      expect: { unknownOutcomesExpected: true },
    });

    console.log(
      `[e2e full worker kills] kills at final-run counts ${fault.map((k) => k.finalBefore).join(", ")}; ` +
        `recipients left sending (not resent): ${report.unknownOutcomes.length}, of which received ${report.unknownOutcomes.filter((u) => u.received).length}`,
    );
    expect(fault).toHaveLength(10);
    expect(system.workers.exits.filter((e) => e.killed && e.signal === "SIGKILL")).toHaveLength(10);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
    expect(report.lost).toBeLessThanOrEqual(report.unknownOutcomes.filter((u) => !u.received).length);
  }, TEST_TIMEOUT_MS);
});
