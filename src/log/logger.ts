import { pino, type Logger } from "pino";

export type { Logger };

/**
 * JSON logs to stdout. Secrets never reach a log line: the redact list covers every field
 * that could carry one, including the Authorization header of a logged request.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", name = "market-reports"): Logger {
  return pino({
    name,
    level,
    redact: {
      paths: [
        "req.headers.authorization",
        "headers.authorization",
        "apiKey",
        "api_key",
        "token",
        "password",
        "secret",
        "*.password",
        "*.secret",
      ],
      censor: "[redacted]",
    },
  });
}
