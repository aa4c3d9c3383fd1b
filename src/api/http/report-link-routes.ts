import { Router, type Response } from "express";
import type { AppDeps } from "../app-deps.js";
import { reportLinkKeys } from "../../config/env.js";
import { withSystem } from "../../db/tenant.js";
import { escapeHtml } from "../../render/escape-html.js";
import { verifyReportLink } from "../../report-links/signed-link.js";
import { REPORT_CSP } from "../../render/report-html.js";
import { renderPage, setPublicPageHeaders } from "./page-layout.js";
import { isUuid } from "../../validation/uuid.js";

/** Presigned storage URLs live this long; the signed /r/ link is what lasts (REPORT_LINK_TTL_DAYS). */
export const PRESIGNED_URL_SECONDS = 300;

const queryText = (v: unknown): string => (typeof v === "string" ? v : "");

function refuse(res: Response, status: number, title: string, message: string): void {
  res.status(status).setHeader("Cache-Control", "no-store");
  res.type("html").send(renderPage(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>`));
}

/**
 * `GET /r/:id?exp&sig` — the link in report emails. A valid signature redirects to a fresh,
 * short-lived presigned URL (or, with local file storage, serves the file itself), so the link
 * keeps working for its whole lifetime while storage URLs stay short-lived.
 */
export function reportLinkRoutes(deps: AppDeps): Router {
  const routes = Router();
  const secrets = reportLinkKeys(deps.env).verifying;
  routes.get("/r/:id", async (req, res, next) => {
    try {
      setPublicPageHeaders(res);
      const id = req.params.id;
      const verdict = verifyReportLink(secrets, id, { exp: queryText(req.query.exp), sig: queryText(req.query.sig), kid: queryText(req.query.kid) });
      if (verdict === "expired") return refuse(res, 403, "Link expired", "This report link has expired. Ask the sender for a fresh copy.");
      if (verdict !== "ok" || !isUuid(id)) return refuse(res, 403, "Invalid link", "This report link is not valid. Please use the full link from the email.");
      const report = await withSystem(deps.db, (trx) =>
        trx.selectFrom("report_runs").select(["pdf_key", "html_key", "report_type", "created_at"]).where("id", "=", id).executeTakeFirst(),
      );
      const key = report?.pdf_key ?? report?.html_key;
      if (!report || !key || !deps.store) return refuse(res, 404, "Report not found", "This report is no longer available.");
      const isPdf = key.endsWith(".pdf");
      const filename = `${report.report_type}-${new Date(report.created_at).toISOString().slice(0, 10)}.${isPdf ? "pdf" : "html"}`;
      const url = await deps.store.presignedGetUrl(key, PRESIGNED_URL_SECONDS, filename);
      res.setHeader("Cache-Control", "no-store");
      if (url.startsWith("http://") || url.startsWith("https://")) {
        res.redirect(302, url);
        return;
      }
      // Local file storage (development): no URL to hand out, so serve the bytes here, under the
      // report's own policy (no script, nothing loaded) and unframeable.
      setPublicPageHeaders(res, `${REPORT_CSP}; frame-ancestors 'none'`);
      const body = await deps.store.get(key);
      res.type(isPdf ? "application/pdf" : "html").setHeader("Content-Disposition", `inline; filename="${filename}"`).send(body);
    } catch (error) {
      next(error);
    }
  });
  return routes;
}
