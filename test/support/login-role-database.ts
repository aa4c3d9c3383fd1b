import { randomBytes } from "node:crypto";
import pg from "pg";
import { connectDatabase, type DatabaseHandle } from "../../src/db/connect.js";
import { migrateToLatest } from "../../src/db/migrate.js";
import { POSTGRES_URL } from "./services.js";

export interface LoginRoleDatabase {
  /** Connected as `login`, a non-superuser that owns the database and ran its migrations. */
  handle: DatabaseHandle;
  /** The same database as the test cluster's superuser (bypasses row-level security): for seeding. */
  admin: DatabaseHandle;
  login: string;
  /** The login role's connection string. */
  url: string;
  /** The same database's connection string as the cluster's superuser. */
  adminUrl: string;
  /** Runs one statement as the cluster's superuser (roles are cluster-wide). */
  asSuperuser(statement: string): Promise<void>;
  drop(): Promise<void>;
}

/**
 * A scratch database migrated by a login role of its own, the way a deployment runs: not a
 * superuser, so row-level security applies to it (the tests' usual `postgres` bypasses it).
 * CREATEROLE lets the migrations grant it the service's roles and make it NOINHERIT.
 */
export async function createLoginRoleDatabase(
  prefix = "mr_login",
  options: {
    /** The server, as its superuser (any database on it), when not the machine's shared one. */
    serverUrl?: string;
    adminPoolSize?: number;
    /** false: leave the migrations to the code under test (`migrate`), connecting as the login role. */
    migrate?: boolean;
  } = {},
): Promise<LoginRoleDatabase> {
  const serverUrl = options.serverUrl ?? POSTGRES_URL;
  const suffix = randomBytes(5).toString("hex");
  const name = `${prefix}_${suffix}`;
  const login = `${prefix}_role_${suffix}`;
  const password = randomBytes(16).toString("hex");
  const asSuperuser = async (statement: string) => {
    const c = new pg.Client({ connectionString: serverUrl });
    await c.connect();
    try {
      await c.query(statement);
    } finally {
      await c.end();
    }
  };
  await asSuperuser(`CREATE ROLE ${login} LOGIN CREATEROLE PASSWORD '${password}'`);
  // Postgres 16+ lets a CREATEROLE role grant only roles it administers: hand it the service's
  // roles (made here if this cluster has never been migrated) the way an operator would.
  for (const role of ["market_reports_tenant", "market_reports_worker", "market_reports_system"]) {
    await asSuperuser(`DO $$ BEGIN CREATE ROLE ${role} NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
  }
  await asSuperuser(`GRANT market_reports_tenant, market_reports_worker, market_reports_system TO ${login} WITH ADMIN OPTION`);
  await asSuperuser(`CREATE DATABASE ${name} OWNER ${login}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const adminUrl = url.toString();
  url.username = login;
  url.password = password;
  const handle = await connectDatabase({ databaseUrl: url.toString(), poolSize: 4 });
  if (options.migrate !== false) await migrateToLatest(handle);
  const admin = await connectDatabase({ databaseUrl: adminUrl, poolSize: options.adminPoolSize ?? 2 });
  return {
    handle,
    admin,
    login,
    url: url.toString(),
    adminUrl,
    asSuperuser,
    async drop() {
      await handle.close();
      await admin.close();
      await asSuperuser(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await asSuperuser(`DROP ROLE IF EXISTS ${login}`);
    },
  };
}
