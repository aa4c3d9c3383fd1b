import { createHash, randomUUID } from "node:crypto";
import { createServer, STATUS_CODES, type Server } from "node:http";
import express, { type ErrorRequestHandler, type Express, type Request, type RequestHandler } from "express";
import { rateLimit } from "express-rate-limit";
import { TRPCError } from "@trpc/server";
import { sql } from "kysely";
import { createApiKeyAuthenticator } from "../accounts/api-key-authenticator.js";
import type { AppDeps } from "./app-deps.js";
import { DatabaseBusyError, type PoolHealth } from "../db/pool-health.js";
import { createApiMetrics, type ApiMetrics } from "../metrics/api-metrics.js";
import { MAX_BATCH_ITEMS } from "./batch-limit.js";
import { DEFAULT_API_LIMITS, type ApiLimits } from "../config/api-limits.js";
import { bearerKey, createContextFromRequest } from "./context.js";
import { boundedBody } from "./http/bounded-body.js";
import { reportLinkRoutes } from "./http/report-link-routes.js";
import { openApiRoutes } from "./openapi/openapi-routes.js";
import { restRouteLabel, restRoutes, type ProcedureErrorHandler } from "./rest/rest-api.js";
import { unsubscribeRoutes } from "./http/unsubscribe-pages.js";
import { webAppRoutes } from "./http/web-app-routes.js";
import { readSessionCookie } from "../sessions/session-cookie.js";
import { sessionRoutes } from "../sessions/session-routes.js";
import { appRouter } from "./router.js";
import { sendTrpcError, trpcExpressHandler } from "./trpc-express-handler.js";

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;
const PROCEDURES = new Set(Object.keys(appRouter._def.procedures));

export interface ApiAppOptions {
  /** The process serves these on METRICS_PORT (createMetricsApp); the API's own port never does. */
  metrics?: ApiMetrics;
  limits?: Partial<ApiLimits>;
  /** The pool's health, for the liveness probe (absent: /healthz only says the process runs). */
  poolHealth?: PoolHealth;
}

/**
 * The metrics label of a request: the procedure or route it resolved to, never the raw path, so
 * random paths cannot grow /metrics without bound.
 */
function routeLabel(req: Request): string {
  const path = req.originalUrl.split("?")[0] ?? "";
  if (path.startsWith("/trpc/")) {
    const names = path.slice(6).split(",").map((p) => decodeURIComponent(p));
    if (!names.every((n) => PROCEDURES.has(n))) return "unmatched";
    return names.length === 1 ? names[0]! : "batch";
  }
  if (path === "/healthz" || path === "/readyz" || path === "/unsubscribe") return path.slice(1);
  if (/^\/r\/[^/]+$/.test(path)) return "r";
  if (path.startsWith("/v1/")) return restRouteLabel(req);
  return "unmatched";
}

function procedureLabel(path: string | undefined): string {
  return path !== undefined && PROCEDURES.has(path) ? path : "unmatched";
}


/** Status of an error that reached express: a client error keeps its 4xx; no free connection is 503. */
function statusOf(error: unknown): number {
  if (error instanceof DatabaseBusyError) return 503;
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === "number" && status >= 400 && status < 500 ? status : 500;
}

