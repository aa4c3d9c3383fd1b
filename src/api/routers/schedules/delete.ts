import { removeSchedule } from "../../../schedules/schedule.service.js";
import { authedProcedure } from "../../trpc.js";
import { ZByIdInput } from "./by-id.types.js";
import { ZScheduleDeleted } from "./schedule.output.js";

/** DELETE /v1/schedules/{id}: its runs go with it (foreign key cascade); reports and email log stay. */
export const deleteScheduleRoute = authedProcedure
  .input(ZByIdInput)
  .output(ZScheduleDeleted)
  .mutation(async ({ ctx, input }) => {
    await removeSchedule(ctx.trx, input.id);
    return { id: input.id, deleted: true as const };
  });
