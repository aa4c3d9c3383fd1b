import type { AnyProcedure } from "@trpc/server";
import * as z from "zod";
import { appRouter } from "../router.js";
import type { ProcedurePath } from "./rest-routes.js";

/**
 * The zod schemas a procedure was built with (`.input()` and `.output()`): the REST routes read
 * their query types from them and the OpenAPI document is generated from them, so neither keeps
 * a copy of any rule.
 */
export function procedureOf(path: ProcedurePath): AnyProcedure {
  // At run time _def.procedures is flat, keyed by the dotted path (the typed view is nested).
  const procedure = (appRouter._def.procedures as unknown as Record<string, AnyProcedure | undefined>)[path];
  if (!procedure) throw new Error(`REST route names a procedure that does not exist: ${path}`);
  return procedure;
}

export function procedureSchemas(path: ProcedurePath): { type: "query" | "mutation"; input: z.ZodType | undefined; output: z.ZodType | undefined } {
  const def = procedureOf(path)._def as unknown as { type: "query" | "mutation"; inputs: unknown[]; output?: unknown };
  const input = def.inputs[0];
  if (def.inputs.length > 1 || (input !== undefined && !(input instanceof z.ZodType))) {
    throw new Error(`${path}: a REST route needs a procedure with one zod input`);
  }
  if (def.output !== undefined && !(def.output instanceof z.ZodType)) throw new Error(`${path}: the output must be a zod schema`);
  return { type: def.type, input, output: def.output };
}

/** The object inside `.default()`/`.prefault()`/`.optional()` wrappers, or undefined. */
export function objectInput(schema: z.ZodType | undefined): z.ZodObject | undefined {
  let s: unknown = schema;
  while (s instanceof z.ZodDefault || s instanceof z.ZodPrefault || s instanceof z.ZodOptional) s = s.unwrap();
  return s instanceof z.ZodObject ? s : undefined;
}
