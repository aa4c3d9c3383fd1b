import { existsSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { startAmqpPublishGate } from "./amqp-publish-gate.js";
import { closeConnectionsOf } from "./broker.js";
import { killTree } from "./cli-process.js";
import { CHROMIUM_PATH, type E2eSystem } from "./e2e-system.js";
import { missingForOwnPostgres } from "./postgres-server.js";
import type { TickSummaryLine } from "./tick-cron.js";

const between = (min: number, max: number) => min + Math.random() * (max - min);

/** Like test/support/services.ts for the browser: skip with one line locally, fail under CI. */
export function chromiumAvailable(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (process.env.CI) throw new Error(`Chromium is not installed at ${CHROMIUM_PATH} (CI requires it). Install it: apt-get install chromium`);
  console.warn(`skipping: Chromium is not installed at ${CHROMIUM_PATH}; install it with: apt-get install chromium`);
  return false;
}

/** Resolves once `count` runs of the scenario are final (or `timeoutMs` passes). */
export async function whenFinalReaches(system: E2eSystem, count: number, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const p = await system.progress().catch(() => undefined);
    if (p && p.final >= count) return;
    await sleep(500);
  }
}

async function allFinal(system: E2eSystem): Promise<boolean> {
  const p = await system.progress().catch(() => undefined);
  return p !== undefined && p.due === 0 && p.final >= system.seed.schedules.length && p.open === 0;
}

export interface WorkerKill {
  at: number;
  slot: number;
  pid: number;
  /** Runs in a final state when it happened. */
  finalBefore: number;
}

/**
 * kill -9 of a random worker (with its Chromium), `times` times, at random moments while runs
 * are still open; each victim has been up at least `minUptimeMs` so the kill lands mid-work.
 */
export async function killWorkersAtRandom(
  system: E2eSystem,
  options: { times: number; gapMs: [number, number]; minUptimeMs?: number },
): Promise<WorkerKill[]> {
  const kills: WorkerKill[] = [];
  while (kills.length < options.times) {
    await sleep(between(...options.gapMs));
    if (await allFinal(system)) break;
    const up = system.workers.slots.filter((s) => !s.current.exit && Date.now() - s.current.startedAt >= (options.minUptimeMs ?? 3_000));
    if (up.length === 0) continue;
    const slot = up[Math.floor(Math.random() * up.length)];
    const finalBefore = (await system.progress().catch(() => undefined))?.final ?? -1;
    kills.push({ at: Date.now(), slot: slot.index, pid: system.workers.kill(slot.index), finalBefore });
  }
  return kills;
}

export interface TickKillEvidence {
  /** Runs of the scenario that were `pending` when the tick was killed: committed, unpublished. */
  pendingAtKill: number;
  /** Messages in the jobs queue at that moment (the gate let none through). */
  queuedAtKill: number;
  exitSignal: string | null;
}

/**
 * Starts one tick whose broker connection goes through a gate that swallows its first publish,
 * waits until it tries to publish — its claim is committed by then — and kills it with SIGKILL.
 * Its runs are left `pending` with no message anywhere: the recovery pass of a later tick
 * (after RECOVERY_GRACE_MS) must publish them, once.
 */
export async function killTickBetweenCommitAndPublish(system: E2eSystem, limit: number): Promise<TickKillEvidence> {
  const gate = await startAmqpPublishGate(system.env.AMQP_URL);
  try {
    const tick = system.ticks.launch({ args: ["--limit", String(limit)], env: { AMQP_URL: gate.url, TICK_BUDGET_SECONDS: "120" } });
    const held = await Promise.race([gate.firstPublishHeld.then(() => true), tick.process.exited.then(() => false)]);
    if (!held) throw new Error(`the gated tick exited before publishing; see ${tick.process.logFile}`);
    killTree(tick.process.pid);
    const exit = await tick.process.exited;
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schedule_runs WHERE status = 'pending'`.execute(system.db);
    const depths = await system.broker.depths();
    return { pendingAtKill: rows[0].n, queuedAtKill: depths.jobs, exitSignal: exit.signal };
  } finally {
    await gate.close();
  }
}

/** `count` tick processes started in the same instant; resolves with their summaries. */
export async function launchTicksAtOnce(system: E2eSystem, count: number, args: string[] = []) {
  const launches = Array.from({ length: count }, () => system.ticks.launch({ args }));
  const results = await Promise.all(launches.map((l) => l.done));
  return results.map((r, i) => ({ pid: launches[i].process.pid, code: r.exit.code, summary: r.summary as TickSummaryLine | undefined }));
}

/** Closes every broker connection of the scenario's processes from the broker's side, `times` times. */
export async function cutBrokerConnections(system: E2eSystem, options: { times: number; gapMs: number }): Promise<number[]> {
  const closed: number[] = [];
  for (let i = 0; i < options.times; i++) {
    if (i > 0) await sleep(options.gapMs);
    // Each cut should find the restarted workers connected again.
    await system.workers.waitHealthy(180_000);
    const pids = [
      ...system.workers.pids(),
      ...(system.api ? [system.api.pid] : []),
      ...system.ticks.launches.filter((t) => !t.process.exit).map((t) => t.process.pid),
    ];
    closed.push(await closeConnectionsOf(pids));
  }
  return closed;
}

/** Turns a fault on for `ms`, then off. */
export async function faultWindow(on: () => void, off: () => void, ms: number): Promise<void> {
  on();
  try {
    await sleep(ms);
  } finally {
    off();
  }
}

export interface ReadinessTrace {
  /** /readyz answers seen, in order, collapsed (200, 503, 200 …); 0 = no answer. */
  statuses: number[];
  stop(): Promise<void>;
}

/** Polls the API's /readyz every 200 ms and records each change of answer. */
export function traceReadiness(apiUrl: string): ReadinessTrace {
  const statuses: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const status = await fetch(`${apiUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
        (r) => r.status,
        () => 0,
      );
      if (statuses[statuses.length - 1] !== status) statuses.push(status);
      await sleep(200);
    }
  })();
  return {
    statuses,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/**
 * Whether the harness can give a scenario a Postgres server of its own to restart (`postgres:
 * "own"`): initdb and pg_ctl, and as root a `postgres` user to run them as. Skips with one line.
 */
export async function canRestartPostgres(): Promise<boolean> {
  const missing = await missingForOwnPostgres();
  if (missing) console.warn(`skipping: cannot start a Postgres server of the scenario's own: ${missing}`);
  return missing === undefined;
}

/**
 * Stops the scenario's own Postgres server (fast shutdown: every session of the api, workers and
 * ticks ends), keeps it down `downMs`, and starts it again on the same port and data.
 */
export async function restartPostgres(system: E2eSystem, options: { downMs?: number } = {}): Promise<void> {
  if (!system.postgresServer) throw new Error(`restartPostgres needs a scenario started with postgres: "own", not the machine's shared server`);
  await system.postgresServer.restart(options);
}
