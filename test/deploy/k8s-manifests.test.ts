import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { generateK8s, generatedFilesOnDisk } from "../../scripts/generate-k8s.js";
import { ENV_NAMES, SECRET_ENV_NAMES } from "./code-facts.js";
import { findUnknownFields, validateWithModels } from "./kubernetes-schema.js";
import { K8S_DIR, REPO_ROOT, allContainers, findObject, kustomize, objectId, podSpecOf, readObjects, specOf, type Container, type K8sObject } from "./manifests.js";

const base = await kustomize(K8S_DIR);
const migrate = await kustomize(path.join(K8S_DIR, "migrate"));
const secretExample = findObject(readObjects(path.join(K8S_DIR, "secret.example.yaml")), "Secret", "market-reports");
const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;

/** The environment a container starts with: ConfigMap and Secret (envFrom) then its own env. */
function containerEnvironment(c: Container, secret: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, findObject(base, "ConfigMap", from.configMapRef.name).data as Record<string, string>);
    if (from.secretRef) {
      expect(from.secretRef.name, `${c.name}: envFrom secretRef`).toBe(secretExample.metadata.name);
      Object.assign(env, secret);
    }
  }
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

describe("k8s/ is the chart rendered with k8s/values.yaml", () => {
  it("the committed files are exactly a fresh `npm run k8s:generate`", async () => {
    const fresh = await generateK8s();
    expect(generatedFilesOnDisk().sort(), "files to add or delete: run npm run k8s:generate").toEqual([...fresh.keys()].sort());
    for (const [file, text] of fresh) {
      expect(readFileSync(path.join(K8S_DIR, file), "utf8"), `k8s/${file} is stale: run npm run k8s:generate`).toBe(text);
    }
  });

  it("carries none of Helm's bookkeeping", () => {
    for (const o of [...base, ...migrate]) {
      expect(Object.keys(o.metadata.labels ?? {}).filter((l) => /helm|managed-by|version/.test(l)), objectId(o)).toEqual([]);
      expect(Object.keys(o.metadata.annotations ?? {}).filter((a) => a.startsWith("helm.sh/")), objectId(o)).toEqual([]);
    }
  });
});

describe("k8s/ kustomizations (kubectl kustomize)", () => {
  it("resolve to the expected objects (base and migrate)", () => {
    expect(base.map(objectId).sort()).toEqual(
      [
        "core/ServiceAccount/market-reports",
        "core/ConfigMap/market-reports",
        "apps/Deployment/market-reports-api",
        "core/Service/market-reports-api",
        "policy/PodDisruptionBudget/market-reports-api",
        "apps/Deployment/market-reports-worker",
        "batch/CronJob/market-reports-tick",
        "networking.k8s.io/NetworkPolicy/market-reports",
        "networking.k8s.io/NetworkPolicy/market-reports-worker-egress",
      ].sort(),
    );
    // The migration runs before anything else exists: it carries its settings inline.
    expect(migrate.map(objectId)).toEqual(["batch/Job/market-reports-migrate"]);
    expect(podSpecOf(migrate[0])!.containers[0].envFrom?.some((f) => f.configMapRef)).toBe(false);
    // The Secret example is documentation: applying the kustomization must never overwrite real credentials.
    expect([...base, ...migrate].some((o) => o.kind === "Secret")).toBe(false);
  });

  it("validate against the Kubernetes API schemas, with no unknown field", async () => {
    const objects = [...base, ...migrate, secretExample];
    expect((await Promise.all(objects.map(validateWithModels))).flat()).toEqual([]);
    expect(findUnknownFields(objects)).toEqual([]);
  });

  it("a deliberately wrong field in a test copy fails", async () => {
    const api = structuredClone(findObject(base, "Deployment", "market-reports-api"));
    Object.assign(podSpecOf(api)!.containers[0].readinessProbe!.httpGet!, { paht: "/readyz" });
    const unknown = findUnknownFields([api]);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/'paht' does not exist/);

    const tick = structuredClone(findObject(base, "CronJob", "market-reports-tick"));
    Object.assign(specOf(tick, "CronJob"), { concurrencyPolicy: "Never" });
    Object.assign(specOf(tick, "CronJob").jobTemplate.spec!, { backoffLimit: "0" });
    const invalid = await validateWithModels(tick);
    expect(invalid.join("\n")).toMatch(/concurrencyPolicy must be equal to one of the allowed values/);
    expect(invalid.join("\n")).toMatch(/backoffLimit must be integer/);

    const worker = structuredClone(findObject(base, "Deployment", "market-reports-worker"));
    Object.assign(podSpecOf(worker)!, { terminationGracePeriod: 90 });
    expect(findUnknownFields([worker]).join("\n")).toMatch(/'terminationGracePeriod' does not exist/);
  });

  it("one image everywhere, tagged with the package version, the same in both kustomizations", () => {
    const images = new Set(allContainers([...base, ...migrate]).map((c) => c.image));
    expect([...images]).toEqual([`market-reports:${packageVersion}`]);
    const rule = (dir: string) => readFileSync(path.join(dir, "kustomization.yaml"), "utf8").split("\nimages:\n")[1];
    expect(rule(path.join(K8S_DIR, "migrate"))).toEqual(rule(K8S_DIR));
  });
});

