import { normalizeEmail } from "../validation/email-address.js";
import type { Kysely } from "kysely";
import { publicBaseUrl, reportLinkKeys, unsubscribeKeys, type Env } from "../config/env.js";
import type { Database } from "../db/database.js";
import { isDatabaseUnreachable, retryWhileDatabaseUnreachable } from "../db/database-unreachable.js";
import { withWorkerSession, withWorkerTenant, type Tx } from "../db/tenant.js";
import { composeReportEmail } from "../email/compose-report-email.js";
import { classifySmtpError } from "../email/classify-smtp-error.js";
import type { HeldMessage, MailTransport, SendResult } from "../email/mail-transport.js";
import type { Logger } from "../log/logger.js";
import type { ReportJob } from "../queue/report-job.js";
import { reportLinkExpiry, signReportLink } from "../report-links/signed-link.js";
import { startJobTimings, type JobTimings } from "../metrics/job-timings.js";
import { addSuppression } from "../suppressions/suppression.repository.js";
import { claimRecipient, recordFailed, recordSent, runLog } from "./email-log.repository.js";

/** What the email needs of a report the worker built (its BuiltReport has these and more). */
export interface ReportToDeliver {
  reportId: string;
  title: string;
  period: { start: Date; end: Date; timezone: string };
  headline: { label: string; value: string; change?: string }[];
  /** The PDF bytes, for an attachment. */
  pdf?: Buffer;
}

export interface DeliverySummary {
  recipients: number;
  sent: number;
  suppressed: number;
  failed: number;
  /** Failed for now but worth another attempt (4xx, connection trouble). */
  deferred: number;
  /** Claimed by an earlier attempt that never recorded the outcome; not resent. */
  unknown: number;
  /**
   * Claimed moments ago by another delivery of this job that is still sending (a redelivery
   * after a broker connection loss can run beside the original): wait for it, don't judge it.
   */
  inFlight: number;
}

/**
 * How long a `sending` row may belong to a live send. One SMTP transaction takes well under this;
 * past it the worker that claimed the row is taken to have died mid-send, so a job redelivered
 * after a kill settles within a retry or two instead of waiting out a long timeout.
 */
export const SENDING_CLAIM_STALE_MS = 30_000;

/**
 * The relay's answer is known only to this process: if the database is away when it comes (a
 * restart, a failover), keep trying to write it for as long as the row may pass for a live send,
 * rather than leave it `sending`, an outcome nobody will ever learn. The first try is on the
 * claim's own session, one statement: no wait for a pooled connection, no BEGIN or COMMIT.
 */
async function recordOutcome(first: () => Promise<void>, again: () => Promise<void>): Promise<void> {
  try {
    await first();
  } catch (error) {
    if (!isDatabaseUnreachable(error)) throw error;
    // the claim's session went with the database; each later try takes a fresh connection
    await retryWhileDatabaseUnreachable(again, SENDING_CLAIM_STALE_MS);
  }
}

/**
 * Emails the report to every recipient not yet sent to in this run, one message each. No
 * message's end goes to the relay before a claim in email_log (see email-log.repository.ts), so a
 * redelivered job never mails anyone twice. Permanent failures are recorded and not retried; a hard bounce also
 * suppresses the address for the account.
 */
export async function deliverReport(
  db: Kysely<Database>,
  job: ReportJob,
  report: ReportToDeliver,
  context: { env: Env; mail: MailTransport; logger: Logger; accountName: string; suppressed: Set<string>; now?: Date; timings?: JobTimings },
): Promise<DeliverySummary> {
  const { env, mail, logger } = context;
  const timings = context.timings ?? startJobTimings();
  const now = context.now ?? new Date();
  const baseUrl = publicBaseUrl(env);
  const expiresAt = reportLinkExpiry(now, env.REPORT_LINK_TTL_DAYS);
  const reportLinkUrl = signReportLink(reportLinkKeys(env).signing, baseUrl, report.reportId, expiresAt);
  const unsubscribeSecret = unsubscribeKeys(env).signing;
  const recipients = job.params.recipients.map(normalizeEmail).filter((r) => !context.suppressed.has(r));

  const outcomes = new Map<string, "sent" | "failed" | "deferred">();
  for (const recipient of recipients) {
    const message = composeReportEmail({
      accountId: job.account_id,
      accountName: context.accountName,
      scheduleName: job.params.name,
      reportTitle: report.title,
      area: { city: job.params.city, zips: job.params.zips },
      period: report.period,
      headline: report.headline,
      recipient,
      reportLinkUrl,
      linkExpiresAt: expiresAt,
      pdf: report.pdf,
      includeAttachment: job.params.include_attachment,
      baseUrl,
      unsubscribeSecret,
      from: env.EMAIL_FROM,
      replyTo: env.EMAIL_REPLY_TO,
      unsubscribeMailto: env.EMAIL_UNSUBSCRIBE_MAILTO,
    });
    // The claim comes only once a connection is free: a worker killed while the message waited
    // for one would otherwise leave a claimed row whose message never left.
    const slot = await timings.time("email_wait", () => mail.reserve());
    try {
      // The relay gets the message at once, all but its end; the recipient is claimed once it has
      // that, and the end goes only once the claim is committed. A kill before that leaves the
      // relay with an unfinished message, which it discards. So what a kill can leave unknown is
      // only the claim's commit → the end → the relay's answer → its record, each one statement.
      const held = slot.hold(message);
      try {
        const outcome = await withWorkerSession(db, job.account_id, async (session) => {
          await timings.time("email_handover", () => held.ready);
          const claimed = await timings.time("email_claim", () =>
            claimRecipient(session, {
              accountId: job.account_id,
              scheduleId: job.schedule_id,
              runId: job.run_id,
              reportId: report.reportId,
              provider: mail.provider,
              recipient,
              subject: message.subject,
            }),
          );
          if (!claimed) return undefined;
          const claimedAt = performance.now();
          try {
            return await endAndRecord({ db, session, job, recipient, claimed, held, logger, timings });
          } finally {
            timings.record("email_window", performance.now() - claimedAt);
          }
        });
        if (outcome) outcomes.set(recipient, outcome);
      } finally {
        // unless its end went, the message is given up (a claim refused or failed); else a no-op
        await held.abandon();
      }
    } finally {
      slot.release();
    }
  }
  return summarize(db, job, context.suppressed, outcomes, now);
}

