import { quotasFromEnv } from "../../../quotas/account-quotas.js";
import { updateSchedule } from "../../../schedules/schedule.service.js";
import { toScheduleDto } from "../../../schedules/schedule.dto.js";
import { authedProcedure } from "../../trpc.js";
import { ZUpdateScheduleInput } from "./update.types.js";
import { ZSchedule } from "./schedule.output.js";

export const updateScheduleRoute = authedProcedure
  .input(ZUpdateScheduleInput)
  .output(ZSchedule)
  .mutation(async ({ ctx, input }) => {
    const { id, ...patch } = input;
    return toScheduleDto(await updateSchedule(ctx.trx, id, patch, quotasFromEnv(ctx.deps.env)));
  });
