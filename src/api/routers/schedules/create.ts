import { quotasFromEnv } from "../../../quotas/account-quotas.js";
import { createSchedule } from "../../../schedules/schedule.service.js";
import { toScheduleDto } from "../../../schedules/schedule.dto.js";
import { authedProcedure } from "../../trpc.js";
import { ZCreateScheduleInput } from "./create.types.js";
import { ZSchedule } from "./schedule.output.js";

/** POST /v1/schedules in the seed. Returns the schedule with next_run_at already computed. */
export const createScheduleRoute = authedProcedure
  .input(ZCreateScheduleInput)
  .output(ZSchedule)
  .mutation(async ({ ctx, input }) => toScheduleDto(await createSchedule(ctx.trx, ctx.accountId, input, quotasFromEnv(ctx.deps.env))));
