import * as z from "zod";
import type { KeyRing } from "../signing/key-ring.js";
import { DEFAULT_API_LIMITS, type ApiLimits } from "./api-limits.js";
import { DATABASE_DEFAULTS } from "./pool-settings.js";

/**
 * Every setting the processes read, parsed once. In development an unset backing service means
 * "use the embedded default" (PGlite, in-process queue, local files, .eml outbox, sample market);
 * in production the same absence is fatal, so a misconfigured pod never silently writes to a
 * local disk that vanishes with it.
 */
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const intFrom = (min: number, max: number, fallback: number) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: "custom", message: `must be an integer from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

const boolFrom = (fallback: boolean) =>
  z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === "") return fallback;
      if (["1", "true", "yes"].includes(v.toLowerCase())) return true;
      if (["0", "false", "no"].includes(v.toLowerCase())) return false;
      ctx.addIssue({ code: "custom", message: "must be true or false" });
      return z.NEVER;
    });

const urlWith = (protocols: string[]) =>
  optionalString.refine(
    (v) => {
      if (v === undefined) return true;
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => p + "//").join(" or ")}` },
  );

/**
 * Values that are someone's example, not a secret: copied from documentation they sign links
 * anyone can forge. (The value itself never appears in the error.)
 */
const PLACEHOLDER_SECRET = /(change|replace)[-_ ]?(it|me|this)|placeholder|example|your[-_ ]?(own[-_ ]?)?secret|development-only|^<.*>$|^\$\{.*\}$/i;
export const MIN_SECRET_BYTES = 32;

const secretField = optionalString.superRefine((v, ctx) => {
  if (v === undefined) return;
  if (Buffer.byteLength(v, "utf8") < MIN_SECRET_BYTES) {
    ctx.addIssue({ code: "custom", message: `must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 32)` });
  } else if (PLACEHOLDER_SECRET.test(v) || /^(.)\1*$/.test(v)) {
    ctx.addIssue({ code: "custom", message: "is a placeholder, not a secret: generate one (e.g. openssl rand -base64 32)" });
  }
});

