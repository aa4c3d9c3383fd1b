import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { POSTGRES_URL } from "./services.js";

export interface TestDatabase {
  handle: DatabaseHandle;
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated database of its own for one test file, so files run in parallel without
 * seeing each other's rows. Dropped (connections and all) by drop(). `serverUrl` names the server
 * (any database on it) when it is not the machine's shared one.
 */
export async function createTestDatabase(prefix = "mr_test", poolSize = 10, serverUrl = POSTGRES_URL): Promise<TestDatabase> {
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await connectDatabase({ databaseUrl: url.toString(), poolSize });
  await migrateToLatest(handle);
  return {
    handle,
    url: url.toString(),
    name,
    async drop() {
      await handle.close();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
