import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { unusedPorts } from "../support/unused-port.js";
import { waitUntil } from "../support/wait-until.js";

/**
 * `npm start` on a fresh machine: no DATABASE_URL, AMQP_URL, S3 or SMTP — PGlite, the in-process
 * queue, local files and the .eml outbox. Runs the real `dev` command as its own process.
 */
const EMBEDDED_ENV = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(DATABASE_URL|AMQP_URL|AMQP_PREFIX|S3_|SMTP_URL|AWS_|SIMPLYRETS_|ENVIRONMENT|PUBLIC_BASE_URL|UNSUBSCRIBE_SECRET|REPORT_LINK_SECRET|HOST$)/.test(k)),
);

interface Dev {
  child: ChildProcess;
  output: () => string;
  apiKey: string;
  port: number;
  base: string;
  metricsBase: string;
}

/** `terminal`: run it as a person does, its output a terminal (util-linux `script` gives it a pty). */
async function startDev(dataDir: string, terminal = false): Promise<Dev> {
  const [port, metricsPort] = await unusedPorts(2);
  const command = [process.execPath, "--import", "tsx", "src/commands/cli.ts", "dev"];
  const env = { ...EMBEDDED_ENV, DATA_DIR: dataDir, PORT: String(port), METRICS_PORT: String(metricsPort), LOG_LEVEL: "info" };
  const child = terminal
    ? spawn("script", ["-qefc", command.join(" "), "/dev/null"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true })
    : spawn(command[0]!, command.slice(1), { env, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  await waitUntil(
    () => {
      if (child.exitCode !== null) throw new Error(`dev exited early:\n${out}`);
      return /API key \(development only\): (mr_\S+)/.test(out);
    },
    { timeoutMs: 120_000, intervalMs: 200, what: () => `dev did not start:\n${out}` },
  );
  return { child, output: () => out, apiKey: /API key \(development only\): (mr_\S+)/.exec(out)![1]!, port: port!, base: `http://127.0.0.1:${port}`, metricsBase: `http://127.0.0.1:${metricsPort}` };
}

async function stop(dev: Dev): Promise<number | null> {
  dev.child.kill("SIGTERM");
  return new Promise((resolve) => dev.child.once("exit", (code) => resolve(code)));
}

/** The List-Unsubscribe URL of a written message, on this machine's loopback address. */
function unsubscribeLink(eml: string, base: string): string {
  const header = /^List-Unsubscribe: <(http[^>]+)>/m.exec(eml.replace(/\r?\n[ \t]+/g, ""))![1]!;
  return header.replace(/^http:\/\/localhost:\d+/, base);
}

describe("npm start (market-reports dev) on embedded defaults", () => {
  let dataDir: string;
  let sentUnsubscribeLink = "";
  const running: Dev[] = [];
  afterAll(async () => {
    for (const dev of running) if (dev.child.exitCode === null) dev.child.kill("SIGKILL");
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it("starts, prints a key and curl lines, serves the API, and a run-now report reaches the outbox", async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "mr-dev-"));
    const dev = await startDev(dataDir);
    const port = dev.port;
    running.push(dev);
    expect(dev.output()).toContain(`curl -s -X POST http://localhost:${port}/trpc/schedules.create`);
    expect(dev.output()).toContain("PGlite in");

    expect((await fetch(`${dev.base}/healthz`)).status).toBe(200);
    // The web app, built on first start: React's production build whatever NODE_ENV the starter had
    // (this test's is "test"), and a sign-in link with the key in the fragment.
    const appPage = await fetch(`${dev.base}/schedules`);
    expect(appPage.status).toBe(200);
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await appPage.text())![1];
    const bundle = await (await fetch(`${dev.base}${script}`)).text();
    expect(bundle.includes("jsxDEV"), "the bundle calls React's development JSX runtime").toBe(false);
    expect(dev.output()).toContain(`/sign-in#key=${dev.apiKey}`);
    // Its signing secrets are its own, generated once in DATA_DIR for its owner's eyes only.
    for (const name of ["report_link_secret", "unsubscribe_secret"]) {
      expect((await stat(path.join(dataDir, "secrets", name))).mode & 0o777, name).toBe(0o600);
    }
    // It answers this machine only: not on the machine's other addresses.
    const external = Object.values(networkInterfaces()).flat().find((i) => i && i.family === "IPv4" && !i.internal);
    if (external) await expect(fetch(`http://${external.address}:${port}/healthz`)).rejects.toThrow();
    // Prometheus text on METRICS_PORT, never on the API's port; logs piped (not a terminal) are JSON.
    expect((await fetch(`${dev.metricsBase}/metrics`)).status).toBe(200);
    expect((await fetch(`${dev.base}/metrics`)).status).toBe(404);
    expect(dev.output()).toMatch(/^\{"level":30,.*"name":"market-reports-dev"/m);
    const headers = { Authorization: `Bearer ${dev.apiKey}`, "Content-Type": "application/json" };
    const created = await fetch(`${dev.base}/trpc/schedules.create`, {
      method: "POST",
      headers,
      body: JSON.stringify({ name: "Weekly Market Snapshot", report_type: "market_snapshot", city: "San Diego", zip_codes: ["92101"], cadence: "weekly", weekly_dow: 1, recipients: ["client@example.com"] }),
    });
    expect(created.status).toBe(200);
    const schedule = ((await created.json()) as { result: { data: { id: string; next_run_at: string } } }).result.data;
    expect(new Date(schedule.next_run_at).getTime()).toBeGreaterThan(Date.now());

    const runNow = await fetch(`${dev.base}/trpc/schedules.runNow`, { method: "POST", headers, body: JSON.stringify({ id: schedule.id }) });
    expect(runNow.status).toBe(200);

    const outbox = path.join(dataDir, "outbox");
    const eml = await vi.waitFor(
      async () => {
        const messages = (await readdir(outbox).catch(() => [])).filter((f) => f.endsWith(".eml"));
        expect(messages).toHaveLength(1);
        return readFile(path.join(outbox, messages[0]!), "utf8");
      },
      { timeout: 90_000, interval: 250 },
    );
    expect(eml).toMatch(/^To: client@example.com/m);
    expect(eml).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);
    sentUnsubscribeLink = unsubscribeLink(eml, dev.base);
    expect((await fetch(sentUnsubscribeLink)).status).toBe(200);

    const runs = await fetch(`${dev.base}/trpc/schedules.runs?input=${encodeURIComponent(JSON.stringify({ id: schedule.id }))}`, { headers });
    const [run] = ((await runs.json()) as { result: { data: { runs: { status: string; kind: string }[] } } }).result.data.runs;
    expect(run).toMatchObject({ status: "completed", kind: "manual" });

    expect(await stop(dev)).toBe(0);
  }, 240_000);

  it("on a terminal, logs human-readable lines instead of JSON", async () => {
    const dev = await startDev(dataDir, true);
    running.push(dev);
    expect(dev.output()).toMatch(/INFO.*\(market-reports-dev\)/);
    expect(dev.output()).not.toContain('{"level":');
    process.kill(-dev.child.pid!, "SIGTERM");
    await new Promise((resolve) => dev.child.once("exit", resolve));
  }, 240_000);

  it("keeps its data across restarts and prints the same key", async () => {
    const first = running[0]!;
    const dev = await startDev(dataDir);
    running.push(dev);
    expect(dev.apiKey).toBe(first.apiKey);
    const list = await fetch(`${dev.base}/trpc/schedules.list`, { headers: { Authorization: `Bearer ${dev.apiKey}` } });
    expect(((await list.json()) as { result: { data: { count: number } } }).result.data.count).toBe(1);
    // the link in mail sent before the restart still verifies: the same secret, kept in DATA_DIR
    expect((await fetch(sentUnsubscribeLink.replace(/^http:\/\/127\.0\.0\.1:\d+/, dev.base))).status).toBe(200);
    expect(await stop(dev)).toBe(0);
  }, 240_000);
});
