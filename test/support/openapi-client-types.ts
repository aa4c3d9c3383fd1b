/**
 * TypeScript types for the /v1 API generated from the OpenAPI document with openapi-typescript,
 * as a client in another repository would generate them. The result is committed as
 * test/api/generated/openapi.ts (the openapi-fetch test is typechecked against it) and a test
 * fails when it no longer matches the document. Regenerate:
 *   npx tsx test/support/openapi-client-types.ts
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";
import { createOpenApiDocument } from "../../src/api/openapi/openapi-document.js";

export const CLIENT_TYPES_FILE = fileURLToPath(new URL("../api/generated/openapi.ts", import.meta.url));

export async function generateClientTypes(document: object): Promise<string> {
  const ast = await openapiTS(document as Parameters<typeof openapiTS>[0]);
  return `/** Generated from GET /openapi.json by openapi-typescript (test/support/openapi-client-types.ts); do not edit. */\n${astToString(ast)}`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // The document as a development server serves it (with the dev-only token route).
  const document = JSON.parse(JSON.stringify(createOpenApiDocument({ ENVIRONMENT: "development" })));
  writeFileSync(CLIENT_TYPES_FILE, await generateClientTypes(document));
  console.log(`wrote ${CLIENT_TYPES_FILE}`);
}
