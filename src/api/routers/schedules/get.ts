import { getSchedule } from "../../../schedules/schedule.service.js";
import { toScheduleDto } from "../../../schedules/schedule.dto.js";
import { authedProcedure } from "../../trpc.js";
import { ZByIdInput } from "./by-id.types.js";
import { ZSchedule } from "./schedule.output.js";

/** GET /v1/schedules/{id}. Another account's schedule reads as NOT_FOUND, exactly like a missing one. */
export const getScheduleRoute = authedProcedure
  .input(ZByIdInput)
  .output(ZSchedule)
  .query(async ({ ctx, input }) => toScheduleDto(await getSchedule(ctx.trx, input.id)));
