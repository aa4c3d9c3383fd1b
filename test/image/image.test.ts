import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { parse as parseYaml } from "yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, type MarketReportsClient } from "../../src/client.js";
import type { DatabaseHandle } from "../../src/db/connect.js";
import { brokerHandle, type BrokerHandle } from "../e2e/harness/broker.js";
import { REPO_ROOT } from "../e2e/harness/cli-process.js";
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from "../support/s3-server.js";
import { unusedPort } from "../support/unused-port.js";
import { waitUntil } from "../support/wait-until.js";
import { startSmtpRecorder, type SmtpRecorder } from "../e2e/harness/smtp-recorder.js";
import { createLoginRoleDatabase, type LoginRoleDatabase } from "../support/login-role-database.js";
import { AMQP_URL } from "../support/services.js";
import { CLUSTER_FLAGS, envFlags, podman, podmanOk } from "./podman.js";

/*
 * `npm run test:image` (scripts/image/test-image.sh builds the image first and passes its name in
 * MARKET_REPORTS_IMAGE): the image run the way a cluster runs it, against this machine's Postgres
 * and RabbitMQ and an SMTP and S3 server in this process. Not part of `npm test`.
 */
const IMAGE = process.env.MARKET_REPORTS_IMAGE;
const APP_UID = 10001;

const values = parseYaml(readFileSync(path.join(REPO_ROOT, "helm/market-reports/values.yaml"), "utf8")) as {
  api: { terminationGracePeriodSeconds: number };
  worker: { terminationGracePeriodSeconds: number };
};

const run = randomBytes(4).toString("hex");
const containerLabel = `market-reports-image-test=${run}`;
const amqpPrefix = `mr-image-${run}`;
const recipient = "client@example.com";

let smtp: SmtpRecorder | undefined;
let s3: S3Server | undefined;
let broker: BrokerHandle | undefined;
let loginDatabase: LoginRoleDatabase | undefined;
let database: DatabaseHandle | undefined;
let env: Record<string, string>;
let apiUrl: string;
let workerHealthUrl: string;

/** A one-off command in the image with the cluster's restrictions. */
function runOnce(args: string[], extraFlags: string[] = []) {
  return podman(["run", "--rm", `--label=${containerLabel}`, ...CLUSTER_FLAGS, ...envFlags(env), ...extraFlags, IMAGE!, ...args], 180_000);
}

/** A long-running process (`api`, `worker`) in the background, named for logs and signals. */
async function start(command: string): Promise<string> {
  const name = `mr-image-${run}-${command}`;
  await podmanOk(["run", "--detach", `--name=${name}`, `--label=${containerLabel}`, ...CLUSTER_FLAGS, ...envFlags(env), IMAGE!, command]);
  return name;
}

const logsOf = async (name: string) => {
  const { stdout, stderr } = await podman(["logs", "--tail=40", name]);
  return `${stdout}${stderr}`;
};

async function waitForOk(url: string, container: string, timeoutMs: number): Promise<Response> {
  let response: Response | undefined;
  await waitUntil(
    async () => {
      response = await fetch(url).catch(() => undefined);
      if (response?.ok) return true;
      const state = (await podmanOk(["inspect", "--format={{.State.Status}}", container])).trim();
      if (state !== "running") throw new Error(`${url} never answered 200 (container ${state}); last log lines:\n${await logsOf(container)}`);
      return false;
    },
    { timeoutMs, what: async () => `${url} never answered 200; last log lines:\n${await logsOf(container)}` },
  );
  return response!;
}

/** SIGTERM, then SIGKILL after the pod's grace period; the container's exit code. */
async function stopWithin(container: string, graceSeconds: number): Promise<number> {
  await podmanOk(["stop", `--time=${graceSeconds}`, container], (graceSeconds + 30) * 1000);
  return Number((await podmanOk(["inspect", "--format={{.State.ExitCode}}", container])).trim());
}

