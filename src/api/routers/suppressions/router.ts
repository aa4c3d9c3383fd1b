import { newestFirstPage } from "../../../db/pagination.js";
import { notFound } from "../../../errors/app-error.js";
import { addSuppression } from "../../../delivery/email-log.repository.js";
import { authedProcedure, router } from "../../trpc.js";
import { ZAddSuppressionInput, ZListSuppressionsInput, ZRemoveSuppressionInput } from "./suppressions.types.js";

const toDto = (s: { email: string; reason: string | null; created_at: Date }) => ({
  email: s.email,
  reason: s.reason,
  created_at: new Date(s.created_at).toISOString(),
});

/** The account's do-not-email list; checked at send time, case-insensitively. */
export const suppressionsRouter = router({
  list: authedProcedure.input(ZListSuppressionsInput).query(async ({ ctx, input }) => {
    const query = ctx.trx.selectFrom("email_suppressions").selectAll();
    const { page, next_cursor } = await newestFirstPage(query, input.cursor, input.limit);
    return { suppressions: page.map(toDto), count: page.length, next_cursor };
  }),
  add: authedProcedure.input(ZAddSuppressionInput).mutation(async ({ ctx, input }) => {
    const added = await addSuppression(ctx.trx, ctx.accountId, input.email, input.reason ?? "manual");
    return { email: input.email, added };
  }),
  remove: authedProcedure.input(ZRemoveSuppressionInput).mutation(async ({ ctx, input }) => {
    const result = await ctx.trx.deleteFrom("email_suppressions").where("email", "=", input.email).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound("suppression");
    return { email: input.email, removed: true as const };
  }),
});
