import type { Schedule, ScheduleRun } from "../db/database.js";
import type { RunKind, RunStatus } from "../db/enums.js";
import type { ScheduleTiming } from "../time/next-run-at.js";
import type { LatestRun } from "./schedule.repository.js";

/** What the API returns for a schedule: the seed's fields, dates as ISO-8601 strings. */
export interface ScheduleDto extends ScheduleTiming {
  id: string;
  account_id: string;
  name: string;
  report_type: string;
  city: string | null;
  zip_codes: string[];
  lookback_days: number;
  recipients: string[];
  include_attachment: boolean;
  filters: Record<string, unknown>;
  active: boolean;
  last_run_at: string | null;
  next_run_at: string | null;
  created_at: string;
  updated_at: string;
}

/** The schedules list's row: the schedule and its newest run (any kind), for the list's Last run. */
export interface ScheduleListItemDto extends ScheduleDto {
  last_run: LatestRun | null;
}

export interface ScheduleRunDto {
  id: string;
  schedule_id: string;
  report_run_id: string | null;
  scheduled_for: string;
  kind: RunKind;
  status: RunStatus;
  attempts: number;
  error: string | null;
  summary: Record<string, unknown> | null;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
}

const iso = (d: Date | string | null): string | null => (d === null ? null : new Date(d).toISOString());

export function toScheduleDto(s: Schedule): ScheduleDto {
  return {
    id: s.id,
    account_id: s.account_id,
    name: s.name,
    report_type: s.report_type,
    city: s.city,
    zip_codes: s.zip_codes,
    lookback_days: s.lookback_days,
    cadence: s.cadence,
    weekly_dow: s.weekly_dow,
    monthly_dom: s.monthly_dom,
    send_hour: s.send_hour,
    send_minute: s.send_minute,
    timezone: s.timezone,
    recipients: s.recipients,
    include_attachment: s.include_attachment,
    filters: s.filters,
    active: s.active,
    last_run_at: iso(s.last_run_at),
    next_run_at: iso(s.next_run_at),
    created_at: iso(s.created_at)!,
    updated_at: iso(s.updated_at)!,
  };
}

export function toScheduleListItemDto(s: Schedule & { last_run: LatestRun | null }): ScheduleListItemDto {
  const { last_run: latest, ...schedule } = s;
  return {
    ...toScheduleDto(schedule),
    // json_build_object writes timestamps in Postgres' text form; the API's are ISO-8601 UTC.
    last_run: latest ? { kind: latest.kind, status: latest.status, scheduled_for: iso(latest.scheduled_for)!, finished_at: iso(latest.finished_at) } : null,
  };
}

export function toScheduleRunDto(r: ScheduleRun): ScheduleRunDto {
  return {
    id: r.id,
    schedule_id: r.schedule_id,
    report_run_id: r.report_run_id,
    scheduled_for: iso(r.scheduled_for)!,
    kind: r.kind,
    status: r.status,
    attempts: r.attempts,
    error: r.error,
    summary: r.summary,
    started_at: iso(r.started_at),
    finished_at: iso(r.finished_at),
    created_at: iso(r.created_at)!,
  };
}
