/**
 * Domain errors, thrown anywhere below the API and mapped to tRPC codes in one place (the
 * errorFormatter in src/api/trpc.ts). Messages are written for the API's users.
 */
export type AppErrorCode = "BAD_REQUEST" | "UNAUTHORIZED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT";

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const notFound = (what: string) => new AppError("NOT_FOUND", `${what} not found`);
export const badInput = (field: string, rule: string) => new AppError("BAD_REQUEST", `${field}: ${rule}`, field);
