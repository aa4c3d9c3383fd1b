import type { FieldIssue } from "../validation/describe-issue.js";

/**
 * Domain errors, thrown anywhere below the API and mapped to tRPC codes in one place (the
 * errorFormatter in src/api/trpc.ts). Messages are written for the API's users.
 */
export type AppErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "TOO_MANY_REQUESTS";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    /** For BAD_REQUEST: every field that broke a rule, as the API's `data.issues`. */
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const badInput = (field: string, rule: string) => new AppError("BAD_REQUEST", `${field}: ${rule}`, field);

/** Rules checked below the input schema (an update's merged result) fail like input does. */
export function invalidInput(issues: readonly FieldIssue[]): AppError {
  return new AppError("BAD_REQUEST", issues.map((i) => i.message).join("; "), issues[0]?.path, issues);
}
