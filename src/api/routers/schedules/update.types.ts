import { updateScheduleFields } from "../../../schedules/schedule.rules.js";
import { ZScheduleId } from "./by-id.types.js";

/** PATCH /v1/schedules/{id}: the id plus any of the schedule's fields. */
export const ZUpdateScheduleInput = updateScheduleFields.extend({ id: ZScheduleId }).strict();
