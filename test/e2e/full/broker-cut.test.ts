import { describe, expect, it } from "vitest";
import { rabbitmqctlAvailable } from "../harness/broker.js";
import { cutBrokerConnections, whenFinalReaches } from "../harness/fault-drivers.js";
import { runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";

const up = (await fullSuiteServicesUp()) && (await rabbitmqctlAvailable());

describe.skipIf(!up)("e2e fault 4: RabbitMQ connections cut", () => {
  it("connections closed from the broker side three times mid-run: workers exit non-zero, are restarted, and finish every run once", async () => {
    const { report, fault, system } = await runScenario({
      system: { name: "full broker cut", ...FULL },
      during: async (s) => {
        await whenFinalReaches(s, FULL.schedules / 10);
        return cutBrokerConnections(s, { times: 3, gapMs: 8_000 });
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      // A send in flight when its worker's consumer ended is finished by that worker while the
      // broker redelivers the job elsewhere; the ledger keeps it to one email either way.
      expect: { unknownOutcomesExpected: true },
    });

    const selfExits = system.workers.exits.filter((e) => !e.killed && e.code !== 0);
    console.log(`[e2e full broker cut] connections closed per cut: ${fault.join(", ")}; worker exits on their own: ${selfExits.map((e) => e.code).join(", ")}`);
    expect(fault.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(selfExits.length).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
  }, TEST_TIMEOUT_MS);
});
