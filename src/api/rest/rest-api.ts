import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from "express";
import { getTRPCErrorFromUnknown, type TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import type { Context } from "../context.js";
import { appRouter } from "../router.js";
import { createCallerFactory } from "../trpc.js";
import type { FieldIssue } from "../../validation/describe-issue.js";
import { procedureSchemas } from "./procedure-schemas.js";
import { queryKinds, restInput } from "./rest-input.js";
import { REST_ROUTES, type RestRoute } from "./rest-routes.js";

/** What every failed /v1 request answers: the code, message and issues of tRPC's error. */
export interface RestErrorBody {
  code: string;
  message: string;
  issues?: FieldIssue[];
}

export type ProcedureErrorHandler = (opts: { error: TRPCError; path: string | undefined; ctx: Context | undefined }) => void;

export interface RestOptions {
  createContext: (req: Request) => Context;
  /** The same handler /trpc reports failed procedures to (metrics, logs). */
  onError?: ProcedureErrorHandler;
  /** Retry-After on a 503 (no database connection was free). */
  busyRetryAfterSeconds: number;
}

const createCaller = createCallerFactory(appRouter);

function send(res: Response, status: number, body: RestErrorBody, retryAfterSeconds?: number): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="market-reports"');
  if (status === 503 && retryAfterSeconds !== undefined) res.setHeader("Retry-After", String(retryAfterSeconds));
  res.status(status).json(body);
}

/** The error exactly as tRPC's errorFormatter shapes it for /trpc, written as a REST status and body. */
function sendProcedureError(res: Response, cause: unknown, route: RestRoute, input: unknown, ctx: Context, options: RestOptions): void {
  const error = getTRPCErrorFromUnknown(cause);
  const { type } = procedureSchemas(route.procedure);
  const shape = getErrorShape({ config: appRouter._def._config, error, type, path: route.procedure, input, ctx }) as {
    message: string;
    data: { code: string; httpStatus: number; issues?: FieldIssue[] };
  };
  const body: RestErrorBody = { code: shape.data.code, message: shape.message, ...(shape.data.issues ? { issues: shape.data.issues } : {}) };
  send(res, shape.data.httpStatus, body, options.busyRetryAfterSeconds);
}

function procedureCall(caller: ReturnType<typeof createCaller>, path: string): (input: unknown) => Promise<unknown> {
  // The caller is a proxy: every dotted segment of a procedure path is a property of the one before.
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller);
  if (typeof procedure !== "function") throw new Error(`${path} is not a procedure`);
  return procedure as (input: unknown) => Promise<unknown>;
}

/** The body bounded-body left as text, parsed as JSON (absent stays absent). */
function parseBody(req: Request): void {
  if (typeof req.body !== "string") return;
  try {
    req.body = JSON.parse(req.body);
  } catch {
    throw Object.assign(new Error("body: is not valid JSON"), { status: 400 });
  }
}

function routeHandler(route: RestRoute, options: RestOptions): RequestHandler {
  const kinds = queryKinds(procedureSchemas(route.procedure).input);
  return async (req, res) => {
    const ctx = options.createContext(req);
    let input: unknown;
    try {
      parseBody(req);
      input = restInput(route, kinds, req);
      const caller = createCaller(ctx, { onError: ({ error }) => options.onError?.({ error, path: route.procedure, ctx }) });
      const data = await procedureCall(caller, route.procedure)(input);
      if (route.status === 204) {
        res.status(204).end();
        return;
      }
      if (route.location) res.setHeader("Location", route.location(data as Record<string, unknown>));
      res.status(route.status).json(data);
    } catch (cause) {
      if ((cause as { status?: number }).status === 400) {
        send(res, 400, { code: "BAD_REQUEST", message: (cause as Error).message });
        return;
      }
      sendProcedureError(res, cause, route, input, ctx, options);
    }
  };
}

const expressPath = (template: string) => template.replace(/\{(\w+)\}/g, ":$1");
const TEMPLATES = new Map(REST_ROUTES.map((r) => [`${r.method.toUpperCase()} ${expressPath(r.path)}`, `${r.method.toUpperCase()} ${r.path}`]));

/** The metrics label of a /v1 request: its route template ("GET /v1/schedules/{id}"), never the raw path. */
export function restRouteLabel(req: Request): string {
  const path = (req.route as { path?: unknown } | undefined)?.path;
  return (typeof path === "string" && TEMPLATES.get(`${req.method} ${path}`)) || "unmatched";
}

const requireJson: RequestHandler = (req, res, next) => {
  if ((req.method === "POST" || req.method === "PATCH") && typeof req.body === "string" && !req.is("application/json")) {
    send(res, 415, { code: "UNSUPPORTED_MEDIA_TYPE", message: "send the body as JSON with Content-Type: application/json" });
    return;
  }
  next();
};

const CODES: Record<number, string> = { 400: "BAD_REQUEST", 408: "TIMEOUT", 413: "PAYLOAD_TOO_LARGE", 415: "UNSUPPORTED_MEDIA_TYPE" };

/** Client errors raised before a procedure (reading the body) in the /v1 error shape; the rest go on. */
const clientErrors: ErrorRequestHandler = (error: { status?: number; message?: string }, _req, res, next) => {
  const status = error.status;
  if (typeof status === "number" && CODES[status] && !res.headersSent) {
    send(res, status, { code: CODES[status], message: error.message ?? "Bad request" });
    return;
  }
  next(error);
};

/**
 * The REST API under /v1: each route calls its tRPC procedure through a server-side caller, so
 * validation, authentication, row-level security and errors are the procedure's own. The body
 * has already been read (bounded) by the time a route runs, as for /trpc.
 */
export function restRoutes(options: RestOptions): Router {
  const router = express.Router();
  router.use("/v1", requireJson);
  for (const route of REST_ROUTES) router[route.method](expressPath(route.path), routeHandler(route, options));
  router.use("/v1", (req: Request, res: Response) => send(res, 404, { code: "NOT_FOUND", message: `No route ${req.method} ${req.originalUrl.split("?")[0]}` }));
  router.use("/v1", clientErrors);
  return router;
}
