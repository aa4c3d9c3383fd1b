import type { Request } from "express";
import { publicBaseUrl, type Env } from "../config/env.js";

/**
 * Whether a cookie-authenticated write came from our own pages: its Origin must be
 * PUBLIC_BASE_URL's. Outside production the origin the request was addressed to is also accepted,
 * so `npm start` works whether the browser says localhost or 127.0.0.1. A write without an Origin
 * is refused: browsers send one on every POST, so only non-browser clients omit it, and those
 * authenticate with a bearer key.
 */
export function isOwnOrigin(env: Env, req: Request): boolean {
  const origin = req.get("origin");
  if (!origin) return false;
  if (origin === new URL(publicBaseUrl(env)).origin) return true;
  if (env.ENVIRONMENT === "production") return false;
  const host = req.get("host");
  return host !== undefined && origin === `${req.protocol}://${host}`;
}
