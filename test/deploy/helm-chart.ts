import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { deployTools } from "../../scripts/deploy-tools.js";
import { CHART_DIR, K8S_DIR, parseYamlDocuments, type K8sObject } from "./manifests.js";

/** The chart's files, for the checks that read them rather than render them. */
export interface Chart {
  metadata: { apiVersion: string; name: string; version: string; appVersion: string; kubeVersion?: string };
  values: Record<string, unknown>;
  valuesText: string;
  schema: Record<string, unknown>;
  /** Template file name (templates/x.yaml) → source. */
  templates: Map<string, string>;
}

export function loadChart(dir = CHART_DIR): Chart {
  const templatesDir = path.join(dir, "templates");
  const templates = new Map<string, string>();
  for (const file of readdirSync(templatesDir).sort()) templates.set(file, readFileSync(path.join(templatesDir, file), "utf8"));
  const valuesText = readFileSync(path.join(dir, "values.yaml"), "utf8");
  return {
    metadata: parse(readFileSync(path.join(dir, "Chart.yaml"), "utf8")) as Chart["metadata"],
    values: parse(valuesText, { uniqueKeys: true }) as Record<string, unknown>,
    valuesText,
    schema: JSON.parse(readFileSync(path.join(dir, "values.schema.json"), "utf8")) as Record<string, unknown>,
    templates,
  };
}

/**
 * The values files every check runs over: helm/market-reports/ci/*-values.yaml (the chart-testing
 * convention) and k8s/values.yaml, the one k8s/ is generated from.
 */
export const VALUES_FILES: Record<string, string> = Object.fromEntries([
  ...readdirSync(path.join(CHART_DIR, "ci"))
    .filter((f) => f.endsWith("-values.yaml"))
    .sort()
    .map((f) => [`ci/${f}`, path.join(CHART_DIR, "ci", f)]),
  ["k8s/values.yaml", path.join(K8S_DIR, "values.yaml")],
]);

function valuesFile(name: string): string {
  const file = VALUES_FILES[name];
  if (!file) throw new Error(`no values file ${name}; there are ${Object.keys(VALUES_FILES).join(", ")}`);
  return file;
}

const tools = await deployTools();

/** helm's own message when it refuses (schema, `required`, `fail`, a template error). */
export class HelmError extends Error {}

/** Runs the unpacked helm; a non-zero exit throws HelmError with what helm printed. */
export function helm(args: string[]): string {
  try {
    return execFileSync(tools.helm, args, {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 64 * 1024 * 1024,
      // No cluster is ever contacted (template, lint, install --dry-run=client).
      env: { ...process.env, KUBECONFIG: path.join(tmpdir(), "market-reports-no-cluster") },
    });
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new HelmError(`helm ${args[0]}: ${(e.stderr || e.stdout || e.message).trim()}`);
  }
}

export interface RenderInput {
  /** Names from VALUES_FILES, applied in order. */
  valuesFiles?: string[];
  /** Applied last, as one more values file. */
  values?: Record<string, unknown>;
  releaseName?: string;
  namespace?: string;
}

/** Runs helm with the input's values as -f arguments (objects via a temporary JSON file). */
function withValues<T>(input: RenderInput, run: (args: string[]) => T): T {
  const args = (input.valuesFiles ?? []).flatMap((name) => ["-f", valuesFile(name)]);
  if (!input.values) return run(args);
  const dir = mkdtempSync(path.join(tmpdir(), "helm-values-"));
  try {
    const file = path.join(dir, "values.json");
    writeFileSync(file, JSON.stringify(input.values));
    return run([...args, "-f", file]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface Rendered {
  /** Objects applied as the release. */
  objects: K8sObject[];
  /** Objects with a helm.sh/hook annotation, run around install/upgrade. */
  hooks: K8sObject[];
}

/** Splits `helm template` output into objects and names each after its template file. */
function parseRender(output: string): Rendered {
  const objects: K8sObject[] = [];
  const hooks: K8sObject[] = [];
  for (const chunk of output.split(/^---$/m)) {
    const source = /^# Source: [^/]+\/(templates\/\S+)$/m.exec(chunk)?.[1] ?? "?";
    for (const doc of parseYamlDocuments(chunk, source)) {
      const o = Object.assign(doc, { source }) as K8sObject;
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
        throw new Error(`${source}: rendered a document without apiVersion, kind or metadata.name`);
      }
      (o.metadata.annotations?.["helm.sh/hook"] ? hooks : objects).push(o);
    }
  }
  return { objects, hooks };
}

/** `helm template` (hooks included), as `helm install` would create the objects. */
export function renderChart(input: RenderInput = {}): Rendered {
  return parseRender(helmTemplate(input));
}

function helmTemplate(input: RenderInput = {}): string {
  return withValues(input, (args) =>
    helm(["template", input.releaseName ?? "market-reports", CHART_DIR, "--namespace", input.namespace ?? "default", ...args]),
  );
}

/** `helm lint --strict`: warnings fail too. */
export function lintChart(input: RenderInput = {}): string {
  return withValues(input, (args) => helm(["lint", "--strict", CHART_DIR, ...args]));
}

/** What `helm install` prints after installing (NOTES.txt), from a client-side dry run. */
export function chartNotes(input: RenderInput = {}): string {
  const out = withValues(input, (args) =>
    helm([
      "install",
      input.releaseName ?? "market-reports",
      CHART_DIR,
      "--dry-run=client",
      "--output=json",
      "--namespace",
      input.namespace ?? "default",
      ...args,
    ]),
  );
  return (JSON.parse(out) as { info: { notes: string } }).info.notes;
}
