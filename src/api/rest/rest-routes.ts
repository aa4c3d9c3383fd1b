import type { createScheduleInput } from "../../schedules/schedule.rules.js";
import type { z } from "zod";
import type { AnyProcedure } from "@trpc/server";
import type { AppRouter } from "../router.js";

/** "schedules.get", "email.unsubscribe", …: every procedure of the tRPC router, by its path. */
type ProcedurePaths<R> = {
  [K in keyof R & string]: R[K] extends AnyProcedure ? K : `${K}.${ProcedurePaths<R[K]>}`;
}[keyof R & string];
export type ProcedurePath = ProcedurePaths<AppRouter["_def"]["record"]>;

export type RestMethod = "get" | "post" | "patch" | "delete";

/**
 * One REST route: an HTTP method and path mapped onto a tRPC procedure. The input is the query
 * string (GET, DELETE) or the JSON body (POST, PATCH), plus the `{…}` path segments; the
 * procedure validates, authenticates, scopes by RLS and fails exactly as it does on /trpc.
 */
export interface RestRoute {
  method: RestMethod;
  /** OpenAPI path template; each `{name}` segment becomes the input field `name`. */
  path: `/v1/${string}`;
  procedure: ProcedurePath;
  /** The status of a success; 204 answers with no body. */
  status: 200 | 201 | 202 | 204;
  tag: "Schedules" | "Reports" | "Email" | "Suppressions";
  summary: string;
  description?: string;
  /** No API key: the unsubscribe token is the authorisation. */
  public?: true;
  /** Absent (404) when ENVIRONMENT=production, and left out of that environment's document. */
  developmentOnly?: true;
  /** Can answer 409 (CONFLICT). */
  conflicts?: true;
  /** Can answer 403 (FORBIDDEN): over one of the account's quotas. */
  quota?: true;
  /** Can answer 429 (TOO_MANY_REQUESTS): over a per-hour limit or the recipients-per-day quota. */
  limited?: true;
  /** A request body to show in the document, taken from the seed where it has one. */
  example?: Record<string, unknown>;
  /** Where the created thing can be read again (the Location header of a 201). */
  location?: (data: Record<string, unknown>) => string;
}

/** The seed's POST /v1/schedules and PATCH bodies, verbatim. */
export const SEED_CREATE_EXAMPLE: z.input<typeof createScheduleInput> = {
  name: "Weekly Market Snapshot",
  report_type: "market_snapshot",
  city: "San Diego",
  cadence: "weekly",
  weekly_dow: 1,
  send_hour: 9,
  send_minute: 0,
  recipients: ["client@example.com"],
  active: true,
};
export const SEED_UPDATE_EXAMPLE = { active: false, send_hour: 10 };

