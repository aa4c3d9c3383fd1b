import express, { type Router } from "express";
import type { Env } from "../../config/env.js";
import { docsRoutes } from "./docs-page.js";
import { createOpenApiDocument } from "./openapi-document.js";

/** GET /openapi.json (built once per process) and GET /docs. Both public. */
export function openApiRoutes(env: Pick<Env, "ENVIRONMENT">): Router {
  const router = express.Router();
  let json: string | undefined;
  router.get("/openapi.json", (_req, res) => {
    json ??= JSON.stringify(createOpenApiDocument(env));
    res.type("application/json").send(json);
  });
  router.use(docsRoutes());
  return router;
}
