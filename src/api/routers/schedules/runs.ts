import { listRuns } from "../../../schedules/schedule.repository.js";
import { getSchedule } from "../../../schedules/schedule.service.js";
import { toScheduleRunDto } from "../../../schedules/schedule.dto.js";
import { authedProcedure } from "../../trpc.js";
import { ZScheduleRunsInput } from "./runs.types.js";
import { ZScheduleRunList } from "./schedule.output.js";

/** GET /v1/schedules/{id}/runs: newest first, each with its status, attempts, error and report id. */
export const scheduleRunsRoute = authedProcedure
  .input(ZScheduleRunsInput)
  .output(ZScheduleRunList)
  .query(async ({ ctx, input }) => {
    await getSchedule(ctx.trx, input.id);
    const runs = await listRuns(ctx.trx, input.id, input.limit);
    return { runs: runs.map(toScheduleRunDto), count: runs.length };
  });
