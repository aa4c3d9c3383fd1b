import { createRequire } from "node:module";
import { join } from "node:path";
import express, { type Router } from "express";

/**
 * GET /docs: an API reference rendered by Swagger UI (swagger-ui-dist) from /openapi.json. Its
 * assets are served from node_modules — no CDN, so the page works where the API has no internet
 * — under a CSP that allows this origin's scripts, styles, images and fetches and nothing else.
 * Swagger UI was chosen over Scalar's bundle: one 13 MB package with no runtime dependencies
 * against 272 packages (287 MB) for @scalar/api-reference.
 */
const require = createRequire(import.meta.url);
// absolute-path.js only reports the folder; the package's index would load the browser bundle.
const assets: string = (require("swagger-ui-dist/absolute-path.js") as () => string)();

/** Swagger UI sets inline style attributes on elements it renders, hence 'unsafe-inline' for styles only. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>market-reports API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/docs.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#docs",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
`;

const ASSETS = ["swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"] as const;

export function docsRoutes(): Router {
  const router = express.Router();
  router.use("/docs", (_req, res, next) => {
    res.setHeader("Content-Security-Policy", DOCS_CSP);
    res.setHeader("X-Content-Type-Options", "nosniff");
    next();
  });
  router.get("/docs", (_req, res) => {
    res.type("html").send(PAGE);
  });
  router.get("/docs/docs.js", (_req, res) => {
    res.type("application/javascript").send(INIT);
  });
  for (const name of ASSETS) {
    router.get(`/docs/${name}`, (_req, res, next) => {
      res.sendFile(join(assets, name), { maxAge: "1d" }, (error) => error && next(error));
    });
  }
  return router;
}
