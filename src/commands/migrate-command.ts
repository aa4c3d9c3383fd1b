import type { Env } from "../config/env.js";
import { openDatabase } from "../db/open-database.js";
import { createLogger } from "../log/logger.js";
import { migrateToLatest } from "../db/migrate.js";

export async function runMigrateCommand(env: Env): Promise<number> {
  const logger = createLogger(env.LOG_LEVEL);
  let handle;
  try {
    handle = await openDatabase(env, logger, { poolSize: 2, applicationName: "market-reports-migrate" });
    const { applied } = await migrateToLatest(handle);
    console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await handle?.close();
  }
}
