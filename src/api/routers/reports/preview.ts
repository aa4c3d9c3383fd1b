import type { AppDeps } from "../../app-deps.js";
import { createScheduleInput } from "../../../schedules/schedule.rules.js";
import { renderReportPreview } from "../../../schedules/report-preview.js";
import { createListingSource } from "../../../listings/select-source.js";
import type { ListingSource } from "../../../listings/listing.js";
import { accountProcedure } from "../../trpc.js";

// One listing source per process (it de-duplicates identical fetches).
const sources = new WeakMap<AppDeps, ListingSource>();
function listingsFor(deps: AppDeps): ListingSource {
  let source = sources.get(deps);
  if (!source) sources.set(deps, (source = createListingSource(deps.env)));
  return source;
}

/**
 * `reports.preview`: the report for a schedule's fields as of now, as HTML, checked by the same
 * rules as schedules.create. Nothing is stored, queued or sent. A query, so it never writes.
 */
export const previewReportRoute = accountProcedure.input(createScheduleInput).query(async ({ ctx, input }) => {
  const html = await renderReportPreview(
    { name: input.name, report_type: input.report_type, city: input.city ?? null, zip_codes: input.zip_codes ?? [], lookback_days: input.lookback_days, timezone: input.timezone, filters: input.filters },
    { listings: listingsFor(ctx.deps), accountName: ctx.accountName },
  );
  return { html };
});
