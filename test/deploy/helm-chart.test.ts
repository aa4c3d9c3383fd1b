import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseEnv } from "../../src/config/env.js";
import { CLI_COMMANDS, ENV_DEFAULTS, ENV_NAMES, REPORT_JOBS_PRIORITY_QUEUE, REPORT_JOBS_QUEUE, SECRET_ENV_NAMES, SHUTDOWN_GRACE_MS, WORKER_ROUTES } from "./code-facts.js";
import { imageUser } from "./dockerfile.js";
import { HelmError, VALUES_FILES, chartNotes, lintChart, loadChart, renderChart, type Rendered } from "./helm-chart.js";
import { findUnknownFields, validateWithModels } from "./kubernetes-schema.js";
import { CHART_DIR, REPO_ROOT, allContainers, findObject, objectId, podSpecOf, podTemplateOf, specOf, type Container, type K8sObject } from "./manifests.js";

const chart = loadChart();
const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

const all = (r: Rendered) => [...r.objects, ...r.hooks];
const DEFAULTS = "ci/default-values.yaml";
const EVERYTHING = "ci/everything-values.yaml";
const renders = Object.fromEntries(
  Object.keys(VALUES_FILES).map((name) => [name, renderChart({ valuesFiles: [name], namespace: "reports" })]),
) as Record<string, Rendered>;
const defaults = renders[DEFAULTS];
const everything = renders[EVERYTHING];

/** helm's message for a render that must fail. */
function refusal(values: Record<string, unknown>, valuesFiles = [DEFAULTS]): string {
  try {
    renderChart({ valuesFiles, values });
  } catch (error) {
    if (error instanceof HelmError) return error.message;
    throw error;
  }
  throw new Error(`helm template accepted ${JSON.stringify(values)}`);
}

/** The environment a container starts with: envFrom (ConfigMap, Secret) then its own env. */
function containerEnvironment(c: Container, objects: K8sObject[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const f of c.envFrom ?? []) {
    if (f.configMapRef) Object.assign(env, findObject(objects, "ConfigMap", f.configMapRef.name).data);
    if (f.secretRef) {
      const data = findObject(objects, "Secret", f.secretRef.name).data as Record<string, string>;
      for (const [k, v] of Object.entries(data)) env[k] = Buffer.from(v, "base64").toString("utf8");
    }
  }
  for (const e of c.env ?? []) env[e.name] = e.value!;
  return env;
}

function podTemplateLabels(o: K8sObject): Record<string, string> {
  return podTemplateOf(o)?.metadata?.labels ?? {};
}

/** The parts of a JSON Schema the chart's schema tests walk. */
interface JsonSchema {
  type?: string | string[];
  additionalProperties?: boolean | JsonSchema;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
}

describe("Chart.yaml", () => {
  it("is a v2 application chart whose appVersion is the package version", () => {
    expect(chart.metadata.apiVersion).toBe("v2");
    expect(chart.metadata.name).toBe("market-reports");
    expect(chart.metadata.appVersion).toBe(packageVersion);
    expect(chart.metadata.version).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });
});

describe("helm lint --strict", () => {
  for (const name of Object.keys(VALUES_FILES)) {
    it(`passes with ${name}`, () => {
      expect(lintChart({ valuesFiles: [name] })).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    });
  }
});