export function createApiApp(deps: AppDeps, options: ApiAppOptions = {}): Express {
  const metrics = options.metrics ?? createApiMetrics();
  const limits: ApiLimits = { ...DEFAULT_API_LIMITS, ...options.limits };
  const authenticate = createApiKeyAuthenticator(deps.db, { negativeTtlMs: limits.unknownKeyCacheMs });
  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", limits.trustProxy);

  app.use((req, res, next) => {
    const incoming = req.get("x-request-id");
    const requestId = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = requestId;
    res.setHeader("X-Request-Id", requestId);
    const started = process.hrtime.bigint();
    res.on("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.requestDuration.observe({ procedure: routeLabel(req), status: String(res.statusCode) }, seconds);
      deps.logger.debug({ requestId, method: req.method, path: req.path, status: res.statusCode, ms: seconds * 1000 }, "request");
    });
    next();
  });

  app.get("/healthz", (_req, res) => {
    const stalledMs = options.poolHealth?.exhaustedForMs() ?? 0;
    if (stalledMs >= limits.livenessPoolStallMs) {
      // Every pooled connection has been taken for this long: restart rather than serve errors.
      res.status(503).json({ status: "database pool exhausted", for_ms: stalledMs });
      return;
    }
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

  // A client over its limit: expected, so counted under its own code and logged without noise.
  const tooManyRequests =
    (what: string): RequestHandler =>
    (req, res) => {
      const procedure = routeLabel(req);
      metrics.errors.inc({ procedure, code: "TOO_MANY_REQUESTS" });
      deps.logger.debug({ requestId: res.locals.requestId, procedure, code: "TOO_MANY_REQUESTS" }, "request refused: rate limit");
      const message = `Too many requests ${what}; retry after the time in Retry-After`;
      // Each API answers in its own error shape, which its clients parse; the public pages in plain JSON.
      if (req.baseUrl === "/trpc") sendTrpcError(req, res, appRouter, 429, new TRPCError({ code: "TOO_MANY_REQUESTS", message }));
      else if (req.baseUrl.startsWith("/v1")) res.status(429).json({ code: "TOO_MANY_REQUESTS", message });
      else res.status(429).json({ error: "too_many_requests", message });
    };
  const limiter = (limit: number, what: string, keyGenerator?: (req: Request) => string) =>
    rateLimit({
      windowMs: limits.rateLimitWindowMs,
      limit,
      standardHeaders: "draft-7",
      legacyHeaders: false,
      ...(keyGenerator ? { keyGenerator } : {}),
      skip: (req) => limit === 0 || (keyGenerator !== undefined && bearerKey(req) === undefined),
      handler: tooManyRequests(what),
      // A forged X-Forwarded-For is expected from hostile clients; `trust proxy` decides what counts.
      validate: { xForwardedForHeader: false },
    });
  const perIp = limiter(limits.rateLimitPerIp, "from this address");
  const perKey = limiter(limits.rateLimitPerKey, "for this API key", (req) =>
    createHash("sha256").update(bearerKey(req) ?? "").digest("base64url"),
  );
  const publicPerIp = limiter(limits.rateLimitPublicPerIp, "from this address");

  const batchCap: RequestHandler = (req, res, next) => {
    if (req.path.slice(1).split(",").length > MAX_BATCH_ITEMS) {
      res.status(400).json({ error: "batch_too_large", message: `A batch may hold at most ${MAX_BATCH_ITEMS} procedures` });
      return;
    }
    next();
  };

  const onProcedureError: ProcedureErrorHandler = ({ error, path, ctx }) => {
    metrics.errors.inc({ procedure: procedureLabel(path), code: error.code });
    const requestId = ctx?.requestId;
    if (error.code === "INTERNAL_SERVER_ERROR") {
      deps.logger.error({ requestId, procedure: path, err: error.cause ?? error }, "procedure failed");
    } else if (error.code === "SERVICE_UNAVAILABLE") {
      deps.logger.warn({ requestId, procedure: path, code: error.code, message: error.message }, "procedure refused: busy");
    } else {
      // The client's mistake, not ours: no stack, below the default level.
      deps.logger.debug({ requestId, procedure: procedureLabel(path), code: error.code, message: error.message }, "procedure rejected");
    }
  };

  app.use(
    "/trpc",
    perIp,
    perKey,
    batchCap,
    boundedBody({ limitBytes: limits.bodyLimitBytes, timeoutMs: limits.bodyTimeoutMs }),
    trpcExpressHandler({
      router: appRouter,
      createContext: (req) => createContextFromRequest(deps, req, authenticate),
      maxBodySize: limits.bodyLimitBytes,
      busyRetryAfterSeconds: limits.busyRetryAfterSeconds,
      onError: onProcedureError,
    }),
  );
  // REST (/v1) on the same procedures, with the same limits, body reading and error reporting as
  // /trpc; its OpenAPI document and reference page.
  app.use("/v1/email/unsubscribe", publicPerIp);
  app.use("/v1", perIp, perKey, boundedBody({ limitBytes: limits.bodyLimitBytes, timeoutMs: limits.bodyTimeoutMs }));
  app.use(
    restRoutes({
      createContext: (req) => createContextFromRequest(deps, req, authenticate),
      onError: onProcedureError,
      busyRetryAfterSeconds: limits.busyRetryAfterSeconds,
    }),
  );
  app.use(openApiRoutes(deps.env));
  app.use(["/unsubscribe", "/r"], publicPerIp);
  app.use(unsubscribeRoutes(deps));
  app.use(reportLinkRoutes(deps));
  app.use(sessionRoutes(deps));
  app.use(webAppRoutes(deps.webAppDir, { hasSession: (req) => readSessionCookie(deps.env, req) !== undefined }));

  app.use((_req, res) => {
    res.status(404).json({ error: "not_found", message: "No such route" });
  });

  // Errors raised outside a procedure (reading the body, a failing page) are counted like the
  // procedures' own, under the code their status stands for.
  const onError: ErrorRequestHandler = (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const requestId = String(res.locals.requestId);
    const status = statusOf(error);
    const count = (code: string) => metrics.errors.inc({ procedure: routeLabel(req), code });
    if (status === 503) {
      count("SERVICE_UNAVAILABLE");
      res.setHeader("Retry-After", String(limits.busyRetryAfterSeconds));
      deps.logger.warn({ requestId, status }, "request refused: database busy");
      res.status(503).json({ error: "service_unavailable", message: "The service is busy; retry shortly" });
      return;
    }
    if (status >= 500) {
      count("INTERNAL_SERVER_ERROR");
      deps.logger.error({ requestId, err: error }, "request failed");
      res.status(500).json({ error: "internal_error", message: `Internal server error (request id ${requestId})` });
      return;
    }
    const message = error instanceof Error ? error.message : "Bad request";
    const name = STATUS_CODES[status] ?? "Bad Request";
    count(name.toUpperCase().replace(/[^A-Z]+/g, "_"));
    deps.logger.debug({ requestId, status, message }, "request rejected");
    res.status(status).json({ error: name.toLowerCase().replace(/[^a-z]+/g, "_"), message });
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
    const server = createServer(app);
    server.once("error", reject);
    server.listen(port, host, () => {
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
  });
}
