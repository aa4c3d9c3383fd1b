import { router } from "../../trpc.js";
import { getReportRoute } from "./get.js";
import { listReportsRoute } from "./list.js";
import { previewReportRoute } from "./preview.js";

export const reportsRouter = router({ list: listReportsRoute, get: getReportRoute, preview: previewReportRoute });
