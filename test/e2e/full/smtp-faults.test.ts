import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { faultWindow } from "../harness/fault-drivers.js";
import { TICK_INTERVAL_MS, runScenario } from "../harness/run-scenario.js";
import { FINAL_TIMEOUT_MS, FULL, TEST_TIMEOUT_MS, fullSuiteServicesUp } from "./full-size.js";
import { waitUntil } from "../../support/wait-until.js";

const up = await fullSuiteServicesUp();

describe.skipIf(!up)("e2e fault 5: SMTP refusing", () => {
  it("421 for 15 s mid-run and 550 for one address: deferred recipients are retried and mailed once; the rejected one gets nothing and is suppressed, its run says why", async () => {
    let rejected = "";
    const { report, system, inspected } = await runScenario({
      system: { name: "full smtp faults", ...FULL },
      cronFirst: false,
      during: async (s) => {
        // A schedule with several recipients, none suppressed: the 550 makes its run partial.
        const target = s.seed.schedules.find((x) => x.recipients.length >= 3 && x.suppressed.size === 0)!;
        rejected = target.recipients[1];
        s.smtp.rejectAddress(rejected);
        s.ticks.startCron(TICK_INTERVAL_MS);
        await waitUntil(() => s.smtp.received.length > 0, { timeoutMs: 300_000, what: "no email received" });
        await faultWindow(
          () => s.smtp.setTemporaryFailure(true),
          () => s.smtp.setTemporaryFailure(false),
          15_000,
        );
      },
      finalTimeoutMs: FINAL_TIMEOUT_MS,
      expect: () => ({ rejectedAddresses: new Set([rejected]) }),
      inspect: async (s) =>
        (await sql<{ reason: string | null }>`SELECT reason FROM email_suppressions WHERE email = ${rejected}`.execute(s.db)).rows,
    });

    console.log(`[e2e full smtp faults] 421 answers: ${system.smtp.faults.temporary}, 550 answers: ${system.smtp.faults.rejected}`);
    expect(system.smtp.faults.temporary).toBeGreaterThan(0);
    expect(system.smtp.faults.rejected).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(FULL.schedules);
    expect(report.duplicates).toBe(0);
    expect(report.failedRuns).toHaveLength(1);
    expect(report.failedRuns[0]).toMatchObject({ status: "partial", error: expect.stringMatching(/rejected by the mail server/) });
    expect(report.lost).toBe(1);
    expect(inspected).toEqual([{ reason: "bounce" }]);
  }, TEST_TIMEOUT_MS);
});