/** The uid of every process in a running container (the one reading them included). */
async function uidsIn(container: string): Promise<number[]> {
  const out = await podmanOk(["exec", container, "sh", "-c", "for s in /proc/[0-9]*/status; do sed -n 's/^Uid:[[:space:]]*\\([0-9]*\\).*/\\1/p' \"$s\"; done"]);
  return out.split("\n").filter(Boolean).map(Number);
}

/** Removes whatever was created so far; safe to call again. */
async function cleanUp() {
  const containers = (await podman(["ps", "--all", "--quiet", `--filter=label=${containerLabel}`])).stdout.split("\n").filter(Boolean);
  if (containers.length > 0) await podman(["rm", "--force", "--time=0", ...containers]);
  await broker?.remove().catch(() => undefined);
  broker = undefined;
  database = undefined;
  await loginDatabase?.drop();
  loginDatabase = undefined;
  await smtp?.close();
  await s3?.close();
  [smtp, s3] = [undefined, undefined];
}

describe.skipIf(!IMAGE)(`the container image ${IMAGE ?? "(MARKET_REPORTS_IMAGE not set)"}`, () => {
  beforeAll(async () => {
    try {
      // The image runs as a deployment does: migrations and all as a login role of its own (not
      // a superuser, which production refuses), its database empty until `migrate`.
      loginDatabase = await createLoginRoleDatabase("mr_image", { migrate: false });

      smtp = await startSmtpRecorder();
      s3 = await startS3Server("image-test-reports");
      broker = brokerHandle(AMQP_URL, amqpPrefix);
      const port = await unusedPort();
      apiUrl = `http://127.0.0.1:${port}`;
      const healthPort = await unusedPort();
      workerHealthUrl = `http://127.0.0.1:${healthPort}/healthz`;
      env = {
        ENVIRONMENT: "production",
        LOG_LEVEL: "info",
        DATABASE_URL: loginDatabase.url,
        AMQP_URL,
        AMQP_PREFIX: amqpPrefix,
        S3_ENDPOINT: s3.endpoint,
        S3_BUCKET: s3.bucket,
        S3_FORCE_PATH_STYLE: "true",
        AWS_ACCESS_KEY_ID: S3RVER_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: S3RVER_CREDENTIALS.secretAccessKey,
        SMTP_URL: smtp.url,
        EMAIL_FROM: "Image Test <reports@image.test>",
        PUBLIC_BASE_URL: apiUrl,
        UNSUBSCRIBE_SECRET: `image-test-unsubscribe-secret-${run}-0123456789`,
        REPORT_LINK_SECRET: `image-test-report-link-secret-${run}-0123456789`,
        PORT: String(port),
        WORKER_HEALTH_PORT: String(healthPort),
        METRICS_PORT: String(await unusedPort()),
      };
      // The test's own checks see every account's rows.
      database = loginDatabase.admin;
    } catch (error) {
      await cleanUp();
      throw error;
    }
  });

  afterAll(cleanUp);

  it("runs as uid 10001, and that user cannot write the code", async () => {
    expect((await podmanOk(["image", "inspect", "--format={{.Config.User}}", IMAGE!])).trim()).toBe(`${APP_UID}:${APP_UID}`);
    // Without --read-only: the files' owners and modes alone keep /app and Node unwritable.
    const probe = await podman([
      "run", "--rm", `--label=${containerLabel}`, "--network=none", "--entrypoint=/bin/sh", IMAGE!, "-c",
      "id -u; find /app /usr/local/bin/node -writable -print | head -5; touch /app/x 2>/dev/null && echo wrote /app/x; true",
    ]);
    expect(probe.code, probe.stderr).toBe(0);
    expect(probe.stdout.trim().split("\n")).toEqual([String(APP_UID)]);
  });

  it("migrate applies every migration, and a second run finds nothing to do", async () => {
    const first = await runOnce(["migrate"]);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout).toMatch(/^Applied \d+ migration\(s\): /m);
    const second = await runOnce(["migrate"]);
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout.trim()).toBe("Database is up to date.");
  });

  it("end to end: account by the CLI, the web app served, schedule and runNow through the api, the worker renders a PDF and mails it, the run completes; SIGTERM stops both cleanly", async () => {
    const created = await runOnce(["accounts", "create", "--name", "Image Test Realty"]);
    expect(created.code, created.stderr).toBe(0);
    const apiKey = /^api_key:\s+(\S+)$/m.exec(created.stdout)?.[1];
    expect(apiKey, created.stdout).toBeDefined();

    const api = await start("api");
    const worker = await start("worker");
    expect((await waitForOk(`${apiUrl}/healthz`, api, 60_000)).status).toBe(200);
    expect((await waitForOk(`${apiUrl}/readyz`, api, 60_000)).status).toBe(200);
    await waitForOk(workerHealthUrl, worker, 60_000);
    // The web app the build stage compiled is in the image and served at /.
    const home = await fetch(`${apiUrl}/`);
    expect(home.status).toBe(200);
    const page = await home.text();
    expect(page).toContain('<div id="root">');
    const script = /<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(page)?.[1];
    expect(script, page).toBeDefined();
    expect((await fetch(`${apiUrl}${script}`)).status).toBe(200);
    expect(new Set(await uidsIn(api))).toEqual(new Set([APP_UID]));

    const client: MarketReportsClient = createClient({ url: `${apiUrl}/trpc`, apiKey });
    const schedule = await client.schedules.create.mutate({
      name: "Image smoke test",
      report_type: "market_snapshot",
      city: "San Diego",
      zip_codes: ["92101"],
      cadence: "weekly",
      weekly_dow: 1,
      send_hour: 9,
      send_minute: 0,
      recipients: [recipient],
      active: true,
    });

    // The tick in dry-run mode sees the schedule once it is due, and changes nothing.
    await sql`UPDATE schedules SET next_run_at = now() - interval '1 minute' WHERE id = ${schedule.id}`.execute(database!.db);
    // It starts from the V8 code cache the image was built with (made as uid 10001: Node reads
    // only the cache of its own user); a cache Node rejects or cannot find leaves no such line.
    const tick = await runOnce(["tick", "--dry-run"], ["--env=NODE_DEBUG_NATIVE=COMPILE_CACHE"]);
    expect(tick.code, tick.stderr).toBe(0);
    expect(JSON.parse(tick.stdout.trim().split("\n").at(-1)!)).toMatchObject({ due: 1, claimed: 0, published: 0 });
    expect(tick.stderr).toMatch(/V8 code cache for ESM file:\/\/\/app\/dist\/bundle\/cli\.js was accepted/);
    const runsAfterDryRun = await sql<{ n: number }>`SELECT count(*)::int AS n FROM schedule_runs`.execute(database!.db);
    expect(runsAfterDryRun.rows[0].n).toBe(0);

    const queued = await client.schedules.runNow.mutate({ id: schedule.id });
    let status = queued.status;
    const deadline = Date.now() + 180_000;
    while (!["completed", "partial", "failed", "skipped"].includes(status) && Date.now() < deadline) {
      await sleep(500);
      const { runs } = await client.schedules.runs.query({ id: schedule.id });
      status = runs.find((r) => r.id === queued.id)?.status ?? status;
    }
    expect(status, `run ${queued.id}; worker log:\n${await logsOf(worker)}`).toBe("completed");
    expect(new Set(await uidsIn(worker))).toEqual(new Set([APP_UID]));

    const mails = await smtp!.parsed();
    expect(mails.map((m) => m.to)).toEqual([[recipient]]);
    const link = mails[0].reportLink;
    expect(link, "the email links the report").toBeDefined();
    // The link goes through the api to a presigned URL on the S3 server: the PDF Chromium rendered.
    const pdf = await fetch(link!);
    expect(pdf.status).toBe(200);
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(bytes.length).toBeGreaterThan(10_000);

    expect(await stopWithin(api, values.api.terminationGracePeriodSeconds)).toBe(0);
    expect(await stopWithin(worker, values.worker.terminationGracePeriodSeconds)).toBe(0);
  }, 600_000);
});
