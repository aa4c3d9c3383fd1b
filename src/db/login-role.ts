import { sql } from "kysely";
import type { Env } from "../config/env.js";
import type { Logger } from "../log/logger.js";
import type { DatabaseHandle } from "./connect.js";
import { SYSTEM_ROLE, TENANT_ROLE, WORKER_ROLE } from "./tenant.js";

export class LoginRoleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "LoginRoleError";
  }
}

interface LoginRole {
  login: string;
  superuser: boolean;
  bypassrls: boolean;
  inherits_tenant: boolean;
  inherits_worker: boolean;
  inherits_system: boolean;
}

/**
 * Row-level security must fail closed: a query made outside withTenant/withSystem runs as the
 * login role, which must hold neither role's privileges until it switches to one. A login role
 * that inherits the system role reads every account's rows from a bare query, so the process
 * refuses to start on one. A superuser (or BYPASSRLS) skips row-level security altogether: in
 * production that is refused too unless DATABASE_ALLOW_SUPERUSER says the operator accepts it;
 * elsewhere it is warned about, since it is how many single-user development clusters run.
 */
export async function assertLoginRoleFailsClosed(
  handle: DatabaseHandle,
  logger: Logger,
  env: Pick<Env, "ENVIRONMENT" | "DATABASE_ALLOW_SUPERUSER">,
): Promise<void> {
  try {
    await checkLoginRole(handle, logger, env.ENVIRONMENT === "production" && !env.DATABASE_ALLOW_SUPERUSER);
  } catch (error) {
    // a refused start must not leave the pool holding the process open
    await handle.close();
    throw error;
  }
}

async function checkLoginRole(handle: DatabaseHandle, logger: Logger, refuseSuperuser: boolean): Promise<void> {
  // PGlite has one superuser session on a file of this machine's own: nothing to share.
  if (handle.kind !== "postgres") return;
  const { rows } = await sql<LoginRole>`
    select r.rolname as login, r.rolsuper as superuser, r.rolbypassrls as bypassrls,
           pg_has_role(r.oid, ${TENANT_ROLE}, 'USAGE') as inherits_tenant,
           pg_has_role(r.oid, ${WORKER_ROLE}, 'USAGE') as inherits_worker,
           pg_has_role(r.oid, ${SYSTEM_ROLE}, 'USAGE') as inherits_system
      from pg_roles r where r.rolname = current_user`.execute(handle.db);
  const role = rows[0];
  if (!role) throw new LoginRoleError("could not read the login role from pg_roles");
  if (role.superuser || role.bypassrls) {
    if (refuseSuperuser) {
      throw new LoginRoleError(
        `The database login role "${role.login}" is a ${role.superuser ? "superuser" : "BYPASSRLS role"}, which row-level security does not apply to: ` +
          "a query outside a tenant transaction would see every account's rows. Connect as a login role of the service's own without those attributes " +
          '(README, "What you need"), or set DATABASE_ALLOW_SUPERUSER=true to accept it.',
      );
    }
    logger.warn(
      { login: role.login },
      "connected as a superuser or BYPASSRLS role: row-level security does not guard queries made outside a tenant transaction; connect as a dedicated login role without those attributes",
    );
    return;
  }
  const inherited = [role.inherits_tenant && TENANT_ROLE, role.inherits_worker && WORKER_ROLE, role.inherits_system && SYSTEM_ROLE].filter(Boolean);
  if (inherited.length > 0) {
    throw new LoginRoleError(
      `The database login role "${role.login}" inherits the privileges of ${inherited.join(", ")}, so a query outside a tenant transaction would see every account's rows. ` +
        `Run "market-reports migrate" (it makes the login role NOINHERIT), or as a superuser: ALTER ROLE "${role.login}" NOINHERIT;`,
    );
  }
}
