import type { Response } from "express";
import { escapeHtml } from "../../render/escape-html.js";

/**
 * The public pages reached from emails (/unsubscribe, /r/) run no script and load nothing; the
 * one form posts back to this origin. Nobody may frame them (a framed one-click button is a
 * clickjacking target), and nothing they serve is sniffed into another type.
 */
export const PUBLIC_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

export function setPublicPageHeaders(res: Response, csp: string = PUBLIC_PAGE_CSP): void {
  res.setHeader("Content-Security-Policy", csp);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
}

/** The small, self-contained pages people see: unsubscribe and report-link errors. */
export function renderPage(title: string, bodyHtml: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title>
<style>
body{font-family:-apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;background:#f5f6f8;color:#1f2933;margin:0}
main{max-width:480px;margin:12vh auto;background:#fff;border-radius:10px;padding:32px;box-shadow:0 1px 4px rgba(0,0,0,.08)}
h1{font-size:22px;margin:0 0 12px}p{line-height:1.5}
button{background:#1d4ed8;color:#fff;border:0;border-radius:6px;padding:10px 18px;font-size:16px;cursor:pointer}
.muted{color:#616e7c;font-size:14px}
</style></head><body><main>${bodyHtml}</main></body></html>`;
}
