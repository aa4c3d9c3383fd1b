import type pg from "pg";

/**
 * No pooled connection came free within the pool's wait: the service is busy (or stuck), not
 * broken. Callers answer 503 with Retry-After rather than 500.
 */
export class DatabaseBusyError extends Error {
  constructor(readonly waitedMs: number, options?: { cause?: unknown }) {
    super(`no database connection free within ${waitedMs} ms`, options);
    this.name = "DatabaseBusyError";
  }
}

/**
 * Watches whether the pool can still hand out connections. "Exhausted" is every connection
 * checked out and a caller waiting past the pool's wait; it starts at the first such timeout
 * and ends at the next successful checkout. A pool exhausted for minutes is one whose
 * connections leaked: the liveness probe reads `exhaustedForMs` so the process gets restarted.
 */
export interface PoolHealth {
  exhaustedForMs(now?: number): number;
}

export interface WatchedPool {
  connect(): Promise<pg.PoolClient>;
  end(): Promise<void>;
}

export function watchPool(pool: pg.Pool, max: number, waitMs: number): { pool: WatchedPool; health: PoolHealth } {
  let exhaustedSince: number | undefined;
  const listening = new WeakSet<pg.PoolClient>();
  return {
    pool: {
      async connect() {
        try {
          const client = await pool.connect();
          exhaustedSince = undefined;
          // pg-pool listens for errors only on idle clients. A checked-out one whose session
          // Postgres ends (idle_in_transaction_session_timeout, a restart) would otherwise throw
          // an uncaught 'error'; its holder learns of it from its next statement instead.
          if (!listening.has(client)) {
            listening.add(client);
            client.on("error", () => undefined);
          }
          return client;
        } catch (error) {
          // pg-pool's messages for a checkout that waited connectionTimeoutMillis for a free slot,
          // or for a new connection that took longer than that to open.
          if (error instanceof Error && /timeout exceeded when trying to connect|terminated due to connection timeout/i.test(error.message)) {
            if (pool.totalCount >= max) exhaustedSince ??= Date.now();
            throw new DatabaseBusyError(waitMs, { cause: error });
          }
          throw error;
        }
      },
      end: () => pool.end(),
    },
    health: {
      exhaustedForMs: (now = Date.now()) => (exhaustedSince === undefined ? 0 : now - exhaustedSince),
    },
  };
}