export const REST_ROUTES: readonly RestRoute[] = [
  {
    method: "post",
    path: "/v1/schedules",
    procedure: "schedules.create",
    status: 201,
    tag: "Schedules",
    summary: "Create a schedule",
    description: "Returns the schedule with `next_run_at` already computed. The seed's body is valid as it is.",
    example: SEED_CREATE_EXAMPLE,
    quota: true,
    location: (s) => `/v1/schedules/${String(s.id)}`,
  },
  {
    method: "get",
    path: "/v1/schedules",
    procedure: "schedules.list",
    status: 200,
    tag: "Schedules",
    summary: "List schedules",
    description: "Newest first. `count` is the number of schedules in this page, as in the seed; the next page starts at `cursor=next_cursor`.",
  },
  {
    method: "get",
    path: "/v1/schedules/{id}",
    procedure: "schedules.get",
    status: 200,
    tag: "Schedules",
    summary: "Get a schedule",
    description: "404 when it does not exist or belongs to another account.",
  },
  {
    method: "patch",
    path: "/v1/schedules/{id}",
    procedure: "schedules.update",
    status: 200,
    tag: "Schedules",
    summary: "Update a schedule",
    description:
      "Partial: send only the fields to change. The rules are re-checked on the merged result; `next_run_at` is recomputed (from now) when timing or `active` changes, and left alone otherwise.",
    example: SEED_UPDATE_EXAMPLE,
    quota: true,
  },
  {
    method: "delete",
    path: "/v1/schedules/{id}",
    procedure: "schedules.delete",
    status: 204,
    tag: "Schedules",
    summary: "Delete a schedule",
    description: "Its runs go with it; stored reports and the email log stay, unlinked.",
  },
  {
    method: "get",
    path: "/v1/schedules/{id}/runs",
    procedure: "schedules.runs",
    status: 200,
    tag: "Schedules",
    summary: "A schedule's runs",
    description: "Newest first: status, kind, attempts, error and report id of each.",
  },
  {
    method: "post",
    path: "/v1/schedules/{id}/run-now",
    procedure: "schedules.runNow",
    status: 202,
    tag: "Schedules",
    summary: "Run a schedule now",
    description:
      "Queues a `manual` run for now; `next_run_at` is untouched. The run comes back `queued`, or `pending` when the broker was unavailable (the next tick publishes it). 409 when the schedule already ran this minute; 429 over the account's runNow or recipients-per-day limit.",
    conflicts: true,
    limited: true,
  },
  {
    method: "post",
    path: "/v1/schedules/{id}/send-test",
    procedure: "schedules.sendTest",
    status: 202,
    tag: "Schedules",
    summary: "Send a test report",
    description:
      "Renders the report now and sends it as a `test` run to `to` — some of the schedule's own recipients (400 for any other address) — or to all of them. 429 over the per-schedule or per-account test limit or the recipients-per-day quota.",
    conflicts: true,
    limited: true,
    example: { to: ["client@example.com"] },
  },
  {
    method: "get",
    path: "/v1/reports",
    procedure: "reports.list",
    status: 200,
    tag: "Reports",
    summary: "List stored reports",
  },
  {
    method: "get",
    path: "/v1/reports/{id}",
    procedure: "reports.get",
    status: 200,
    tag: "Reports",
    summary: "Get a report with a short-lived download URL",
  },
  {
    method: "get",
    path: "/v1/email/log",
    procedure: "email.log",
    status: 200,
    tag: "Email",
    summary: "The email log",
    description: "One entry per recipient per run: status, SMTP response code, message id, error.",
  },
  {
    method: "post",
    path: "/v1/email/unsubscribe",
    procedure: "email.unsubscribe",
    status: 200,
    tag: "Email",
    summary: "Unsubscribe with an HMAC token",
    description:
      "Public (the token is the authorisation). Idempotent. The token is the hex HMAC-SHA256 of `\"<email>:<account_id>\"`; unlike the seed, the body carries `account_id`.",
    public: true,
    example: { email: "user@example.com", account_id: "912014c3-6deb-4b40-a28d-489ef3923a3a", token: "a1b2c3d4e5f6".padEnd(64, "0"), reason: "user_request" },
  },
  {
    method: "get",
    path: "/v1/email/unsubscribe/token",
    procedure: "email.unsubscribeToken",
    status: 200,
    tag: "Email",
    summary: "Mint an unsubscribe token (development only)",
    description: "For testing the unsubscribe flow. Absent (404) when ENVIRONMENT=production.",
    developmentOnly: true,
  },
  {
    method: "get",
    path: "/v1/suppressions",
    procedure: "suppressions.list",
    status: 200,
    tag: "Suppressions",
    summary: "The account's do-not-email list",
  },
  {
    method: "post",
    path: "/v1/suppressions",
    procedure: "suppressions.add",
    status: 201,
    tag: "Suppressions",
    summary: "Add an address to the do-not-email list",
    description: "Idempotent: `added` is false when the address was already there.",
    example: { email: "client@example.com", reason: "asked by phone" },
    location: () => "/v1/suppressions",
  },
  {
    method: "delete",
    path: "/v1/suppressions/{email}",
    procedure: "suppressions.remove",
    status: 204,
    tag: "Suppressions",
    summary: "Remove an address from the do-not-email list",
  },
];

/** The names of a path template's `{…}` segments. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
}
