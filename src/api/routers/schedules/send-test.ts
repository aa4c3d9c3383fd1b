import { quotasFromEnv } from "../../../quotas/account-quotas.js";
import { createManualRun } from "../../../runs/manual-run.js";
import { toScheduleRunDto } from "../../../schedules/schedule.dto.js";
import { requireQueue } from "../../require-dep.js";
import { accountProcedure } from "../../trpc.js";
import { ZSendTestInput } from "./send-test.types.js";
import { ZScheduleRun } from "./schedule.output.js";

/**
 * Renders the schedule now and sends it as a `test` run to `to` — a subset of the schedule's own
 * recipients (BAD_REQUEST otherwise) — or to all of them; next_run_at is never touched. Limited
 * per schedule and per account per hour, and by the recipients-per-day quota (TOO_MANY_REQUESTS).
 */
export const sendTestRoute = accountProcedure.input(ZSendTestInput).output(ZScheduleRun).mutation(async ({ ctx, input }) => {
  const run = await createManualRun(ctx.deps.db, requireQueue(ctx.deps), {
    accountId: ctx.accountId,
    scheduleId: input.id,
    kind: "test",
    recipients: input.to,
    quotas: quotasFromEnv(ctx.deps.env),
  });
  return toScheduleRunDto(run);
});
