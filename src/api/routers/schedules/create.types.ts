export { createScheduleInput as ZCreateScheduleInput } from "../../../schedules/schedule.rules.js";
