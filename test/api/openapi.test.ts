import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { Ajv2020, type AnySchema } from "ajv/dist/2020.js";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import { createOpenApiDocument } from "../../src/api/openapi/openapi-document.js";
import { procedureSchemas } from "../../src/api/rest/procedure-schemas.js";
import { REST_ROUTES } from "../../src/api/rest/rest-routes.js";
import { SEED_CREATE_BODY, useTestApi } from "../support/api.js";
import { CLIENT_TYPES_FILE, generateClientTypes } from "../support/openapi-client-types.js";
import { postgresUp } from "../support/services.js";
import type { paths } from "./generated/openapi.js";

const up = await postgresUp();

/** The parts of an OpenAPI 3.1 document these tests read (the validator checks the whole). */
interface MediaType {
  schema: AnySchema;
  example?: unknown;
}
interface Operation {
  "x-trpc-procedure"?: string;
  security?: unknown[];
  parameters: { name: string; in: string }[];
  requestBody: { content: Record<string, MediaType> };
  responses: Record<string, { content: Record<string, MediaType> }>;
}
type Doc = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: unknown[];
};

describe("the OpenAPI document", () => {
  const doc = JSON.parse(JSON.stringify(createOpenApiDocument({ ENVIRONMENT: "development" }))) as Doc;

  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("has every REST route with its status, bearer auth except on the public one, and the error shapes", () => {
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(doc.security).toEqual([{ bearerAuth: [] }]);
    for (const route of REST_ROUTES) {
      const op = doc.paths[route.path]?.[route.method];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op["x-trpc-procedure"]).toBe(route.procedure);
      expect(Object.keys(op.responses)).toContain(String(route.status));
      expect(op.responses["400"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Error" });
      if (route.public) expect(op.security).toEqual([]);
      else expect(op.responses["401"]).toBeDefined();
    }
    expect(doc.paths["/v1/schedules/{id}"]!.get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Schedule" });
    expect(doc.paths["/v1/schedules"]!.get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual(expect.arrayContaining(["query:active_only", "query:limit", "query:cursor"]));
  });

  it("shows the seed's request bodies as examples, and each is valid input for its procedure", () => {
    const create = doc.paths["/v1/schedules"]!.post.requestBody.content["application/json"];
    expect(create.example).toEqual(SEED_CREATE_BODY);
    expect(doc.paths["/v1/schedules/{id}"]!.patch.requestBody.content["application/json"].example).toEqual({ active: false, send_hour: 10 });
    for (const route of REST_ROUTES.filter((r) => r.example)) {
      const { input } = procedureSchemas(route.procedure);
      const withPath = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1]!, "00000000-0000-4000-8000-000000000000"]));
      expect(input!.safeParse({ ...route.example, ...withPath }).success, route.path).toBe(true);
    }
  });

  it("leaves the development-only token route out in production", () => {
    const production = createOpenApiDocument({ ENVIRONMENT: "production" }) as unknown as Doc;
    expect(production.paths["/v1/email/unsubscribe/token"]).toBeUndefined();
    expect(doc.paths["/v1/email/unsubscribe/token"]).toBeDefined();
  });

  it("the committed openapi-typescript client types match the document", async () => {
    expect(readFileSync(CLIENT_TYPES_FILE, "utf8"), "regenerate with: npx tsx test/support/openapi-client-types.ts").toBe(await generateClientTypes(doc));
  });
});

describe.skipIf(!up)("the OpenAPI document against a running server", () => {
  const api = useTestApi();

  it("GET /openapi.json serves it, without a key", async () => {
    const res = await fetch(`${api.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual(JSON.parse(JSON.stringify(createOpenApiDocument(api.deps.env))));
  });

  it("a client generated from it (openapi-typescript + openapi-fetch) creates and reads a schedule", async () => {
    const client = createClient<paths>({ baseUrl: api.url, headers: { authorization: `Bearer ${api.accountA.apiKey}` } });
    const created = await client.POST("/v1/schedules", { body: { ...SEED_CREATE_BODY, recipients: ["client@example.com"] } });
    expect(created.response.status).toBe(201);
    const id = created.data!.id;
    const read = await client.GET("/v1/schedules/{id}", { params: { path: { id } } });
    expect(read.data).toEqual(created.data);
    const list = await client.GET("/v1/schedules", { params: { query: { active_only: true, limit: 5 } } });
    expect(list.data!.schedules.map((s) => s.id)).toEqual([id]);
    const missing = await client.GET("/v1/schedules/{id}", { params: { path: { id: "00000000-0000-4000-8000-000000000000" } } });
    expect(missing.response.status).toBe(404);
    expect(missing.error).toEqual({ code: "NOT_FOUND", message: "schedule not found" });
  });

  it("real answers validate against the document's response schemas", async () => {
    const validator = new Validator();
    await validator.validate(JSON.parse(JSON.stringify(createOpenApiDocument(api.deps.env))));
    const resolved = validator.resolveRefs() as Doc;
    const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    const check = (path: string, method: string, status: number, body: unknown) => {
      const schema = resolved.paths[path]![method].responses[String(status)].content["application/json"].schema;
      const validate = ajv.compile(schema);
      expect(validate(body), `${method} ${path} ${status}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };
    const headers = { authorization: `Bearer ${api.accountA.apiKey}`, "content-type": "application/json" };
    const created = await fetch(`${api.url}/v1/schedules`, { method: "POST", headers, body: JSON.stringify(SEED_CREATE_BODY) });
    const schedule = await created.json();
    check("/v1/schedules", "post", 201, schedule);
    check("/v1/schedules", "get", 200, await (await fetch(`${api.url}/v1/schedules`, { headers })).json());
    check("/v1/schedules/{id}/runs", "get", 200, await (await fetch(`${api.url}/v1/schedules/${schedule.id}/runs`, { headers })).json());
    const bad = await fetch(`${api.url}/v1/schedules`, { method: "POST", headers, body: JSON.stringify({ ...SEED_CREATE_BODY, recipients: ["x"] }) });
    check("/v1/schedules", "post", 400, await bad.json());
    check("/v1/schedules", "get", 401, await (await fetch(`${api.url}/v1/schedules`)).json());
  });
});
