import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Logger } from "../../log/logger.js";
import { WEB_APP_DIR } from "./web-app-routes.js";

/** web/ (the app's source) sits three levels above src/api/http. */
export const WEB_SOURCE_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../web");

function newestSourceChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceChange(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the browser app with Vite into `outDir`. Vite is a development dependency: the image
 * builds the app once (`npm run build`) and never calls this.
 */
export async function buildWebApp(outDir: string = WEB_APP_DIR): Promise<void> {
  const { build } = await import("vite");
  await build({ configFile: path.join(WEB_SOURCE_DIR, "vite.config.ts"), mode: "production", logLevel: "warn", build: { outDir, emptyOutDir: true } });
}

/**
 * `npm start` on a fresh clone (or after editing web/): builds the app when dist/web is missing or
 * older than its source, so the api serves the same bundle production does, with no extra step.
 */
export async function ensureWebAppBuilt(logger: Logger, outDir: string = WEB_APP_DIR): Promise<void> {
  if (!existsSync(WEB_SOURCE_DIR)) return;
  const index = path.join(outDir, "index.html");
  if (existsSync(index) && statSync(index).mtimeMs >= newestSourceChange(WEB_SOURCE_DIR)) return;
  logger.info("building the web app (first start or web/ changed)…");
  const started = Date.now();
  await buildWebApp(outDir);
  logger.info({ ms: Date.now() - started }, "web app built");
}
