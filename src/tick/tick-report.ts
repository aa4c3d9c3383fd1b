import type { Logger } from "../log/logger.js";

/*
 * What a tick looks at first and what it reports, kept free of kysely and the rest of the tick so
 * `market-reports tick` can answer "nothing to do" without loading them (see tick-command.ts).
 */

/**
 * How old a `pending` run must be before recovery republishes it. A live tick publishes its runs
 * right after its commit; the grace keeps a concurrent tick from publishing them a second time.
 */
export const RECOVERY_GRACE_MS = 30_000;

/** Must equal SYSTEM_ROLE in src/db/tenant.ts (checked by a test); that module loads kysely. */
export const TICK_ROLE = "market_reports_system";

/**
 * One round trip telling the tick whether there is anything to do at all: $1 = now,
 * $2 = now − recovery grace. Run as the system role (row-level security hides everything else).
 */
export const PROBE_SQL = `
  SELECT (SELECT count(*)::int FROM schedules WHERE active AND next_run_at <= $1::timestamptz) AS due,
         EXISTS (SELECT 1 FROM schedule_runs WHERE status = 'pending' AND created_at < $2::timestamptz) AS stale`;

export interface ProbeResult {
  due: number;
  stale: boolean;
}

export function probeParams(now: Date, graceMs: number = RECOVERY_GRACE_MS): [string, string] {
  return [now.toISOString(), new Date(now.getTime() - graceMs).toISOString()];
}

export interface TickSummary {
  /** Schedules due when the tick started. */
  due: number;
  /** Schedules claimed and advanced (bad ones included). */
  claimed: number;
  /** New runs the broker confirmed. */
  published: number;
  /** Runs left pending by an earlier tick that this one published. */
  republished: number;
  /** Runs recorded as failed: bad schedules and jobs that fail the message schema. */
  failed: number;
  /** Runs left pending because the broker failed to take them; the next tick retries. */
  unpublished: number;
  /** Why publishing failed, when it did (the first reason). */
  publishError?: string;
  /** Claiming stopped because the budget ran out with schedules still due. */
  budgetExhausted: boolean;
  ms: number;
}

export function emptySummary(due = 0): TickSummary {
  return { due, claimed: 0, published: 0, republished: 0, failed: 0, unpublished: 0, budgetExhausted: false, ms: 0 };
}

/** The seed's log line, kept word for word. */
export function logFound(logger: Logger, due: number): void {
  logger.info({ due }, `Found ${due} due schedule(s)`);
}

export function logFinished(logger: Logger, summary: TickSummary): void {
  const { publishError, ...counts } = summary;
  logger.info({ ...counts, ...(publishError ? { publishError } : {}) }, "Tick finished");
}
