import { createRequire } from "node:module";
import path from "node:path";
import { Ajv } from "ajv";
import ts from "typescript";
import { REPO_ROOT, objectId, type K8sObject } from "./manifests.js";

/**
 * Kubernetes API schema checks without a cluster.
 *
 * kubernetes-models' validators check types, enums and required fields but accept unknown
 * fields, which the API server rejects (kubectl's default strict field validation). Unknown fields
 * are therefore caught separately, by type-checking each object as a literal of kubernetes-models'
 * TypeScript interface: an excess property is a compile error naming the field.
 * Custom resources (KEDA, Prometheus operator) are checked against the subset of their CRD
 * schemas this chart uses, written out below.
 */

// A computed module name: loaded with require so the test bundler does not try to resolve it.
const requireModule = createRequire(import.meta.url);

const CORE_GROUPS = new Set([
  "v1",
  "apps/v1",
  "batch/v1",
  "policy/v1",
  "networking.k8s.io/v1",
  "autoscaling/v2",
  "rbac.authorization.k8s.io/v1",
]);

export async function validateWithModels(o: K8sObject): Promise<string[]> {
  if (!CORE_GROUPS.has(o.apiVersion)) return validateCustomResource(o);
  const mod = requireModule(`kubernetes-models/${o.apiVersion}`) as Record<string, new (data: unknown) => { validate(): void }>;
  const Model = mod[o.kind];
  if (!Model) return [`${describe(o)}: kind ${o.kind} does not exist in ${o.apiVersion}`];
  const { source: _source, ...data } = o;
  try {
    new Model(data).validate();
    return [];
  } catch (error) {
    return [`${describe(o)}: ${(error as Error).message}`];
  }
}

/** Unknown (misspelled, misplaced) fields in core objects, for many objects in one compile. */
export function findUnknownFields(objects: K8sObject[]): string[] {
  const core = objects.filter((o) => CORE_GROUPS.has(o.apiVersion));
  const imports: string[] = [];
  const decls: string[] = [];
  core.forEach((o, i) => {
    imports.push(`import type { I${o.kind} as T${i} } from "kubernetes-models/${o.apiVersion}/${o.kind}";`);
    const { source: _source, ...data } = o;
    decls.push(`export const o${i}: T${i} = ${JSON.stringify(data, null, 2)};`);
  });
  // Which object each generated line belongs to, to name it in the error.
  const lineOwners: { from: number; object: K8sObject }[] = [];
  let line = imports.length;
  decls.forEach((d, i) => {
    lineOwners.push({ from: line, object: core[i] });
    line += d.split("\n").length;
  });
  const fileText = [...imports, ...decls].join("\n");

  const fileName = path.join(REPO_ROOT, "test/deploy/__manifests_typecheck__.ts");
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => (path.resolve(f) === fileName ? fileText : readFile(f));
  host.fileExists = (f) => path.resolve(f) === fileName || fileExists(f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) =>
    path.resolve(f) === fileName
      ? ts.createSourceFile(f, fileText, languageVersion, true)
      : getSourceFile(f, languageVersion, onError, shouldCreate);
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = [...program.getSyntacticDiagnostics(), ...program.getSemanticDiagnostics()].filter(
    (d) => d.file && path.resolve(d.file.fileName) === fileName,
  );
  return diagnostics.map((d) => {
    const { line: l } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
    const owner = [...lineOwners].reverse().find((x) => x.from <= l);
    const text = fileText.split("\n")[l]?.trim();
    // JSON keys are quoted in the generated source: '"paht"' reads better as 'paht'.
    const message = ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/'"([^"']+)"'/g, "'$1'");
    return `${owner ? describe(owner.object) : "?"}: ${message} (at ${text})`;
  });
}

function describe(o: K8sObject): string {
  return `${o.source ?? "?"} ${objectId(o)}`;
}

// ---- custom resources: the fields this chart uses, from the CRDs' published schemas ----

const ajv = new Ajv({ allErrors: true, strict: true });

