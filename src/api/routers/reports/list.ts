import { newestFirstPage } from "../../../db/pagination.js";
import { authedProcedure } from "../../trpc.js";
import { toReportDto } from "./report.dto.js";
import { ZListReportsInput } from "./reports.types.js";

export const listReportsRoute = authedProcedure.input(ZListReportsInput).query(async ({ ctx, input }) => {
  let query = ctx.trx.selectFrom("report_runs").selectAll();
  if (input.schedule_id) query = query.where("schedule_id", "=", input.schedule_id);
  const { page, next_cursor } = await newestFirstPage(query, input.cursor, input.limit);
  return { reports: page.map(toReportDto), count: page.length, next_cursor };
});
