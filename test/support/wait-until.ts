import { setTimeout as sleep } from "node:timers/promises";

/**
 * Polls `check` until it holds; after `timeoutMs` it fails with `what` (a function to describe the
 * state at that moment). An error thrown by `check` ends the wait at once, where `vi.waitFor`
 * would retry it: for waiting on a process that may have exited. Otherwise a test uses
 * `vi.waitFor` / `expect.poll`; the e2e harness uses this because it also runs under `bench:e2e`
 * (plain tsx, no vitest).
 */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  options: { timeoutMs: number; intervalMs?: number; what: string | (() => string | Promise<string>) },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const what = typeof options.what === "string" ? options.what : await options.what();
      throw new Error(`gave up after ${options.timeoutMs} ms: ${what}`);
    }
    await sleep(options.intervalMs ?? 250);
  }
}
