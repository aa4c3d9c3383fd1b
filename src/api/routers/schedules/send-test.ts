import { createManualRun } from "../../../runs/manual-run.js";
import { toScheduleRunDto } from "../../../schedules/schedule.dto.js";
import { requireQueue } from "../../require-dep.js";
import { accountProcedure } from "../../trpc.js";
import { ZSendTestInput } from "./send-test.types.js";
import { ZScheduleRun } from "./schedule.output.js";

/**
 * Renders the schedule now and sends it only to `to` (or the schedule's recipients) as a `test`
 * run; next_run_at is never touched.
 */
export const sendTestRoute = accountProcedure.input(ZSendTestInput).output(ZScheduleRun).mutation(async ({ ctx, input }) => {
  const run = await createManualRun(ctx.deps.db, requireQueue(ctx.deps), {
    accountId: ctx.accountId,
    scheduleId: input.id,
    kind: "test",
    recipients: input.to,
  });
  return toScheduleRunDto(run);
});
