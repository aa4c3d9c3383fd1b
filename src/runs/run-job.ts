import { sql, type RawBuilder } from "kysely";
import type { Schedule } from "../db/database.js";
import type { RunKind } from "../db/enums.js";
import type { ReportJob, ReportJobParams } from "../queue/report-job.js";

/**
 * Each job parameter and the schedule column it is copied from: the seed's `generate_report`
 * arguments plus what the worker needs to address the email. The one definition of a run's
 * params — the tick renders it as SQL (runParamsSql) so a claimed schedule's arrays and JSON never
 * round-trip through Node, manual runs as TypeScript (scheduleParams).
 */
const PARAM_COLUMNS = {
  report_type: "report_type",
  city: "city",
  zips: "zip_codes",
  lookback_days: "lookback_days",
  filters: "filters",
  schedule_id: "id",
  timezone: "timezone",
  name: "name",
  recipients: "recipients",
  include_attachment: "include_attachment",
} as const satisfies { [K in keyof ReportJobParams]-?: keyof Schedule };

type ParamColumn = (typeof PARAM_COLUMNS)[keyof typeof PARAM_COLUMNS];

/** The schedule columns a run captures as its parameters. */
export type ScheduleParamsSource = Pick<Schedule, ParamColumn>;

/** The schedule's parameters as claimed, stored in the run's `params` and carried by its message. */
export function scheduleParams(schedule: ScheduleParamsSource): ReportJobParams {
  const params: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(PARAM_COLUMNS)) params[key] = schedule[column];
  return params as ReportJobParams;
}

/** The same parameters as a jsonb expression over the `schedules` row aliased `alias`. */
export function runParamsSql(alias: string): RawBuilder<Record<string, unknown>> {
  if (!/^[a-z_][a-z0-9_]*$/.test(alias)) throw new RangeError(`not a SQL alias: ${alias}`);
  const pairs = Object.entries(PARAM_COLUMNS).map(([key, column]) => `'${key}', ${alias}.${column}`);
  return sql.raw(`jsonb_build_object(${pairs.join(", ")})`);
}

/** What publishing a run needs from its row. */
export interface RunToPublish {
  id: string;
  account_id: string;
  schedule_id: string;
  scheduled_for: Date;
  kind: RunKind;
  params: Record<string, unknown>;
}

/** The message for a run. Validation happens in JobQueue.publish, which reports a bad one by id. */
export function jobForRun(run: RunToPublish): ReportJob {
  return {
    v: 1,
    run_id: run.id,
    schedule_id: run.schedule_id,
    account_id: run.account_id,
    scheduled_for: run.scheduled_for.toISOString(),
    kind: run.kind,
    params: run.params as ReportJobParams,
  };
}
