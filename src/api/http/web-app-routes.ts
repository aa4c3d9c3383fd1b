import { existsSync } from "node:fs";
import path from "node:path";
import { Router, type Request, type Response } from "express";
import { APP_ROOT } from "../../config/app-root.js";
import { SCHEDULES_PAGE_FIRST_REQUESTS } from "./first-page-requests.js";
import { webAssetsHandler } from "./web-assets.js";

/** Where `vite build` puts the browser app (npm run build). */
export const WEB_APP_DIR = path.join(APP_ROOT, "dist/web");

/** The browser app's client-side routes; each answers with index.html. */
const APP_ROUTES = ["/", "/sign-in", "/schedules", "/schedules/*rest", "/suppressions"];

/** Pages that open on the schedules list (the app sends / there). */
const SCHEDULES_PAGE_PATHS = new Set(["/", "/schedules"]);

const SCHEDULES_PAGE_PRELOAD = SCHEDULES_PAGE_FIRST_REQUESTS.map((url) => `<${url}>; rel=preload; as=fetch; crossorigin`).join(", ");

/**
 * No inline script anywhere, nothing from another origin, never framed. Inline styles are allowed
 * for the report preview, which is the report's own HTML (with its <style>) in a sandboxed
 * srcdoc iframe that inherits this policy and runs no script.
 */
export const WEB_APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

function securityHeaders(res: Response): void {
  res.setHeader("Content-Security-Policy", WEB_APP_CSP);
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("X-Frame-Options", "DENY");
  res.setHeader("Referrer-Policy", "no-referrer");
}

/**
 * Serves the built browser app (`vite build` into dist/web): content-hashed files under /assets/
 * (compressed, from memory: web-assets.ts) are cached for a year, index.html never, so a deploy
 * is picked up on the next navigation.
 */
export function webAppRoutes(dir: string = WEB_APP_DIR, options: { hasSession?: (req: Request) => boolean } = {}): Router {
  const routes = Router();
  routes.use("/assets", webAssetsHandler(path.join(dir, "assets"), securityHeaders));
  const index = path.join(dir, "index.html");
  routes.get(APP_ROUTES, (req, res) => {
    securityHeaders(res);
    res.setHeader("Cache-Control", "no-cache");
    // Without a session the page goes to sign-in: preloading its data would only earn two 401s.
    if (SCHEDULES_PAGE_PATHS.has(req.path) && options.hasSession?.(req)) res.setHeader("Link", SCHEDULES_PAGE_PRELOAD);
    if (!existsSync(index)) {
      res.status(503).type("text/plain").send("The web app is not built: run `npm run build` (npm start builds it on first start).\n");
      return;
    }
    res.sendFile(index);
  });
  return routes;
}
