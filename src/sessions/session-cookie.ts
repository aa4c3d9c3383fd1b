import type { Request, Response } from "express";
import type { Env } from "../config/env.js";

/**
 * The session cookie: httpOnly (scripts never see it), SameSite=Strict (never sent on a request
 * another site starts), Path=/. In production it is Secure and takes the `__Host-` prefix, which
 * browsers accept only from HTTPS, without Domain, for Path=/ — so no subdomain can plant it.
 */
export function sessionCookieName(env: Env): string {
  return env.ENVIRONMENT === "production" ? "__Host-mr_session" : "mr_session";
}

export function readSessionCookie(env: Env, req: Request): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  const name = sessionCookieName(env);
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookieOptions(env: Env) {
  return { httpOnly: true, sameSite: "strict", secure: env.ENVIRONMENT === "production", path: "/" } as const;
}

export function setSessionCookie(env: Env, res: Response, token: string, expiresAt: Date): void {
  res.cookie(sessionCookieName(env), token, { ...cookieOptions(env), expires: expiresAt });
}

export function clearSessionCookie(env: Env, res: Response): void {
  res.clearCookie(sessionCookieName(env), cookieOptions(env));
}
