/**
 * The API's protective limits. Every one is a setting (README, Configuration); these are the
 * defaults a process gets when nothing is configured.
 */
export interface ApiLimits {
  /** Largest request body, and how long a client may take to send it. */
  bodyLimitBytes: number;
  bodyTimeoutMs: number;
  /** Requests per client IP, and per API key, in each window on /trpc; 0 turns a limit off. */
  rateLimitWindowMs: number;
  rateLimitPerIp: number;
  rateLimitPerKey: number;
  /** Requests per client IP in each window on the public pages (/unsubscribe, /r/). */
  rateLimitPublicPerIp: number;
  /** How long a key that matched nothing is answered UNAUTHORIZED without a lookup. */
  unknownKeyCacheMs: number;
  /** /healthz fails once the pool has had no free connection for this long (leaked connections). */
  livenessPoolStallMs: number;
  /** Seconds a client is told to wait (Retry-After) when no database connection was free. */
  busyRetryAfterSeconds: number;
  /** Express `trust proxy`: false, a hop count, or addresses/subnets of the proxies. */
  trustProxy: boolean | number | string;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  bodyLimitBytes: 256 * 1024,
  bodyTimeoutMs: 10_000,
  rateLimitWindowMs: 60_000,
  rateLimitPerIp: 1_200,
  rateLimitPerKey: 600,
  rateLimitPublicPerIp: 60,
  unknownKeyCacheMs: 30_000,
  livenessPoolStallMs: 60_000,
  busyRetryAfterSeconds: 1,
  trustProxy: false,
};
