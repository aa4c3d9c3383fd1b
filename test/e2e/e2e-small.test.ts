import { describe, expect, it, vi } from "vitest";
import { postgresUp, rabbitUp } from "../support/services.js";
import { chromiumAvailable, killTickBetweenCommitAndPublish, launchTicksAtOnce, whenFinalReaches } from "./harness/fault-drivers.js";
import { TICK_INTERVAL_MS, runScenario } from "./harness/run-scenario.js";

/*
 * The small end-to-end suite inside `npm test`: real `api`, two `worker`s and `tick` processes
 * against Postgres, RabbitMQ, s3rver and an SMTP server, 2 accounts and 30 due schedules per
 * scenario. The full fault set (1,000 schedules) is `npm run test:e2e`.
 */
const servicesUp = (await postgresUp()) && (await rabbitUp()) && chromiumAvailable();

const SMALL = { accounts: 2, schedules: 30 };

describe.skipIf(!servicesUp)("end to end, small: real processes, 30 due schedules", () => {
  it("eight ticks started at the same moment claim each schedule once; every recipient gets one email", async () => {
    const { report, fault } = await runScenario({
      system: { name: "small eight ticks", ...SMALL },
      cronFirst: false,
      // A limit below the number due makes the eight share the work instead of the first taking all.
      during: (system) => launchTicksAtOnce(system, 8, ["--limit", "8"]),
      finalTimeoutMs: 150_000,
    });

    expect(fault.map((t) => t.code)).toEqual(Array(8).fill(0));
    expect(fault.reduce((n, t) => n + (t.summary?.claimed ?? 0), 0)).toBe(SMALL.schedules);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(SMALL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
    expect(report.lost).toBe(0);
  }, 300_000);

  it("kill -9 of a worker twice mid-run: no run lost, no recipient mailed twice", async () => {
    const { report, fault, system } = await runScenario({
      system: { name: "small worker kills", ...SMALL },
      during: async (s) => {
        await vi.waitFor(() => expect(s.smtp.received.length).toBeGreaterThan(0), { timeout: 120_000, interval: 100 });
        const first = s.workers.kill(0);
        await whenFinalReaches(s, Math.ceil(SMALL.schedules / 3), 120_000);
        const second = s.workers.kill(1);
        return [first, second];
      },
      finalTimeoutMs: 180_000,
      expect: { unknownOutcomesExpected: true },
    });

    expect(fault).toHaveLength(2);
    expect(system.workers.exits.filter((e) => e.killed && e.signal === "SIGKILL")).toHaveLength(2);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(SMALL.schedules);
    expect(report.duplicates).toBe(0);
    // A recipient whose send was in flight at the kill stays `sending` and is not resent.
    expect(report.lost).toBeLessThanOrEqual(report.unknownOutcomes.filter((u) => !u.received).length);
  }, 300_000);

  it("kill -9 of a tick between its commit and its publishes: a later tick publishes those runs, once", async () => {
    const claimedByVictim = 20;
    const { report, fault, system } = await runScenario({
      system: { name: "small tick kill", ...SMALL },
      cronFirst: false,
      during: (s) => killTickBetweenCommitAndPublish(s, claimedByVictim),
      finalTimeoutMs: 180_000,
    });

    expect(fault).toEqual({ pendingAtKill: claimedByVictim, queuedAtKill: 0, exitSignal: "SIGKILL" });
    const summaries = await system.ticks.summaries();
    expect(summaries.reduce((n, s) => n + s.republished, 0)).toBe(claimedByVictim);
    expect(report.violations).toEqual([]);
    expect(report.runs).toBe(SMALL.schedules);
    expect(report.received).toBe(report.expectedEmails);
    expect(report.duplicates).toBe(0);
  }, 300_000);

  it("a listing outage for one ZIP that outlives the retry limit: those runs fail with the reason and are dead-lettered; the rest complete", async () => {
    let zip = "";
    const { report, system } = await runScenario({
      system: { name: "small dead letters", ...SMALL, listings: "fake-simplyrets", workerMaxAttempts: 2 },
      cronFirst: false,
      during: async (s) => {
        zip = s.seed.schedules[1].zips[0];
        s.simplyrets!.setFailingZip(zip);
        s.ticks.startCron(TICK_INTERVAL_MS);
      },
      finalTimeoutMs: 180_000,
      expect: (s) => ({
        mayFail: (run) =>
          run.status === "failed" &&
          s.seed.byId.get(run.schedule_id)!.zips.includes(zip) &&
          /^gave up after 2 attempts: SimplyRETS server error \(503\)/.test(run.error ?? ""),
      }),
    });

    const cutOff = system.seed.schedules.filter((s) => s.zips.includes(zip) && s.recipients.some((r) => !s.suppressed.has(r)));
    expect(cutOff.length).toBeGreaterThan(0);
    expect(report.violations).toEqual([]);
    expect(report.failedRuns.map((f) => f.status)).toEqual(cutOff.map(() => "failed"));
    expect(report.deadLetters).toBe(cutOff.length);
    expect(report.statuses.completed).toBe(SMALL.schedules - cutOff.length - (report.statuses.skipped ?? 0));
    expect(report.duplicates).toBe(0);
  }, 300_000);
});
