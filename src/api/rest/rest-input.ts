import { TRPCError } from "@trpc/server";
import type { Request } from "express";
import * as z from "zod";
import { AppError } from "../../errors/app-error.js";
import type { FieldIssue } from "../../validation/describe-issue.js";
import { objectInput } from "./procedure-schemas.js";
import { pathParams, type RestRoute } from "./rest-routes.js";

type QueryKind = "boolean" | "number";
interface JsonSchemaNode {
  type?: string | string[];
  anyOf?: JsonSchemaNode[];
  oneOf?: JsonSchemaNode[];
}

function typesOf(node: JsonSchemaNode): string[] {
  const own = node.type === undefined ? [] : Array.isArray(node.type) ? node.type : [node.type];
  return [...own, ...[...(node.anyOf ?? []), ...(node.oneOf ?? [])].flatMap(typesOf)];
}

/**
 * Which query parameters of a procedure's input are booleans or numbers, read from the input
 * schema's JSON Schema (the same one the OpenAPI document shows). A query string carries only
 * text, so those get converted before the procedure validates them — and nothing else: every rule
 * stays the procedure's.
 */
export function queryKinds(input: z.ZodType | undefined): Map<string, QueryKind> {
  const object = objectInput(input);
  const kinds = new Map<string, QueryKind>();
  if (!object) return kinds;
  const json = z.toJSONSchema(object, { io: "input", unrepresentable: "any" }) as { properties?: Record<string, JsonSchemaNode> };
  for (const [name, node] of Object.entries(json.properties ?? {})) {
    const types = typesOf(node);
    if (types.includes("boolean")) kinds.set(name, "boolean");
    else if (types.includes("integer") || types.includes("number")) kinds.set(name, "number");
  }
  return kinds;
}

const TRUE = new Set(["true", "1"]);
const FALSE = new Set(["false", "0"]);
const NUMBER = /^-?\d+(\.\d+)?$/;

/** Text the kind cannot read stays text, so the procedure rejects it with the field's own rule. */
function fromQueryText(kind: QueryKind | undefined, text: string): unknown {
  if (kind === "boolean") {
    const lower = text.toLowerCase();
    return TRUE.has(lower) ? true : FALSE.has(lower) ? false : text;
  }
  if (kind === "number") return NUMBER.test(text) ? Number(text) : text;
  return text;
}

/** Raised before the procedure runs, so already in tRPC's terms (its formatter adds the issues). */
function badRequest(issues: FieldIssue[]): TRPCError {
  const message = issues.map((i) => i.message).join("; ");
  return new TRPCError({ code: "BAD_REQUEST", message, cause: new AppError("BAD_REQUEST", message, issues[0]?.path, issues) });
}

function inPathError(names: string[], where: "query" | "body"): TRPCError {
  return badRequest(names.map((n) => ({ path: n, message: `${n}: is given in the path; leave it out of the ${where}` })));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * The procedure's input for one request: the query string (GET, DELETE) or the JSON body (POST,
 * PATCH), plus the path's `{…}` segments. A path field repeated in the query or body is an error,
 * not silently overridden.
 */
export function restInput(route: RestRoute, kinds: Map<string, QueryKind>, req: Request): unknown {
  const names = pathParams(route.path);
  const fromPath: Record<string, string> = {};
  for (const n of names) fromPath[n] = String(req.params[n]);

  if (route.method === "get" || route.method === "delete") {
    const query: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(req.query as Record<string, unknown>)) {
      query[key] = typeof value === "string" ? fromQueryText(kinds.get(key), value) : value;
    }
    const repeated = names.filter((n) => n in query);
    if (repeated.length > 0) throw inPathError(repeated, "query");
    return { ...query, ...fromPath };
  }

  const body: unknown = req.body;
  if (names.length === 0) return body;
  if (body === undefined) return fromPath;
  if (!isPlainObject(body)) throw badRequest([{ path: "", message: "body: must be a JSON object" }]);
  const repeated = names.filter((n) => n in body);
  if (repeated.length > 0) throw inPathError(repeated, "body");
  return { ...body, ...fromPath };
}
