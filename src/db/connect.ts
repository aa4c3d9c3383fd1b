import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";
import { deferBegin } from "./deferred-begin.js";
import { watchPool, type PoolHealth } from "./pool-health.js";
import { DATABASE_DEFAULTS } from "../config/pool-settings.js";

/**
 * One handle over either real Postgres or the embedded PGlite. Everything above this file talks to
 * `db` and never asks which one it has; only migrations need `execScript`, because plain .sql files
 * hold many statements and PGlite runs those only through its own exec().
 */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: "postgres" | "pglite";
  execScript(db: Kysely<unknown>, script: string): Promise<void>;
  /** Whether the pool can still hand out connections (PGlite's single session always can). */
  health: PoolHealth;
  close(): Promise<void>;
}

// Postgres int8 (counts, sizes) as JS numbers: every count here is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface ConnectOptions {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  applicationName?: string;
  /** How long a caller waits for a free pooled connection before DatabaseBusyError. */
  poolWaitMs?: number;
  /** Server-side bounds on every session of the pool (Postgres kills what overruns them). */
  statementTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}


export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options);
  return connectPglite(options.dataDir);
}

function connectPostgres(url: string, options: ConnectOptions): DatabaseHandle {
  const max = options.poolSize ?? 10;
  const waitMs = options.poolWaitMs ?? DATABASE_DEFAULTS.poolWaitMs;
  const pool = new pg.Pool({
    connectionString: url,
    max,
    application_name: options.applicationName ?? "market-reports",
    connectionTimeoutMillis: waitMs,
    // A half-open TCP connection must surface as an error, not a hang.
    keepAlive: true,
    // Defence in depth: a session left idle inside a transaction (a request stuck on a client) or
    // a runaway statement is ended by Postgres, and pg-pool then drops that client and frees its slot.
    statement_timeout: options.statementTimeoutMs ?? DATABASE_DEFAULTS.statementTimeoutMs,
    idle_in_transaction_session_timeout: options.idleInTransactionTimeoutMs ?? DATABASE_DEFAULTS.idleInTransactionTimeoutMs,
  });
  // A client losing its connection (Postgres restart, a session timeout) must not crash the process.
  pool.on("error", () => undefined);
  const watched = watchPool(pool, max, waitMs);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: deferBegin(watched.pool) }) });
  return {
    db,
    kind: "postgres",
    health: watched.health,
    async execScript(conn, script) {
      // No parameters → pg uses the simple protocol, which accepts many statements at once.
      await sql.raw(script).execute(conn);
    },
    close: () => db.destroy(),
  };
}

async function connectPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  // Optional dependencies: the production image leaves them out (it always has DATABASE_URL).
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("kysely-pglite-dialect"),
  ]).catch((error: unknown) => {
    if ((error as { code?: string }).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new Error("DATABASE_URL is not set and the embedded database (PGlite) is not installed here: set DATABASE_URL", { cause: error });
  });
  let target: string | undefined;
  if (dataDir !== undefined && dataDir !== "memory://") {
    target = path.resolve(dataDir, "pglite");
    mkdirSync(target, { recursive: true });
  }
  const pglite = target ? new PGlite(target) : new PGlite();
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return {
    db,
    kind: "pglite",
    health: { exhaustedForMs: () => 0 },
    async execScript(_conn, script) {
      // PGlite has one session; the migrator's open transaction is that session, so exec joins it.
      await pglite.exec(script);
    },
    close: () => db.destroy(),
  };
}
