import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS_DIR } from "../../src/db/migrate.js";
import { BUNDLE_DIR } from "../../scripts/bundle-cli.js";
import { CLI_COMMANDS, ENV_DEFAULTS, ENV_NAMES } from "./code-facts.js";
import { dockerIgnore, envOf, execForm, imageUser, readDockerfile, type Stage } from "./dockerfile.js";
import { REPO_ROOT } from "./manifests.js";

const { args, stages } = readDockerfile();
const runtime = stages[stages.length - 1];
const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as {
  bin: Record<string, string>;
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  engines: { node: string };
};
const buildConfig = JSON.parse(readFileSync(path.join(REPO_ROOT, "tsconfig.build.json"), "utf8")) as {
  compilerOptions: { rootDir: string; outDir: string };
};
const ignored = dockerIgnore();

/** FROM with the global ARG defaults substituted. */
function baseImage(stage: Stage): string {
  const defaults = Object.fromEntries(args.map((a) => a.value.split("=") as [string, string]));
  return stage.from.replace(/\$\{(\w+)\}/g, (_, name: string) => defaults[name] ?? `\${${name}}`);
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "RUN").map((i) => i.value);
const workdir = (stage: Stage) => stage.instructions.filter((i) => i.keyword === "WORKDIR").at(-1)?.value;

