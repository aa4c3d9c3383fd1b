import type { Request } from "express";
import { findAccountByApiKey, type AuthenticatedAccount } from "../accounts/account.repository.js";
import type { ApiKeyAuthenticator } from "../accounts/api-key-authenticator.js";
import type { AppDeps } from "./app-deps.js";
import type { Logger } from "../log/logger.js";
import { isOwnOrigin } from "../sessions/request-origin.js";
import { readSessionCookie } from "../sessions/session-cookie.js";
import { findSessionAccount } from "../sessions/session.repository.js";

/** Who is calling: an account, or why not. */
export type Caller = { account: AuthenticatedAccount; via: "key" | "session" } | { account?: undefined; problem: "missing" | "unknown" };

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
  /** Whether the request's Origin is our own: a mutation authenticated by the session cookie needs it. */
  ownOrigin: boolean;
}

/** The bearer key when one was sent; otherwise the browser's session cookie. */
function onceCaller(
  apiKey: string | undefined,
  authenticate: ApiKeyAuthenticator,
  session?: { token: string | undefined; find: (token: string) => Promise<AuthenticatedAccount | undefined> },
): () => Promise<Caller> {
  let answer: Promise<Caller> | undefined;
  return () => {
    if (answer) return answer;
    if (apiKey !== undefined) {
      answer = authenticate(apiKey).then((account) => (account ? { account, via: "key" as const } : { problem: "unknown" as const }));
    } else if (session?.token !== undefined) {
      answer = session.find(session.token).then((account) => (account ? { account, via: "session" as const } : { problem: "missing" as const }));
    } else {
      answer = Promise.resolve({ problem: "missing" as const });
    }
    return answer;
  };
}

/** The context without HTTP: what tests use to call procedures directly (tRPC starter style). */
export function createContextInner(opts: {
  deps: AppDeps;
  apiKey?: string;
  requestId?: string;
  authenticate?: ApiKeyAuthenticator;
  sessionToken?: string;
  ownOrigin?: boolean;
}): Context {
  const requestId = opts.requestId ?? "internal";
  const authenticate = opts.authenticate ?? ((key: string) => findAccountByApiKey(opts.deps.db, key));
  const session = { token: opts.sessionToken, find: (token: string) => findSessionAccount(opts.deps.db, token) };
  return {
    deps: opts.deps,
    requestId,
    logger: opts.deps.logger.child({ requestId }),
    caller: onceCaller(opts.apiKey, authenticate, session),
    ownOrigin: opts.ownOrigin ?? false,
  };
}

/** The raw key from `Authorization: Bearer <key>`, if the request sent one. */
export function bearerKey(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = typeof header === "string" ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

export function createContextFromRequest(deps: AppDeps, req: Request, authenticate: ApiKeyAuthenticator): Context {
  return createContextInner({
    deps,
    apiKey: bearerKey(req),
    requestId: String(req.res?.locals.requestId ?? "unknown"),
    authenticate,
    sessionToken: readSessionCookie(deps.env, req),
    ownOrigin: isOwnOrigin(deps.env, req),
  });
}
