import type { ColumnType, Generated } from "kysely";

/** migrations/0006_sessions.sql: one row per signed-in browser. */
export interface SessionsTable {
  id: Generated<string>;
  account_id: string;
  api_key_id: string;
  token_hash: string;
  created_at: ColumnType<Date, Date | string | undefined, never>;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  idle_expires_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date, Date | string, never>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}
