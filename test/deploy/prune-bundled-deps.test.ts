import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./manifests.js";

/**
 * scripts/image/prune-bundled-deps.mjs, run by the image's prod-deps stage: it keeps the packages
 * the bundle loads from node_modules and what they need, resolved as Node resolves them (a nested
 * copy before the top-level one), and removes everything else.
 */
const dir = mkdtempSync(path.join(tmpdir(), "mr-prune-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const installed: Record<string, { dependencies?: Record<string, string>; peerDependencies?: Record<string, string> }> = {
  "": {},
  "node_modules/ext": { dependencies: { a: "1", "@scope/kept": "1" } },
  "node_modules/a": { dependencies: { b: "1" }, peerDependencies: { p: "1" } },
  "node_modules/a/node_modules/b": {},
  "node_modules/p": {},
  "node_modules/b": {},
  "node_modules/bundled": { dependencies: { c: "1" } },
  "node_modules/c": {},
  "node_modules/@scope/kept": {},
  "node_modules/@scope/gone": {},
  "node_modules/@only/gone": {},
};

describe("prune-bundled-deps.mjs", () => {
  it("keeps the external packages and their dependencies, and removes the rest", () => {
    for (const key of Object.keys(installed).filter(Boolean)) mkdirSync(path.join(dir, key), { recursive: true });
    writeFileSync(path.join(dir, "node_modules/.package-lock.json"), JSON.stringify({ packages: installed }));
    // "optional-absent" stands for pg-native and PGlite, which the image does not install.
    writeFileSync(path.join(dir, "externals.json"), JSON.stringify(["ext", "optional-absent"]));
    execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts/image/prune-bundled-deps.mjs"), "externals.json"], { cwd: dir, stdio: "pipe" });

    const present = (key: string) => existsSync(path.join(dir, key));
    for (const kept of ["node_modules/ext", "node_modules/a", "node_modules/a/node_modules/b", "node_modules/p", "node_modules/@scope/kept"]) {
      expect(present(kept), kept).toBe(true);
    }
    for (const gone of ["node_modules/b", "node_modules/bundled", "node_modules/c", "node_modules/@scope/gone", "node_modules/@only", "node_modules/.package-lock.json"]) {
      expect(present(gone), gone).toBe(false);
    }
  });
});
