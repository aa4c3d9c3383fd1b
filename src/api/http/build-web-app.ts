import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { APP_ROOT } from "../../config/app-root.js";
import type { Logger } from "../../log/logger.js";
import { WEB_APP_DIR } from "./web-app-routes.js";

const execFileAsync = promisify(execFile);

/** The browser app's source. */
export const WEB_SOURCE_DIR = path.join(APP_ROOT, "web");

function newestSourceChange(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSourceChange(full) : statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Builds the browser app with Vite into `outDir`, as `npm run build` does. Vite is a development
 * dependency: the image builds the app once (`npm run build`) and never calls this.
 *
 * The build runs in a child process with NODE_ENV=production. Vite decides production vs
 * development from process.env.NODE_ENV, so in-process it would build React's development JSX
 * under a test runner (NODE_ENV=test) and, when NODE_ENV is unset, set it to "production" for the
 * rest of the calling process (the dev api).
 */
export async function buildWebApp(outDir: string = WEB_APP_DIR): Promise<void> {
  const script = [
    'import { build } from "vite";',
    "const [configFile, outDir] = process.argv.slice(1);",
    'await build({ configFile, mode: "production", logLevel: "warn", build: { outDir, emptyOutDir: true } });',
  ].join("\n");
  await execFileAsync(process.execPath, ["--input-type=module", "--eval", script, path.join(WEB_SOURCE_DIR, "vite.config.ts"), outDir], {
    // The repository root, where `vite` resolves from.
    cwd: APP_ROOT,
    env: { ...process.env, NODE_ENV: "production" },
    maxBuffer: 16 * 1024 * 1024,
  });
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
