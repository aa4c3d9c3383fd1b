import { publicBaseUrl, reportLinkKeys } from "../../../config/env.js";
import { notFound } from "../../../errors/app-error.js";
import { findReport } from "../../../reports/report.repository.js";
import { signReportLink } from "../../../report-links/signed-link.js";
import { PRESIGNED_URL_SECONDS } from "../../http/report-link-routes.js";
import { requireStore } from "../../require-dep.js";
import { authedProcedure } from "../../trpc.js";
import { toReportDto } from "./report.dto.js";
import { ZGetReportInput, ZReportWithDownload } from "./reports.types.js";

/**
 * The report with a short-lived download URL: presigned on S3; with local file storage, a
 * short-lived signed /r/ link served by this API.
 */
export const getReportRoute = authedProcedure
  .input(ZGetReportInput)
  .output(ZReportWithDownload)
  .query(async ({ ctx, input }) => {
    const report = await findReport(ctx.trx, input.id);
    if (!report) throw notFound("report");
    const key = report.pdf_key ?? report.html_key;
    const expiresAt = new Date(Date.now() + PRESIGNED_URL_SECONDS * 1000);
    let download_url: string | null = null;
    if (key) {
      const store = requireStore(ctx.deps);
      const presigned = await store.presignedGetUrl(key, PRESIGNED_URL_SECONDS, `${report.report_type}-${report.id}.${key.endsWith(".pdf") ? "pdf" : "html"}`);
      download_url = /^https?:\/\//.test(presigned)
        ? presigned
        : signReportLink(reportLinkKeys(ctx.deps.env).signing, publicBaseUrl(ctx.deps.env), report.id, expiresAt);
    }
    return { ...toReportDto(report), download_url, download_url_expires_at: download_url ? expiresAt.toISOString() : null };
  });
