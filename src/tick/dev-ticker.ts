import type { Kysely } from "kysely";
import type { Database } from "../db/database.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue } from "../queue/job-queue.js";
import { runTick } from "./tick.js";

export interface MinuteTicker {
  /** No further ticks; resolves when the one in progress (if any) has finished. */
  stop(): Promise<void>;
}

const MINUTE_MS = 60_000;
// A little past the boundary, so a schedule due at hh:mm:00.000 is due when the tick looks.
const AFTER_BOUNDARY_MS = 250;

/**
 * The CronJob's tick for `npm start`: runTick at every minute boundary, in this process. A tick
 * still running at the next boundary makes that boundary skip (the CronJob's concurrencyPolicy:
 * Forbid); whatever is due is picked up by the next one.
 */
export function startMinuteTicker(options: {
  db: Kysely<Database>;
  queue: JobQueue;
  logger: Logger;
  budgetMs?: number;
  /** TICK_FAIR_SHARE (see runTick). */
  fairShare?: number;
}): MinuteTicker {
  const { db, queue, logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  const schedule = () => {
    if (stopped) return;
    const wait = MINUTE_MS - (Date.now() % MINUTE_MS) + AFTER_BOUNDARY_MS;
    timer = setTimeout(tick, wait);
  };

  const tick = () => {
    schedule();
    if (running) {
      logger.warn("previous tick still running; skipping this minute");
      return;
    }
    running = runTick({ db, queue, logger, budgetMs: options.budgetMs ?? 50_000, fairShare: options.fairShare })
      .then(
        () => undefined,
        (err: unknown) => logger.error({ err: err instanceof Error ? err.message : String(err) }, "tick failed"),
      )
      .finally(() => {
        running = undefined;
      });
  };

  schedule();
  logger.info("minute ticker started: due schedules are claimed at every minute boundary");
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
