import { createRequire } from "node:module";
import { pino, type DestinationStream, type Logger } from "pino";

// pino-pretty (with its colour and date libraries) is loaded only for a person at a terminal: every
// process imports this module, and a tick that starts each minute would pay ~25 ms for it.
const loadPretty = () => (createRequire(import.meta.url)("pino-pretty") as typeof import("pino-pretty")).PinoPretty;

export type { Logger };

export interface LogOutput {
  /** Human-readable lines instead of JSON: the dev command on a terminal. */
  pretty?: boolean;
  /** Where lines go (stdout when absent). */
  destination?: DestinationStream;
}

/**
 * Whether a process's logs are for a person: the `dev` command writing to a terminal. Everything
 * else (every deployed process, dev piped to a file or a collector) logs JSON lines.
 */
export function wantsPrettyLogs(command: string, stdout: { isTTY?: boolean } = process.stdout): boolean {
  return command === "dev" && stdout.isTTY === true;
}

/**
 * JSON logs to stdout, or pretty ones for a person (see wantsPrettyLogs). Secrets never reach a
 * log line: the redact list covers every field that could carry one, including the Authorization
 * header of a logged request.
 */
export function createLogger(level: string = process.env.LOG_LEVEL ?? "info", name = "market-reports", output: LogOutput = {}): Logger {
  const options = {
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
  };
  if (output.pretty) {
    const pretty = loadPretty()({ colorize: true, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", sync: true, ...(output.destination ? { destination: output.destination } : {}) });
    return pino(options, pretty);
  }
  return output.destination ? pino(options, output.destination) : pino(options);
}