describe("values.yaml and values.schema.json", () => {
  it("a misspelled, misplaced or mistyped key fails helm template with helm's message", () => {
    expect(refusal({ api: { replicaCont: 3 } })).toMatch(/at '\/api': additional properties 'replicaCont' not allowed/);
    expect(refusal({ worker: { keda: { enable: true } } })).toMatch(/at '\/worker\/keda': additional properties 'enable' not allowed/);
    expect(refusal({ config: { PUBLIC_BASEURL: "https://x" } })).toMatch(/additional properties 'PUBLIC_BASEURL' not allowed/);
    expect(refusal({ replicaCount: 2 })).toMatch(/at '': additional properties 'replicaCount' not allowed/);
    expect(refusal({ api: { replicaCount: "2" } })).toMatch(/at '\/api\/replicaCount': got string, want integer/);
    expect(refusal({ tick: { activeDeadlineSeconds: 75 } })).toMatch(/at '\/tick\/activeDeadlineSeconds': maximum: got 75, want 59/);
    expect(refusal({ secrets: { DATABASE_URL: "mysql://x" } })).toMatch(/at '\/secrets\/DATABASE_URL': '.*' does not match pattern/);
    expect(refusal({ networkPolicy: { workerEgress: { s3: { cidrs: ["s3.amazonaws.com"] } } } })).toMatch(
      /at '\/networkPolicy\/workerEgress\/s3\/cidrs\/0': '.*' does not match pattern/,
    );
  });

  it("a missing required value fails helm template with a message naming it", () => {
    expect(refusal({}, [])).toMatch(/config\.PUBLIC_BASE_URL is required/);
    expect(refusal({ config: { PUBLIC_BASE_URL: "https://r.example.com" } }, [])).toMatch(/config\.EMAIL_FROM is required/);
    expect(refusal({ existingSecret: "" })).toMatch(/secrets\.DATABASE_URL is required unless existingSecret/);
    expect(refusal({ existingSecret: "", secrets: { DATABASE_URL: "postgres://db/x" } })).toMatch(/secrets\.AMQP_URL is required unless existingSecret/);
    expect(refusal({ tick: { budgetSeconds: 55 } })).toMatch(/tick\.budgetSeconds \(55\) must be below tick\.activeDeadlineSeconds \(55\)/);
    expect(refusal({ worker: { keda: { enabled: true, minReplicas: 5, maxReplicas: 2 } } })).toMatch(
      /worker\.keda\.minReplicas must not exceed worker\.keda\.maxReplicas/,
    );
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
      "networkPolicy.workerEgress.dnsTo[]",
    ]);
    const loose: string[] = [];
    const walk = (s: JsonSchema, at: string) => {
      if (s.type === "object") {
        const strict = s.additionalProperties === false;
        const quantities = /\.resources\.(requests|limits)$/.test(at); // any resource name → quantity
        if (!strict && !quantities && !freeForm.has(at)) loose.push(at);
      }
      for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at ? `${at}.${k}` : k);
      if (s.items) walk(s.items, `${at}[]`);
    };
    walk(chart.schema as JsonSchema, "");
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
      const generated = JSON.parse(readFileSync(schemaOut, "utf8")) as JsonSchema;
      // Every leaf the generator derives from values.yaml is in the committed schema, same type.
      const leaves = (s: JsonSchema, at: string, out: Map<string, JsonSchema>) => {
        for (const [k, v] of Object.entries(s.properties ?? {})) {
          const p = at ? `${at}.${k}` : k;
          if (v.type === "object" && v.properties && Object.keys(v.properties).length > 0) leaves(v, p, out);
          else out.set(p, v);
        }
        return out;
      };
      const theirs = leaves(generated, "", new Map());
      const committed = chart.schema as JsonSchema;
      const at = (p: string) => p.split(".").reduce<JsonSchema | undefined>((s, k) => s?.properties?.[k], committed);
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

describe("templates", () => {
  const helpers = chart.templates.get("_helpers.tpl") ?? "";
  const defines = new Set([...helpers.matchAll(/\{\{-?\s*define\s+"([^"]+)"/g)].map((m) => m[1]));

  // helm renders a missing .Values path as empty and only reaches an include when its branch runs:
  // both are read from the sources.
  it("reference only .Values paths that exist in values.yaml", () => {
    const missing: string[] = [];
    for (const [file, source] of chart.templates) {
      for (const m of source.matchAll(/\.Values((?:\.[A-Za-z_][A-Za-z0-9_]*)+)/g)) {
        let node: unknown = chart.values;
        for (const key of m[1].slice(1).split(".")) {
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
    const kinds = new Map<string, Set<string>>();
    for (const o of all(everything)) kinds.set(o.source!, (kinds.get(o.source!) ?? new Set()).add(o.kind));
    expect(kinds.size).toBeGreaterThan(10);
    for (const [file, set] of kinds) expect([...set], file).toHaveLength(1);
  });
});

describe("the rendered chart (helm template)", () => {
  for (const name of Object.keys(VALUES_FILES)) {
    it(`validates against the Kubernetes API schemas: ${name}`, async () => {
      const objects = all(renders[name]);
      expect(objects.length).toBeGreaterThan(3);
      const problems = (await Promise.all(objects.map(validateWithModels))).flat();
      expect(problems).toEqual([]);
      const ids = objects.map(objectId);
      expect(new Set(ids).size, "no two objects share kind and name").toBe(ids.length);
    });
  }

  it("no rendered object carries a field the API does not know (every values file)", () => {
    // One type-check for all renders: each costs seconds.
    const objects = Object.entries(renders).flatMap(([name, r]) => all(r).map((o) => ({ ...o, source: `${name} ${o.source}` })));
    expect(findUnknownFields(objects)).toEqual([]);
  });

  it("creates the optional objects only when asked", () => {
    const kinds = (r: Rendered) => new Set(all(r).map((o) => o.kind));
    expect(kinds(everything)).toEqual(
      new Set(["ServiceAccount", "ConfigMap", "Secret", "Deployment", "Service", "PodDisruptionBudget", "CronJob", "NetworkPolicy", "Job", "ScaledObject", "TriggerAuthentication", "ServiceMonitor", "Ingress"]),
    );
    expect(kinds(defaults)).toEqual(new Set(["ServiceAccount", "ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "CronJob", "NetworkPolicy", "Job"]));
    expect(kinds(renders["ci/fewer-objects-values.yaml"])).toEqual(new Set(["ConfigMap", "Deployment", "Service", "CronJob"]));
    const ingress = specOf(findObject(everything.objects, "Ingress", "market-reports-api"), "Ingress");
    expect(ingress.tls).toEqual([{ hosts: ["reports.example.com"], secretName: "reports.example.com-tls" }]);
  });

  it("a deliberately wrong field in a rendered copy fails", () => {
    const cron = structuredClone(findObject(defaults.objects, "CronJob", "market-reports-tick"));
    Object.assign(specOf(cron, "CronJob").jobTemplate.spec!, { activeDeadlineSecond: 55 });
    expect(findUnknownFields([cron]).join("\n")).toMatch(/'activeDeadlineSecond' does not exist/);
  });

  it("names stay within Kubernetes' limits for a long release name, and the tick stays <release>-tick", () => {
    // Helm's own limit for release names is 53 characters.
    const long = "a-release-name-long-enough-to-hit-the-limits-of-k8s-x";
    expect(long).toHaveLength(53);
    const r = renderChart({ valuesFiles: [EVERYTHING], releaseName: long });
    for (const o of all(r)) {
      expect(o.metadata.name.length, objectId(o)).toBeLessThanOrEqual(o.kind === "CronJob" ? 52 : 63);
      expect(o.metadata.name, objectId(o)).not.toMatch(/-$/);
      for (const v of Object.values(o.metadata.labels ?? {})) expect(v.length).toBeLessThanOrEqual(63);
    }
    const prod = renderChart({ valuesFiles: [DEFAULTS], releaseName: "prod" });
    expect(prod.objects.filter((o) => o.kind === "CronJob").map((o) => o.metadata.name)).toEqual(["prod-tick"]);
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

  it("NOTES.txt prints the manual-tick command for the CronJob it created, and the CLI path the image runs", () => {
    const notes = chartNotes({ valuesFiles: [DEFAULTS], releaseName: "prod", namespace: "reports" });
    const cron = renderChart({ valuesFiles: [DEFAULTS], releaseName: "prod" }).objects.find((o) => o.kind === "CronJob")!;
    expect(notes).toContain(`kubectl create job --namespace reports --from=cronjob/${cron.metadata.name} manual-tick-$(date +%s)`);
    expect(notes).not.toMatch(/<no value>|\{\{/);
    const cliPaths = [...notes.matchAll(/node (dist\/\S+\.js)/g)].map((m) => m[1]);
    expect(cliPaths.length).toBeGreaterThan(0);
    // package.json's bin: the bundle the Dockerfile's ENTRYPOINT runs (test/deploy/dockerfile.test.ts).
    const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
    for (const p of cliPaths) expect(p).toBe(pkg.bin["market-reports"]);
  });
});

describe("the worker's egress NetworkPolicy", () => {
  const METADATA = "169.254.169.254";
  const egressOf = (r: Rendered) => findObject(r.objects, "NetworkPolicy", "market-reports-worker-egress");
  const ipv4 = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
  const contains = (cidr: string, address: string) => {
    const [base, bits] = cidr.split("/");
    const size = 2 ** (32 - Number(bits));
    return Math.floor(ipv4(base) / size) === Math.floor(ipv4(address) / size);
  };
  /** Whether some rule lets a TCP connection to address:port out. */
  const allows = (policy: K8sObject, address: string, port: number) =>
    (specOf(policy, "NetworkPolicy").egress ?? []).some(
      (rule) =>
        (rule.ports ?? []).some((p) => p.port === port && (p.protocol ?? "TCP") === "TCP") &&
        (rule.to ?? [{ ipBlock: { cidr: "0.0.0.0/0" } }]).some(
          (peer) => peer.ipBlock && contains(peer.ipBlock.cidr, address) && !(peer.ipBlock.except ?? []).some((e) => contains(e, address)),
        ),
    );

  it("selects the worker pods only, and restricts their egress", () => {
    const policy = egressOf(defaults);
    const spec = specOf(policy, "NetworkPolicy");
    expect(spec.policyTypes).toEqual(["Egress"]);
    const worker = findObject(defaults.objects, "Deployment", "market-reports-worker");
    const api = findObject(defaults.objects, "Deployment", "market-reports-api");
    const selects = (o: K8sObject) => Object.entries(spec.podSelector.matchLabels ?? {}).every(([k, v]) => podTemplateLabels(o)[k] === v);
    expect(selects(worker)).toBe(true);
    expect(selects(api)).toBe(false);
    // Every rule names its peers: a rule without `to` would open every destination.
    for (const rule of spec.egress ?? []) expect(rule.to?.length, JSON.stringify(rule)).toBeGreaterThan(0);
  });

  it("lets out DNS, Postgres, RabbitMQ, S3, SMTP and the listing API, and nothing else", () => {
    const policy = egressOf(defaults);
    const spec = specOf(policy, "NetworkPolicy");
    expect(spec.egress?.[0]).toMatchObject({
      to: [{ namespaceSelector: {}, podSelector: { matchLabels: { "k8s-app": "kube-dns" } } }],
      ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
    });
    expect(allows(policy, "10.1.2.3", 5432)).toBe(true); // Postgres in the cluster or the VPC
    expect(allows(policy, "172.20.0.5", 5672)).toBe(true); // RabbitMQ
    expect(allows(policy, "192.168.4.4", 5671)).toBe(true); // RabbitMQ over TLS
    expect(allows(policy, "52.216.8.1", 443)).toBe(true); // S3, the listing API
    expect(allows(policy, "198.51.100.7", 465)).toBe(true); // SMTPS
    expect(allows(policy, "198.51.100.7", 587)).toBe(true); // submission
    expect(allows(policy, "203.0.113.9", 5432)).toBe(false); // Postgres port on the internet
    expect(allows(policy, "10.1.2.3", 22)).toBe(false);
    expect(allows(policy, "10.1.2.3", 80)).toBe(false);
    const ports = new Set((spec.egress ?? []).flatMap((r) => (r.ports ?? []).map((p) => `${p.protocol}/${p.port}`)));
    expect(ports).toEqual(new Set(["UDP/53", "TCP/53", "TCP/5432", "TCP/5672", "TCP/5671", "TCP/443", "TCP/465", "TCP/587"]));
  });

  it(`never reaches ${METADATA}, whatever the CIDRs`, () => {
    for (const r of Object.values(renders)) {
      const policy = r.objects.find((o) => o.metadata.name === "market-reports-worker-egress");
      if (!policy) continue;
      for (const port of [80, 443, 465, 587, 5432, 5671, 5672]) expect(allows(policy, METADATA, port), `${port}`).toBe(false);
      expect(allows(policy, "169.254.169.253", 443)).toBe(true); // only the metadata address is cut out
    }
    const wide = renderChart({
      valuesFiles: [DEFAULTS],
      values: { networkPolicy: { workerEgress: { s3: { cidrs: ["169.254.0.0/16", "169.254.169.252/30"], ports: [80] } } } },
    });
    const blocks = (specOf(egressOf(wide), "NetworkPolicy").egress ?? []).flatMap((r) => r.to ?? []).filter((p) => p.ipBlock?.cidr.startsWith("169.254."));
    expect(blocks).toEqual([
      { ipBlock: { cidr: "169.254.0.0/16", except: [`${METADATA}/32`] } },
      { ipBlock: { cidr: "169.254.169.252/30", except: [`${METADATA}/32`] } },
    ]);
    expect(allows(egressOf(wide), METADATA, 80)).toBe(false);
    expect(allows(egressOf(wide), "169.254.169.253", 80)).toBe(true);
    expect(refusal({ networkPolicy: { workerEgress: { smtp: { cidrs: [`${METADATA}/32`], ports: [25] } } } })).toMatch(
      /networkPolicy\.workerEgress\.smtp\.cidrs: 169\.254\.169\.254\/32 is the cloud metadata address/,
    );
  });

  it("drops a destination with no CIDRs instead of opening it to everything, and can be switched off", () => {
    const none = renderChart({ valuesFiles: [DEFAULTS], values: { networkPolicy: { workerEgress: { smtp: { cidrs: [], ports: [465] } } } } });
    const policy = egressOf(none);
    expect(allows(policy, "198.51.100.7", 465)).toBe(false);
    expect(allows(policy, "52.216.8.1", 443)).toBe(true);
    const off = renderChart({ valuesFiles: [DEFAULTS], values: { networkPolicy: { workerEgress: { enabled: false } } } });
    expect(off.objects.map(objectId)).not.toContain("networking.k8s.io/NetworkPolicy/market-reports-worker-egress");
    expect(off.objects.map(objectId)).toContain("networking.k8s.io/NetworkPolicy/market-reports");
  });
});

describe("the chart agrees with the code", () => {
  const workloads = (r: Rendered) => all(r).filter((o) => podSpecOf(o));
  const byComponent = (r: Rendered, component: string) => workloads(r).find((o) => o.metadata.labels?.["app.kubernetes.io/component"] === component)!;

  it("every container runs the CLI command of its component, through the image's entrypoint", () => {
    for (const r of Object.values(renders)) {
      for (const o of workloads(r)) {
        const component = o.metadata.labels?.["app.kubernetes.io/component"] ?? "";
        for (const c of podSpecOf(o)!.containers) {
          // `command` would bypass the image's ENTRYPOINT (tini + node), and another working
          // directory would break its relative path to the CLI.
          expect(c.command, `${objectId(o)} ${c.name}`).toBeUndefined();
          expect((c as { workingDir?: string }).workingDir, `${objectId(o)} ${c.name}`).toBeUndefined();
          expect(CLI_COMMANDS, `${objectId(o)} ${c.name}`).toContain(c.args?.[0]);
          expect(c.args?.[0], objectId(o)).toBe(component);
        }
      }
    }
    expect(workloads(defaults).map((o) => o.metadata.labels?.["app.kubernetes.io/component"]).sort()).toEqual(["api", "migrate", "tick", "worker"]);
  });

  it("every environment variable the chart names exists in ENV_KEYS, and every setting can be set", () => {
    const named = new Set<string>();
    for (const c of allContainers(all(everything))) for (const e of c.env ?? []) named.add(e.name);
    for (const o of all(everything)) {
      if (o.kind === "ConfigMap") Object.keys(o.data as object).forEach((k) => named.add(k));
      if (o.kind === "Secret") Object.keys(o.data as object).forEach((k) => named.add(k));
      if (o.kind === "TriggerAuthentication") for (const ref of specOf(o, "TriggerAuthentication").secretTargetRef) named.add(ref.key);
    }
    for (const key of Object.keys(chart.values.config as object)) named.add(key);
    for (const key of Object.keys(chart.values.secrets as object)) named.add(key);
    // Names in comments and descriptions too: a typo there misleads.
    const texts = [...chart.templates.values(), chart.valuesText, ...Object.values(VALUES_FILES).map((f) => readFileSync(f, "utf8"))];
    for (const text of texts) for (const m of text.matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) named.add(m[0]);
    expect([...named].filter((n) => !ENV_NAMES.has(n))).toEqual([]);
    // The other way round: a setting the code reads but the chart cannot set is a missing value.
    const notDeployed = new Set(["DATA_DIR", "CHROMIUM_PATH"]); // development-only; fixed by the image
    expect([...ENV_NAMES].filter((n) => !named.has(n) && !notDeployed.has(n))).toEqual([]);
  });

  it("credentials go only to Secrets; values.yaml holds none", () => {
    for (const name of SECRET_ENV_NAMES) expect(ENV_NAMES, name).toContain(name);
    for (const o of all(everything).filter((x) => x.kind === "ConfigMap")) {
      expect(Object.keys(o.data as object).filter((k) => (SECRET_ENV_NAMES as readonly string[]).includes(k))).toEqual([]);
    }
    expect(Object.keys(chart.values.secrets as object).sort()).toEqual([...SECRET_ENV_NAMES].sort());
    for (const [k, v] of Object.entries(chart.values.secrets as Record<string, string>)) expect(v, k).toBe("");
    for (const c of allContainers(all(everything))) for (const e of c.env ?? []) expect(SECRET_ENV_NAMES as readonly string[]).not.toContain(e.name);
  });

  it("every container's environment is a valid production configuration (with the chart-made Secret)", () => {
    for (const name of ["ci/chart-secret-values.yaml", EVERYTHING]) {
      const objects = all(renders[name]);
      for (const o of workloads(renders[name])) {
        for (const c of podSpecOf(o)!.containers) expect(parseEnv(containerEnvironment(c, objects)).ENVIRONMENT, `${name} ${objectId(o)}`).toBe("production");
      }
    }
    // And the check has teeth: without the Secret, production refuses to start.
    const api = podSpecOf(byComponent(everything, "api"))!.containers[0];
    expect(() => parseEnv(containerEnvironment({ ...api, envFrom: api.envFrom?.filter((f) => !f.secretRef) }, all(everything)))).toThrow(
      /DATABASE_URL: is required when ENVIRONMENT=production/,
    );
  });

  it("ports and probes: the api's are requested for real below; the worker's are the routes its health server serves", () => {
    for (const r of Object.values(renders)) {
      const api = podSpecOf(byComponent(r, "api"))!.containers[0];
      const apiEnv = parseEnv({ ...containerEnvironment({ ...api, envFrom: [] }, []), ENVIRONMENT: "development" });
      expect(api.ports?.find((p) => p.name === "http")?.containerPort).toBe(apiEnv.PORT);
      expect(api.ports?.find((p) => p.name === "metrics")?.containerPort).toBe(apiEnv.METRICS_PORT);
      expect(api.livenessProbe?.httpGet).toEqual({ path: "/healthz", port: "http" });
      expect(api.readinessProbe?.httpGet).toEqual({ path: "/readyz", port: "http" });
      const worker = podSpecOf(byComponent(r, "worker"))!.containers[0];
      const workerEnv = parseEnv({ ...containerEnvironment({ ...worker, envFrom: [] }, []), ENVIRONMENT: "development" });
      expect(worker.ports?.find((p) => p.name === "metrics")?.containerPort).toBe(workerEnv.WORKER_HEALTH_PORT);
      expect(worker.livenessProbe?.httpGet).toEqual({ path: WORKER_ROUTES.health, port: "metrics" });
      for (const c of [api, worker]) {
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) if (probe?.httpGet) expect(c.ports?.map((p) => p.name)).toContain(probe.httpGet.port);
      }
      const service = findObject(r.objects, "Service", "market-reports-api");
      for (const p of specOf(service, "Service").ports ?? []) expect(api.ports!.map((x) => x.name)).toContain(p.targetPort);
      // The api Service (what the Ingress routes to) never carries the internal metrics port.
      expect((specOf(service, "Service").ports ?? []).map((p) => p.targetPort)).toEqual(["http"]);
    }
  });

  it("the tick CronJob fires every minute and ends before the next one", () => {
    const cron = findObject(defaults.objects, "CronJob", "market-reports-tick");
    const spec = specOf(cron, "CronJob");
    expect(spec.schedule).toBe("* * * * *");
    expect(spec.timeZone).toBe("Etc/UTC");
    expect(spec.concurrencyPolicy).toBe("Forbid");
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(spec.startingDeadlineSeconds).toBeLessThan(60);
    expect(spec.successfulJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    expect(spec.failedJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    const job = spec.jobTemplate.spec!;
    expect(job.backoffLimit).toBe(0);
    expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.template.spec?.restartPolicy).toBe("Never");
    const tick = podSpecOf(cron)!.containers[0];
    const budget = parseEnv({ ...containerEnvironment({ ...tick, envFrom: [] }, []), ENVIRONMENT: "development" }).TICK_BUDGET_SECONDS;
    expect(budget).toBeLessThan(job.activeDeadlineSeconds!);
    expect(job.activeDeadlineSeconds).toBeLessThan(60);
    expect(ENV_DEFAULTS.TICK_BUDGET_SECONDS).toBeLessThan(60);
  });

  it("grace periods cover each process's own shutdown bound", () => {
    for (const r of Object.values(renders)) {
      const apiPod = podSpecOf(byComponent(r, "api"))!;
      const preStop = apiPod.containers[0].lifecycle?.preStop;
      const preStopSeconds = preStop?.sleep?.seconds ?? (preStop?.exec?.command[0] === "sleep" ? Number(preStop.exec.command[1]) : 0);
      expect(apiPod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(preStopSeconds * 1000 + SHUTDOWN_GRACE_MS.api);
      // The worker finishes the jobs in hand before it exits; SIGKILL must not come first.
      expect(podSpecOf(byComponent(r, "worker"))!.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(SHUTDOWN_GRACE_MS.worker);
    }
  });

  it("the worker has Chromium's shared memory, a liveness probe and a writable /tmp", () => {
    const pod = podSpecOf(byComponent(defaults, "worker"))!;
    const c = pod.containers[0];
    expect(c.livenessProbe).toBeDefined();
    const shm = c.volumeMounts?.find((m) => m.mountPath === "/dev/shm");
    expect(pod.volumes?.find((v) => v.name === shm?.name)?.emptyDir?.medium).toBe("Memory");
    expect(c.volumeMounts?.some((m) => m.mountPath === "/tmp")).toBe(true);
  });

  it("the api runs 2 replicas behind a PodDisruptionBudget and a Service that select its pods", () => {
    const api = byComponent(defaults, "api");
    expect(specOf(api, "Deployment").replicas).toBe(2);
    const podLabels = podTemplateLabels(api);
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(selects(specOf(api, "Deployment").selector.matchLabels ?? {})).toBe(true);
    const pdb = specOf(findObject(defaults.objects, "PodDisruptionBudget", "market-reports-api"), "PodDisruptionBudget");
    expect(selects(pdb.selector?.matchLabels ?? {})).toBe(true);
    expect(pdb.minAvailable).toBeLessThan(2);
    expect(selects(specOf(findObject(defaults.objects, "Service", "market-reports-api"), "Service").selector ?? {})).toBe(true);
  });

  it("every pod runs as the image's non-root user with a read-only root filesystem and no token", () => {
    const user = imageUser();
    for (const r of Object.values(renders)) {
      const account = r.objects.find((o) => o.kind === "ServiceAccount");
      if (account) expect(account.automountServiceAccountToken).toBe(false);
      for (const o of workloads(r)) {
        const pod = podSpecOf(o)!;
        expect(pod.securityContext?.runAsNonRoot, objectId(o)).toBe(true);
        expect(pod.securityContext?.runAsUser, objectId(o)).toBe(user.uid);
        expect(pod.automountServiceAccountToken, objectId(o)).toBe(false);
        for (const c of pod.containers) {
          expect(c.securityContext, `${objectId(o)} ${c.name}`).toMatchObject({
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          });
          const tmp = c.volumeMounts?.find((m) => m.mountPath === "/tmp");
          expect(pod.volumes?.find((v) => v.name === tmp?.name)?.emptyDir, `${objectId(o)} /tmp`).toBeDefined();
        }
      }
    }
  });

  it("the inbound NetworkPolicy selects every pod and opens only ports they name", () => {
    const policy = findObject(defaults.objects, "NetworkPolicy", "market-reports");
    const spec = specOf(policy, "NetworkPolicy");
    const selected = workloads(defaults).filter((o) =>
      Object.entries(spec.podSelector.matchLabels ?? {}).every(([k, v]) => podTemplateLabels(o)[k] === v),
    );
    expect(selected.length).toBe(workloads(defaults).length);
    const portNames = new Set(selected.flatMap((o) => podSpecOf(o)!.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
    for (const rule of spec.ingress ?? []) for (const p of rule.ports ?? []) expect(portNames).toContain(p.port);
  });

  it("KEDA scales the worker Deployment on the queues the code declares (both lanes), with the broker URL from the Secret", () => {
    expect((chart.values.worker as { keda: { queueName: string } }).keda.queueName).toBe(REPORT_JOBS_QUEUE);
    const scaled = findObject(everything.objects, "ScaledObject", "market-reports-worker");
    const spec = specOf(scaled, "ScaledObject");
    expect(spec.scaleTargetRef.name).toBe(findObject(everything.objects, "Deployment", "market-reports-worker").metadata.name);
    expect(spec.triggers[0]).toMatchObject({ type: "rabbitmq", metadata: { queueName: REPORT_JOBS_QUEUE, mode: "QueueLength" } });
    expect(spec.triggers[1]).toMatchObject({ type: "rabbitmq", metadata: { queueName: REPORT_JOBS_PRIORITY_QUEUE, mode: "QueueLength" } });
    const auth = findObject(everything.objects, "TriggerAuthentication", spec.triggers[0].authenticationRef.name);
    const ref = specOf(auth, "TriggerAuthentication").secretTargetRef[0];
    expect(ref).toMatchObject({ parameter: "host", key: "AMQP_URL" });
    expect(findObject(everything.objects, "Secret", ref.name).data).toHaveProperty("AMQP_URL");
    // KEDA's HPA owns the replica count.
    expect(specOf(findObject(everything.objects, "Deployment", "market-reports-worker"), "Deployment").replicas).toBeUndefined();
  });

  it("the ServiceMonitor scrapes /metrics on the api's and the workers' metrics ports, never the API's own", () => {
    const monitor = findObject(everything.objects, "ServiceMonitor", "market-reports");
    const spec = specOf(monitor, "ServiceMonitor");
    const services = everything.objects.filter((o) => o.kind === "Service");
    const selected = services.filter((s) => Object.entries(spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v));
    const endpointPorts = spec.endpoints.map((e) => e.port);
    const scraped = selected.filter((s) => (specOf(s, "Service").ports ?? []).some((p) => p.name !== undefined && endpointPorts.includes(p.name)));
    expect(scraped.map((s) => s.metadata.name).sort()).toEqual(["market-reports-api-metrics", "market-reports-worker-metrics"]);
    for (const endpoint of spec.endpoints) {
      expect(endpoint.path).toBe("/metrics");
      expect(endpoint.port).toBe("metrics");
    }
    const apiMetrics = findObject(everything.objects, "Service", "market-reports-api-metrics");
    const apiPod = podSpecOf(findObject(everything.objects, "Deployment", "market-reports-api"))!.containers[0];
    expect(specOf(apiMetrics, "Service").ports![0].port).toBe(apiPod.ports!.find((p) => p.name === "metrics")!.containerPort);
    expect(WORKER_ROUTES.metrics).toBe("/metrics"); // and the api serves it on its metrics app: requested below
  });

  it("one image everywhere, tagged with the package version by default", () => {
    const images = new Set(allContainers(all(defaults)).map((c) => c.image));
    expect([...images]).toEqual([`market-reports:${packageVersion}`]);
    expect(new Set(allContainers(all(everything)).map((c) => c.image))).toEqual(
      new Set([`registry.example.com/market-reports@${(parse(readFileSync(VALUES_FILES[EVERYTHING], "utf8")) as { image: { digest: string } }).image.digest}`]),
    );
  });
});

describe("the api answers the chart's probes (the real express app, embedded database)", () => {
  let url = "";
  let metricsUrl = "";
  let close: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const [{ createApiApp, listen }, { connectDatabase }, { createLogger }, { createApiMetrics }, { createMetricsApp }] = await Promise.all([
      import("../../src/api/server.js"),
      import("../../src/db/connect.js"),
      import("../../src/log/logger.js"),
      import("../../src/metrics/api-metrics.js"),
      import("../../src/metrics/metrics-app.js"),
    ]);
    const handle = await connectDatabase({ dataDir: "memory://" });
    const metrics = createApiMetrics();
    const app = createApiApp(
      { env: parseEnv({ REPORT_LINK_SECRET: "deploy-test-report-link-secret-0123456789", UNSUBSCRIBE_SECRET: "deploy-test-unsubscribe-secret-0123456789" }), db: handle.db, logger: createLogger("silent", "deploy-test") },
      { metrics },
    );
    const server = await listen(app, 0, "127.0.0.1");
    const metricsServer = await listen(createMetricsApp(metrics.registry), 0, "127.0.0.1");
    url = server.url;
    metricsUrl = metricsServer.url;
    close = async () => {
      await server.close(1_000);
      await metricsServer.close(1_000);
      await handle.close();
    };
  });
  afterAll(() => close());

  it("serves 200 on every probe path of the api Deployment, and /metrics on the metrics port only", async () => {
    const c = podSpecOf(findObject(defaults.objects, "Deployment", "market-reports-api"))!.containers[0];
    const paths = [c.livenessProbe, c.readinessProbe, c.startupProbe].map((p) => p?.httpGet?.path).filter(Boolean) as string[];
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const p of new Set(paths)) {
      const res = await fetch(url + p);
      expect(res.status, p).toBe(200);
    }
    expect((await fetch(`${url}/no-such-probe`)).status).toBe(404);
    expect((await fetch(`${url}/metrics`)).status).toBe(404);
    expect((await fetch(`${metricsUrl}/metrics`)).status).toBe(200);
  });
});
