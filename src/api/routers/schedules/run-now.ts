import { quotasFromEnv } from "../../../quotas/account-quotas.js";
import { createManualRun } from "../../../runs/manual-run.js";
import { toScheduleRunDto } from "../../../schedules/schedule.dto.js";
import { accountProcedure } from "../../trpc.js";
import { requireQueue } from "../../require-dep.js";
import { ZByIdInput } from "./by-id.types.js";
import { ZScheduleRun } from "./schedule.output.js";

/**
 * Runs a schedule now as a `manual` run through the tick's publish path; next_run_at is untouched.
 * Once a minute per schedule (CONFLICT otherwise), RUN_NOW_PER_ACCOUNT_PER_HOUR per account and
 * within the recipients-per-day quota (TOO_MANY_REQUESTS). The run comes back `queued`, or
 * `pending` if the broker was unavailable — the next tick publishes it then.
 */
export const runNowRoute = accountProcedure.input(ZByIdInput).output(ZScheduleRun).mutation(async ({ ctx, input }) => {
  const run = await createManualRun(ctx.deps.db, requireQueue(ctx.deps), {
    accountId: ctx.accountId,
    scheduleId: input.id,
    kind: "manual",
    quotas: quotasFromEnv(ctx.deps.env),
  });
  return toScheduleRunDto(run);
});