export const envSchema = z
  .object({
    ENVIRONMENT: z.enum(["development", "production"]).default("development"),
    DATABASE_URL: urlWith(["postgres:", "postgresql:"]),
    /** Where the embedded PGlite database and local reports/outbox live in development. */
    DATA_DIR: optionalString.default("./.data"),
    AMQP_URL: urlWith(["amqp:", "amqps:"]),
    /** Exchange and queue name prefix: several installations (or test runs) can share one broker. */
    AMQP_PREFIX: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(v), {
      message: "must be 1 to 100 letters, digits, dots, dashes or underscores",
    }),
    S3_ENDPOINT: urlWith(["http:", "https:"]),
    S3_REGION: optionalString.default("us-east-1"),
    S3_BUCKET: optionalString,
    S3_FORCE_PATH_STYLE: boolFrom(false),
    AWS_ACCESS_KEY_ID: optionalString,
    AWS_SECRET_ACCESS_KEY: optionalString,
    SMTP_URL: urlWith(["smtp:", "smtps:"]),
    EMAIL_FROM: optionalString.default("Market Reports <reports@localhost>"),
    EMAIL_REPLY_TO: optionalString,
    EMAIL_UNSUBSCRIBE_MAILTO: optionalString,
    DKIM_DOMAIN: optionalString,
    DKIM_SELECTOR: optionalString,
    DKIM_PRIVATE_KEY: optionalString,
    REPORT_LINK_TTL_DAYS: intFrom(1, 3650, 30),
    PUBLIC_BASE_URL: urlWith(["http:", "https:"]),
    /** Signs the /r/ links in report emails. */
    REPORT_LINK_SECRET: secretField,
    /** The secret REPORT_LINK_SECRET replaced: still accepted for links already sent, never used to sign. */
    REPORT_LINK_SECRET_PREVIOUS: secretField,
    /** Signs unsubscribe tokens (the seed's HMAC, so its tokens still validate). */
    UNSUBSCRIBE_SECRET: secretField,
    /** The secret UNSUBSCRIBE_SECRET replaced: still accepted, never used to sign. */
    UNSUBSCRIBE_SECRET_PREVIOUS: secretField,
    /** Address the HTTP server listens on: `dev` defaults to 127.0.0.1 (this machine only), `api` to every interface. */
    HOST: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9.:-]{1,253}$/.test(v), {
      message: "must be an IP address or host name, e.g. 127.0.0.1 or 0.0.0.0",
    }),
    CHROMIUM_PATH: optionalString,
    SIMPLYRETS_USERNAME: optionalString,
    SIMPLYRETS_PASSWORD: optionalString,
    SIMPLYRETS_BASE_URL: urlWith(["http:", "https:"]).default("https://api.simplyrets.com"),
    SIMPLYRETS_VENDOR: optionalString,
    PORT: intFrom(1, 65535, 3000),
    /** The api's /metrics, on a port of its own so it is never served where PORT is (the internet). */
    METRICS_PORT: intFrom(1, 65535, 9464),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    TICK_BUDGET_SECONDS: intFrom(1, 3600, 50),
    WORKER_CONCURRENCY: intFrom(1, 64, 4),
    WORKER_MAX_ATTEMPTS: intFrom(1, 50, 5),
    /** Backoff before each retry of a failed report job, in ms, comma-separated; the last repeats. */
    WORKER_RETRY_DELAYS_MS: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (v === undefined || v === "") return undefined;
        const delays = v.split(",").map((d) => Number(d.trim()));
        if (delays.length > 20 || delays.some((d) => !Number.isInteger(d) || d < 100 || d > 86_400_000)) {
          ctx.addIssue({ code: "custom", message: "must be up to 20 comma-separated whole milliseconds, each 100 to 86400000" });
          return z.NEVER;
        }
        return delays;
      }),
    WORKER_HEALTH_PORT: intFrom(1, 65535, 9464),
    // Per-account quotas and limits, and the tick's fairness between accounts (README: Configuration).
    QUOTA_ACTIVE_SCHEDULES: intFrom(1, 1_000_000, 1_000),
    QUOTA_RECIPIENTS_PER_DAY: intFrom(1, 100_000_000, 50_000),
    RUN_NOW_PER_ACCOUNT_PER_HOUR: intFrom(1, 1_000_000, 60),
    SEND_TEST_PER_SCHEDULE_PER_HOUR: intFrom(1, 1_000_000, 10),
    SEND_TEST_PER_ACCOUNT_PER_HOUR: intFrom(1, 1_000_000, 30),
    TICK_FAIR_SHARE: intFrom(0, 1_000_000, 10),
    // Production refuses a superuser or BYPASSRLS login (row-level security does not apply to it)
    // unless this says the operator accepts that.
    DATABASE_ALLOW_SUPERUSER: boolFrom(false),
    // Every pool's and the API's protection against slow, aborted and greedy clients (README:
    // Configuration); 0 turns a timeout or a rate limit off.
    DATABASE_POOL_WAIT_MS: intFrom(100, 60_000, DATABASE_DEFAULTS.poolWaitMs),
    DATABASE_STATEMENT_TIMEOUT_MS: intFrom(0, 86_400_000, DATABASE_DEFAULTS.statementTimeoutMs),
    DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: intFrom(0, 86_400_000, DATABASE_DEFAULTS.idleInTransactionTimeoutMs),
    API_BODY_LIMIT_BYTES: intFrom(1_024, 10 * 1024 * 1024, DEFAULT_API_LIMITS.bodyLimitBytes),
    API_BODY_TIMEOUT_MS: intFrom(100, 600_000, DEFAULT_API_LIMITS.bodyTimeoutMs),
    API_POOL_STALL_SECONDS: intFrom(1, 86_400, DEFAULT_API_LIMITS.livenessPoolStallMs / 1000),
    RATE_LIMIT_WINDOW_SECONDS: intFrom(1, 86_400, DEFAULT_API_LIMITS.rateLimitWindowMs / 1000),
    RATE_LIMIT_PER_IP: intFrom(0, 100_000_000, DEFAULT_API_LIMITS.rateLimitPerIp),
    RATE_LIMIT_PER_KEY: intFrom(0, 100_000_000, DEFAULT_API_LIMITS.rateLimitPerKey),
    RATE_LIMIT_PUBLIC_PER_IP: intFrom(0, 100_000_000, DEFAULT_API_LIMITS.rateLimitPublicPerIp),
    /** Express `trust proxy`: "false" (default), a hop count, or the proxies' addresses/subnets; never "true". */
    TRUST_PROXY: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx): boolean | number | string => {
        if (v === undefined || v === "" || v === "false") return false;
        if (/^\d+$/.test(v)) return Number(v);
        if (v === "true") {
          ctx.addIssue({ code: "custom", message: 'must be a hop count or the proxies\' addresses, not "true" (any client could then choose its own address with X-Forwarded-For)' });
          return z.NEVER;
        }
        if (!/^[0-9A-Fa-f.:/, a-z]+$/.test(v)) {
          ctx.addIssue({ code: "custom", message: "must be false, a hop count, or comma-separated addresses, subnets or loopback/linklocal/uniquelocal" });
          return z.NEVER;
        }
        return v;
      }),
  })
  .superRefine((env, ctx) => {
    if (env.REPORT_LINK_SECRET !== undefined && env.REPORT_LINK_SECRET === env.UNSUBSCRIBE_SECRET) {
      ctx.addIssue({ code: "custom", path: ["REPORT_LINK_SECRET"], message: "must differ from UNSUBSCRIBE_SECRET: each kind of link has its own key" });
    }
    if (env.ENVIRONMENT !== "production") return;
    const required = [
      "DATABASE_URL",
      "AMQP_URL",
      "S3_BUCKET",
      "SMTP_URL",
      "PUBLIC_BASE_URL",
      "REPORT_LINK_SECRET",
      "UNSUBSCRIBE_SECRET",
    ] as const;
    for (const key of required) {
      if (env[key] === undefined) {
        ctx.addIssue({ code: "custom", path: [key], message: "is required when ENVIRONMENT=production" });
      }
    }
    if ((env.SIMPLYRETS_USERNAME === undefined) !== (env.SIMPLYRETS_PASSWORD === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: ["SIMPLYRETS_PASSWORD"],
        message: "SIMPLYRETS_USERNAME and SIMPLYRETS_PASSWORD must be set together",
      });
    }
    // Run even when a field failed, so one start-up lists every problem at once.
  }, { when: () => true });

