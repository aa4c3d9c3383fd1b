import type { ReportRun } from "../../../db/database.js";
import type { ReportRunStatus } from "../../../db/enums.js";

export interface ReportDto {
  id: string;
  schedule_id: string | null;
  run_id: string | null;
  report_type: string;
  status: ReportRunStatus;
  period_start: string | null;
  period_end: string | null;
  has_pdf: boolean;
  size_bytes: number | null;
  summary: Record<string, unknown> | null;
  error: string | null;
  created_at: string;
}

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toReportDto(r: ReportRun): ReportDto {
  return {
    id: r.id,
    schedule_id: r.schedule_id,
    run_id: r.schedule_run_id,
    report_type: r.report_type,
    status: r.status,
    period_start: iso(r.period_start),
    period_end: iso(r.period_end),
    has_pdf: r.pdf_key !== null,
    size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
    summary: r.summary,
    error: r.error,
    created_at: iso(r.created_at)!,
  };
}
