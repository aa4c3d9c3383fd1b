import type { PostgresCursor, PostgresPool, PostgresPoolClient, PostgresQueryResult } from "kysely";

/**
 * Kysely opens every transaction with a lone `begin`, one round trip of its own. Every
 * transaction here then starts with a statement without parameters (the tenant settings, see
 * tenant.ts): this pool holds the `begin` back and sends it in one simple query with that
 * statement, so a transaction costs one round trip less, for the process and for Postgres.
 *
 * Nothing else changes: a first statement with parameters (which the simple protocol cannot
 * carry) is preceded by the `begin` on its own, as before; a transaction that ran no statement
 * at all never began, so its commit or rollback has nothing to end and is not sent.
 */
export function deferBegin(pool: { connect(): Promise<PgClient>; end(): Promise<void> }): PostgresPool {
  return {
    async connect() {
      return deferringClient(await pool.connect());
    },
    end: () => pool.end(),
  };
}

/** The part of a pg pool client kysely uses; `query` answers a multi-statement text with one result each. */
export interface PgClient {
  query(sql: string, parameters?: unknown[]): Promise<unknown>;
  query<R>(cursor: PostgresCursor<R>): PostgresCursor<R>;
  release(): void;
}

const BEGIN = /^\s*begin\s*;?\s*$/i;
const END = /^\s*(commit|rollback)\s*;?\s*$/i;

/** What kysely reads of a statement that was not sent: no rows, nothing affected. */
function noStatement<R>(): PostgresQueryResult<R> {
  return { command: "SELECT", rowCount: 0, rows: [] };
}

function deferringClient(client: PgClient): PostgresPoolClient {
  let beginPending = false;

  async function query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
    if (parameters.length === 0 && BEGIN.test(sql) && !beginPending) {
      beginPending = true;
      return noStatement();
    }
    if (beginPending) {
      beginPending = false;
      if (END.test(sql) && parameters.length === 0) return noStatement();
      if (parameters.length === 0) {
        // Simple protocol, two statements: pg answers with one result per statement.
        const results = (await client.query(`begin; ${sql}`)) as PostgresQueryResult<R>[] | PostgresQueryResult<R>;
        return Array.isArray(results) ? results[results.length - 1]! : results;
      }
      await client.query("begin");
    }
    return (await client.query(sql, [...parameters])) as PostgresQueryResult<R>;
  }

  return {
    query: ((sqlOrCursor: string | PostgresCursor<unknown>, parameters?: readonly unknown[]) => {
      if (typeof sqlOrCursor === "string") return query(sqlOrCursor, parameters ?? []);
      // A cursor (streaming) goes straight through; a held-back `begin` cannot ride along with it.
      if (beginPending) throw new Error("deferBegin: a cursor cannot open a transaction");
      return client.query(sqlOrCursor);
    }) as PostgresPoolClient["query"],
    release() {
      beginPending = false;
      client.release();
    },
  };
}
