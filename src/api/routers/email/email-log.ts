import { newestFirstPage } from "../../../db/pagination.js";
import { authedProcedure } from "../../trpc.js";
import { ZEmailLogInput } from "./email-log.types.js";

/** One row per recipient per run: what was sent, to whom, and what the mail server answered. */
export const emailLogRoute = authedProcedure.input(ZEmailLogInput).query(async ({ ctx, input }) => {
  let query = ctx.trx.selectFrom("email_log").selectAll();
  if (input.schedule_id) query = query.where("schedule_id", "=", input.schedule_id);
  if (input.run_id) query = query.where("run_id", "=", input.run_id);
  const { page, next_cursor } = await newestFirstPage(query, input.cursor, input.limit);
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
      message_id: r.message_id,
      error: r.error,
      created_at: new Date(r.created_at).toISOString(),
      updated_at: new Date(r.updated_at).toISOString(),
    })),
    count: page.length,
    next_cursor,
  };
});
