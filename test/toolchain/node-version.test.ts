import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * One Node story: package.json's `engines` is the oldest line supported (and @types/node its
 * types, so nothing newer is used by accident); the image and CI run one pinned release of the
 * current LTS line (scripts/image/node-release.sh); the README says both.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");
const pkg = JSON.parse(read("package.json")) as { engines: { node: string }; devDependencies: Record<string, string> };

const floor = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);
const release = /^NODE_VERSION=(\d+\.\d+\.\d+)$/m.exec(read("scripts/image/node-release.sh"))?.[1] ?? "";
const releaseMajor = Number(release.split(".")[0]);

describe("the Node version", () => {
  it("engines is a floor of Node 22 or newer, and @types/node describes that floor", () => {
    // AWS SDK for JavaScript v3 releases after the first week of January 2027 require Node >= 22.
    expect(floor).toBeGreaterThanOrEqual(22);
    expect(Number(/^(\d+)\./.exec(pkg.devDependencies["@types/node"])?.[1])).toBe(floor);
  });

  it("the image builds on the major line of the release CI runs, at or above the floor", () => {
    expect(release).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Number(/^ARG NODE_VERSION=(\d+)$/m.exec(read("Dockerfile"))?.[1])).toBe(releaseMajor);
    expect(releaseMajor).toBeGreaterThanOrEqual(floor);
  });

  it("CI puts that release first on PATH before installing and testing", () => {
    const ci = read(".ci/run");
    expect(ci.indexOf("node_bin_dir")).toBeGreaterThan(-1);
    expect(ci.indexOf("node_bin_dir")).toBeLessThan(ci.indexOf("npm ci"));
    if (process.env.CI) expect(process.versions.node).toBe(release);
  });

  it("the README states the floor and the release line", () => {
    expect(read("README.md")).toContain(`Node ${floor} or newer`);
    expect(read("README.md")).toContain(`Node ${releaseMajor}`);
  });
});
