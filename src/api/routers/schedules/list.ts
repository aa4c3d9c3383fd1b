import { listSchedules } from "../../../schedules/schedule.repository.js";
import { toScheduleListItemDto } from "../../../schedules/schedule.dto.js";
import { authedProcedure } from "../../trpc.js";
import { ZListSchedulesInput } from "./list.types.js";
import { ZScheduleList } from "./schedule.output.js";

/**
 * GET /v1/schedules in the seed; `count` is the number of schedules in this page, as there. Each
 * schedule carries its newest run (`last_run`), so a list shows how its last send went.
 */
export const listSchedulesRoute = authedProcedure
  .input(ZListSchedulesInput)
  .output(ZScheduleList)
  .query(async ({ ctx, input }) => {
    const status = input.status ?? (input.active_only ? "active" : "all");
    const { page, next_cursor } = await listSchedules(ctx.trx, {
      active: status === "all" ? undefined : status === "active",
      nameContains: input.name_contains || undefined,
      limit: input.limit,
      cursor: input.cursor,
    });
    return { schedules: page.map(toScheduleListItemDto), count: page.length, next_cursor };
  });
