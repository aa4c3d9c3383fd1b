import { listEmailLog } from "../../../email-log/email-log.queries.js";
import { authedProcedure } from "../../trpc.js";
import { ZEmailLog, ZEmailLogInput } from "./email-log.types.js";

/** One row per recipient per run: what was sent, to whom, and what the mail server answered. */
export const emailLogRoute = authedProcedure
  .input(ZEmailLogInput)
  .output(ZEmailLog)
  .query(async ({ ctx, input }) => {
    const { page, next_cursor } = await listEmailLog(ctx.trx, {
      scheduleId: input.schedule_id,
      runId: input.run_id,
      limit: input.limit,
      cursor: input.cursor,
    });
    return {
      entries: page.map((r) => ({
        id: r.id,
        schedule_id: r.schedule_id,
        run_id: r.run_id,
        report_id: r.report_id,
        provider: r.provider,
        to_emails: r.to_emails,
        subject: r.subject,
        status: r.status,
        response_code: r.response_code,
        retryable: r.retryable,
        message_id: r.message_id,
        error: r.error,
        created_at: new Date(r.created_at).toISOString(),
        updated_at: new Date(r.updated_at).toISOString(),
      })),
      count: page.length,
      next_cursor,
    };
  });
