/**
 * The defaults of every database pool's protective settings (DATABASE_POOL_WAIT_MS,
 * DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS). A module of its own so
 * that the configuration can read them without loading the database driver.
 */
export const DATABASE_DEFAULTS = { poolWaitMs: 3_000, statementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 10_000 } as const;
