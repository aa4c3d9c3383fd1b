import { listReports } from "../../../reports/report.repository.js";
import { authedProcedure } from "../../trpc.js";
import { toReportDto } from "./report.dto.js";
import { ZListReportsInput, ZReportList } from "./reports.types.js";

export const listReportsRoute = authedProcedure
  .input(ZListReportsInput)
  .output(ZReportList)
  .query(async ({ ctx, input }) => {
    const { page, next_cursor } = await listReports(ctx.trx, { scheduleId: input.schedule_id, limit: input.limit, cursor: input.cursor });
    return { reports: page.map(toReportDto), count: page.length, next_cursor };
  });