/**
 * A claimed recipient's message: its end goes to the relay, and the relay's answer is recorded,
 * on the claim's own session first (one statement), on fresh connections if that session went
 * with the database. A failure is recorded as such; a hard bounce also suppresses the address.
 */
async function endAndRecord(args: {
  db: Kysely<Database>;
  session: Kysely<Database>;
  job: ReportJob;
  recipient: string;
  /** The claimed email_log row's id. */
  claimed: string;
  held: HeldMessage;
  logger: Logger;
  timings: JobTimings;
}): Promise<"sent" | "failed" | "deferred"> {
  const { db, session, job, recipient, claimed, held, logger, timings } = args;
  let sent: SendResult;
  try {
    sent = await timings.time("email_send", () => held.finish());
  } catch (error) {
    const failure = classifySmtpError(error);
    logger.warn({ runId: job.run_id, code: failure.code, transient: failure.transient, bounce: failure.bounce, err: failure.message }, "send failed");
    const write = async (trx: Tx) => {
      await recordFailed(trx, claimed, { code: failure.code ?? null, error: failure.message, retryable: failure.transient });
      if (failure.bounce) await addSuppression(trx, job.account_id, recipient, "bounce");
    };
    await timings.time("email_record", () =>
      recordOutcome(
        () => withWorkerTenant(session, job.account_id, write),
        () => withWorkerTenant(db, job.account_id, write),
      ),
    );
    return failure.transient ? "deferred" : "failed";
  }
  await timings.time("email_record", () =>
    recordOutcome(
      () => recordSent(session, claimed, sent),
      () => withWorkerTenant(db, job.account_id, (trx) => recordSent(trx, claimed, sent)),
    ),
  );
  return "sent";
}

/**
 * What became of every recipient. This attempt's own outcomes are known; the ledger is read only
 * for recipients an earlier delivery had already claimed.
 */
async function summarize(
  db: Kysely<Database>,
  job: ReportJob,
  suppressed: Set<string>,
  outcomes: Map<string, "sent" | "failed" | "deferred">,
  now: Date,
): Promise<DeliverySummary> {
  const all = job.params.recipients.map(normalizeEmail);
  const summary: DeliverySummary = { recipients: job.params.recipients.length, sent: 0, suppressed: 0, failed: 0, deferred: 0, unknown: 0, inFlight: 0 };
  const unsettled = all.filter((r) => !outcomes.has(r) && !suppressed.has(r));
  const rows = unsettled.length > 0 ? await withWorkerTenant(db, job.account_id, (trx) => runLog(trx, job.run_id)) : [];
  const byRecipient = new Map<string, { status: string; retryable: boolean; updated_at: Date | string }>(rows.map((r) => [r.to_emails[0], r]));
  for (const [recipient, outcome] of outcomes) byRecipient.set(recipient, { status: outcome === "sent" ? "sent" : "failed", retryable: outcome === "deferred", updated_at: now });
  for (const recipient of all) {
    const row = byRecipient.get(recipient);
    // The row says what happened in this run; the suppression list only fills in for recipients
    // never attempted (an address that bounced earlier in this run stays a failure here).
    if (row?.status === "sent") summary.sent++;
    else if (row?.status === "suppressed" || (!row && suppressed.has(recipient))) summary.suppressed++;
    else if (row?.status === "failed" && row.retryable) summary.deferred++;
    else if (row?.status === "failed") summary.failed++;
    else if (row?.status === "sending" && now.getTime() - new Date(row.updated_at).getTime() < SENDING_CLAIM_STALE_MS) summary.inFlight++;
    else if (row?.status === "sending") summary.unknown++;
    else summary.deferred++;
  }
  return summary;
}
