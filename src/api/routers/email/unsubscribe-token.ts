import { normalizeEmail } from "../../../validation/email-address.js";
import { publicBaseUrl, unsubscribeKeys } from "../../../config/env.js";
import { unsubscribeToken, unsubscribeUrl } from "../../../unsubscribe/token.js";
import { developmentAuthedProcedure } from "../../trpc.js";
import { ZUnsubscribeTokenInput, ZUnsubscribeTokenResult } from "./unsubscribe.types.js";

/** GET /v1/email/unsubscribe/token in the seed: a testing aid, absent when ENVIRONMENT=production. */
export const unsubscribeTokenRoute = developmentAuthedProcedure
  .input(ZUnsubscribeTokenInput)
  .output(ZUnsubscribeTokenResult)
  .query(({ ctx, input }) => {
    const secret = unsubscribeKeys(ctx.deps.env).signing;
    const email = normalizeEmail(input.email);
    return {
      email,
      account_id: ctx.accountId,
      token: unsubscribeToken(secret, email, ctx.accountId),
      url: unsubscribeUrl(publicBaseUrl(ctx.deps.env), secret, email, ctx.accountId),
    };
  });
