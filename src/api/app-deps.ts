import type { Kysely } from "kysely";
import type { Env } from "../config/env.js";
import type { Database } from "../db/database.js";
import type { Logger } from "../log/logger.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { ObjectStore } from "../storage/object-store.js";

/**
 * What the API needs from the outside world. Built once by the process (api, dev, tests) and
 * passed down; nothing below reads process.env or knows which implementation it was given.
 */
export interface AppDeps {
  env: Env;
  db: Kysely<Database>;
  logger: Logger;
  /** Absent only in processes that never publish (tests of read-only paths). */
  queue?: JobQueue;
  /** Where report files live; used by reports.get and the /r/ link route. */
  store?: ObjectStore;
  /** True while the process is shutting down: /readyz answers 503 so traffic drains away. */
  isShuttingDown?: () => boolean;
  /** The built browser app (default dist/web); tests build their own. */
  webAppDir?: string;
}
