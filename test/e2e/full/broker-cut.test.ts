import { describe, expect, it } from "vitest";
import { prepareApiProbe } from "../harness/api-probe.js";
import { rabbitmqctlAvailable } from "../harness/broker.js";
import { cutBrokerConnections, whenFinalReaches } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = (await fullSuiteServicesUp()) && (await rabbitmqctlAvailable());

describe.skipIf(!up)("e2e fault 4: RabbitMQ connections cut", () => {
  it("connections closed from the broker side three times mid-run: workers exit non-zero, are restarted, and finish every run once; a manual run asked of the API afterwards is not lost", async () => {
    const { report, fault, system, inspected } = await runScenario({
      system: { name: "full broker cut", ...FULL },
      during: async (s) => {
        const probe = await prepareApiProbe(s);
        await whenFinalReaches(s, FULL.schedules / 10);
        const closed = await cutBrokerConnections(s, { times: 3, gapMs: 8_000 });
        await s.workers.waitHealthy(180_000);
        return { closed, probe, manual: await probe.runNow() };
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      // A send in flight when its worker's consumer ended is finished by that worker while the
      // broker redelivers the job elsewhere; the ledger keeps it to one email either way.
      expect: (_s, f) => ({ unknownOutcomesExpected: true, otherRuns: new Set([f.manual.runId]) }),
      inspect: (_s, f) => f.probe.outcome(f.manual.runId),
    });

    const selfExits = system.workers.exits.filter((e) => !e.killed && e.code !== 0);
    console.log(
      `[e2e full broker cut] connections closed per cut: ${fault.closed.join(", ")}; worker exits on their own: ${selfExits.map((e) => e.code).join(", ")}; ` +
        `runNow after the cuts answered "${fault.manual.status}" (pending = the API could not publish; the tick's recovery did); ` +
        `runs partial for an unknown outcome though every recipient was sent: ${report.staleStatuses.length}`,
    );
    expect(new Set(fault.closed.map((n) => n > 0))).toEqual(new Set([true]));
    expect(selfExits.length).toBeGreaterThanOrEqual(fault.closed.length);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
    expect(inspected).toEqual({ status: "completed", sentRows: 1, received: 1 });
  }, TEST_TIMEOUT_MS);
});
