import { readFileSync } from "node:fs";
import path from "node:path";
import * as z from "zod";
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject, type ZodOpenApiResponsesObject } from "zod-openapi";
import { APP_ROOT } from "../../config/app-root.js";
import type { Env } from "../../config/env.js";
import { objectInput, procedureSchemas } from "../rest/procedure-schemas.js";
import { pathParams, REST_ROUTES, type RestRoute } from "../rest/rest-routes.js";

/**
 * The OpenAPI 3.1 document of the /v1 REST API, generated from the zod schemas the tRPC
 * procedures validate with (`.input()`) and answer with (`.output()`).
 */
const ZFieldIssue = z
  .object({
    path: z.string().meta({ description: "Dotted path of the field", example: "recipients.0" }),
    message: z.string().meta({ example: "recipients[0]: must be a valid email address" }),
  })
  .meta({ id: "FieldIssue" });

export const ZErrorBody = z
  .object({
    code: z.string().meta({ description: "The tRPC error code", examples: ["BAD_REQUEST", "UNAUTHORIZED", "FORBIDDEN", "NOT_FOUND", "CONFLICT", "TOO_MANY_REQUESTS", "INTERNAL_SERVER_ERROR"] }),
    message: z.string().meta({ description: "Names the field and the rule it broke; an internal error gives only a request id" }),
    issues: z.array(ZFieldIssue).optional().meta({ description: "400 only: every field that broke a rule" }),
  })
  .meta({ id: "Error" });

const ERROR_EXAMPLES = {
  400: {
    description: "The input broke a rule (or the body is not JSON); nothing was changed",
    example: {
      code: "BAD_REQUEST",
      message: "recipients[0]: must be a valid email address",
      issues: [{ path: "recipients.0", message: "recipients[0]: must be a valid email address" }],
    },
  },
  401: { description: "Missing, unknown or revoked API key", example: { code: "UNAUTHORIZED", message: "Unknown or revoked API key" } },
  403: {
    description: "Over one of the account's quotas; nothing was changed",
    example: { code: "FORBIDDEN", message: "active schedules quota reached: this account may have 1000 active schedules (QUOTA_ACTIVE_SCHEDULES); deactivate or delete one first" },
  },
  404: { description: "Absent, or another account's", example: { code: "NOT_FOUND", message: "schedule not found" } },
  409: { description: "Already done this minute", example: { code: "CONFLICT", message: "this schedule already ran in the last minute" } },
  429: {
    description: "Over a per-hour limit or the recipients-per-day quota; try again later",
    example: { code: "TOO_MANY_REQUESTS", message: "sendTest limit reached: 10 test sends per schedule per hour (SEND_TEST_PER_SCHEDULE_PER_HOUR)" },
  },
  500: { description: "Internal error; the log has the details under the request id", example: { code: "INTERNAL_SERVER_ERROR", message: "Internal server error (request id 6f1c…)" } },
} as const;

const errorResponse = (status: keyof typeof ERROR_EXAMPLES) => ({
  description: ERROR_EXAMPLES[status].description,
  content: { "application/json": { schema: ZErrorBody, example: ERROR_EXAMPLES[status].example } },
});

const operationId = (procedure: string) => procedure.replace(/\.(\w)/g, (_m, c: string) => c.toUpperCase());

function operation(route: RestRoute): ZodOpenApiOperationObject {
  const { input, output } = procedureSchemas(route.procedure);
  const object = objectInput(input);
  const inPath = pathParams(route.path);
  const mask = Object.fromEntries(inPath.map((n) => [n, true as const])) as Record<string, true> & Record<number, never>;
  const rest = object ? (inPath.length > 0 ? object.omit(mask) : object) : undefined;
  const hasBody = route.method === "post" || route.method === "patch";

  const responses: ZodOpenApiResponsesObject = {
    [route.status]:
      route.status === 204
        ? { description: "Done; no body" }
        : { description: "Success", content: { "application/json": { schema: output ?? z.unknown() } } },
    400: errorResponse(400),
    ...(route.public ? {} : { 401: errorResponse(401) }),
    ...(inPath.length > 0 || route.developmentOnly ? { 404: errorResponse(404) } : {}),
    ...(route.quota ? { 403: errorResponse(403) } : {}),
    ...(route.conflicts ? { 409: errorResponse(409) } : {}),
    ...(route.limited ? { 429: errorResponse(429) } : {}),
    500: errorResponse(500),
  };

  const bodyHasFields = rest !== undefined && Object.keys(rest.shape).length > 0;
  return {
    operationId: operationId(route.procedure),
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    "x-trpc-procedure": route.procedure,
    ...(route.public ? { security: [] } : {}),
    requestParams: {
      ...(object && inPath.length > 0 ? { path: object.pick(mask) } : {}),
      ...(!hasBody && rest && Object.keys(rest.shape).length > 0 ? { query: rest } : {}),
    },
    ...(hasBody && bodyHasFields
      ? {
          requestBody: {
            required: route.procedure !== "schedules.sendTest",
            content: { "application/json": { schema: rest!, ...(route.example ? { example: route.example } : {}) } },
          },
        }
      : {}),
    responses,
  };
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(path.join(APP_ROOT, "package.json"), "utf8")) as { version: string };
  return pkg.version;
}

export function createOpenApiDocument(env: Pick<Env, "ENVIRONMENT">): ReturnType<typeof createDocument> {
  const routes = REST_ROUTES.filter((r) => !(r.developmentOnly && env.ENVIRONMENT === "production"));
  const paths: ZodOpenApiPathsObject = {};
  for (const route of routes) paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "market-reports API",
      version: packageVersion(),
      description:
        "Scheduled real-estate market reports. The same procedures are served as tRPC at /trpc; every /v1 route calls its tRPC procedure, so validation, authentication, row-level security and errors are identical. Field names are the seed's (snake_case); dates are ISO-8601.",
    },
    servers: [{ url: "/", description: "this API" }],
    security: [{ bearerAuth: [] }],
    tags: [
      { name: "Schedules", description: "What to send, to whom and when" },
      { name: "Reports", description: "Reports stored by the workers" },
      { name: "Email", description: "The email log and unsubscribing" },
      { name: "Suppressions", description: "The account's do-not-email list" },
    ],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", description: "An API key `mr_<8 hex>_<43 chars>` from `market-reports accounts create` or `keys create`" },
      },
    },
  });
}
