import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The directory holding the app's package.json (the repository, or /app in the image): the files
 * the code reads at run time (migrations/, dist/web/, web/, package.json) are found from here.
 * Found by walking up from this module rather than by a fixed "../..", because the module sits at
 * a different depth in each form the code runs in: src/config/ (tsx), dist/config/ (tsc) and
 * dist/bundle/chunks/ (the esbuild bundle the image runs).
 */
function findAppRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "market-reports") {
      return dir;
    }
    if (path.dirname(dir) === dir) throw new Error(`no market-reports package.json above ${start}`);
  }
}

export const APP_ROOT = findAppRoot(path.dirname(fileURLToPath(import.meta.url)));
