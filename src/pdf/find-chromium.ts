import { accessSync, constants, statSync } from "node:fs";
import path from "node:path";

/**
 * Debian's chromium-headless-shell comes first: a context per job costs about half the CPU there
 * that it costs in full Chromium's new headless mode, which opens a whole browser window (with its
 * own WebUI pages) for every context. The binary under /usr/lib is listed before Debian's
 * /usr/bin wrapper because that wrapper does not exec, so the pid we hold would be a shell that
 * outlives a killed browser.
 */
const WELL_KNOWN_PATHS = [
  "/usr/lib/chromium/chromium-headless-shell",
  "/usr/bin/chromium-headless-shell",
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
];
const PATH_NAMES = ["chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

export class ChromiumNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ChromiumNotFoundError";
  }
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves the Chromium executable. An explicit CHROMIUM_PATH must point at an executable file:
 * a typo there should stop the process, not silently degrade every report to HTML only.
 * Without it, returns the first browser found on the machine, or undefined so the caller can
 * fall back to storing HTML only.
 */
export function findChromium(
  env: { CHROMIUM_PATH?: string; PATH?: string } = process.env,
  wellKnownPaths: readonly string[] = WELL_KNOWN_PATHS,
): string | undefined {
  const configured = env.CHROMIUM_PATH?.trim();
  if (configured) {
    if (!isExecutableFile(configured)) {
      throw new ChromiumNotFoundError(`CHROMIUM_PATH: ${configured} is not an executable file`);
    }
    return configured;
  }
  for (const candidate of wellKnownPaths) {
    if (isExecutableFile(candidate)) return candidate;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const name of PATH_NAMES) {
      const candidate = path.join(dir, name);
      if (isExecutableFile(candidate)) return candidate;
    }
  }
  return undefined;
}

/** chrome-headless-shell is the old headless implementation; it must be launched in "shell" mode. */
export function isHeadlessShell(executablePath: string): boolean {
  return /headless[-_]shell/.test(path.basename(executablePath));
}
