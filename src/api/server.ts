import { randomUUID } from "node:crypto";
import type { Server } from "node:http";
import express, { type ErrorRequestHandler, type Express } from "express";
import { sql } from "kysely";
import type { AppDeps } from "./app-deps.js";
import { createApiMetrics, type ApiMetrics } from "../metrics/api-metrics.js";
import { createContextFromRequest } from "./context.js";
import { reportLinkRoutes } from "./http/report-link-routes.js";
import { unsubscribeRoutes } from "./http/unsubscribe-pages.js";
import { appRouter } from "./router.js";
import { trpcExpressHandler } from "./trpc-express-handler.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function createApiApp(deps: AppDeps, metrics: ApiMetrics = createApiMetrics()): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", true);

  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const procedure = req.path.startsWith("/trpc/") ? req.path.slice(6) : (req.route?.path ?? req.path.split("/")[1] ?? "/");
      metrics.requestDuration.observe({ procedure, status: String(res.statusCode) }, seconds);
      deps.logger.debug({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: seconds * 1000 }, "request");
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    if (deps.isShuttingDown?.()) {
      res.status(503).json({ status: "shutting down" });
      return;
    }
    try {
      await sql`select 1`.execute(deps.db);
      res.json({ status: "ready" });
    } catch {
      res.status(503).json({ status: "database unreachable" });
    }
  });
  app.get("/metrics", async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  app.use(
    "/trpc",
    trpcExpressHandler({
      router: appRouter,
      createContext: (req) => createContextFromRequest(deps, req),
      maxBodySize: 256 * 1024,
      onError({ error, path, ctx }) {
        metrics.errors.inc({ procedure: path ?? "unknown", code: error.code });
        if (error.code === "INTERNAL_SERVER_ERROR") {
          deps.logger.error({ requestId: ctx?.requestId, procedure: path, err: error.cause ?? error }, "procedure failed");
        }
      },
    }),
  );
  app.use(unsubscribeRoutes(deps));
  app.use(reportLinkRoutes(deps));

  const onError: ErrorRequestHandler = (error, _req, res, _next) => {
    const requestId = String(res.locals.requestId);
    deps.logger.error({ requestId, err: error }, "request failed");
    res.status(500).json({ error: "internal_error", message: `Internal server error (request id ${requestId})` });
  };
  app.use(onError);
  return app;
}

export interface RunningServer {
  server: Server;
  url: string;
  /** Stops accepting, lets in-flight requests finish (bounded), then resolves. */
  close(graceMs?: number): Promise<void>;
}

export function listen(app: Express, port: number, host = "0.0.0.0"): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => {
      const address = server.address();
      const actualPort = typeof address === "object" && address ? address.port : port;
      resolve({
        server,
        url: `http://127.0.0.1:${actualPort}`,
        close: (graceMs = 10_000) =>
          new Promise<void>((done) => {
            const timer = setTimeout(() => server.closeAllConnections(), graceMs);
            server.close(() => {
              clearTimeout(timer);
              done();
            });
            server.closeIdleConnections();
          }),
      });
    });
    server.once("error", reject);
  });
}
