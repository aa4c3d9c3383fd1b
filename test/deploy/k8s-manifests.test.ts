import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseYamlDocuments } from "./manifests.js";
import { parseEnv } from "../../src/config/env.js";
import {
  CLI_COMMANDS,
  ENV_DEFAULTS,
  ENV_NAMES,
  SECRET_ENV_NAMES,
  commandModule,
  shutdownGraceMs,
  stringLiteralsIn,
  stringLiteralsInSource,
} from "./code-facts.js";
import { findUnknownFields, validateWithModels } from "./kubernetes-schema.js";
import {
  K8S_DIR,
  REPO_ROOT,
  allContainers,
  findObject,
  objectId,
  podSpecOf,
  readObjects,
  resolveKustomization,
  splitImage,
  type Container,
  type K8sObject,
} from "./manifests.js";
import { imageUser } from "./dockerfile.js";

const base = resolveKustomization(K8S_DIR);
const migrate = resolveKustomization(path.join(K8S_DIR, "migrate"));
const everyFile = yamlFilesUnder(K8S_DIR).filter((f) => !/kustomization\.ya?ml$/.test(f));
const fileObjects = everyFile.flatMap(readObjects);
const secretExample = findObject(readObjects(path.join(K8S_DIR, "secret.example.yaml")), "Secret", "market-reports");
const configMap = findObject(base, "ConfigMap", "market-reports");
const packageVersion = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string }).version;
const workloads = [...base, ...migrate].filter((o) => podSpecOf(o));
const byComponent = (component: string) =>
  workloads.find((o) => o.metadata.labels?.["app.kubernetes.io/component"] === component)!;

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return yamlFilesUnder(full);
    return /\.ya?ml$/.test(e.name) ? [full] : [];
  });
}

function kubectlAvailable(): boolean {
  try {
    execFileSync("kubectl", ["version", "--client"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** The environment a container starts with: ConfigMap and Secret (envFrom) then its own env. */
function containerEnvironment(c: Container, secret: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, (findObject(base, "ConfigMap", from.configMapRef.name).data as Record<string, string>) ?? {});
    if (from.secretRef) {
      expect(from.secretRef.name, `${c.name}: envFrom secretRef`).toBe(secretExample.metadata.name);
      Object.assign(env, secret);
    }
  }
  for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
  return env;
}

describe("k8s/ kustomizations", () => {
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
      ].sort(),
    );
    expect(migrate.map(objectId).sort()).toEqual(
      ["core/ServiceAccount/market-reports", "core/ConfigMap/market-reports", "batch/Job/market-reports-migrate"].sort(),
    );
    // The Secret example is documentation: applying the kustomization must never overwrite real credentials.
    expect([...base, ...migrate].some((o) => o.kind === "Secret")).toBe(false);
  });

  it.skipIf(!kubectlAvailable())("resolve exactly as `kubectl kustomize` does (when kubectl is installed)", () => {
    for (const [dir, ours] of [
      [K8S_DIR, base],
      [path.join(K8S_DIR, "migrate"), migrate],
    ] as const) {
      const theirs = parseYamlDocuments(execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8" }), "kubectl kustomize");
      const strip = (o: K8sObject) => {
        const { source: _s, ...rest } = o;
        return rest;
      };
      const index = (list: Record<string, unknown>[]) =>
        Object.fromEntries(list.map((o) => [objectId(o as unknown as K8sObject), o]));
      expect(index(theirs)).toEqual(index(ours.map(strip)));
    }
  });
});

describe("k8s/ manifests against the Kubernetes API schemas", () => {
  it("every object in every file validates (types, enums, required fields)", async () => {
    const problems = (await Promise.all([...fileObjects, ...base, ...migrate].map(validateWithModels))).flat();
    expect(problems).toEqual([]);
  });

  it("no object carries a field the API does not know", () => {
    expect(findUnknownFields([...fileObjects, ...base, ...migrate])).toEqual([]);
  });

  it("a deliberately wrong field in a test copy fails", async () => {
    const api = structuredClone(findObject(base, "Deployment", "market-reports-api"));
    (api.spec as any).template.spec.containers[0].readinessProbe.httpGet.paht = "/readyz";
    const unknown = findUnknownFields([api]);
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatch(/'paht' does not exist/);

    const tick = structuredClone(findObject(base, "CronJob", "market-reports-tick"));
    (tick.spec as any).concurrencyPolicy = "Never";
    (tick.spec as any).jobTemplate.spec.backoffLimit = "0";
    const invalid = await validateWithModels(tick);
    expect(invalid.join("\n")).toMatch(/concurrencyPolicy must be equal to one of the allowed values/);
    expect(invalid.join("\n")).toMatch(/backoffLimit must be integer/);

    const worker = structuredClone(findObject(base, "Deployment", "market-reports-worker"));
    (worker.spec as any).template.spec.terminationGracePeriod = 90;
    expect(findUnknownFields([worker]).join("\n")).toMatch(/'terminationGracePeriod' does not exist/);
  });
});

