import express, { type RequestHandler } from "express";
import createHttpError from "http-errors";

/**
 * What went wrong reading a body, as the client's error: its own 4xx status (413 too large, 415
 * unknown charset or encoding) or 400 (a corrupt gzip stream has none), with a message naming the
 * body. Never a 500: nothing about a body a client sent is the server's fault.
 */
export function bodyError(error: unknown): Error {
  const status = (error as { status?: unknown } | null)?.status;
  const message = error instanceof Error ? error.message : String(error);
  return createHttpError(typeof status === "number" && status >= 400 && status < 500 ? status : 400, `body: ${message}`);
}

/**
 * Reads the whole request body, bounded in size and in time, before anything else runs. The
 * procedures below take a database connection; a body still arriving (a slow client) or never
 * arriving (a client that hung up) must end the request here, with no connection taken. The
 * body is left on req.body as a string, which the tRPC handler reads instead of the stream.
 */
export function boundedBody(options: { limitBytes: number; timeoutMs: number }): RequestHandler {
  const readText = express.text({ type: () => true, limit: options.limitBytes, defaultCharset: "utf-8" });
  return (req, res, next) => {
    const hasBody = req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
    if (!hasBody) {
      req.body = undefined;
      next();
      return;
    }
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off("close", onClose);
      if (error) {
        // The rest of the body may still be on its way: answer, then drop the connection.
        res.setHeader("Connection", "close");
        res.once("finish", () => req.destroy());
      }
      next(error);
    };
    const timer = setTimeout(
      () => settle(createHttpError(408, `body: not received within ${options.timeoutMs} ms`, { type: "request.timeout" })),
      options.timeoutMs,
    );
    const onClose = () => {
      if (!req.complete) settle(createHttpError(400, "body: request aborted", { type: "request.aborted" }));
    };
    req.on("close", onClose);
    readText(req, res, (error?: unknown) => settle(error ? bodyError(error) : undefined));
  };
}
