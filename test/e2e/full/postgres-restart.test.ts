import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prepareApiProbe } from "../harness/api-probe.js";
import { canRestartPostgres, restartPostgres, traceReadiness, whenFinalReaches } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";
import { waitUntil } from "../../support/wait-until.js";

// The scenario runs on a Postgres server of its own (initdb into a temporary directory), so the
// restart drops only its processes' connections, never those of suites running beside it.
const up = (await fullSuiteServicesUp()) && (await canRestartPostgres());

// The harness's two workers × WORKER_CONCURRENCY 4.
const FULL_WORKER_SLOTS = 8;

/** How many times the workers handed a job back to the broker for a retry, from their logs. */
async function jobsHandedBack(logDir: string): Promise<number> {
  const logs = (await readdir(logDir)).filter((f) => f.startsWith("worker-"));
  const texts = await Promise.all(logs.map((f) => readFile(path.join(logDir, f), "utf8")));
  return texts.reduce((n, text) => n + text.split("\n").filter((line) => line.includes('"msg":"job failed; retrying later"')).length, 0);
}

describe.skipIf(!up)("e2e fault 8: Postgres restarted", () => {
  it("Postgres restarted mid-run: the API answers 503 meanwhile and recovers; workers and ticks resume and finish every run once", async () => {
    const { report, fault, inspected } = await runScenario({
      system: { name: "full postgres restart", ...FULL, postgres: "own" },
      during: async (s) => {
        const probe = await prepareApiProbe(s);
        const trace = traceReadiness(s.apiUrl);
        await whenFinalReaches(s, FULL.schedules / 5);
        // Down long enough for the /readyz trace, polling every 200 ms, to see it and for ticks to start meanwhile.
        await restartPostgres(s, { downMs: 5_000 });
        await waitUntil(() => trace.statuses[trace.statuses.length - 1] === 200, { timeoutMs: 120_000, what: "the API never answered 200 again" });
        const atRecovery = (await s.progress().catch(() => undefined))?.final ?? 0;
        await whenFinalReaches(s, atRecovery + 50, 300_000);
        await trace.stop();
        return { readyz: trace.statuses, probe, manual: await probe.runNow() };
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      // A claim whose commit was under way as the server stopped may stay `sending` (recorded as
      // unknown, not resent); a relay's answer that came while it was away must still be written.
      expect: (_s, f) => ({ unknownOutcomesExpected: true, otherRuns: new Set([f.manual.runId]) }),
      inspect: async (s, f) => ({ manual: await f.probe.outcome(f.manual.runId), handedBack: await jobsHandedBack(s.logDir) }),
    });

    console.log(`[e2e full postgres restart] /readyz answers in order: ${fault.readyz.join(" → ")}; runNow afterwards answered "${fault.manual.status}"`);
    expect(fault.readyz[0]).toBe(200);
    expect(fault.readyz).toContain(503);
    expect(fault.readyz.indexOf(503)).toBeLessThan(fault.readyz.lastIndexOf(200));
    expect(fault.readyz[fault.readyz.length - 1]).toBe(200);
    // Published: `queued`, or already moved on by an idle worker before the API read it back
    // (never `pending`, which would mean the broker did not take it).
    expect(["queued", "running", "completed"]).toContain(fault.manual.status);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
    expect(report.unknownOutcomes.filter((u) => u.received)).toEqual([]);
    // Only the jobs in hand when it went away are retried; the rest of the backlog waits in the queue.
    console.log(`[e2e full postgres restart] jobs handed back for a retry: ${inspected.handedBack}`);
    expect(inspected.handedBack).toBeLessThanOrEqual(FULL_WORKER_SLOTS * 2);
    expect(inspected.manual).toEqual({ status: "completed", sentRows: 1, received: 1 });
  }, TEST_TIMEOUT_MS);
});
