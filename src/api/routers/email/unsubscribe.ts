import { unsubscribeSecret } from "../../../config/env.js";
import { unsubscribe } from "../../../unsubscribe/unsubscribe.service.js";
import { publicProcedure } from "../../trpc.js";
import { ZUnsubscribeInput, ZUnsubscribeResult } from "./unsubscribe.types.js";

/** Public: the HMAC token is the authorisation. */
export const unsubscribeRoute = publicProcedure
  .input(ZUnsubscribeInput)
  .output(ZUnsubscribeResult)
  .mutation(({ ctx, input }) =>
    unsubscribe(ctx.deps.db, unsubscribeSecret(ctx.deps.env), {
      email: input.email,
      accountId: input.account_id,
      token: input.token,
      reason: input.reason,
    }),
  );
