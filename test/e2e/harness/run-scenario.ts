import { startE2eSystem, type E2eSystem, type E2eSystemOptions } from "./e2e-system.js";
import type { Expectations, InvariantReport } from "./invariants.js";

/** How often the harness's "CronJob" starts a new tick process (the real one: every minute). */
export const TICK_INTERVAL_MS = 2_500;

export interface ScenarioOptions<T, I> {
  system: E2eSystemOptions;
  /** Start the tick cron before `during` (default true); false leaves the first ticks to `during`. */
  cronFirst?: boolean;
  /** Default TICK_INTERVAL_MS; the benchmark uses the CronJob's real minute. */
  tickIntervalMs?: number;
  /** The fault, run while the system works; its result is handed back for the test's assertions. */
  during?: (system: E2eSystem) => Promise<T>;
  /** Upper bound for every run to become final; a hang is a failure, not a timed assertion. */
  finalTimeoutMs: number;
  expect?: Expectations | ((system: E2eSystem, faultResult: T) => Expectations);
  /** Reads what the test wants to assert on besides the invariants, before everything is torn down. */
  inspect?: (system: E2eSystem, faultResult: T) => Promise<I>;
}

export interface ScenarioResult<T, I> {
  report: InvariantReport;
  fault: T;
  inspected: I;
  system: E2eSystem;
  /** From the first tick's start until the SMTP server accepted the last email. */
  dueToInboxMs: number | undefined;
}

/**
 * One scenario end to end: start everything, run the fault while the ticks and workers do their
 * work, wait until every run is final, let the queues drain, stop the workers, check every
 * invariant, and tear everything down (processes, servers, database, queues).
 */
export async function runScenario<T = undefined, I = undefined>(options: ScenarioOptions<T, I>): Promise<ScenarioResult<T, I>> {
  const system = await startE2eSystem(options.system);
  try {
    const interval = options.tickIntervalMs ?? TICK_INTERVAL_MS;
    if (options.cronFirst ?? true) system.ticks.startCron(interval);
    const fault = options.during ? await options.during(system) : (undefined as T);
    system.ticks.startCron(interval);
    await system.waitUntilAllFinal(options.finalTimeoutMs);
    await system.settle();
    const expect = typeof options.expect === "function" ? options.expect(system, fault) : options.expect;
    const report = await system.checkInvariants(expect);
    const inspected = options.inspect ? await options.inspect(system, fault) : (undefined as I);
    const firstTick = system.ticks.launches[0]?.process.startedAt;
    const last = system.smtp.lastAcceptedAt();
    return { report, fault, inspected, system, dueToInboxMs: firstTick !== undefined && last !== undefined ? last - firstTick : undefined };
  } finally {
    await system.stop();
  }
}