const objectMeta = {
  type: "object",
  required: ["name"],
  properties: {
    name: { type: "string", maxLength: 253 },
    namespace: { type: "string" },
    labels: { type: "object", additionalProperties: { type: "string" } },
    annotations: { type: "object", additionalProperties: { type: "string" } },
  },
  additionalProperties: false,
};

/** A custom resource's schema: the envelope every kind shares around its own `spec` schema. */
function customResource(apiVersion: string, kind: string, spec: object): object {
  return {
    type: "object",
    required: ["apiVersion", "kind", "metadata", "spec"],
    additionalProperties: false,
    properties: { apiVersion: { const: apiVersion }, kind: { const: kind }, metadata: objectMeta, spec },
  };
}

/** A Prometheus duration such as 30s or 1m30s. */
const DURATION = { type: "string", pattern: "^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$" };

const CUSTOM_RESOURCE_SCHEMAS: Record<string, object> = {
  // keda.sh/v1alpha1 ScaledObject (KEDA 2.x)
  "keda.sh/v1alpha1/ScaledObject": customResource("keda.sh/v1alpha1", "ScaledObject", {
    type: "object",
    required: ["scaleTargetRef", "triggers"],
    additionalProperties: false,
    properties: {
      scaleTargetRef: {
        type: "object",
        required: ["name"],
        additionalProperties: false,
        properties: { apiVersion: { type: "string" }, kind: { type: "string" }, name: { type: "string" } },
      },
      pollingInterval: { type: "integer", minimum: 1 },
      cooldownPeriod: { type: "integer", minimum: 0 },
      minReplicaCount: { type: "integer", minimum: 0 },
      maxReplicaCount: { type: "integer", minimum: 1 },
      triggers: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          required: ["type", "metadata"],
          additionalProperties: false,
          properties: {
            type: { type: "string" },
            name: { type: "string" },
            metadata: { type: "object", additionalProperties: { type: "string" } },
            authenticationRef: {
              type: "object",
              required: ["name"],
              additionalProperties: false,
              properties: { name: { type: "string" }, kind: { enum: ["TriggerAuthentication", "ClusterTriggerAuthentication"] } },
            },
          },
        },
      },
    },
  }),
  "keda.sh/v1alpha1/TriggerAuthentication": customResource("keda.sh/v1alpha1", "TriggerAuthentication", {
    type: "object",
    additionalProperties: false,
    properties: {
      secretTargetRef: {
        type: "array",
        items: {
          type: "object",
          required: ["parameter", "name", "key"],
          additionalProperties: false,
          properties: { parameter: { type: "string" }, name: { type: "string" }, key: { type: "string" } },
        },
      },
    },
  }),
  // monitoring.coreos.com/v1 ServiceMonitor (prometheus-operator)
  "monitoring.coreos.com/v1/ServiceMonitor": customResource("monitoring.coreos.com/v1", "ServiceMonitor", {
    type: "object",
    required: ["selector", "endpoints"],
    additionalProperties: false,
    properties: {
      jobLabel: { type: "string" },
      selector: {
        type: "object",
        additionalProperties: false,
        properties: { matchLabels: { type: "object", additionalProperties: { type: "string" } } },
      },
      namespaceSelector: {
        type: "object",
        additionalProperties: false,
        properties: { matchNames: { type: "array", items: { type: "string" } }, any: { type: "boolean" } },
      },
      endpoints: {
        type: "array",
        minItems: 1,
        items: {
          type: "object",
          additionalProperties: false,
          properties: {
            port: { type: "string" },
            path: { type: "string" },
            scheme: { enum: ["http", "https"] },
            interval: DURATION,
            scrapeTimeout: DURATION,
            honorLabels: { type: "boolean" },
          },
        },
      },
    },
  }),
};

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

function validateCustomResource(o: K8sObject): string[] {
  const key = `${o.apiVersion}/${o.kind}`;
  const schema = CUSTOM_RESOURCE_SCHEMAS[key];
  if (!schema) return [`${describe(o)}: no schema known for ${key}`];
  let validate = compiled.get(key);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  const { source: _source, ...data } = o;
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => `${describe(o)}: ${e.instancePath || "/"} ${e.message}${e.params && "additionalProperty" in e.params ? ` (${String(e.params.additionalProperty)})` : ""}`);
}