describe("Dockerfile", () => {
  it("builds in stages on Node LTS and runs compiled JavaScript on Debian slim with Node's binary only", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const buildStages = stages.slice(0, -1);
    for (const stage of buildStages) expect(baseImage(stage)).toMatch(/^node:\d+-(bookworm|trixie)-slim$/);
    // The runtime starts from the Node image's own Debian and takes only the node binary (not npm or C headers).
    const codename = /-(\w+)-slim$/.exec(baseImage(buildStages[0]))![1];
    expect(baseImage(runtime)).toBe(`debian:${codename}-slim`);
    const nodeCopy = runtime.instructions.find((i) => i.keyword === "COPY" && /\/usr\/local\/bin\/node\s/.test(i.value));
    const nodeStage = stages.find((s) => s.name === /--from=(\S+)/.exec(nodeCopy?.value ?? "")?.[1]);
    expect(nodeStage, "node is copied from a Node stage").toBeDefined();
    const major = Number(/^node:(\d+)-/.exec(baseImage(nodeStage!))![1]);
    // Up to Node 26 only even majors became LTS; from 27 on every major does. engines is the floor.
    expect(major >= 27 || major % 2 === 0, `node ${major} is not an LTS line`).toBe(true);
    expect(major).toBeGreaterThanOrEqual(Number(/\d+/.exec(pkg.engines.node)![0]));
  });

  it("keeps TypeScript tooling out of the final image", () => {
    for (const tool of ["typescript", "tsx", "vitest"]) {
      expect(pkg.dependencies, tool).not.toHaveProperty(tool);
      expect(pkg.devDependencies, tool).toHaveProperty(tool);
    }
    const copies = runtime.instructions.filter((i) => i.keyword === "COPY").map((i) => i.value);
    const fromStage = (v: string) => /--from=(\S+)/.exec(v)?.[1];
    const depsCopy = copies.find((v) => /node_modules/.test(v));
    const depsStage = stages.find((s) => s.name === fromStage(depsCopy ?? ""));
    expect(depsStage, "node_modules come from a stage of their own").toBeDefined();
    expect(runs(depsStage!).join("\n")).toMatch(/npm ci [^\n]*--omit=dev/);
    const distCopy = copies.find((v) => /\/dist\b/.test(v));
    expect(fromStage(distCopy ?? ""), "dist/ comes from the build stage").toBeDefined();
    expect(runs(runtime).join("\n")).not.toMatch(/npm (ci|install)|tsc|tsx/);
    expect(copies.some((v) => /\bsrc\b/.test(v)), "no TypeScript sources in the final image").toBe(false);
  });

  it("builds with the package's build script the bundle the entrypoint runs", () => {
    const build = stages.find((s) => runs(s).some((r) => r.includes("npm run build")));
    expect(build).toBeDefined();
    // tsc type-checks (and emits dist/client.js for the package's client export); esbuild bundles.
    expect(pkg.scripts.build).toContain("tsconfig.build.json");
    expect(pkg.scripts.build).toContain("scripts/bundle-cli.ts");
    expect(buildConfig.compilerOptions.outDir).toBe("dist");
    expect(existsSync(path.join(REPO_ROOT, buildConfig.compilerOptions.rootDir, "commands/cli.ts"))).toBe(true);
    expect(pkg.bin["market-reports"]).toBe(path.posix.relative(REPO_ROOT, BUNDLE_DIR) + "/cli.js");
    const bundleCopy = runtime.instructions.find((i) => i.keyword === "COPY" && i.value.includes("/dist/bundle "));
    expect(bundleCopy?.value).toMatch(/--from=\S+ \/app\/dist\/bundle \.\/dist\/bundle$/);
  });

  it("runs the CLI under tini as a numeric non-root user, `api` by default", () => {
    const entrypoint = execForm(runtime.instructions.find((i) => i.keyword === "ENTRYPOINT"));
    expect(entrypoint).toEqual(["/usr/bin/tini", "--", "node", pkg.bin["market-reports"]]);
    const cmd = execForm(runtime.instructions.find((i) => i.keyword === "CMD"));
    expect(cmd).toEqual(["api"]);
    expect(CLI_COMMANDS).toContain(cmd[0]);
    const { uid, gid } = imageUser();
    expect(uid).toBeGreaterThan(0);
    expect(gid).toBeGreaterThan(0);
    const lastUser = runtime.instructions.map((i) => i.keyword).lastIndexOf("USER");
    const lastRun = runtime.instructions.map((i) => i.keyword).lastIndexOf("RUN");
    expect(lastUser).toBeGreaterThan(lastRun);
    expect(runs(runtime).join("\n")).toContain(`--uid ${uid}`);
  });

  it("installs Debian's Chromium headless shell, tini and Latin + CJK fonts, and points the app at it", () => {
    const apt = runs(runtime).find((r) => r.includes("apt-get install"));
    expect(apt).toBeDefined();
    const packages = apt!.split(/\s+/);
    for (const p of ["chromium-headless-shell", "tini", "fonts-noto-cjk", "ca-certificates"]) expect(packages).toContain(p);
    expect(packages.some((p) => p === "fonts-liberation" || p === "fonts-dejavu-core")).toBe(true);
    expect(apt).toContain("--no-install-recommends");
    expect(apt).toMatch(/rm -rf \/var\/lib\/apt\/lists/);
    const env = envOf(runtime);
    expect(env.CHROMIUM_PATH).toBe("/usr/lib/chromium/chromium-headless-shell");
    // Every variable the image sets is one the app reads, or one the runtime itself reads.
    for (const name of Object.keys(env)) expect([...ENV_NAMES, "NODE_ENV", "HOME", "NODE_COMPILE_CACHE"]).toContain(name);
  });

  it("puts migrations where the compiled code looks for them", () => {
    // MIGRATIONS_DIR is resolved from the app's root (the directory of package.json, /app).
    const relative = path.relative(REPO_ROOT, MIGRATIONS_DIR);
    const app = workdir(runtime)!;
    const expected = path.posix.join(app, relative);
    const copy = runtime.instructions.find((i) => i.keyword === "COPY" && /^migrations\s/.test(i.value));
    expect(copy).toBeDefined();
    expect(path.posix.resolve(app, copy!.value.split(/\s+/)[1])).toBe(expected);
    // And package.json, whose "type": "module" makes dist/*.js ES modules.
    expect(runtime.instructions.some((i) => i.keyword === "COPY" && /^package\.json\s/.test(i.value))).toBe(true);
  });

  it("exposes the api and worker ports the code defaults to", () => {
    const exposed = runtime.instructions.filter((i) => i.keyword === "EXPOSE").flatMap((i) => i.value.split(/\s+/).map(Number));
    expect(exposed).toContain(ENV_DEFAULTS.PORT);
    expect(exposed).toContain(ENV_DEFAULTS.WORKER_HEALTH_PORT);
  });
});

describe(".dockerignore", () => {
  it("keeps local state, tests, dependencies, build output and secrets out of the context", () => {
    for (const p of [".data", ".data/pglite/x", "test/deploy/dockerfile.test.ts", "node_modules/zod/index.js", "dist/commands/cli.js", ".env", ".git/HEAD", "bench/tick.ts", "k8s/kustomization.yaml", "src/time/next-run-at.test.ts"]) {
      expect(ignored(p), p).toBe(true);
    }
  });

  it("lets in everything the Dockerfile copies from the context", () => {
    const sources = stages
      .flatMap((s) => s.instructions)
      .filter((i) => i.keyword === "COPY" && !i.value.includes("--from="))
      .flatMap((i) => i.value.split(/\s+/).slice(0, -1));
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(path.join(REPO_ROOT, source)), source).toBe(true);
      expect(ignored(source), source).toBe(false);
    }
    expect(ignored("src/commands/cli.ts")).toBe(false);
    expect(ignored("migrations/0001_schema.sql")).toBe(false);
  });
});
