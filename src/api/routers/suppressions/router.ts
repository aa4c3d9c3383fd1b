import type { Suppression } from "../../../db/database.js";
import { notFound } from "../../../errors/app-error.js";
import { addSuppression, listSuppressions, removeSuppression } from "../../../suppressions/suppression.repository.js";
import { authedProcedure, router } from "../../trpc.js";
import {
  ZAddSuppressionInput,
  ZListSuppressionsInput,
  ZRemoveSuppressionInput,
  ZSuppressionAdded,
  ZSuppressionList,
  ZSuppressionRemoved,
} from "./suppressions.types.js";

const toDto = (s: Suppression) => ({ email: s.email, reason: s.reason, created_at: new Date(s.created_at).toISOString() });

/** The account's do-not-email list; checked at send time, case-insensitively. */
export const suppressionsRouter = router({
  list: authedProcedure
    .input(ZListSuppressionsInput)
    .output(ZSuppressionList)
    .query(async ({ ctx, input }) => {
      const { page, next_cursor } = await listSuppressions(ctx.trx, { limit: input.limit, cursor: input.cursor });
      return { suppressions: page.map(toDto), count: page.length, next_cursor };
    }),
  add: authedProcedure
    .input(ZAddSuppressionInput)
    .output(ZSuppressionAdded)
    .mutation(async ({ ctx, input }) => {
      const added = await addSuppression(ctx.trx, ctx.accountId, input.email, input.reason ?? "manual");
      return { email: input.email, added };
    }),
  remove: authedProcedure
    .input(ZRemoveSuppressionInput)
    .output(ZSuppressionRemoved)
    .mutation(async ({ ctx, input }) => {
      if (!(await removeSuppression(ctx.trx, input.email))) throw notFound("suppression");
      return { email: input.email, removed: true as const };
    }),
});
