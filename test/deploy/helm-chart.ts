import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { TemplateSet, isMap } from "./go-template.js";
import { CHART_DIR, parseYamlDocuments, type K8sObject } from "./manifests.js";

/**
 * The chart as `helm install` would see it, without helm: values merged and checked against
 * values.schema.json, every template rendered by test/deploy/go-template.ts, the output parsed.
 */
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

/** Helm's coalescing of user values into the chart's: maps merge, anything else replaces, null deletes. */
export function mergeValues(base: unknown, override: unknown): unknown {
  if (!isMap(base) || !isMap(override)) return structuredClone(override);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? mergeValues(out[key], value) : structuredClone(value);
  }
  return out;
}

export class SchemaError extends Error {}

export function schemaValidator(schema: Record<string, unknown>): (values: unknown) => string[] {
  // Union types ("integer or string") are plain JSON Schema, and Helm accepts them.
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (values) => {
    if (validate(values)) return [];
    return (validate.errors ?? []).map((e) => {
      const extra = e.params && "additionalProperty" in e.params ? `: ${String(e.params.additionalProperty)}` : "";
      return `${e.instancePath || "/"} ${e.message}${extra}`;
    });
  };
}

export interface RenderInput {
  releaseName?: string;
  namespace?: string;
  values?: Record<string, unknown>;
  isUpgrade?: boolean;
}

export interface Rendered {
  /** Objects applied as the release. */
  objects: K8sObject[];
  /** Objects with a helm.sh/hook annotation, run around install/upgrade. */
  hooks: K8sObject[];
  notes: string;
  values: Record<string, unknown>;
}

export function renderChart(chart: Chart, input: RenderInput = {}): Rendered {
  const values = mergeValues(chart.values, input.values ?? {}) as Record<string, unknown>;
  const problems = schemaValidator(chart.schema)(values);
  if (problems.length > 0) throw new SchemaError(`values don't meet the specifications of the schema(s): ${problems.join("; ")}`);

  const releaseName = input.releaseName ?? "market-reports";
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(releaseName) || releaseName.length > 53) {
    throw new Error(`release name "${releaseName}": helm accepts at most 53 lowercase letters, digits and dashes`);
  }
  const set = new TemplateSet();
  const prefix = `${chart.metadata.name}/templates/`;
  for (const [file, source] of chart.templates) set.add(prefix + file, source);
  const root = (file: string) => ({
    Values: values,
    Release: {
      Name: releaseName,
      Namespace: input.namespace ?? "default",
      Service: "Helm",
      IsInstall: !input.isUpgrade,
      IsUpgrade: Boolean(input.isUpgrade),
      Revision: input.isUpgrade ? 2 : 1,
    },
    Chart: {
      Name: chart.metadata.name,
      Version: chart.metadata.version,
      AppVersion: chart.metadata.appVersion,
    },
    Capabilities: { KubeVersion: { Version: "v1.31.0", Major: "1", Minor: "31" } },
    Template: { Name: prefix + file, BasePath: `${chart.metadata.name}/templates` },
  });

  const objects: K8sObject[] = [];
  const hooks: K8sObject[] = [];
  let notes = "";
  for (const file of chart.templates.keys()) {
    if (file.startsWith("_")) continue;
    const output = set.render(prefix + file, root(file));
    if (file === "NOTES.txt") {
      notes = output;
      continue;
    }
    for (const doc of parseYamlDocuments(output, `templates/${file}`)) {
      const o = Object.assign(doc, { source: `templates/${file}` }) as K8sObject;
      if (typeof o.apiVersion !== "string" || typeof o.kind !== "string" || typeof o.metadata?.name !== "string") {
        throw new Error(`templates/${file}: rendered a document without apiVersion, kind or metadata.name`);
      }
      (o.metadata.annotations?.["helm.sh/hook"] ? hooks : objects).push(o);
    }
  }
  return { objects, hooks, notes, values };
}
