import type { Request } from "express";
import { findAccountByApiKey, type AuthenticatedAccount } from "../accounts/account.repository.js";
import type { ApiKeyAuthenticator } from "../accounts/api-key-authenticator.js";
import type { AppDeps } from "./app-deps.js";
import type { Logger } from "../log/logger.js";

/** Who is calling: an account, or why not. */
export type Caller = { account: AuthenticatedAccount } | { account?: undefined; problem: "missing" | "unknown" };

export interface Context {
  deps: AppDeps;
  requestId: string;
  logger: Logger;
  /**
   * The caller behind the request's credential, looked up at most once per HTTP request (every
   * procedure of a batch shares the answer). This is the one seam for credentials: a new kind
   * (a browser session) is resolved here, and the auth middleware stays as it is.
   */
  caller(): Promise<Caller>;
}

function onceCaller(apiKey: string | undefined, authenticate: ApiKeyAuthenticator): () => Promise<Caller> {
  let answer: Promise<Caller> | undefined;
  return () => {
    answer ??= apiKey === undefined
      ? Promise.resolve({ problem: "missing" as const })
      : authenticate(apiKey).then((account) => (account ? { account } : { problem: "unknown" as const }));
    return answer;
  };
}

/** The context without HTTP: what tests use to call procedures directly (tRPC starter style). */
export function createContextInner(opts: { deps: AppDeps; apiKey?: string; requestId?: string; authenticate?: ApiKeyAuthenticator }): Context {
  const requestId = opts.requestId ?? "internal";
  const authenticate = opts.authenticate ?? ((key: string) => findAccountByApiKey(opts.deps.db, key));
  return { deps: opts.deps, requestId, logger: opts.deps.logger.child({ requestId }), caller: onceCaller(opts.apiKey, authenticate) };
}

/** The raw key from `Authorization: Bearer <key>`, if the request sent one. */
export function bearerKey(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function createContextFromRequest(deps: AppDeps, req: Request, authenticate: ApiKeyAuthenticator): Context {
  return createContextInner({ deps, apiKey: bearerKey(req), requestId: String(req.res?.locals.requestId ?? "unknown"), authenticate });
}
