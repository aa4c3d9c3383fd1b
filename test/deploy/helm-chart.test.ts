import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { CLI_COMMANDS, ENV_NAMES, REPORT_JOBS_QUEUE, SECRET_ENV_NAMES, stringLiteralsInSource } from "./code-facts.js";
import { loadChart, mergeValues, renderChart, schemaValidator, SchemaError, type Rendered } from "./helm-chart.js";
import { findUnknownFields, validateWithModels } from "./kubernetes-schema.js";
import {
  CHART_DIR,
  K8S_DIR,
  REPO_ROOT,
  allContainers,
  findObject,
  objectId,
  podSpecOf,
  readObjects,
  resolveKustomization,
  type Container,
  type K8sObject,
} from "./manifests.js";

const chart = loadChart();
const validateValues = schemaValidator(chart.schema);
const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

const k8sBase = resolveKustomization(K8S_DIR);
const k8sMigrate = resolveKustomization(path.join(K8S_DIR, "migrate"));
const k8sConfig = findObject(k8sBase, "ConfigMap", "market-reports").data as Record<string, string>;
const secretExample = findObject(readObjects(path.join(K8S_DIR, "secret.example.yaml")), "Secret", "market-reports")
  .stringData as Record<string, string>;

/** The least an install needs: the required settings (as k8s/ has them) and a Secret. */
const INSTALL = {
  config: { PUBLIC_BASE_URL: k8sConfig.PUBLIC_BASE_URL, EMAIL_FROM: k8sConfig.EMAIL_FROM, S3_BUCKET: k8sConfig.S3_BUCKET },
  existingSecret: "market-reports",
};

/** Every optional feature switched on, with every free-form value used. */
const EVERYTHING = {
  ...INSTALL,
  existingSecret: "",
  secrets: secretExample,
  commonLabels: { team: "reports" },
  podAnnotations: { "example.com/owner": "reports" },
  nodeSelector: { "kubernetes.io/os": "linux" },
  tolerations: [{ key: "dedicated", operator: "Equal", value: "reports", effect: "NoSchedule" }],
  affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: "pool", operator: "In", values: ["reports"] }] } }] } },
  image: { repository: "registry.example.com/market-reports", digest: `sha256:${"a".repeat(64)}`, pullSecrets: ["registry"] },
  config: { ...INSTALL.config, S3_ENDPOINT: "https://minio.example.com", S3_FORCE_PATH_STYLE: true, DKIM_DOMAIN: "example.com", DKIM_SELECTOR: "mr" },
  serviceAccount: { annotations: { "eks.amazonaws.com/role-arn": "arn:aws:iam::123456789012:role/market-reports" } },
  api: { service: { annotations: { "example.com/lb": "internal" } } },
  worker: { keda: { enabled: true, minReplicas: 0, maxReplicas: 20 } },
  tick: { suspend: true },
  metrics: { serviceMonitor: { enabled: true, labels: { release: "prometheus" } } },
  ingress: { enabled: true, className: "nginx", tls: true, annotations: { "cert-manager.io/cluster-issuer": "letsencrypt" } },
  networkPolicy: { allowedFrom: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "ingress-nginx" } } }] },
};

const COMBINATIONS: Record<string, Record<string, unknown>> = {
  "defaults (+ required values)": INSTALL,
  "every option on": EVERYTHING,
  "chart-made Secret, no optional features": { ...INSTALL, existingSecret: "", secrets: secretExample },
  "existing ServiceAccount, no migration hook, no PDB, no NetworkPolicy": {
    ...INSTALL,
    serviceAccount: { create: false, name: "reports" },
    migrate: { enabled: false },
    api: { pdb: { enabled: false } },
    networkPolicy: { enabled: false },
  },
};

const all = (r: Rendered) => [...r.objects, ...r.hooks];

