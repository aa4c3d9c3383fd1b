import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { IDeploymentSpec } from "kubernetes-models/apps/v1/DeploymentSpec";
import type { ICronJobSpec } from "kubernetes-models/batch/v1/CronJobSpec";
import type { IIngressSpec } from "kubernetes-models/networking.k8s.io/v1/IngressSpec";
import type { INetworkPolicySpec } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicySpec";
import type { IPodDisruptionBudgetSpec } from "kubernetes-models/policy/v1/PodDisruptionBudgetSpec";
import type { IServiceSpec } from "kubernetes-models/v1/ServiceSpec";
import { parseAllDocuments } from "yaml";
import { deployTools, machineKubectl } from "../../scripts/deploy-tools.js";

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

/**
 * What `kubectl apply -k dir` would send: the directory resolved by `kubectl kustomize` (the
 * machine's kubectl when one is on PATH, else the one unpacked by scripts/deploy-tools.ts).
 */
export async function kustomize(dir: string): Promise<K8sObject[]> {
  const kubectl = machineKubectl() ?? (await deployTools()).kubectl;
  const rel = path.relative(REPO_ROOT, dir);
  const output = execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return parseYamlDocuments(output, `kubectl kustomize ${rel}`).map((o) => asObject(o, dir));
}

function asObject(value: Record<string, unknown>, file: string): K8sObject {
  const rel = path.relative(REPO_ROOT, file);
  const meta = value.metadata as { name?: unknown } | undefined;
  if (typeof value.apiVersion !== "string" || typeof value.kind !== "string" || typeof meta?.name !== "string") {
    throw new Error(`${rel}: every object needs apiVersion, kind and metadata.name`);
  }
  return Object.assign(structuredClone(value) as K8sObject, { source: rel });
}

export function objectId(o: Pick<K8sObject, "apiVersion" | "kind" | "metadata">): string {
  return `${o.apiVersion.split("/").length > 1 ? o.apiVersion.split("/")[0] : "core"}/${o.kind}/${o.metadata.name}`;
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

export interface PodTemplate {
  metadata?: { labels?: Record<string, string> };
  spec?: PodSpec;
}

/** The pod template of a workload, or undefined for kinds that run no pods (a Pod is its own). */
export function podTemplateOf(o: K8sObject): PodTemplate | undefined {
  const spec = o.spec as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  switch (o.kind) {
    case "Deployment":
    case "StatefulSet":
    case "DaemonSet":
    case "Job":
      return spec?.template;
    case "CronJob":
      return spec?.jobTemplate?.spec?.template;
    case "Pod":
      return { metadata: o.metadata, spec: o.spec as PodSpec };
    default:
      return undefined;
  }
}

/** The pod spec of a workload, or undefined for kinds that run no pods. */
export function podSpecOf(o: K8sObject): PodSpec | undefined {
  return podTemplateOf(o)?.spec;
}

export function allContainers(objects: K8sObject[]): Container[] {
  return objects.flatMap((o) => {
    const pod = podSpecOf(o);
    return pod ? [...(pod.initContainers ?? []), ...pod.containers] : [];
  });
}

/** The fields of KEDA's and the Prometheus operator's kinds that the tests read (not in kubernetes-models). */
interface ScaledObjectSpec {
  scaleTargetRef: { name: string };
  triggers: { type: string; metadata: Record<string, string>; authenticationRef: { name: string } }[];
}
interface TriggerAuthenticationSpec {
  secretTargetRef: { parameter: string; name: string; key: string }[];
}
interface ServiceMonitorSpec {
  selector: { matchLabels: Record<string, string> };
  endpoints: { port: string; path: string }[];
}

interface SpecOfKind {
  Deployment: IDeploymentSpec;
  CronJob: ICronJobSpec;
  Ingress: IIngressSpec;
  NetworkPolicy: INetworkPolicySpec;
  PodDisruptionBudget: IPodDisruptionBudgetSpec;
  Service: IServiceSpec;
  ScaledObject: ScaledObjectSpec;
  TriggerAuthentication: TriggerAuthenticationSpec;
  ServiceMonitor: ServiceMonitorSpec;
}

/** An object's spec typed as its kind's; the schema tests check every rendered object against it. */
export function specOf<K extends keyof SpecOfKind>(o: K8sObject, kind: K): SpecOfKind[K] {
  if (o.kind !== kind || o.spec === undefined) throw new Error(`${objectId(o)} is not a ${kind} with a spec`);
  return o.spec as SpecOfKind[K];
}

export function findObject(objects: K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} among ${objects.map(objectId).join(", ")}`);
  return found;
}
