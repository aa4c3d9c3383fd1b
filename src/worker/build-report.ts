import type { Kysely } from "kysely";
import type { Database, ReportRun, ScheduleRun } from "../db/database.js";
import { withWorkerTenant } from "../db/tenant.js";
import { isReportType, type ReportType } from "../figures/report-types.js";
import type { ListingSource } from "../listings/listing.js";
import type { Logger } from "../log/logger.js";
import type { PdfRenderer } from "../pdf/pdf-renderer.js";
import { PermanentJobError } from "../queue/job-queue.js";
import type { ReportJob } from "../queue/report-job.js";
import { makeMarketReport } from "../render/market-report.js";
import { reportTitle } from "../render/report-html.js";
import type { ObjectStore } from "../storage/object-store.js";
import { reportObjectKey } from "../storage/report-keys.js";
import { reportPeriod } from "../time/report-period.js";
import { startJobTimings, type JobTimings } from "../metrics/job-timings.js";

export interface ReportParts {
  listings: ListingSource;
  /** Absent in development without Chromium: the report is stored as HTML only. */
  pdf: PdfRenderer | undefined;
  store: ObjectStore;
  logger: Logger;
  /** Bounds the listing fetch of one job. */
  listingTimeoutMs?: number;
}

export interface BuiltReport {
  reportId: string;
  reportType: ReportType;
  title: string;
  period: { start: Date; end: Date; timezone: string };
  headline: { label: string; value: string; change?: string }[];
  /** The PDF bytes when this attempt rendered them or the caller needs them for an attachment. */
  pdf?: Buffer;
  reused: boolean;
}

/**
 * The report for a run, made once: a redelivered job whose report is already stored reuses it
 * (`stored`, the run's report_runs row read when the job started), so retries after the upload
 * never render or upload twice.
 */
export async function buildReport(
  db: Kysely<Database>,
  job: ReportJob,
  run: ScheduleRun,
  accountName: string,
  parts: ReportParts,
  options: { needPdfBytes: boolean; now?: Date; timings?: JobTimings; stored?: ReportRun },
): Promise<BuiltReport> {
  const timings = options.timings ?? startJobTimings();
  const p = job.params;
  if (!isReportType(p.report_type)) throw new PermanentJobError(`report_type: "${p.report_type}" is not a supported report type`);
  const reportType = p.report_type;
  const period = reportPeriod({ slot: new Date(job.scheduled_for), lookbackDays: p.lookback_days, timezone: p.timezone });
  const title = reportTitle(reportType);

  const existing = options.stored;
  const storedKey = existing?.pdf_key ?? existing?.html_key;
  if (existing && storedKey && (await parts.store.exists(storedKey))) {
    const summary = (existing.summary ?? {}) as { headline?: BuiltReport["headline"] };
    return {
      reportId: existing.id,
      reportType,
      title,
      period,
      headline: summary.headline ?? [],
      pdf: options.needPdfBytes && existing.pdf_key ? await parts.store.get(existing.pdf_key) : undefined,
      reused: true,
    };
  }

  const now = options.now ?? new Date();
  const signal = AbortSignal.timeout(parts.listingTimeoutMs ?? 120_000);
  const report = await makeMarketReport(
    {
      reportType,
      scheduleName: p.name,
      city: p.city,
      zips: p.zips,
      filters: p.filters,
      lookbackDays: p.lookback_days,
      timezone: p.timezone,
      slot: new Date(job.scheduled_for),
      accountName,
    },
    parts.listings,
    { now, signal, stages: timings },
  );
  const { html, figures } = report;
  const headline = report.headline.map((h) => ({ label: h.label, value: h.value, ...(h.change ? { change: h.change } : {}) }));

  // One object per report: the PDF, or the HTML where no Chromium is installed (development).
  // A copy of the HTML beside every PDF was an upload per report (and its storage) that nothing read.
  const renderer = parts.pdf;
  const pdf = renderer ? await timings.time("pdf", () => renderer.render(html)) : undefined;
  const stored = pdf
    ? { key: reportObjectKey(job.account_id, job.schedule_id, run.id, "pdf"), body: pdf, contentType: "application/pdf" }
    : { key: reportObjectKey(job.account_id, job.schedule_id, run.id, "html"), body: Buffer.from(html, "utf8"), contentType: "text/html; charset=utf-8" };
  await timings.time("upload", () => parts.store.put(stored.key, stored.body, stored.contentType));

  // The report row and the run's link to it in one statement: one round trip, the same transaction.
  const reportId = await timings.time("report_row", () => withWorkerTenant(db, job.account_id, async (trx) => {
    const row = await trx
      .with("report", (qb) =>
        qb
          .insertInto("report_runs")
          .values({
            account_id: job.account_id,
            schedule_id: job.schedule_id,
            schedule_run_id: run.id,
            report_type: reportType,
            params: JSON.stringify(p),
            period_start: period.start,
            period_end: period.end,
            status: "completed",
            pdf_key: pdf ? stored.key : null,
            html_key: pdf ? null : stored.key,
            size_bytes: stored.body.length,
            summary: JSON.stringify({ headline, noActivity: figures.noActivity, listings: figures.listingsUsed }),
          })
          .onConflict((oc) =>
            oc
              .column("schedule_run_id")
              .where("schedule_run_id", "is not", null)
              .doUpdateSet((eb) => ({
                pdf_key: eb.ref("excluded.pdf_key"),
                html_key: eb.ref("excluded.html_key"),
                size_bytes: eb.ref("excluded.size_bytes"),
                summary: eb.ref("excluded.summary"),
              })),
          )
          .returning("id"),
      )
      .with("linked", (qb) =>
        qb
          .updateTable("schedule_runs")
          .from("report")
          .set((eb) => ({ report_run_id: eb.ref("report.id") }))
          .where("schedule_runs.id", "=", run.id)
          .returning("schedule_runs.id"),
      )
      .selectFrom("report")
      .select("report.id")
      .executeTakeFirstOrThrow();
    return row.id;
  }));
  parts.logger.debug({ runId: run.id, reportId, pdf: Boolean(pdf) }, "report stored");
  return { reportId, reportType, title, period, headline, pdf, reused: false };
}
