import { poolSettingsFromEnv, type Env } from "../config/env.js";
import { connectDatabase, type DatabaseHandle } from "./connect.js";
import type { Logger } from "../log/logger.js";

/** Postgres at DATABASE_URL, else (development only) the embedded PGlite under DATA_DIR. */
export async function openDatabase(env: Env, logger: Logger, options: { poolSize?: number; applicationName?: string } = {}): Promise<DatabaseHandle> {
  if (!env.DATABASE_URL) {
    logger.info({ dataDir: env.DATA_DIR }, "DATABASE_URL not set: using the embedded PGlite database");
  }
  return connectDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR, ...poolSettingsFromEnv(env), ...options });
}
