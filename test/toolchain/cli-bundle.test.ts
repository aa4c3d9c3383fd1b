import { mkdtempSync, rmSync } from "node:fs";
import { isBuiltin } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Metafile } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleCli, EXTERNAL_PACKAGES } from "../../scripts/bundle-cli.js";

/**
 * The bundle the image runs (scripts/bundle-cli.ts) keeps cli.ts's lazy imports lazy: what a tick
 * with nothing due can load is the tick's own code, pg, amqplib, pino and zod — never another
 * command's code or its dependencies.
 */
let outDir: string;
let meta: Metafile;

beforeAll(async () => {
  outDir = mkdtempSync(path.join(tmpdir(), "mr-bundle-"));
  meta = await bundleCli(outDir);
}, 60_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

/** The claiming code: imported only when something is due (src/commands/tick-command.ts). */
const DUE_ONLY = ["src/tick/tick.ts", "src/db/connect.ts", "src/queue/in-process-queue.ts"];

/** Every source file in the chunks a `tick` with nothing due can load. */
function tickInputs(): string[] {
  const byPath = new Map(Object.entries(meta.outputs).map(([file, output]) => [path.resolve(file), output]));
  const entry = [...byPath].find(([, o]) => o.entryPoint === "src/commands/cli.ts")![0];
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const output = byPath.get(file)!;
    for (const { path: imported, kind, external } of output.imports) {
      if (external) continue;
      const target = path.resolve(imported);
      const targetEntry = byPath.get(target)?.entryPoint;
      if (kind === "dynamic-import") {
        // Imports on demand: cli.ts's of the tick command, and the tick's own but the claiming
        // code. Others happen in code a tick does not run (a queue's consumer, for one).
        const wanted =
          output.entryPoint === "src/commands/cli.ts"
            ? targetEntry === "src/commands/tick-command.ts"
            : output.entryPoint === "src/commands/tick-command.ts" && !DUE_ONLY.includes(targetEntry ?? "");
        if (!wanted) continue;
      }
      visit(target);
    }
  };
  visit(entry);
  return [...seen].flatMap((file) => Object.keys(byPath.get(file)!.inputs));
}

describe("the bundled CLI", () => {
  it("loads for a tick with nothing due the tick's code, pg, amqplib, pino and zod, and nothing of the other commands", () => {
    const inputs = tickInputs();
    for (const needed of ["src/commands/tick-command.ts", "node_modules/pg/", "node_modules/amqplib/", "node_modules/pino/", "node_modules/zod/"]) {
      expect(inputs.some((i) => i.startsWith(needed)), needed).toBe(true);
    }
    const others = inputs.filter((i) =>
      /^node_modules\/(express|@trpc|kysely|luxon|@aws-sdk|@smithy|nodemailer|prom-client|zod-openapi)\//.test(i) ||
      /^src\/(api|worker|email|pdf|delivery|render|storage|figures|listings)\//.test(i) ||
      DUE_ONLY.includes(i),
    );
    expect(others).toEqual([]);
  });

  it("leaves in node_modules only the packages it names as external", () => {
    const loaded = new Set(
      Object.values(meta.outputs)
        .flatMap((o) => o.imports)
        .filter((i) => i.external && !isBuiltin(i.path))
        .map((i) => /^(@[^/]+\/)?[^/]+/.exec(i.path)![0]),
    );
    for (const name of loaded) expect(EXTERNAL_PACKAGES, name).toContain(name);
  });

  it("leaves zod's locales out: every file imports zod as a namespace (import * as z), so the bundle keeps only what schemas use", () => {
    const locales = Object.values(meta.outputs)
      .flatMap((o) => Object.keys(o.inputs))
      .filter((i) => /^node_modules\/zod\/.*\/locales\/(?!en\.)/.test(i));
    expect(locales).toEqual([]);
  });
});
