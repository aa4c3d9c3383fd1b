import type { Request } from "express";
import type { AppDeps } from "./app-deps.js";
import type { Logger } from "../log/logger.js";

export interface Context {
  deps: AppDeps;
  /** The raw key from `Authorization: Bearer`, checked by the authed procedure. */
  apiKey: string | undefined;
  requestId: string;
  logger: Logger;
}

/** The context without HTTP: what tests use to call procedures directly (tRPC starter style). */
export function createContextInner(opts: { deps: AppDeps; apiKey?: string; requestId?: string }): Context {
  const requestId = opts.requestId ?? "internal";
  return { deps: opts.deps, apiKey: opts.apiKey, requestId, logger: opts.deps.logger.child({ requestId }) };
}

export function createContextFromRequest(deps: AppDeps, req: Request): Context {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return createContextInner({ deps, apiKey: match?.[1], requestId: String(req.res?.locals.requestId ?? "unknown") });
}
