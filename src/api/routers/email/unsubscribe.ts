import { unsubscribeKeys } from "../../../config/env.js";
import { unsubscribe } from "../../../unsubscribe/unsubscribe.service.js";
import { publicProcedure } from "../../trpc.js";
import { ZUnsubscribeInput, ZUnsubscribeResult } from "./unsubscribe.types.js";

/** Public: the HMAC token is the authorisation. */
export const unsubscribeRoute = publicProcedure
  .input(ZUnsubscribeInput)
  .output(ZUnsubscribeResult)
  .mutation(({ ctx, input }) =>
    unsubscribe(ctx.deps.db, unsubscribeKeys(ctx.deps.env).verifying, {
      email: input.email,
      accountId: input.account_id,
      token: input.token,
      reason: input.reason,
    }),
  );
