import { normalizeEmail } from "../validation/email-address.js";
import type { Kysely } from "kysely";
import type { Env } from "../config/env.js";
import type { Database } from "../db/database.js";
import { deliverReport, type DeliverySummary } from "../delivery/deliver-report.js";
import { recordSuppressed } from "../delivery/email-log.repository.js";
import { suppressedAmong } from "../suppressions/suppression.repository.js";
import type { MailTransport } from "../email/mail-transport.js";
import { errorMessage, type Delivery } from "../queue/job-queue.js";
import type { ReportJob } from "../queue/report-job.js";
import { buildReport, type ReportParts } from "./build-report.js";
import { asJobError, isPermanent } from "./job-errors.js";
import { startJobTimings } from "../metrics/job-timings.js";
import { finishRun, noteRetry, startRun } from "./run-state.js";
import type { WorkerMetrics } from "./worker-metrics.js";

export interface WorkerContext extends ReportParts {
  env: Env;
  db: Kysely<Database>;
  mail: MailTransport;
  metrics?: WorkerMetrics;
}

export type JobResult = "completed" | "partial" | "failed" | "skipped" | "duplicate" | "gone" | "retry";

/**
 * One report job: data → figures → HTML → PDF → storage → email → final status. Returns when the
 * message may be acknowledged; throws to have it retried later (transient) or dead-lettered
 * (PermanentJobError). Safe to run again for the same message at any point: the run id keys the
 * run's state, its report and its email ledger.
 */
export async function handleReportJob(job: ReportJob, delivery: Delivery, ctx: WorkerContext): Promise<JobResult> {
  const log = ctx.logger.child({ runId: job.run_id, scheduleId: job.schedule_id, attempt: delivery.attempt });
  const takenAt = Date.now();
  const timings = startJobTimings((stage, seconds) => ctx.metrics?.stageDuration.observe({ stage }, seconds));
  const recipients = job.params.recipients.map(normalizeEmail);
  const started = await timings.time("start_run", () =>
    startRun(ctx.db, job.account_id, job.run_id, async (trx) => {
      const suppressed = await suppressedAmong(trx, recipients);
      for (const recipient of suppressed) {
        await recordSuppressed(trx, { accountId: job.account_id, scheduleId: job.schedule_id, runId: job.run_id, reportId: null, provider: ctx.mail.provider, recipient, subject: null });
      }
      const stored = await trx.selectFrom("report_runs").selectAll().where("schedule_run_id", "=", job.run_id).executeTakeFirst();
      return { suppressed, stored };
    }),
  );
  if (started.kind === "gone") {
    log.info("run no longer exists (schedule deleted): nothing to do");
    return "gone";
  }
  if (started.kind === "already-final") {
    log.info({ status: started.status }, "run already final: redelivery acknowledged");
    return "duplicate";
  }

  if (delivery.attempt === 1 && started.run.queued_at) timings.record("queue_wait", Math.max(0, takenAt - new Date(started.run.queued_at).getTime()));

  try {
    const { suppressed, stored } = started.prepared;
    if (recipients.every((r) => suppressed.has(r))) {
      await finishRun(ctx.db, job.account_id, job.run_id, "skipped", {
        error: "every recipient is on the suppression list",
        summary: { recipients: recipients.length, sent: 0, suppressed: recipients.length, failed: 0 },
      });
      log.info("every recipient suppressed: run skipped before rendering");
      return "skipped";
    }

    const report = await buildReport(ctx.db, job, started.run, started.accountName, ctx, { needPdfBytes: job.params.include_attachment, timings, stored });
    const summary = await deliverReport(ctx.db, job, report, { env: ctx.env, mail: ctx.mail, logger: log, accountName: started.accountName, suppressed, timings });

    if (summary.inFlight > 0 && !delivery.finalAttempt) {
      const message = `another delivery of this job is still sending to ${summary.inFlight} recipient(s); checking again later`;
      await noteRetry(ctx.db, job.account_id, job.run_id, message);
      throw new Error(message);
    }
    if (summary.deferred > 0 && !delivery.finalAttempt) {
      const message = `${summary.deferred} recipient(s) not reached yet (temporary SMTP failure); retrying`;
      await noteRetry(ctx.db, job.account_id, job.run_id, message);
      throw new Error(message);
    }
    const status = finalStatus(summary);
    await timings.time("finish_run", () =>
      finishRun(ctx.db, job.account_id, job.run_id, status, {
        reportRunId: report.reportId,
        summary: { ...summary, report_id: report.reportId },
        error: status === "completed" ? null : describeShortfall(summary),
      }),
    );
    log.info({ status, ...summary, reused: report.reused, ms: timings.summary() }, "run finished");
    return status;
  } catch (error) {
    const jobError = asJobError(error);
    log.info({ err: errorMessage(error), ms: timings.summary() }, "attempt failed");
    if (!isPermanent(error) && !delivery.finalAttempt) {
      await noteRetry(ctx.db, job.account_id, job.run_id, `attempt ${delivery.attempt} of ${delivery.maxAttempts} failed: ${errorMessage(error)}`).catch(() => undefined);
    }
    throw jobError;
  }
}

function finalStatus(s: DeliverySummary): "completed" | "partial" | "failed" {
  const notReached = s.failed + s.deferred + s.unknown + s.inFlight;
  if (notReached === 0) return "completed";
  return s.sent > 0 ? "partial" : "failed";
}

function describeShortfall(s: DeliverySummary): string {
  const parts = [];
  if (s.failed) parts.push(`${s.failed} recipient(s) rejected by the mail server`);
  if (s.deferred) parts.push(`${s.deferred} recipient(s) still failing temporarily after the last attempt`);
  if (s.unknown + s.inFlight) parts.push(`${s.unknown + s.inFlight} recipient(s) with an unknown outcome (a worker stopped mid-send; not resent)`);
  return parts.join("; ");
}

/** The dead-letter hook: the run records why it failed, for schedules.runs and email reports. */
export async function markRunDeadLettered(db: Kysely<Database>, job: ReportJob, reason: string): Promise<void> {
  await finishRun(db, job.account_id, job.run_id, "failed", { error: reason });
}
