import { router } from "../../trpc.js";
import { createScheduleRoute } from "./create.js";
import { deleteScheduleRoute } from "./delete.js";
import { getScheduleRoute } from "./get.js";
import { listSchedulesRoute } from "./list.js";
import { previewTimesRoute } from "./preview-times.js";
import { runNowRoute } from "./run-now.js";
import { scheduleRunsRoute } from "./runs.js";
import { sendTestRoute } from "./send-test.js";
import { updateScheduleRoute } from "./update.js";

export const schedulesRouter = router({
  create: createScheduleRoute,
  list: listSchedulesRoute,
  get: getScheduleRoute,
  update: updateScheduleRoute,
  delete: deleteScheduleRoute,
  runs: scheduleRunsRoute,
  runNow: runNowRoute,
  sendTest: sendTestRoute,
  previewTimes: previewTimesRoute,
});
