import { describe, expect, it } from "vitest";
import { canRestartPostgres, restartPostgres, traceReadiness, whenFinalReaches } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp, until } from "./full-size.js";

// Restarting the cluster drops every connection on the machine: only in this suite, never in npm test.
const up = (await fullSuiteServicesUp()) && (await canRestartPostgres());

describe.skipIf(!up)("e2e fault 8: Postgres restarted", () => {
  it("Postgres restarted mid-run: the API answers 503 meanwhile and recovers; workers and ticks resume and finish every run once", async () => {
    const { report, fault } = await runScenario({
      system: { name: "full postgres restart", ...FULL },
      during: async (s) => {
        const trace = traceReadiness(s.apiUrl);
        await whenFinalReaches(s, FULL.schedules / 5);
        await restartPostgres();
        const atRestart = (await s.progress().catch(() => undefined))?.final ?? 0;
        await until(async () => trace.statuses[trace.statuses.length - 1] === 200, 120_000);
        await whenFinalReaches(s, atRestart + 50, 300_000);
        await trace.stop();
        return trace.statuses;
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      // Work in flight when the database went away fails its attempt and is retried.
      expect: { unknownOutcomesExpected: true },
    });

    console.log(`[e2e full postgres restart] /readyz answers in order: ${fault.join(" → ")}`);
    expect(fault[0]).toBe(200);
    expect(fault).toContain(503);
    expect(fault.indexOf(503)).toBeLessThan(fault.lastIndexOf(200));
    expect(fault[fault.length - 1]).toBe(200);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