describe("k8s/secret.example.yaml with the manifests", () => {
  const workloads = [...base, ...migrate].filter((o) => podSpecOf(o));
  const placeholders = secretExample.stringData as Record<string, string>;
  // The Secret as an operator fills it in: every CHANGE-ME replaced by something real-looking.
  const secret = Object.fromEntries(Object.entries(placeholders).map(([k, v]) => [k, v.replaceAll("CHANGE-ME", "q8Zr3vNw5TfY1bKp")]));

  it("lists every credential, as placeholders, and the ConfigMap holds none", () => {
    expect(Object.keys(placeholders).sort()).toEqual([...SECRET_ENV_NAMES].sort());
    for (const [key, value] of Object.entries(placeholders)) expect(value, key).toContain("CHANGE-ME");
    const data = findObject(base, "ConfigMap", "market-reports").data as Record<string, string>;
    expect(Object.keys(data).filter((k) => (SECRET_ENV_NAMES as readonly string[]).includes(k))).toEqual([]);
    expect(data.ENVIRONMENT).toBe("production");
  });

  it("every environment variable named in it or in k8s/values.yaml exists in ENV_KEYS", () => {
    const named = new Set<string>();
    for (const file of ["secret.example.yaml", "values.yaml"]) {
      for (const m of readFileSync(path.join(K8S_DIR, file), "utf8").matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) named.add(m[0]);
    }
    expect(named.size).toBeGreaterThan(8);
    expect([...named].filter((n) => !ENV_NAMES.has(n))).toEqual([]);
  });

  it("every container's environment is a valid production configuration", () => {
    expect(workloads.length).toBe(4);
    for (const o of workloads) {
      for (const c of podSpecOf(o)!.containers) expect(parseEnv(containerEnvironment(c, secret)).ENVIRONMENT, objectId(o)).toBe("production");
    }
    // And the check has teeth: without the Secret, production refuses to start.
    const api = podSpecOf(findObject(base, "Deployment", "market-reports-api"))!.containers[0];
    expect(() => parseEnv(containerEnvironment({ ...api, envFrom: api.envFrom?.filter((f) => !f.secretRef) }, {}))).toThrow(
      /DATABASE_URL: is required when ENVIRONMENT=production/,
    );
  });

  it("every workload reads the Secret the example creates", () => {
    const secretNames = (o: K8sObject) => podSpecOf(o)!.containers.flatMap((c) => (c.envFrom ?? []).flatMap((f) => (f.secretRef ? [f.secretRef.name] : [])));
    for (const o of workloads) expect(secretNames(o), objectId(o)).toEqual([secretExample.metadata.name]);
  });
});
