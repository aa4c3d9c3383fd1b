/**
 * The production CLI: src/commands/cli.ts and what it imports, bundled by esbuild into
 * dist/bundle/ (what the image runs; `npm run build` calls this after tsc has type-checked).
 *
 * Why a bundle: tsc emits one file per module and our dependencies ship hundreds more (zod alone
 * is ~100), so a `tick` that finds nothing due spent most of its start resolving, reading and
 * compiling small files. Code-split ES modules keep cli.ts's lazy imports lazy: each command's
 * code is a chunk of its own, and a tick loads the chunks for pg, amqplib, pino, zod and the tick
 * only — never express, tRPC, kysely, S3, email or Chromium code.
 *
 * Usage: npx tsx scripts/bundle-cli.ts
 */
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Metafile } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const BUNDLE_DIR = path.join(root, "dist/bundle");
export const BUNDLE_META = path.join(root, "dist/bundle-meta.json");
export const BUNDLE_EXTERNALS = path.join(root, "dist/bundle-externals.json");

/**
 * Packages left in node_modules and loaded from there at run time, because bundling would break
 * them or there is nothing to gain:
 * - pg-native: pg's optional native binding (a compiled addon), required only through `pg.native`;
 * - @electric-sql/pglite and its kysely dialect: `dev` only, read their .wasm and data files beside
 *   their own modules (the image omits them: optional dependencies);
 * - puppeteer-core: the worker's Chromium driver, loaded on the first PDF; it imports its
 *   protocol and transport modules dynamically;
 * - swagger-ui-dist: serves its own files from its own directory (/docs);
 * - pino-pretty: required by name at run time (src/log/logger.ts), for a person at a terminal.
 */
export const EXTERNAL_PACKAGES = [
  "pg-native",
  "@electric-sql/pglite",
  "kysely-pglite-dialect",
  "puppeteer-core",
  "swagger-ui-dist",
  "pino-pretty",
];

/** Bundles into outDir (emptied first); returns what went into each output file. */
export async function bundleCli(outDir: string = BUNDLE_DIR): Promise<Metafile> {
  rmSync(outDir, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    entryPoints: ["src/commands/cli.ts"],
    outdir: outDir,
    chunkNames: "chunks/[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    external: EXTERNAL_PACKAGES,
    // CommonJS dependencies (pg, amqplib, pino, ...) call require() for Node's own modules; an ES
    // module has no require, so each chunk gets one of its own.
    banner: { js: 'import { createRequire as __bundleCreateRequire } from "node:module"; const require = __bundleCreateRequire(import.meta.url);' },
    // Not minified: stack traces and error messages stay readable. Names are kept because some
    // libraries read a class's or function's .name.
    keepNames: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
  });
  return result.metafile;
}

async function main(): Promise<void> {
  const metafile = await bundleCli();
  // What went into each chunk, to see what a command loads (esbuild.github.io/analyze); beside
  // the bundle rather than in it, as the image copies dist/bundle/.
  writeFileSync(BUNDLE_META, JSON.stringify(metafile));
  // The image keeps only these packages (and their dependencies) in node_modules.
  writeFileSync(BUNDLE_EXTERNALS, JSON.stringify(EXTERNAL_PACKAGES) + "\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
