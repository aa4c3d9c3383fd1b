import express, { Router } from "express";
import type { Kysely } from "kysely";
import type { Env } from "../config/env.js";
import type { Database } from "../db/database.js";
import { isOwnOrigin } from "./request-origin.js";
import { clearSessionCookie, readSessionCookie, setSessionCookie } from "./session-cookie.js";
import { endSession, findSessionAccount, startSession } from "./session.repository.js";

/** Only what these routes read, so that sessions/ need not know the API's AppDeps. */
export interface SessionRouteDeps {
  env: Env;
  db: Kysely<Database>;
}

/**
 * `/auth/session`: sign in with an API key (POST), ask who is signed in (GET), sign out (DELETE).
 * The key is read from the JSON body only — never a query string, which proxies log — and is
 * never stored or echoed; the browser keeps only the random session id in its cookie.
 */
export function sessionRoutes(deps: SessionRouteDeps): Router {
  const routes = Router();
  const { env, db } = deps;
  routes.use("/auth/session", (req, res, next) => {
    res.setHeader("Cache-Control", "no-store");
    if (req.method !== "GET" && !isOwnOrigin(env, req)) {
      res.status(403).json({ error: "forbidden", message: "Cross-origin request refused" });
      return;
    }
    next();
  });

  routes.get("/auth/session", async (req, res) => {
    const token = readSessionCookie(env, req);
    const account = token ? await findSessionAccount(db, token) : undefined;
    if (!account) {
      res.status(401).json({ error: "unauthorized", message: "Not signed in" });
      return;
    }
    res.json({ account_id: account.accountId, account_name: account.accountName });
  });

  routes.post("/auth/session", express.json({ limit: "4kb" }), async (req, res) => {
    const apiKey: unknown = req.body?.api_key;
    if (typeof apiKey !== "string" || apiKey.trim() === "") {
      res.status(400).json({ error: "bad_request", message: "api_key: is required" });
      return;
    }
    const session = await startSession(db, apiKey.trim());
    if (!session) {
      res.status(401).json({ error: "unauthorized", message: "api_key: unknown or revoked API key" });
      return;
    }
    setSessionCookie(env, res, session.token, session.expiresAt);
    res.json({ account_id: session.accountId, account_name: session.accountName });
  });

  routes.delete("/auth/session", async (req, res) => {
    const token = readSessionCookie(env, req);
    if (token) await endSession(db, token);
    clearSessionCookie(env, res);
    res.status(204).end();
  });
  return routes;
}
