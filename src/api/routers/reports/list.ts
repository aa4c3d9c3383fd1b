import { decodeCursor, pageOf } from "../../pagination.js";
import { authedProcedure } from "../../trpc.js";
import { toReportDto } from "./report.dto.js";
import { ZListReportsInput } from "./reports.types.js";

export const listReportsRoute = authedProcedure.input(ZListReportsInput).query(async ({ ctx, input }) => {
  let query = ctx.trx.selectFrom("report_runs").selectAll();
  if (input.schedule_id) query = query.where("schedule_id", "=", input.schedule_id);
  const after = decodeCursor(input.cursor);
  if (after) {
    query = query.where((eb) =>
      eb.or([eb("created_at", "<", after.createdAt), eb.and([eb("created_at", "=", after.createdAt), eb("id", "<", after.id)])]),
    );
  }
  const rows = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(input.limit + 1).execute();
  const { page, next_cursor } = pageOf(rows, input.limit);
  return { reports: page.map(toReportDto), count: page.length, next_cursor };
});