describe("Chart.yaml", () => {
  it("is a v2 application chart whose appVersion is the package version", () => {
    expect(chart.metadata.apiVersion).toBe("v2");
    expect(chart.metadata.name).toBe("market-reports");
    expect(chart.metadata.appVersion).toBe(packageVersion);
    expect(chart.metadata.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });
});

describe("values.yaml and values.schema.json", () => {
  it("values.yaml validates against the schema", () => {
    expect(validateValues(chart.values)).toEqual([]);
  });

  it("a misspelled, misplaced or mistyped key fails", () => {
    const bad = (override: Record<string, unknown>) => validateValues(mergeValues(chart.values, override)).join("\n");
    expect(bad({ api: { replicaCont: 3 } })).toMatch(/must NOT have additional properties: replicaCont/);
    expect(bad({ worker: { keda: { enable: true } } })).toMatch(/additional properties: enable/);
    expect(bad({ config: { PUBLIC_BASEURL: "https://x" } })).toMatch(/additional properties: PUBLIC_BASEURL/);
    expect(bad({ replicaCount: 2 })).toMatch(/additional properties: replicaCount/);
    expect(bad({ api: { replicaCount: "2" } })).toMatch(/\/api\/replicaCount must be integer/);
    expect(bad({ tick: { activeDeadlineSeconds: 75 } })).toMatch(/\/tick\/activeDeadlineSeconds must be <= 59/);
    expect(bad({ secrets: { DATABASE_URL: "mysql://x" } })).toMatch(/\/secrets\/DATABASE_URL must match pattern/);
    expect(() => renderChart(chart, { values: { ...INSTALL, api: { replicaCont: 3 } } })).toThrow(SchemaError);
  });

  it("is strict everywhere except the documented free-form maps", () => {
    const freeForm = new Set([
      "global",
      "commonLabels",
      "podAnnotations",
      "nodeSelector",
      "affinity",
      "tolerations[]",
      "serviceAccount.annotations",
      "api.service.annotations",
      "metrics.serviceMonitor.labels",
      "ingress.annotations",
      "networkPolicy.allowedFrom[]",
    ]);
    const loose: string[] = [];
    const walk = (s: Record<string, any>, at: string) => {
      if (s.type === "object") {
        const strict = s.additionalProperties === false;
        const quantities = /\.resources\.(requests|limits)$/.test(at); // any resource name → quantity
        if (!strict && !quantities && !freeForm.has(at)) loose.push(at);
      }
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, any>)) walk(v, at ? `${at}.${k}` : k);
      if (s.items) walk(s.items, `${at}[]`);
    };
    walk(chart.schema, "");
    expect(loose).toEqual([]);
  });

  it("the README parameter table and the schema agree with values.yaml (readme-generator-for-helm)", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "chart-readme-"));
    try {
      const readme = path.join(dir, "README.md");
      const schemaOut = path.join(dir, "schema.json");
      writeFileSync(readme, readFileSync(path.join(CHART_DIR, "README.md")));
      const { runReadmeGenerator } = createRequire(import.meta.url)("@bitnami/readme-generator-for-helm") as {
        runReadmeGenerator(o: { values: string; readme?: string; schema?: string }): void;
      };
      const log = console.log;
      console.log = () => undefined; // the generator narrates every step
      try {
        // Throws "Wrong metadata!" when a value lacks its @param or a @param names no value.
        runReadmeGenerator({ values: path.join(CHART_DIR, "values.yaml"), readme, schema: schemaOut });
      } finally {
        console.log = log;
      }
      expect(readFileSync(readme, "utf8"), "README.md is stale: run the readme-generator command in it").toBe(
        readFileSync(path.join(CHART_DIR, "README.md"), "utf8"),
      );
      const generated = JSON.parse(readFileSync(schemaOut, "utf8")) as Record<string, any>;
      // Every leaf the generator derives from values.yaml is in the committed schema, same type and default.
      const leaves = (s: Record<string, any>, at: string, out: Map<string, Record<string, any>>) => {
        for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, any>)) {
          const p = at ? `${at}.${k}` : k;
          if (v.type === "object" && v.properties && Object.keys(v.properties).length > 0) leaves(v, p, out);
          else out.set(p, v);
        }
        return out;
      };
      const theirs = leaves(generated, "", new Map());
      const committed = chart.schema as Record<string, any>;
      const at = (p: string) => p.split(".").reduce<Record<string, any> | undefined>((s, k) => s?.properties?.[k], committed);
      expect(theirs.size).toBeGreaterThan(50);
      for (const [p, g] of theirs) {
        const ours = at(p);
        expect(ours, `${p} missing from values.schema.json`).toBeDefined();
        const types = [ours!.type].flat();
        expect(types, `${p} type`).toContain(g.type === "number" && types.includes("integer") ? "integer" : g.type);
      }
      // And the committed schema's leaves are exactly the documented parameters.
      const documented = [...chart.valuesText.matchAll(/^\s*## @param (\S+)/gm)].map((m) => m[1]);
      expect([...leaves(committed, "", new Map()).keys()].sort()).toEqual(documented.sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("templates, read without helm", () => {
  const helpers = chart.templates.get("_helpers.tpl") ?? "";
  const defines = new Set([...helpers.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]));

  it("have balanced {{ }} and parse (known functions, every block closed)", () => {
    for (const [file, source] of chart.templates) {
      const opens = source.match(/\{\{/g)?.length ?? 0;
      const closes = source.match(/\}\}/g)?.length ?? 0;
      expect(closes, file).toBe(opens);
    }
    // Rendering parses every file; a parse error names the file and line.
    expect(() => renderChart(chart, { values: INSTALL })).not.toThrow();
  });

  it("reference only .Values paths that exist in values.yaml", () => {
    const missing: string[] = [];
    for (const [file, source] of chart.templates) {
      for (const m of source.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
        const keys = m[1].slice(1).split(".");
        let node: unknown = chart.values;
        for (const key of keys) {
          if (node === null || typeof node !== "object" || !(key in (node as object))) {
            missing.push(`${file}: .Values${m[1]}`);
            break;
          }
          node = (node as Record<string, unknown>)[key];
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it("include only templates defined in _helpers.tpl", () => {
    expect(defines.size).toBeGreaterThan(10);
    const unknown: string[] = [];
    for (const [file, source] of chart.templates) {
      for (const m of source.matchAll(/\b(?:include|template)\s+"([^"]+)"/g)) if (!defines.has(m[1])) unknown.push(`${file}: ${m[1]}`);
    }
    expect(unknown).toEqual([]);
  });

  it("hold one kind per file", () => {
    const r = renderChart(chart, { values: EVERYTHING });
    const kinds = new Map<string, Set<string>>();
    for (const o of all(r)) kinds.set(o.source!, (kinds.get(o.source!) ?? new Set()).add(o.kind));
    for (const [file, set] of kinds) expect([...set], file).toHaveLength(1);
  });
});

describe("the rendered chart", () => {
  for (const [label, values] of Object.entries(COMBINATIONS)) {
    it(`validates against the Kubernetes API schemas: ${label}`, async () => {
      const r = renderChart(chart, { values, namespace: "reports" });
      const objects = all(r);
      const problems = (await Promise.all(objects.map(validateWithModels))).flat();
      expect(problems).toEqual([]);
      expect(findUnknownFields(objects)).toEqual([]);
      const ids = objects.map(objectId);
      expect(new Set(ids).size, "no two objects share kind and name").toBe(ids.length);
    });
  }

  it("a deliberately wrong field in a rendered copy fails", () => {
    const r = renderChart(chart, { values: INSTALL });
    const cron = structuredClone(findObject(r.objects, "CronJob", "market-reports-tick"));
    (cron.spec as any).jobTemplate.spec.activeDeadlineSecond = 55;
    expect(findUnknownFields([cron]).join("\n")).toMatch(/'activeDeadlineSecond' does not exist/);
  });

  it("fails the install with a clear message when a required value is missing", () => {
    expect(() => renderChart(chart)).toThrow(/config\.PUBLIC_BASE_URL is required/);
    expect(() => renderChart(chart, { values: { ...INSTALL, existingSecret: "" } })).toThrow(
      /secrets\.DATABASE_URL is required unless existingSecret/,
    );
    expect(() => renderChart(chart, { values: { ...INSTALL, tick: { budgetSeconds: 55 } } })).toThrow(
      /tick\.budgetSeconds \(55\) must be below tick\.activeDeadlineSeconds \(55\)/,
    );
  });

  it("creates the same objects with the same settings as k8s/ by default", () => {
    const r = renderChart(chart, { values: INSTALL });
    // Labels and pod annotations differ on purpose (helm.sh/chart, version, config checksums).
    const strip = (o: K8sObject): unknown => {
      const { source: _s, ...copy } = structuredClone(o);
      delete copy.metadata.labels;
      delete copy.metadata.annotations;
      const spec = copy.spec as any;
      if (spec?.template?.metadata) delete spec.template.metadata.annotations;
      if (spec?.jobTemplate?.spec?.template?.metadata) delete spec.jobTemplate.spec.template.metadata.annotations;
      return copy;
    };
    const index = (list: K8sObject[]) => Object.fromEntries(list.map((o) => [objectId(o), strip(o)]));
    expect(index(r.objects)).toEqual(index(k8sBase));
    // Chart labels extend the plain manifests' labels, never contradict them.
    for (const o of r.objects) expect(o.metadata.labels).toMatchObject(findObject(k8sBase, o.kind, o.metadata.name).metadata.labels ?? {});

    // The migration: a hook here, a Job to run first there; same container, settings passed inline.
    const hookJob = findObject(r.hooks, "Job", "market-reports-migrate");
    const plainJob = findObject(k8sMigrate, "Job", "market-reports-migrate");
    const effective = (c: Container, objects: K8sObject[]) => {
      const env: Record<string, string> = {};
      for (const f of c.envFrom ?? []) if (f.configMapRef) Object.assign(env, findObject(objects, "ConfigMap", f.configMapRef.name).data);
      for (const e of c.env ?? []) env[e.name] = e.value!;
      const { env: _e, envFrom: _f, ...rest } = c;
      return { ...rest, env, secret: (c.envFrom ?? []).find((f) => f.secretRef)?.secretRef?.name };
    };
    const hookPod = structuredClone(podSpecOf(hookJob)!);
    const plainPod = structuredClone(podSpecOf(plainJob)!);
    expect(effective(hookPod.containers[0], r.objects)).toEqual(effective(plainPod.containers[0], k8sMigrate));
    delete plainPod.serviceAccountName; // the release's ServiceAccount does not exist yet at pre-install
    const { containers: _hc, ...hookRest } = hookPod;
    const { containers: _pc, ...plainRest } = plainPod;
    expect(hookRest).toEqual(plainRest);
    const { template: _ht, ...hookSpec } = hookJob.spec as Record<string, unknown>;
    const { template: _pt, ...plainSpec } = plainJob.spec as Record<string, unknown>;
    expect(hookSpec).toEqual(plainSpec);
  });
});

describe("the chart agrees with the code", () => {
  const everything = renderChart(chart, { values: EVERYTHING, namespace: "reports" });
  const defaults = renderChart(chart, { values: INSTALL, namespace: "reports" });

  it("every container runs a CLI command that exists, through the image's entrypoint", () => {
    for (const c of allContainers(all(everything))) {
      expect(c.command).toBeUndefined();
      expect(CLI_COMMANDS).toContain(c.args?.[0]);
    }
  });

  it("every environment variable the chart names exists in ENV_KEYS, and every setting can be set", () => {
    const named = new Set<string>();
    for (const c of allContainers(all(everything))) for (const e of c.env ?? []) named.add(e.name);
    for (const o of all(everything)) {
      if (o.kind === "ConfigMap") Object.keys(o.data as object).forEach((k) => named.add(k));
      if (o.kind === "Secret") Object.keys(o.data as object).forEach((k) => named.add(k));
      if (o.kind === "TriggerAuthentication") for (const ref of (o.spec as any).secretTargetRef) named.add(ref.key);
    }
    for (const key of Object.keys(chart.values.config as object)) named.add(key);
    for (const key of Object.keys(chart.values.secrets as object)) named.add(key);
    for (const source of chart.templates.values()) {
      for (const m of source.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) named.add(m[0]);
    }
    for (const m of chart.valuesText.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) named.add(m[0]);
    expect([...named].filter((n) => !ENV_NAMES.has(n))).toEqual([]);
    // The other way round: a setting the code reads but the chart cannot set is a missing value.
    const notDeployed = new Set(["DATA_DIR", "CHROMIUM_PATH"]); // development-only; fixed by the image
    expect([...ENV_NAMES].filter((n) => !named.has(n) && !notDeployed.has(n))).toEqual([]);
  });

  it("credentials go only to Secrets; values.yaml holds none", () => {
    for (const o of all(everything).filter((x) => x.kind === "ConfigMap")) {
      expect(Object.keys(o.data as object).filter((k) => (SECRET_ENV_NAMES as readonly string[]).includes(k))).toEqual([]);
    }
    expect(Object.keys(chart.values.secrets as object).sort()).toEqual([...SECRET_ENV_NAMES].sort());
    for (const [k, v] of Object.entries(chart.values.secrets as Record<string, string>)) expect(v, k).toBe("");
    for (const c of allContainers(all(everything))) for (const e of c.env ?? []) expect(SECRET_ENV_NAMES as readonly string[]).not.toContain(e.name);
  });

  it("every container's environment is a valid production configuration (with the chart-made Secret)", () => {
    const objects = all(everything);
    for (const o of objects) {
      const pod = podSpecOf(o);
      if (!pod) continue;
      for (const c of pod.containers) {
        const env: Record<string, string> = {};
        for (const f of c.envFrom ?? []) {
          if (f.configMapRef) Object.assign(env, findObject(objects, "ConfigMap", f.configMapRef.name).data);
          if (f.secretRef) {
            const data = findObject(objects, "Secret", f.secretRef.name).data as Record<string, string>;
            for (const [k, v] of Object.entries(data)) env[k] = Buffer.from(v, "base64").toString("utf8");
          }
        }
        for (const e of c.env ?? []) env[e.name] = e.value!;
        expect(parseEnv(env).ENVIRONMENT, objectId(o)).toBe("production");
      }
    }
  });

  it("probes ask the routes the code serves, on the ports it listens on", () => {
    const literals = stringLiteralsInSource();
    for (const c of allContainers(defaults.objects)) {
      for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
        if (!probe?.httpGet) continue;
        expect(literals, `${c.name}: ${probe.httpGet.path}`).toContain(probe.httpGet.path);
        expect(c.ports?.map((p) => p.name), c.name).toContain(probe.httpGet.port);
      }
    }
    const api = podSpecOf(findObject(defaults.objects, "Deployment", "market-reports-api"))!.containers[0];
    expect(api.ports?.[0].containerPort).toBe(Number(api.env?.find((e) => e.name === "PORT")?.value));
    const worker = podSpecOf(findObject(defaults.objects, "Deployment", "market-reports-worker"))!.containers[0];
    expect(worker.ports?.[0].containerPort).toBe(Number(worker.env?.find((e) => e.name === "WORKER_HEALTH_PORT")?.value));
  });

  it("KEDA scales the worker Deployment on the queue the code declares, with the broker URL from the Secret", () => {
    expect((chart.values.worker as any).keda.queueName).toBe(REPORT_JOBS_QUEUE);
    const scaled = findObject(everything.objects, "ScaledObject", "market-reports-worker");
    const spec = scaled.spec as any;
    expect(spec.scaleTargetRef.name).toBe(findObject(everything.objects, "Deployment", "market-reports-worker").metadata.name);
    expect(spec.triggers[0]).toMatchObject({ type: "rabbitmq", metadata: { queueName: REPORT_JOBS_QUEUE, mode: "QueueLength" } });
    const auth = findObject(everything.objects, "TriggerAuthentication", spec.triggers[0].authenticationRef.name);
    const ref = (auth.spec as any).secretTargetRef[0];
    expect(ref).toMatchObject({ parameter: "host", key: "AMQP_URL" });
    expect(findObject(everything.objects, "Secret", ref.name).data).toHaveProperty("AMQP_URL");
    // KEDA's HPA owns the replica count.
    expect((findObject(everything.objects, "Deployment", "market-reports-worker").spec as any).replicas).toBeUndefined();
  });

  it("the ServiceMonitor scrapes /metrics of the api and worker Services", () => {
    const monitor = findObject(everything.objects, "ServiceMonitor", "market-reports");
    const spec = monitor.spec as any;
    const services = everything.objects.filter((o) => o.kind === "Service");
    const selected = services.filter((s) => Object.entries(spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
    const ports = new Set(selected.flatMap((s) => (s.spec as any).ports.map((p: { name: string }) => p.name)));
    for (const endpoint of spec.endpoints) {
      expect(endpoint.path).toBe("/metrics");
      expect(ports).toContain(endpoint.port);
    }
    expect(stringLiteralsInSource()).toContain("/metrics");
  });

  it("migrations run as a pre-install/pre-upgrade hook, after the hook Secret they read", () => {
    const job = findObject(everything.hooks, "Job", "market-reports-migrate");
    expect(job.metadata.annotations?.["helm.sh/hook"]).toBe("pre-install,pre-upgrade");
    const secret = findObject(everything.hooks, "Secret", "market-reports-migrate");
    expect(Number(secret.metadata.annotations?.["helm.sh/hook-weight"])).toBeLessThan(Number(job.metadata.annotations?.["helm.sh/hook-weight"]));
    const c = podSpecOf(job)!.containers[0];
    expect(c.args).toEqual(["migrate"]);
    expect(c.envFrom?.[0].secretRef?.name).toBe(secret.metadata.name);
    // Nothing the hook needs may be a regular release object: those do not exist yet at pre-install.
    expect(c.envFrom?.some((f) => f.configMapRef)).toBe(false);
    expect(podSpecOf(job)!.serviceAccountName).toBeUndefined();
    // With an existing Secret there is no copy to make.
    expect(defaults.hooks.map(objectId)).toEqual(["batch/Job/market-reports-migrate"]);
    expect(podSpecOf(defaults.hooks[0])!.containers[0].envFrom?.[0].secretRef?.name).toBe("market-reports");
  });

  it("names stay within Kubernetes' limits for a long release name, and the tick stays <release>-tick", () => {
    // Helm's own limit for release names is 53 characters.
    const long = "a-release-name-long-enough-to-hit-the-limits-of-k8s-x";
    expect(long).toHaveLength(53);
    const r = renderChart(chart, { values: EVERYTHING, releaseName: long });
    for (const o of all(r)) {
      expect(o.metadata.name.length, objectId(o)).toBeLessThanOrEqual(o.kind === "CronJob" ? 52 : 63);
      expect(o.metadata.name, objectId(o)).not.toMatch(/-$/);
      for (const v of Object.values(o.metadata.labels ?? {})) expect(v.length).toBeLessThanOrEqual(63);
    }
    const prod = renderChart(chart, { values: INSTALL, releaseName: "prod" });
    expect(prod.objects.filter((o) => o.kind === "CronJob").map((o) => o.metadata.name)).toEqual(["prod-tick"]);
  });

  it("NOTES.txt prints the manual-tick command for the CronJob it created", () => {
    const r = renderChart(chart, { values: INSTALL, releaseName: "prod", namespace: "reports" });
    const cron = r.objects.find((o) => o.kind === "CronJob")!;
    expect(r.notes).toContain(`kubectl create job --namespace reports --from=cronjob/${cron.metadata.name} manual-tick-$(date +%s)`);
    expect(r.notes).not.toMatch(/<no value>|\{\{/);
  });
});
