import { initTRPC, TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { fieldIssues, type FieldIssue } from "../validation/describe-issue.js";
import { authenticateInTransaction } from "../accounts/account.repository.js";
import type { Tx } from "../db/tenant.js";
import { AppError, type AppErrorCode } from "../errors/app-error.js";
import { RunConflictError, RunScheduleNotFoundError } from "../runs/manual-run.js";
import type { Context } from "./context.js";

/** Domain errors from below the API, each mapped to its tRPC code here and nowhere else. */
function domainError(cause: unknown): { code: AppErrorCode; message: string; issues?: readonly FieldIssue[] } | undefined {
  if (cause instanceof AppError) return { code: cause.code, message: cause.message, issues: cause.issues };
  if (cause instanceof RunConflictError) return { code: "CONFLICT", message: cause.message };
  if (cause instanceof RunScheduleNotFoundError) return { code: "NOT_FOUND", message: "schedule not found" };
  return undefined;
}

const HTTP_STATUS = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 } as const;

const t = initTRPC.context<Context>().create({
  // Stack traces never leave the server, in any environment.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    const cause = error.cause;
    if (cause instanceof ZodError) {
      const issues = fieldIssues(cause.issues);
      return {
        ...shape,
        message: issues.map((i) => i.message).join("; "),
        code: -32600,
        data: { ...shape.data, code: "BAD_REQUEST" as const, httpStatus: 400, issues },
      };
    }
    const domain = domainError(cause);
    if (domain) {
      const status = HTTP_STATUS[domain.code];
      const codes = { 400: -32600, 401: -32001, 403: -32003, 404: -32004, 409: -32009 } as const;
      return {
        ...shape,
        message: domain.message,
        code: codes[status],
        data: { ...shape.data, code: domain.code, httpStatus: status, issues: domain.issues },
      };
    }
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

export const router = t.router;
export const publicProcedure = t.procedure;
export const createCallerFactory = t.createCallerFactory;

/** Procedures that exist only outside production (the seed's dev-only token generator). */
const developmentOnly = t.middleware(({ ctx, path, next }) => {
  if (ctx.deps.env.ENVIRONMENT === "production") {
    throw new TRPCError({ code: "NOT_FOUND", message: `No procedure found on path "${path}"` });
  }
  return next();
});

/**
 * Authenticates the bearer key and runs the whole procedure in one transaction scoped to the
 * key's account by row-level security. A failed procedure rolls the transaction back.
 */
const authenticated = t.middleware(async ({ ctx, next }) => {
  const apiKey = ctx.apiKey;
  if (!apiKey) throw new TRPCError({ code: "UNAUTHORIZED", message: "Missing API key: send Authorization: Bearer <key>" });
  return ctx.deps.db.transaction().execute(async (trx: Tx) => {
    const account = await authenticateInTransaction(trx, apiKey);
    if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "Unknown or revoked API key" });
    const result = await next({ ctx: { trx, accountId: account.accountId, accountName: account.accountName } });
    // next() reports failure instead of throwing (tRPC v11); throw so the transaction rolls back.
    if (!result.ok) throw result.error;
    return result;
  });
});

/**
 * Authenticates, then lets the procedure manage its own transactions (it gets the account, not a
 * transaction). For work that must commit before it publishes to the queue — and PGlite has a
 * single connection, so a procedure holding the request's transaction could not open another.
 */
const authenticatedAccount = t.middleware(async ({ ctx, next }) => {
  const apiKey = ctx.apiKey;
  if (!apiKey) throw new TRPCError({ code: "UNAUTHORIZED", message: "Missing API key: send Authorization: Bearer <key>" });
  const account = await ctx.deps.db.transaction().execute((trx: Tx) => authenticateInTransaction(trx, apiKey));
  if (!account) throw new TRPCError({ code: "UNAUTHORIZED", message: "Unknown or revoked API key" });
  return next({ ctx: { accountId: account.accountId, accountName: account.accountName } });
});

export const authedProcedure = t.procedure.use(authenticated);
export const accountProcedure = t.procedure.use(authenticatedAccount);
export const developmentAuthedProcedure = t.procedure.use(developmentOnly).use(authenticated);
