import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { deployTools } from "../../scripts/deploy-tools.js";
import { loadChart } from "./helm-chart.js";
import { CHART_DIR, K8S_DIR, REPO_ROOT, findObject, kustomize } from "./manifests.js";

// The README's "Deploy" section, up to the next top-level heading.
const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
const deployDoc = readme.slice(readme.indexOf("\n## Deploy\n")).split(/\n## (?!Deploy\n)/)[0]!;
const chartReadme = readFileSync(path.join(CHART_DIR, "README.md"), "utf8");
const chart = loadChart();

function valuePathExists(p: string): boolean {
  let node: unknown = chart.values;
  for (const key of p.split(".")) {
    if (node === null || typeof node !== "object" || !(key in (node as object))) return false;
    node = (node as Record<string, unknown>)[key];
  }
  return true;
}

describe("deployment docs", () => {
  it("name only values that exist (in --set flags and in `code` spans)", () => {
    const topLevel = Object.keys(chart.values).join("|");
    const mentioned = new Set<string>();
    for (const text of [deployDoc, chartReadme]) {
      for (const m of text.matchAll(/--set\s+([A-Za-z0-9_.]+)=/g)) mentioned.add(m[1]);
      for (const m of text.matchAll(new RegExp(`\`((?:${topLevel})(?:\\.[A-Za-z0-9_]+)*)\``, "g"))) mentioned.add(m[1]);
    }
    // The example typo is meant to be wrong.
    mentioned.delete("api.replicaCont");
    expect(mentioned.size).toBeGreaterThan(20);
    expect([...mentioned].filter((p) => !valuePathExists(p))).toEqual([]);
  });

  it("give the manual-tick command for the CronJob that exists", async () => {
    const cron = findObject(await kustomize(K8S_DIR), "CronJob", "market-reports-tick");
    const command = `kubectl create job --namespace reports --from=cronjob/${cron.metadata.name} manual-tick-$(date +%s)`;
    expect(deployDoc).toContain(command);
    expect(chartReadme).toContain(`--from=cronjob/${cron.metadata.name} manual-tick-$(date +%s)`);
  });

  it("cover install, values, scaling, upgrading and what was not exercised", () => {
    for (const heading of ["### Install with Helm", "### Values to set", "### Trigger a tick by hand", "### Scaling", "### Upgrading", "### What was checked here, and what was not"]) {
      expect(deployDoc).toContain(heading);
    }
    expect(deployDoc).toMatch(/no Docker engine and no Kubernetes cluster/);
    expect(deployDoc).toContain("helm install market-reports ./helm/market-reports");
  });

  it("name the helm and kubectl versions the tests run, and the package they come from", async () => {
    const tools = await deployTools();
    const minor = (text: string) => /v?(\d+\.\d+)\.\d+/.exec(text)![1];
    const helmVersion = minor(execFileSync(tools.helm, ["version", "--short"], { encoding: "utf8" }));
    const kubectlVersion = minor(execFileSync(tools.kubectl, ["version", "--client"], { encoding: "utf8" }));
    const prose = deployDoc.replace(/\s+/g, " ");
    expect(prose).toContain(`\`helm\` (${helmVersion}) and \`kubectl\` (${kubectlVersion})`);
    const devDependencies = (JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> }).devDependencies;
    expect(Object.keys(devDependencies)).toContain(tools.layerPackage);
    expect(deployDoc).toContain(`\`${tools.layerPackage}\``);
    expect(deployDoc).toContain("npm run k8s:generate");
  });
});
