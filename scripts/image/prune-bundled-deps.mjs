// Removes from an installed node_modules every package the bundle (dist/bundle/) already contains:
// what stays is the packages the bundle loads from node_modules at run time (listed by
// scripts/bundle-cli.ts in dist/bundle-externals.json) and their dependencies, resolved the way
// Node resolves them. Plain JavaScript: it runs in the image's prod-deps stage, which has Node
// and npm but no TypeScript.
//
// Usage (in the directory holding node_modules): node prune-bundled-deps.mjs bundle-externals.json
import { readdirSync, readFileSync, rmdirSync, rmSync } from "node:fs";

const externals = JSON.parse(readFileSync(process.argv[2], "utf8"));
// npm's record of what it installed: "node_modules/a", "node_modules/a/node_modules/b", ...
const installed = JSON.parse(readFileSync("node_modules/.package-lock.json", "utf8")).packages;

/** The installed package `name` as required from the package at `from` ("" = the app). */
function resolve(from, name) {
  for (let base = from; ; ) {
    const key = `${base ? `${base}/` : ""}node_modules/${name}`;
    if (installed[key]) return key;
    if (!base) return undefined;
    base = base.slice(0, base.lastIndexOf("node_modules/")).replace(/\/$/, "");
  }
}

const keep = new Set();
const pending = externals.map((name) => ["", name]);
while (pending.length > 0) {
  const [from, name] = pending.pop();
  const key = resolve(from, name);
  // Optional packages the image leaves out (pg-native, PGlite) resolve to nothing.
  if (key === undefined || keep.has(key)) continue;
  keep.add(key);
  const entry = installed[key];
  for (const deps of [entry.dependencies, entry.optionalDependencies, entry.peerDependencies]) {
    for (const dep of Object.keys(deps ?? {})) pending.push([key, dep]);
  }
}

let removed = 0;
for (const key of Object.keys(installed)) {
  if (!key.startsWith("node_modules/") || keep.has(key)) continue;
  // A package nested under one that goes goes with it; removing it again is a no-op.
  rmSync(key, { recursive: true, force: true });
  removed++;
}
for (const scope of readdirSync("node_modules").filter((d) => d.startsWith("@"))) {
  if (readdirSync(`node_modules/${scope}`).length === 0) rmdirSync(`node_modules/${scope}`);
}
// It describes the tree before pruning; nothing reads it at run time.
rmSync("node_modules/.package-lock.json", { force: true });
console.log(`kept ${keep.size} packages the bundle loads at run time (${externals.join(", ")} and their dependencies); removed ${removed}`);
