import type { Schedule } from "../db/database.js";
import type { RunKind } from "../db/enums.js";
import type { ReportJob, ReportJobParams } from "../queue/report-job.js";

/** The schedule columns a run captures as its parameters. */
export type ScheduleParamsSource = Pick<
  Schedule,
  | "id"
  | "name"
  | "report_type"
  | "city"
  | "zip_codes"
  | "lookback_days"
  | "filters"
  | "timezone"
  | "recipients"
  | "include_attachment"
>;

/**
 * The schedule's parameters as claimed, stored in the run's `params` and carried by its message:
 * the seed's `generate_report` arguments plus what the worker needs to address the email.
 */
export function scheduleParams(schedule: ScheduleParamsSource): ReportJobParams {
  return {
    report_type: schedule.report_type,
    city: schedule.city,
    zips: schedule.zip_codes,
    lookback_days: schedule.lookback_days,
    filters: schedule.filters,
    schedule_id: schedule.id,
    timezone: schedule.timezone,
    name: schedule.name,
    recipients: schedule.recipients,
    include_attachment: schedule.include_attachment,
  };
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
