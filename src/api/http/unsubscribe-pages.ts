import { normalizeEmail } from "../../validation/email-address.js";
import express, { type Request, type RequestHandler, type Response, Router } from "express";
import { publicBaseUrl, unsubscribeKeys } from "../../config/env.js";
import type { AppDeps } from "../app-deps.js";
import { AppError } from "../../errors/app-error.js";
import { escapeHtml } from "../../render/escape-html.js";
import { isValidUnsubscribeToken } from "../../unsubscribe/token.js";
import { unsubscribe } from "../../unsubscribe/unsubscribe.service.js";
import { bodyError } from "./bounded-body.js";
import { renderPage, setPublicPageHeaders } from "./page-layout.js";

const first = (v: unknown): string => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : "");

interface LinkParams {
  email: string;
  account: string;
  token: string;
  kid: string;
}

function linkParams(req: Request): LinkParams {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return {
    email: first(body.email) || first(req.query.email),
    account: first(body.account) || first(req.query.account),
    token: first(body.token) || first(req.query.token),
    kid: first(body.kid) || first(req.query.kid),
  };
}

const readMultipart = express.raw({ type: "multipart/form-data", limit: "8kb" });

/**
 * RFC 8058 says the one-click POST is form data, and some mail providers send it as
 * multipart/form-data rather than urlencoded: parse that too (small, bounded) into req.body, so
 * the click is recorded as one-click rather than refused.
 */
function multipartForm(req: Request, res: Response, next: (error?: unknown) => void): void {
  if (!req.is("multipart/form-data")) return next();
  readMultipart(req, res, (error?: unknown) => {
    if (error) return next(error);
    const raw = req.body as unknown;
    if (!Buffer.isBuffer(raw)) return next();
    new globalThis.Response(new Uint8Array(raw), { headers: { "content-type": req.headers["content-type"] ?? "" } })
      .formData()
      .then((data) => {
        const fields: Record<string, string> = {};
        data.forEach((value, name) => {
          if (typeof value === "string" && !(name in fields)) fields[name] = value;
        });
        req.body = fields;
        next();
      })
      .catch(() => {
        req.body = {};
        next();
      });
  });
}

function wantsJson(req: Request): boolean {
  return req.accepts(["html", "json"]) === "json";
}

function badLink(req: Request, res: Response, asJson = wantsJson(req)): void {
  const message = "This unsubscribe link is not valid. It may have been cut short by your email program; please use the full link from the email.";
  res.status(400);
  if (asJson) res.json({ error: "invalid_unsubscribe_link", message });
  else res.type("html").send(renderPage("Invalid unsubscribe link", `<h1>Invalid link</h1><p>${escapeHtml(message)}</p>`));
}

/**
 * People and mail clients unsubscribe here:
 *  GET  shows a confirm button and changes nothing (mail scanners prefetch links);
 *  POST from that form unsubscribes and confirms;
 *  POST with body List-Unsubscribe=One-Click (RFC 8058) unsubscribes and answers 200, no login.
 */
export function unsubscribeRoutes(deps: AppDeps): Router {
  const routes = Router();
  const secrets = unsubscribeKeys(deps.env).verifying;
  // The form posts to where the public address says this page lives (the API may be served under
  // a path prefix behind a proxy), not to a path guessed from this process's own routes.
  const formAction = `${new URL(publicBaseUrl(deps.env)).pathname.replace(/\/+$/, "")}/unsubscribe`;
  const readForm = express.urlencoded({ extended: false, limit: "8kb" });
  const form: RequestHandler = (req, res, next) => readForm(req, res, (error?: unknown) => next(error ? bodyError(error) : undefined));

  routes.use("/unsubscribe", (_req, res, next) => {
    setPublicPageHeaders(res);
    next();
  });

  routes.get("/unsubscribe", (req, res) => {
    const p = linkParams(req);
    if (!p.email || !isValidUnsubscribeToken(secrets, p.email, p.account, p.token, p.kid)) return badLink(req, res);
    res.setHeader("Cache-Control", "no-store");
    res.type("html").send(
      renderPage(
        "Unsubscribe",
        `<h1>Unsubscribe from market reports?</h1>
<p><strong>${escapeHtml(normalizeEmail(p.email))}</strong> will no longer receive scheduled market reports from this sender.</p>
<form method="post" action="${escapeHtml(formAction)}">
<input type="hidden" name="email" value="${escapeHtml(p.email)}">
<input type="hidden" name="account" value="${escapeHtml(p.account)}">
<input type="hidden" name="kid" value="${escapeHtml(p.kid)}">
<input type="hidden" name="token" value="${escapeHtml(p.token)}">
<button type="submit">Unsubscribe</button>
</form>
<p class="muted">Nothing changes until you press the button.</p>`,
      ),
    );
  });

  routes.post("/unsubscribe", form, multipartForm, async (req, res, next) => {
    const p = linkParams(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const oneClick = first(body["List-Unsubscribe"]) === "One-Click";
    try {
      const result = await unsubscribe(deps.db, secrets, {
        email: p.email,
        accountId: p.account,
        token: p.token,
        keyId: p.kid,
        reason: oneClick ? "one_click" : "unsubscribe_page",
      });
      res.setHeader("Cache-Control", "no-store");
      if (oneClick || wantsJson(req)) {
        res.status(200).json({ unsubscribed: true, email: result.email });
        return;
      }
      res.type("html").send(
        renderPage(
          "Unsubscribed",
          `<h1>You are unsubscribed</h1><p><strong>${escapeHtml(result.email)}</strong> will not receive these market reports any more.</p>`,
        ),
      );
    } catch (error) {
      if (error instanceof AppError && error.code === "BAD_REQUEST") return badLink(req, res, oneClick || wantsJson(req));
      next(error);
    }
  });

  return routes;
}
