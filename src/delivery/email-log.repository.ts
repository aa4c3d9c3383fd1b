import { sql, type Kysely } from "kysely";
import type { Database, EmailLogRow } from "../db/database.js";
import type { Tx } from "../db/tenant.js";

/**
 * The email_log rows of one run are the ledger that keeps "at most one email per recipient per
 * run": a message is let go (its end sent to the relay) only after this run's row for the
 * recipient has been claimed here, and a row can be claimed only when it is new or a failure
 * worth retrying. A row left `sending` by a worker that died mid-send is never claimed again:
 * whether that message left is unknown, and a second copy is the worse outcome.
 */
export interface ClaimInput {
  accountId: string;
  scheduleId: string;
  runId: string;
  reportId: string | null;
  provider: string;
  recipient: string;
  subject: string;
}

/** `db`: a worker tenant transaction or session (withWorkerTenant, withWorkerSession); one statement. */
export async function claimRecipient(trx: Kysely<Database>, input: ClaimInput): Promise<string | undefined> {
  const result = await sql<{ id: string }>`
    insert into email_log (account_id, schedule_id, run_id, report_id, provider, to_emails, subject, status)
    values (${input.accountId}, ${input.scheduleId}, ${input.runId}, ${input.reportId}, ${input.provider},
            array[${input.recipient}]::text[], ${input.subject}, 'sending')
    on conflict (run_id, (to_emails[1])) where run_id is not null
    do update set status = 'sending', error = null, retryable = false, report_id = excluded.report_id,
                  provider = excluded.provider, subject = excluded.subject, updated_at = now()
      where email_log.status = 'failed' and email_log.retryable
    returning id`.execute(trx);
  return result.rows[0]?.id;
}

export async function recordSent(trx: Kysely<Database>, id: string, sent: { messageId: string; responseCode: number }): Promise<void> {
  await trx
    .updateTable("email_log")
    .set({ status: "sent", message_id: sent.messageId, response_code: sent.responseCode, error: null, retryable: false, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function recordFailed(trx: Kysely<Database>, id: string, failure: { code: number | null; error: string; retryable: boolean }): Promise<void> {
  await trx
    .updateTable("email_log")
    .set({ status: "failed", response_code: failure.code, error: failure.error, retryable: failure.retryable, updated_at: new Date() })
    .where("id", "=", id)
    .execute();
}

export async function recordSuppressed(trx: Tx, input: Omit<ClaimInput, "subject"> & { subject: string | null }): Promise<void> {
  await sql`
    insert into email_log (account_id, schedule_id, run_id, report_id, provider, to_emails, subject, status, error)
    values (${input.accountId}, ${input.scheduleId}, ${input.runId}, ${input.reportId}, ${input.provider},
            array[${input.recipient}]::text[], ${input.subject}, 'suppressed', 'address is on the suppression list')
    on conflict (run_id, (to_emails[1])) where run_id is not null do nothing`.execute(trx);
}

export function runLog(trx: Tx, runId: string): Promise<EmailLogRow[]> {
  return trx.selectFrom("email_log").selectAll().where("run_id", "=", runId).execute();
}