export type Env = z.infer<typeof envSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment; throws ConfigError listing every problem at once. */
export function parseEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join(".") || "environment"}: ${i.message}`));
  }
  return result.data;
}

/**
 * There is no built-in fallback secret in any mode: `dev` generates its own per DATA_DIR before
 * anything reads these, and every other command that signs or checks links refuses to start
 * without them (a staging deploy that forgot ENVIRONMENT=production included).
 */
export function requireSigningSecrets(env: Env): void {
  const missing = (["REPORT_LINK_SECRET", "UNSUBSCRIBE_SECRET"] as const).filter((key) => env[key] === undefined);
  if (missing.length > 0) {
    throw new ConfigError(missing.map((key) => `${key}: is required (only the dev command generates one for itself)`));
  }
}

function keyRing(env: Env, current: "REPORT_LINK_SECRET" | "UNSUBSCRIBE_SECRET"): KeyRing {
  const signing = env[current];
  if (signing === undefined) throw new ConfigError([`${current}: is required (only the dev command generates one for itself)`]);
  const previous = env[`${current}_PREVIOUS`];
  return { signing, verifying: previous === undefined ? [signing] : [signing, previous] };
}

export function reportLinkKeys(env: Env): KeyRing {
  return keyRing(env, "REPORT_LINK_SECRET");
}

export function unsubscribeKeys(env: Env): KeyRing {
  return keyRing(env, "UNSUBSCRIBE_SECRET");
}

export function publicBaseUrl(env: Env): string {
  return (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, "");
}

/** Every variable the processes read; deployment checks compare manifests against this list. */
export const ENV_KEYS = Object.keys(envSchema.shape) as (keyof Env)[];

/** The API's limits as configured (src/config/api-limits.ts says what each one does). */
export function apiLimitsFromEnv(env: Env): ApiLimits {
  return {
    ...DEFAULT_API_LIMITS,
    bodyLimitBytes: env.API_BODY_LIMIT_BYTES,
    bodyTimeoutMs: env.API_BODY_TIMEOUT_MS,
    livenessPoolStallMs: env.API_POOL_STALL_SECONDS * 1000,
    rateLimitWindowMs: env.RATE_LIMIT_WINDOW_SECONDS * 1000,
    rateLimitPerIp: env.RATE_LIMIT_PER_IP,
    rateLimitPerKey: env.RATE_LIMIT_PER_KEY,
    rateLimitPublicPerIp: env.RATE_LIMIT_PUBLIC_PER_IP,
    trustProxy: env.TRUST_PROXY,
  };
}

/** Every pool's protective settings as configured, for connectDatabase. */
export function poolSettingsFromEnv(env: Env): { poolWaitMs: number; statementTimeoutMs: number; idleInTransactionTimeoutMs: number } {
  return {
    poolWaitMs: env.DATABASE_POOL_WAIT_MS,
    statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
  };
}
