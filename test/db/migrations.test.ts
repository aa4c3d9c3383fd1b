import { execFile } from "node:child_process";
import { mkdtemp, writeFile, copyFile, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { connectDatabase } from "../../src/db/connect.js";
import { migrateToLatest, MigrationError, MIGRATIONS_DIR } from "../../src/db/migrate.js";
import { POSTGRES_URL, postgresUp } from "../support/services.js";

const up = await postgresUp();
const run = promisify(execFile);

async function freshDatabase(): Promise<string> {
  const name = `mr_mig_${Math.random().toString(16).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: POSTGRES_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  created.push(name);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return url.toString();
}
const created: string[] = [];

describe.skipIf(!up)("migrations", () => {
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it("two concurrent migrations: one applies, the other waits and then does nothing", async () => {
    const url = await freshDatabase();
    const [h1, h2] = await Promise.all([connectDatabase({ databaseUrl: url }), connectDatabase({ databaseUrl: url })]);
    try {
      const [r1, r2] = await Promise.all([migrateToLatest(h1), migrateToLatest(h2)]);
      const files = (await readdir(MIGRATIONS_DIR)).filter((f) => f.endsWith(".sql"));
      expect([r1.applied.length, r2.applied.length].sort()).toEqual([0, files.length]);
      const again = await migrateToLatest(h1);
      expect(again.applied).toEqual([]);
    } finally {
      await h1.close();
      await h2.close();
    }
  });

  it("a failing migration reports its name and the SQL error, and applies nothing of itself", async () => {
    const url = await freshDatabase();
    const dir = await mkdtemp(path.join(tmpdir(), "mr-mig-"));
    for (const f of await readdir(MIGRATIONS_DIR)) await copyFile(path.join(MIGRATIONS_DIR, f), path.join(dir, f));
    await writeFile(path.join(dir, "9999_broken.sql"), "CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;\n");
    const handle = await connectDatabase({ databaseUrl: url });
    try {
      const error = await migrateToLatest(handle, dir).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/9999_broken.*no_such_table/);
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      const t = await c.query("select to_regclass('half_done') as t");
      await c.end();
      expect(t.rows[0].t).toBeNull();
    } finally {
      await handle.close();
    }
  });

  it("the migrate command exits 0 and is a no-op when run again; exits 1 with the error when the database is unreachable", async () => {
    const url = await freshDatabase();
    const env = { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" };
    const first = await run("npx", ["tsx", "src/commands/cli.ts", "migrate"], { env });
    expect(first.stdout).toMatch(/Applied \d+ migration/);
    const second = await run("npx", ["tsx", "src/commands/cli.ts", "migrate"], { env });
    expect(second.stdout).toContain("Database is up to date.");
    const failed = await run("npx", ["tsx", "src/commands/cli.ts", "migrate"], {
      env: { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/nothing" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((failed as { code: number }).code).toBe(1);
    expect((failed as { stderr: string }).stderr).toMatch(/ECONNREFUSED|connect/);
  });

  it("invalid configuration exits 1 listing every problem", async () => {
    const result = await run("npx", ["tsx", "src/commands/cli.ts", "migrate"], {
      env: { ...process.env, DATABASE_URL: "mysql://nope", PORT: "99999", ENVIRONMENT: "production" },
    }).catch((e: { code: number; stderr: string }) => e);
    expect((result as { code: number }).code).toBe(1);
    const stderr = (result as { stderr: string }).stderr;
    expect(stderr).toContain("DATABASE_URL: must be a URL starting with postgres:// or postgresql://");
    expect(stderr).toContain("PORT: must be an integer from 1 to 65535");
    expect(stderr).toContain("UNSUBSCRIBE_SECRET: is required when ENVIRONMENT=production");
  });
});
