import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { Cadence, EmailStatus, ReportRunStatus, RunKind, RunStatus } from "./enums.js";

/** Kysely's view of the tables in migrations/. Timestamps come back as Date from both drivers. */
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Json<T = unknown> = ColumnType<T, string | T, string | T>;
/** A JSON column with a database default: optional on insert. */
type JsonWithDefault<T = unknown> = ColumnType<T, string | T | undefined, string | T>;

export interface AccountsTable {
  id: Generated<string>;
  name: string;
  created_at: CreatedAt;
}

export interface ApiKeysTable {
  id: Generated<string>;
  account_id: string;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
}

export interface SchedulesTable {
  id: Generated<string>;
  account_id: string;
  name: string;
  report_type: string;
  city: string | null;
  zip_codes: ColumnType<string[], string[] | undefined, string[]>;
  lookback_days: ColumnType<number, number | undefined, number>;
  cadence: Cadence;
  weekly_dow: number | null;
  monthly_dom: number | null;
  send_hour: ColumnType<number, number | undefined, number>;
  send_minute: ColumnType<number, number | undefined, number>;
  timezone: ColumnType<string, string | undefined, string>;
  recipients: string[];
  include_attachment: ColumnType<boolean, boolean | undefined, boolean>;
  filters: JsonWithDefault<Record<string, unknown>>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  last_run_at: Timestamp | null;
  next_run_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface ScheduleRunsTable {
  id: Generated<string>;
  account_id: string;
  schedule_id: string;
  report_run_id: string | null;
  scheduled_for: Timestamp;
  kind: ColumnType<RunKind, RunKind | undefined, RunKind>;
  status: ColumnType<RunStatus, RunStatus | undefined, RunStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  params: JsonWithDefault<Record<string, unknown>>;
  error: string | null;
  summary: Json<Record<string, unknown>> | null;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  queued_at: Timestamp | null;
  created_at: CreatedAt;
}

export interface ReportRunsTable {
  id: Generated<string>;
  account_id: string;
  schedule_id: string | null;
  schedule_run_id: string | null;
  report_type: string;
  params: JsonWithDefault<Record<string, unknown>>;
  period_start: Timestamp | null;
  period_end: Timestamp | null;
  status: ColumnType<ReportRunStatus, ReportRunStatus | undefined, ReportRunStatus>;
  pdf_key: string | null;
  html_key: string | null;
  size_bytes: ColumnType<string | null, number | bigint | null, number | bigint | null>;
  summary: Json<Record<string, unknown>> | null;
  error: string | null;
  created_at: CreatedAt;
}

export interface EmailLogTable {
  id: Generated<string>;
  account_id: string;
  schedule_id: string | null;
  run_id: string | null;
  report_id: string | null;
  provider: string | null;
  to_emails: string[];
  subject: string | null;
  response_code: number | null;
  message_id: string | null;
  status: EmailStatus;
  error: string | null;
  retryable: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
}

export interface EmailSuppressionsTable {
  id: Generated<string>;
  account_id: string;
  email: string;
  reason: string | null;
  created_at: CreatedAt;
}

/** One row per signed-in browser (src/sessions/session.repository.ts). */
export interface SessionsTable {
  id: Generated<string>;
  account_id: string;
  api_key_id: string;
  token_hash: string;
  created_at: CreatedAt;
  last_seen_at: ColumnType<Date, Date | string | undefined, Date | string>;
  idle_expires_at: ColumnType<Date, Date | string, Date | string>;
  expires_at: ColumnType<Date, Date | string, never>;
  ended_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface Database {
  accounts: AccountsTable;
  api_keys: ApiKeysTable;
  schedules: SchedulesTable;
  schedule_runs: ScheduleRunsTable;
  report_runs: ReportRunsTable;
  email_log: EmailLogTable;
  email_suppressions: EmailSuppressionsTable;
  sessions: SessionsTable;
}

export type Schedule = Selectable<SchedulesTable>;
export type NewSchedule = Insertable<SchedulesTable>;
export type ScheduleUpdate = Updateable<SchedulesTable>;
export type ScheduleRun = Selectable<ScheduleRunsTable>;
export type ReportRun = Selectable<ReportRunsTable>;
export type EmailLogRow = Selectable<EmailLogTable>;
export type Suppression = Selectable<EmailSuppressionsTable>;
