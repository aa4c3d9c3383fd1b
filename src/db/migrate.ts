import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from "kysely";
import { APP_ROOT } from "../config/app-root.js";
import type { DatabaseHandle } from "./connect.js";

export const MIGRATIONS_DIR = path.join(APP_ROOT, "migrations");

/**
 * Plain numbered .sql files run through kysely's Migrator, which brings its advisory lock (a
 * second concurrent migrate waits, then finds nothing to do) and its bookkeeping table.
 */
class SqlFileMigrationProvider implements MigrationProvider {
  constructor(
    private readonly handle: DatabaseHandle,
    private readonly dir: string,
  ) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => f.endsWith(".sql")).sort();
    const migrations: Record<string, Migration> = {};
    for (const file of files) {
      const script = await readFile(path.join(this.dir, file), "utf8");
      migrations[file.replace(/\.sql$/, "")] = { up: (db) => this.handle.execScript(db, script) };
    }
    return migrations;
  }
}

export class MigrationError extends Error {
  constructor(
    readonly migrationName: string | undefined,
    cause: unknown,
  ) {
    super(
      `migration ${migrationName ?? "(unknown)"} failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    );
    this.name = "MigrationError";
  }
}

export interface MigrateOutcome {
  applied: string[];
}

export async function migrateToLatest(handle: DatabaseHandle, dir = MIGRATIONS_DIR): Promise<MigrateOutcome> {
  const migrator = new Migrator({ db: handle.db, provider: new SqlFileMigrationProvider(handle, dir) });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error");
    throw new MigrationError(failed?.migrationName, result.error);
  }
  return { applied: (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName) };
}
