import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from "express";
import { getTRPCErrorFromUnknown, type TRPCError } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import type { AppDeps } from "../app-deps.js";
import { createContextFromRequest, type Context } from "../context.js";
import { appRouter } from "../router.js";
import { createCallerFactory } from "../trpc.js";
import type { FieldIssue } from "../../validation/describe-issue.js";
import { procedureSchemas } from "./procedure-schemas.js";
import { queryKinds, restInput } from "./rest-input.js";
import { REST_ROUTES, type RestRoute } from "./rest-routes.js";

/** What every failed /v1 request answers: the same code, message and issues as tRPC's error. */
export interface RestErrorBody {
  code: string;
  message: string;
  issues?: FieldIssue[];
}

export type ProcedureErrorHandler = (opts: { error: TRPCError; path: string | undefined; ctx: Context | undefined }) => void;

export const REST_MAX_BODY_BYTES = 256 * 1024;

const createCaller = createCallerFactory(appRouter);

function send(res: Response, status: number, body: RestErrorBody): void {
  if (status === 401) res.setHeader("WWW-Authenticate", 'Bearer realm="market-reports"');
  res.status(status).json(body);
}

/** The error as tRPC's errorFormatter shapes it for /trpc, written as a REST status and body. */
function sendProcedureError(res: Response, cause: unknown, route: RestRoute, type: "query" | "mutation", input: unknown, ctx: Context): void {
  const error = getTRPCErrorFromUnknown(cause);
  const shape = getErrorShape({ config: appRouter._def._config, error, type, path: route.procedure, input, ctx }) as {
    message: string;
    data: { code: string; httpStatus: number; issues?: FieldIssue[] };
  };
  send(res, shape.data.httpStatus, { code: shape.data.code, message: shape.message, ...(shape.data.issues ? { issues: shape.data.issues } : {}) });
}

function callProcedure(caller: ReturnType<typeof createCaller>, path: string): (input: unknown) => Promise<unknown> {
  return path.split(".").reduce<any>((node, key) => node[key], caller);
}

function routeHandler(deps: AppDeps, route: RestRoute, onError: ProcedureErrorHandler | undefined): RequestHandler {
  const { type, input: inputSchema } = procedureSchemas(route.procedure);
  const kinds = queryKinds(inputSchema);
  return async (req, res) => {
    const ctx = createContextFromRequest(deps, req);
    let input: unknown;
    try {
      input = restInput(route, kinds, req);
      const caller = createCaller(ctx, { onError: ({ error }) => onError?.({ error, path: route.procedure, ctx }) });
      const data = await callProcedure(caller, route.procedure)(input);
      if (route.status === 204) {
        res.status(204).end();
        return;
      }
      if (route.location) res.setHeader("Location", route.location(data as Record<string, unknown>));
      res.status(route.status).json(data);
    } catch (cause) {
      sendProcedureError(res, cause, route, type, input, ctx);
    }
  };
}

const expressPath = (template: string) => template.replace(/\{(\w+)\}/g, ":$1");

const requireJsonBody: RequestHandler = (req, res, next) => {
  const hasBody = Number(req.headers["content-length"] ?? 0) > 0 || req.headers["transfer-encoding"] !== undefined;
  if ((req.method === "POST" || req.method === "PATCH") && hasBody && !req.is("application/json")) {
    send(res, 415, { code: "UNSUPPORTED_MEDIA_TYPE", message: "send the body as JSON with Content-Type: application/json" });
    return;
  }
  next();
};

/** express.json()'s failures: a body that is not JSON, or too large. */
const bodyErrors: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
  if (error.type === "entity.parse.failed") return send(res, 400, { code: "BAD_REQUEST", message: "body: is not valid JSON" });
  if (error.type === "entity.too.large") return send(res, 413, { code: "PAYLOAD_TOO_LARGE", message: `body: must be at most ${REST_MAX_BODY_BYTES} bytes` });
  next(error);
};

/**
 * The REST API under /v1: every route calls its tRPC procedure through a server-side caller, so
 * validation, authentication, row-level security and errors are the procedure's own.
 */
export function restRoutes(deps: AppDeps, onError?: ProcedureErrorHandler): Router {
  const router = express.Router();
  router.use("/v1", requireJsonBody, express.json({ limit: REST_MAX_BODY_BYTES }));
  for (const route of REST_ROUTES) router[route.method](expressPath(route.path), routeHandler(deps, route, onError));
  router.use("/v1", (req: Request, res: Response) => send(res, 404, { code: "NOT_FOUND", message: `No route ${req.method} ${req.originalUrl.split("?")[0]}` }));
  router.use("/v1", bodyErrors);
  return router;
}
