import { describe, expect, it } from "vitest";
import { launchTicksAtOnce } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 3: eight ticks at once", () => {
  it("eight tick processes started at the same moment claim every due schedule exactly once", async () => {
    const { report, fault } = await runScenario({
      system: { name: "full eight ticks", ...FULL },
      cronFirst: false,
      // Each may claim a fifth: together they must split the 1,000 between them.
      during: (s) => launchTicksAtOnce(s, 8, ["--limit", String(FULL.schedules / 5)]),
      finalTimeoutMs: FINAL_TIMEOUT_MS,
    });

    console.log(`[e2e full eight ticks] claimed per tick: ${fault.map((t) => t.summary?.claimed ?? "none").join(", ")}`);
    expect(fault.map((t) => t.code)).toEqual(Array(8).fill(0));
    expect(fault.reduce((n, t) => n + (t.summary?.claimed ?? 0), 0)).toBe(FULL.schedules);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