describe("k8s/ agrees with the code", () => {
  it("every container runs the image's CLI with a command that exists", () => {
    const expected: Record<string, string> = { api: "api", worker: "worker", tick: "tick", migrate: "migrate" };
    for (const o of workloads) {
      const component = o.metadata.labels?.["app.kubernetes.io/component"] ?? "";
      for (const c of podSpecOf(o)!.containers) {
        // `command` would bypass the image's ENTRYPOINT (tini + node dist/commands/cli.js), and another
        // working directory would break its relative dist/commands/cli.js.
        expect(c.command, `${objectId(o)} ${c.name}`).toBeUndefined();
        expect((c as { workingDir?: string }).workingDir, `${objectId(o)} ${c.name}`).toBeUndefined();
        expect(CLI_COMMANDS, `${objectId(o)} ${c.name}`).toContain(c.args?.[0]);
        expect(c.args?.[0], `${objectId(o)}`).toBe(expected[component]);
      }
    }
    expect(Object.keys(expected).map(byComponent).every(Boolean)).toBe(true);
  });

  it("every environment variable named in k8s/ exists in ENV_KEYS", () => {
    const named = new Set<string>();
    for (const c of allContainers([...base, ...migrate])) for (const e of c.env ?? []) named.add(e.name);
    for (const key of Object.keys((configMap.data as object) ?? {})) named.add(key);
    for (const key of Object.keys((secretExample.stringData as object) ?? {})) named.add(key);
    // Names in comments too (the ConfigMap lists optional keys there): a typo there misleads.
    for (const file of yamlFilesUnder(K8S_DIR)) {
      for (const m of readFileSync(file, "utf8").matchAll(/\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/g)) named.add(m[0]);
    }
    const unknown = [...named].filter((n) => !ENV_NAMES.has(n));
    expect(unknown).toEqual([]);
    expect(named.size).toBeGreaterThan(15);
  });

  it("credentials are in the Secret (placeholders only), never in the ConfigMap", () => {
    for (const name of SECRET_ENV_NAMES) expect(ENV_NAMES, name).toContain(name);
    const data = configMap.data as Record<string, string>;
    expect(Object.keys(data).filter((k) => (SECRET_ENV_NAMES as readonly string[]).includes(k))).toEqual([]);
    const secret = secretExample.stringData as Record<string, string>;
    expect(Object.keys(secret).sort()).toEqual([...SECRET_ENV_NAMES].sort());
    for (const [key, value] of Object.entries(secret)) expect(value, key).toContain("CHANGE-ME");
    expect(data.ENVIRONMENT).toBe("production");
  });

  it("every container's environment is a valid production configuration", () => {
    const secret = secretExample.stringData as Record<string, string>;
    for (const o of workloads) {
      for (const c of podSpecOf(o)!.containers) {
        const env = containerEnvironment(c, secret);
        const parsed = parseEnv(env);
        expect(parsed.ENVIRONMENT, objectId(o)).toBe("production");
      }
    }
    // And the check has teeth: without the Secret, production refuses to start.
    const api = podSpecOf(byComponent("api"))!.containers[0];
    expect(() => parseEnv(containerEnvironment({ ...api, envFrom: api.envFrom?.filter((f) => !f.secretRef) }, {}))).toThrow(
      /DATABASE_URL: is required when ENVIRONMENT=production/,
    );
  });

  it("ports and probes match what the api and worker serve", () => {
    const secret = secretExample.stringData as Record<string, string>;
    // The worker's health server lives in its command module; the api's routes anywhere under src/
    // (and the api is asked for real below).
    const literalsOf = (component: string) =>
      component === "worker" ? stringLiteralsIn([commandModule("worker")!]) : stringLiteralsInSource();
    const cases = [
      { component: "api", portEnv: "PORT", portName: "http", paths: { livenessProbe: "/healthz", readinessProbe: "/readyz" } },
      { component: "worker", portEnv: "WORKER_HEALTH_PORT", portName: "metrics", paths: { livenessProbe: "/healthz" } },
    ] as const;
    for (const { component, portEnv, portName, paths } of cases) {
      const c = podSpecOf(byComponent(component))!.containers[0];
      const env = parseEnv(containerEnvironment(c, secret));
      const port = c.ports?.find((p) => p.name === portName);
      expect(port?.containerPort, `${component} port`).toBe(env[portEnv]);
      for (const [probe, pathExpected] of Object.entries(paths)) {
        const get = (c as any)[probe]?.httpGet;
        expect(get?.path, `${component} ${probe}`).toBe(pathExpected);
        expect(literalsOf(component), `${component} ${probe}: "${get?.path}" must be a route the ${component} serves`).toContain(get?.path);
        expect([portName, port?.containerPort], `${component} ${probe} port`).toContain(get?.port);
      }
      if (c.startupProbe) expect(literalsOf(component)).toContain(c.startupProbe.httpGet?.path);
    }
    const service = findObject(base, "Service", "market-reports-api");
    const apiPorts = podSpecOf(byComponent("api"))!.containers[0].ports!.map((p) => p.name);
    for (const p of (service.spec as any).ports) expect(apiPorts).toContain(p.targetPort);
  });

  it("the tick CronJob fires every minute and ends before the next one", () => {
    const cron = findObject(base, "CronJob", "market-reports-tick");
    const spec = cron.spec as any;
    expect(spec.schedule).toBe("* * * * *");
    expect(spec.timeZone).toBe("Etc/UTC");
    expect(spec.concurrencyPolicy).toBe("Forbid");
    expect(spec.startingDeadlineSeconds).toBeGreaterThan(0);
    expect(spec.startingDeadlineSeconds).toBeLessThan(60);
    expect(spec.successfulJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    expect(spec.failedJobsHistoryLimit).toBeGreaterThanOrEqual(1);
    const job = spec.jobTemplate.spec;
    expect(job.backoffLimit).toBe(0);
    expect(job.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(job.template.spec.restartPolicy).toBe("Never");
    const tick = job.template.spec.containers[0] as Container;
    const budget = parseEnv(containerEnvironment(tick, secretExample.stringData as Record<string, string>)).TICK_BUDGET_SECONDS;
    expect(budget).toBeLessThan(job.activeDeadlineSeconds);
    expect(job.activeDeadlineSeconds).toBeLessThan(60);
    expect(ENV_DEFAULTS.TICK_BUDGET_SECONDS).toBeLessThan(60);
  });

  it("grace periods cover each process's own shutdown bound", () => {
    const apiPod = podSpecOf(byComponent("api"))!;
    const preStop = apiPod.containers[0].lifecycle?.preStop?.exec?.command;
    const preStopSeconds = preStop?.[0] === "sleep" ? Number(preStop[1]) : 0;
    const apiGrace = shutdownGraceMs("api");
    expect(apiGrace, "api shutdown bound (onShutdownSignal in src/api/api-command.ts)").toBeDefined();
    expect(apiPod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(preStopSeconds * 1000 + apiGrace!);
    // The worker finishes the jobs in hand before it exits; SIGKILL must not come first.
    const workerGrace = shutdownGraceMs("worker");
    expect(workerGrace, "worker shutdown bound (onShutdownSignal in src/commands/worker-command.ts)").toBeDefined();
    const workerPod = podSpecOf(byComponent("worker"))!;
    expect(workerPod.terminationGracePeriodSeconds! * 1000).toBeGreaterThan(workerGrace!);
  });

  it("the worker has Chromium's shared memory, a liveness probe and a writable /tmp", () => {
    const pod = podSpecOf(byComponent("worker"))!;
    const c = pod.containers[0];
    expect(c.livenessProbe).toBeDefined();
    const shm = c.volumeMounts?.find((m) => m.mountPath === "/dev/shm");
    expect(pod.volumes?.find((v) => v.name === shm?.name)?.emptyDir?.medium).toBe("Memory");
    expect(c.volumeMounts?.some((m) => m.mountPath === "/tmp")).toBe(true);
  });

  it("the api runs 2 replicas behind a PodDisruptionBudget and a Service that select its pods", () => {
    const api = byComponent("api");
    expect((api.spec as any).replicas).toBe(2);
    const podLabels = (api.spec as any).template.metadata.labels as Record<string, string>;
    const selects = (selector: Record<string, string>) => Object.entries(selector).every(([k, v]) => podLabels[k] === v);
    expect(selects((api.spec as any).selector.matchLabels)).toBe(true);
    expect(selects((findObject(base, "PodDisruptionBudget", "market-reports-api").spec as any).selector.matchLabels)).toBe(true);
    expect(selects((findObject(base, "Service", "market-reports-api").spec as any).selector)).toBe(true);
    expect((findObject(base, "PodDisruptionBudget", "market-reports-api").spec as any).minAvailable).toBeLessThan(2);
  });

  it("every pod runs as the image's non-root user with a read-only root filesystem and no token", () => {
    const user = imageUser();
    expect(findObject(base, "ServiceAccount", "market-reports").automountServiceAccountToken).toBe(false);
    for (const o of workloads) {
      const pod = podSpecOf(o)!;
      expect(pod.securityContext?.runAsNonRoot, objectId(o)).toBe(true);
      expect(pod.securityContext?.runAsUser, objectId(o)).toBe(user.uid);
      expect(pod.automountServiceAccountToken, objectId(o)).toBe(false);
      expect(pod.serviceAccountName, objectId(o)).toBe("market-reports");
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
  });

  it("the NetworkPolicy opens only ports the selected pods name", () => {
    const policy = findObject(base, "NetworkPolicy", "market-reports");
    const spec = policy.spec as any;
    const selected = workloads.filter((o) =>
      Object.entries(spec.podSelector.matchLabels as Record<string, string>).every(
        ([k, v]) => (podSpecOf(o) && (o.kind === "CronJob" ? (o.spec as any).jobTemplate.spec.template : (o.spec as any).template).metadata.labels[k]) === v,
      ),
    );
    expect(selected.length).toBe(workloads.length);
    const portNames = new Set(selected.flatMap((o) => podSpecOf(o)!.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name))));
    for (const rule of spec.ingress) for (const p of rule.ports) expect(portNames).toContain(p.port);
  });

  it("one image everywhere, tagged with the package version, the same in both kustomizations", () => {
    const images = new Set(allContainers([...base, ...migrate]).map((c) => c.image));
    expect(images.size).toBe(1);
    const [image] = [...images];
    expect(splitImage(image).tag).toBe(packageVersion);
    const rule = (dir: string) => (parseYamlDocuments(readFileSync(path.join(dir, "kustomization.yaml"), "utf8"), dir)[0].images as unknown[]);
    expect(rule(path.join(K8S_DIR, "migrate"))).toEqual(rule(K8S_DIR));
    // The files themselves carry the same tag, for `kubectl apply -f`.
    for (const c of allContainers(fileObjects)) expect(c.image).toBe(`market-reports:${packageVersion}`);
  });
});

describe("the api answers its probes (the real express app, embedded database)", () => {
  let url = "";
  let close: () => Promise<void> = async () => undefined;

  beforeAll(async () => {
    const [{ createApiApp, listen }, { connectDatabase }, { createLogger }] = await Promise.all([
      import("../../src/api/server.js"),
      import("../../src/db/connect.js"),
      import("../../src/log/logger.js"),
    ]);
    const handle = await connectDatabase({ dataDir: "memory://" });
    const app = createApiApp({ env: parseEnv({}), db: handle.db, logger: createLogger("silent", "deploy-test") });
    const server = await listen(app, 0, "127.0.0.1");
    url = server.url;
    close = async () => {
      await server.close(1_000);
      await handle.close();
    };
  });
  afterAll(() => close());

  it("serves 200 on every probe path of the api Deployment and on /metrics", async () => {
    const c = podSpecOf(byComponent("api"))!.containers[0];
    const paths = [c.livenessProbe, c.readinessProbe, c.startupProbe].map((p) => p?.httpGet?.path).filter(Boolean) as string[];
    expect(paths.length).toBeGreaterThanOrEqual(2);
    for (const p of [...new Set(paths), "/metrics"]) {
      const res = await fetch(url + p);
      expect(res.status, p).toBe(200);
    }
  });
});
