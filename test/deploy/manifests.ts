import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const K8S_DIR = path.join(REPO_ROOT, "k8s");
export const CHART_DIR = path.join(REPO_ROOT, "helm/market-reports");

/** A Kubernetes object as parsed from YAML, plus where it came from (for error messages). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
  source?: string;
}

/**
 * Every document of a YAML stream, strictly: duplicate keys and syntax errors throw (the API
 * server rejects duplicate fields too), empty documents are dropped.
 */
export function parseYamlDocuments(text: string, source: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const doc of parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true })) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS({ maxAliasCount: 0 });
    if (value === null || value === undefined) continue;
    if (typeof value !== "object" || Array.isArray(value)) throw new Error(`${source}: a document must be a mapping`);
    out.push(value as Record<string, unknown>);
  }
  return out;
}

export function readObjects(file: string): K8sObject[] {
  return parseYamlDocuments(readFileSync(file, "utf8"), path.relative(REPO_ROOT, file)).map((o) => asObject(o, file));
}

function asObject(value: Record<string, unknown>, file: string): K8sObject {
  const rel = path.relative(REPO_ROOT, file);
  const meta = value.metadata as { name?: unknown } | undefined;
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string" || typeof meta?.name !== "string") {
    throw new Error(`${rel}: every object needs apiVersion, kind and metadata.name`);
  }
  return Object.assign(structuredClone(value) as K8sObject, { source: rel });
}

interface ImageRule {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

/** The only kustomization fields used here; anything else must fail loudly, not be ignored. */
const SUPPORTED_FIELDS = new Set(["apiVersion", "kind", "resources", "images"]);

/**
 * What `kubectl apply -k dir` would send, for the subset of kustomize this repository uses:
 * `resources` (files and nested kustomization directories, in order) and the `images` transformer.
 */
export function resolveKustomization(dir: string): K8sObject[] {
  const file = ["kustomization.yaml", "kustomization.yml", "Kustomization"].map((f) => path.join(dir, f)).find((f) => existsSync(f));
  if (!file) throw new Error(`${path.relative(REPO_ROOT, dir)}: no kustomization.yaml`);
  const [k] = parseYamlDocuments(readFileSync(file, "utf8"), path.relative(REPO_ROOT, file));
  const unsupported = Object.keys(k).filter((key) => !SUPPORTED_FIELDS.has(key));
  if (unsupported.length > 0) {
    throw new Error(`${path.relative(REPO_ROOT, file)}: fields ${unsupported.join(", ")} are not resolved by test/deploy; keep the kustomization to resources and images`);
  }
  if (k.kind !== "Kustomization") throw new Error(`${path.relative(REPO_ROOT, file)}: kind must be Kustomization`);
  const objects: K8sObject[] = [];
  for (const entry of (k.resources as string[] | undefined) ?? []) {
    const target = path.resolve(dir, entry);
    if (!existsSync(target)) throw new Error(`${path.relative(REPO_ROOT, file)}: resource ${entry} does not exist`);
    if (statSync(target).isDirectory()) {
      objects.push(...resolveKustomization(target));
    } else {
      // kustomize's default load restrictor: files must sit inside the kustomization's directory.
      if (path.relative(dir, target).startsWith("..")) {
        throw new Error(`${path.relative(REPO_ROOT, file)}: file ${entry} is outside the kustomization root (kustomize refuses it)`);
      }
      objects.push(...readObjects(target));
    }
  }
  const seen = new Set<string>();
  for (const o of objects) {
    const id = objectId(o);
    if (seen.has(id)) throw new Error(`${path.relative(REPO_ROOT, file)}: ${id} is listed twice`);
    seen.add(id);
  }
  for (const rule of (k.images as ImageRule[] | undefined) ?? []) applyImageRule(objects, rule);
  return objects;
}

export function objectId(o: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): string {
  return `${o.apiVersion.split("/").length > 1 ? o.apiVersion.split("/")[0] : "core"}/${o.kind}/${o.metadata.name}`;
}

function applyImageRule(objects: K8sObject[], rule: ImageRule): void {
  for (const container of allContainers(objects)) {
    const { name } = splitImage(container.image);
    if (name !== rule.name) continue;
    const current = splitImage(container.image);
    const newName = rule.newName ?? current.name;
    if (rule.digest) container.image = `${newName}@${rule.digest}`;
    else container.image = `${newName}:${rule.newTag ?? current.tag ?? "latest"}`;
  }
}

export function splitImage(image: string): { name: string; tag?: string; digest?: string } {
  const [withoutDigest, digest] = image.split("@");
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  if (colon > lastSlash) return { name: withoutDigest.slice(0, colon), tag: withoutDigest.slice(colon + 1), digest };
  return { name: withoutDigest, digest };
}

export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] }; sleep?: { seconds: number } } };
  resources?: unknown;
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface Probe {
  httpGet?: { path: string; port: number | string };
  [field: string]: unknown;
}

export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; emptyDir?: { medium?: string; sizeLimit?: string } }[];
  terminationGracePeriodSeconds?: number;
  securityContext?: Record<string, unknown>;
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  restartPolicy?: string;
  [field: string]: unknown;
}

/** The pod template of a workload, or undefined for kinds that run no pods. */
export function podSpecOf(o: K8sObject): PodSpec | undefined {
  const spec = o.spec as Record<string, any> | undefined;
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
      return spec?.template?.spec;
    case "CronJob":
      return spec?.jobTemplate?.spec?.template?.spec;
    case "Pod":
      return spec as PodSpec;
    default:
      return undefined;
  }
}

export function allContainers(objects: K8sObject[]): Container[] {
  return objects.flatMap((o) => {
    const pod = podSpecOf(o);
    return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
  });
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} among ${objects.map(objectId).join(", ")}`);
  return found;
}
