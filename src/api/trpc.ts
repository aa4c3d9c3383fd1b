import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { DatabaseBusyError } from "../db/pool-health.js";
import { withTenant, type Tx } from "../db/tenant.js";
import { AppError } from "../errors/app-error.js";
import { fieldIssues } from "../validation/describe-issue.js";
import type { Context } from "./context.js";

const t = initTRPC.context<Context>().create({
  // Stack traces never leave the server, in any environment.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    if (error.cause instanceof ZodError) {
      const issues = fieldIssues(error.cause.issues);
      return { ...shape, message: issues.map((i) => i.message).join("; "), data: { ...shape.data, issues } };
    }
    if (error.cause instanceof AppError) return { ...shape, data: { ...shape.data, issues: error.cause.issues } };
    if (error.code === "INTERNAL_SERVER_ERROR") {
      // SQL text, stack traces and library messages stay in the log, keyed by request id.
      return {
        ...shape,
        message: `Internal server error (request id ${ctx?.requestId ?? "unknown"})`,
        data: { ...shape.data, issues: undefined },
      };
    }
    return { ...shape, data: { ...shape.data, issues: undefined } };
  },
});

/**
 * Domain errors become tRPC errors here and nowhere else: an AppError keeps its code and message;
 * a rule check that failed below the input parser (a ZodError) is a BAD_REQUEST; no free pooled
 * connection is a 503 the client may retry.
 */
const domainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return result;
  const cause = result.error.cause;
  if (cause instanceof AppError) throw new TRPCError({ code: cause.code, message: cause.message, cause });
  // A rule checked below the input parser with zod directly (not through invalidInput).
  if (cause instanceof ZodError && result.error.code === "INTERNAL_SERVER_ERROR") throw new TRPCError({ code: "BAD_REQUEST", cause });
  if (cause instanceof DatabaseBusyError) throw new TRPCError({ code: "SERVICE_UNAVAILABLE", message: "The service is busy; retry shortly", cause });
  return result;
});

const procedure = t.procedure.use(domainErrors);

export const router = t.router;
export const publicProcedure = procedure;
export const createCallerFactory = t.createCallerFactory;

/** The one authentication middleware: the context resolves the credential; this says no or passes the account on. */
const authenticated = t.middleware(async ({ ctx, type, next }) => {
  const caller = await ctx.caller();
  if (!caller.account) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: caller.problem === "missing" ? "Missing API key: send Authorization: Bearer <key>" : "Unknown or revoked API key",
    });
  }
  // A write carried by the browser's cookie must come from our own pages (SameSite=Strict already
  // keeps other sites' requests cookieless; this is the second lock).
  if (caller.via === "session" && type === "mutation" && !ctx.ownOrigin) {
    throw new TRPCError({ code: "FORBIDDEN", message: "Cross-origin request refused" });
  }
  return next({ ctx: { accountId: caller.account.accountId, accountName: caller.account.accountName } });
});

/** Procedures that exist only outside production (the seed's dev-only token generator). */
const developmentOnly = t.middleware(({ ctx, path, next }) => {
  if (ctx.deps.env.ENVIRONMENT === "production") {
    throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
  }
  return next();
});

/**
 * Authenticated, managing its own transactions (it gets the account, not a transaction): for
 * work that must commit before it publishes to the queue — and PGlite has a single connection,
 * so a procedure holding the request's transaction could not open another.
 */
export const accountProcedure = procedure.use(authenticated);

/**
 * The whole procedure in one transaction scoped to the caller's account by row-level security.
 * next() reports failure instead of throwing (tRPC v11); throw it so the transaction rolls back.
 */
function inTenantTransaction<R extends { ok: boolean; error?: unknown }>(ctx: Context & { accountId: string }, run: (trx: Tx) => Promise<R>): Promise<R> {
  return withTenant(ctx.deps.db, ctx.accountId, async (trx) => {
    const result = await run(trx);
    if (!result.ok) throw result.error;
    return result;
  });
}

/** Authenticated, in one tenant transaction (`ctx.trx`). */
export const authedProcedure = accountProcedure.use(({ ctx, next }) => inTenantTransaction(ctx, (trx) => next({ ctx: { trx } })));
export const developmentAuthedProcedure = procedure
  .use(developmentOnly)
  .use(authenticated)
  .use(({ ctx, next }) => inTenantTransaction(ctx, (trx) => next({ ctx: { trx } })));
