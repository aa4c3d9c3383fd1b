import { mkdirSync } from "node:fs";
import path from "node:path";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";

/**
 * One handle over either real Postgres or the embedded PGlite. Everything above this file talks to
 * `db` and never asks which one it has; only migrations need `execScript`, because plain .sql files
 * hold many statements and PGlite runs those only through its own exec().
 */
export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: "postgres" | "pglite";
  execScript(db: Kysely<unknown>, script: string): Promise<void>;
  close(): Promise<void>;
}

// Postgres int8 (counts, sizes) as JS numbers: every count here is far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));

export interface ConnectOptions {
  databaseUrl?: string;
  dataDir?: string;
  poolSize?: number;
  applicationName?: string;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return connectPostgres(options.databaseUrl, options);
  return connectPglite(options.dataDir);
}

function connectPostgres(url: string, options: ConnectOptions): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? "market-reports",
    connectionTimeoutMillis: 5_000,
    // A half-open TCP connection must surface as an error, not a hang.
    keepAlive: true,
  });
  // An idle client losing its connection (Postgres restart) must not crash the process.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: "postgres",
    async execScript(conn, script) {
      // No parameters → pg uses the simple protocol, which accepts many statements at once.
      await sql.raw(script).execute(conn);
    },
    close: () => db.destroy(),
  };
}

async function connectPglite(dataDir: string | undefined): Promise<DatabaseHandle> {
  const [{ PGlite }, { PGliteDialect }] = await Promise.all([
    import("@electric-sql/pglite"),
    import("kysely-pglite-dialect"),
  ]);
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
    async execScript(_conn, script) {
      // PGlite has one session; the migrator's open transaction is that session, so exec joins it.
      await pglite.exec(script);
    },
    close: () => db.destroy(),
  };
}
