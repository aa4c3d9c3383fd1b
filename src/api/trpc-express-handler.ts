import type { Request as ExpressRequest, RequestHandler, Response } from "express";
import { TRPCError, type AnyRouter, type inferRouterContext } from "@trpc/server";
import { getErrorShape } from "@trpc/server/unstable-core-do-not-import";
import { incomingMessageToRequest } from "@trpc/server/adapters/node-http";
import { resolveResponse, type HTTPErrorHandler } from "@trpc/server/http";

/**
 * Mounts a tRPC router on express. Same request handling as @trpc/server's express adapter
 * (resolveResponse does all the tRPC work), but the answer is written in one piece with a
 * Content-Length: the stock adapter pipes every response through a web stream into chunked
 * writes, which cost a third of the API's throughput in bench:api. We never stream responses
 * (no httpBatchStreamLink, no subscriptions), so nothing is lost.
 */
export function trpcExpressHandler<TRouter extends AnyRouter>(opts: {
  router: TRouter;
  createContext: (req: Parameters<RequestHandler>[0]) => inferRouterContext<TRouter> | Promise<inferRouterContext<TRouter>>;
  maxBodySize: number;
  /** Retry-After on a 503 (no database connection was free). */
  busyRetryAfterSeconds: number;
  onError?: HTTPErrorHandler<TRouter, Request>;
}): RequestHandler {
  return async (req, res, next) => {
    try {
      const request = incomingMessageToRequest(req, res, { maxBodySize: opts.maxBodySize });
      const response = await resolveResponse({
        router: opts.router,
        req: request,
        path: req.path.slice(1),
        error: null,
        createContext: async () => opts.createContext(req),
        onError: opts.onError,
      });
      const body = Buffer.from(await response.arrayBuffer());
      res.statusCode = response.status;
      response.headers.forEach((value, key) => res.setHeader(key, value));
      if (response.status === 503) res.setHeader("Retry-After", String(opts.busyRetryAfterSeconds));
      res.setHeader("Content-Length", body.length);
      res.end(body);
    } catch (error) {
      next(error);
    }
  };
}

/**
 * An error raised in front of the procedures (a rate limit) in tRPC's own wire format, so the typed
 * client reads its code instead of failing to parse the body: one envelope, or one per procedure
 * of a batch.
 */
export function sendTrpcError(req: ExpressRequest, res: Response, router: AnyRouter, status: number, error: TRPCError): void {
  const shape = getErrorShape({ config: router._def._config, error, type: "unknown", path: undefined, input: undefined, ctx: undefined });
  const procedures = req.path.slice(1).split(",").length;
  res.status(status).json(req.query.batch === "1" ? Array.from({ length: procedures }, () => ({ error: shape })) : { error: shape });
}
