// No imports: the tick reads this before deciding whether it needs kysely at all.
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "EAI_AGAIN", "EPIPE"]);

// SQLSTATEs of a server going away or not yet back: admin_shutdown (a restart or failover),
// crash_shutdown, cannot_connect_now (still starting); class 08 is every connection exception.
const SERVER_GOING_AWAY = new Set(["57P01", "57P02", "57P03"]);

/**
 * Whether an error says the database could not be reached or dropped the session (a restart, a
 * failover, the network), as opposed to a statement it refused. Such a failure says nothing about
 * the work itself: it is worth doing again once the database answers.
 */
export function isDatabaseUnreachable(error: unknown): boolean {
  if (error instanceof AggregateError && error.errors.some(isDatabaseUnreachable)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string" && (NETWORK_CODES.has(code) || SERVER_GOING_AWAY.has(code) || code.startsWith("08"))) return true;
  const message = error instanceof Error ? error.message : "";
  // node-postgres's own wording for a session that ended under it, or one that never opened.
  return /Connection terminated|not queryable|connection timeout|timeout exceeded when trying to connect/i.test(message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Runs `work`, and again while it fails because the database is unreachable, for up to `forMs`
 * (backing off from 250 ms to 2 s); any other failure, or the last one, is thrown.
 */
export async function retryWhileDatabaseUnreachable<T>(work: () => Promise<T>, forMs: number): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let pause = 250; ; pause = Math.min(pause * 2, 2_000)) {
    try {
      return await work();
    } catch (error) {
      if (!isDatabaseUnreachable(error) || Date.now() + pause > deadline) throw error;
      await sleep(pause);
    }
  }
}
