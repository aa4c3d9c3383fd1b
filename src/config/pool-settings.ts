/**
 * The defaults of every database pool's protective settings (DATABASE_POOL_WAIT_MS,
 * DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS): the configuration's,
 * and src/db/connect.ts's when its caller passes none.
 */
export const DATABASE_DEFAULTS = { poolWaitMs: 3_000, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 10_000 } as const;
