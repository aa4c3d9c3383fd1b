import type { Logger } from "../log/logger.js";

/**
 * Runs `stop` once on SIGTERM/SIGINT and resolves when it has finished. A second signal, or a
 * stop that overruns `graceMs`, forces the exit so a pod never outlives its grace period.
 */
export function onShutdownSignal(logger: Logger, graceMs: number, stop: (signal: string) => Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, "second signal: exiting now");
        process.exit(1);
      }
      stopping = true;
      logger.info({ signal }, "shutting down");
      const force = setTimeout(() => {
        logger.error({ graceMs }, "shutdown overran its grace period: exiting");
        process.exit(1);
      }, graceMs);
      force.unref();
      stop(signal)
        .catch((error: unknown) => logger.error({ err: error }, "error during shutdown"))
        .finally(() => {
          clearTimeout(force);
          process.off("SIGTERM", handler);
          process.off("SIGINT", handler);
          resolve();
        });
    };
    process.on("SIGTERM", handler);
    process.on("SIGINT", handler);
  });
}
