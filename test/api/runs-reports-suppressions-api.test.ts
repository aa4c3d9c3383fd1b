import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { createLocalObjectStore } from "../../src/storage/local-object-store.js";
import type { ObjectStore } from "../../src/storage/object-store.js";
import { SEED_CREATE_BODY, useTestApi } from "../support/api.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";

const up = (await postgresUp()) && (await rabbitUp());

describe.skipIf(!up)("runNow, sendTest, reports, email.log and suppressions over HTTP", () => {
  let queue: RabbitJobQueue;
  let rabbit: RabbitSideChannel;
  let dir: string;
  let store: ObjectStore;
  const prefix = uniquePrefix("api");

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "mr-api-store-"));
    queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger: pino({ level: "silent" }) });
    rabbit = await openSideChannel();
    store = createLocalObjectStore(dir);
    await store.put("reports/x/y/z.pdf", Buffer.from("%PDF-1.7 test"), "application/pdf");
  });
  afterAll(async () => {
    await queue?.close();
    await rabbit?.deleteAll(prefix).catch(() => undefined);
    await rabbit?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const api = useTestApi({ deps: () => ({ queue, store }) });

  it("runNow writes a manual run, publishes it, leaves next_run_at alone, and refuses a second call within a minute, naming the schedule's zone", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, timezone: "America/New_York" });
    const run = await client.schedules.runNow.mutate({ id: s.id });
    expect(run).toMatchObject({ kind: "manual", status: "queued", schedule_id: s.id });
    expect((await client.schedules.get.query({ id: s.id })).next_run_at).toBe(s.next_run_at);
    const messages = await rabbit.takeAllJobs(queue.topology);
    expect(messages.map((m) => m.run_id)).toEqual([run.id]);
    expect((messages[0] as { params: { recipients: string[] } }).params.recipients).toEqual(["client@example.com"]);

    await expect(client.schedules.runNow.mutate({ id: s.id })).rejects.toMatchObject({
      data: { code: "CONFLICT", httpStatus: 409 },
      message: expect.stringMatching(/ was already run manually at \w+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M E[SD]T \(America\/New_York\); a schedule can be run manually once a minute /),
    });
    await expect(api.accountB.client.schedules.runNow.mutate({ id: s.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    const runs = await client.schedules.runs.query({ id: s.id });
    expect(runs.runs.map((r) => r.kind)).toEqual(["manual"]);
  });

  it("sendTest sends only to `to` (some of the schedule's recipients) as a test run, never moving next_run_at", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Test me", recipients: ["client@example.com", "agent@example.com"] });
    const first = await client.schedules.sendTest.mutate({ id: s.id, to: ["Agent@Example.com"] });
    const second = await client.schedules.sendTest.mutate({ id: s.id });
    expect([first.kind, second.kind]).toEqual(["test", "test"]);
    const messages = (await rabbit.takeAllJobs(queue.topology)) as { run_id: string; kind: string; params: { recipients: string[] } }[];
    const byRun = new Map(messages.map((m) => [m.run_id, m]));
    expect(byRun.get(first.id)?.params.recipients).toEqual(["agent@example.com"]);
    expect(byRun.get(second.id)?.params.recipients).toEqual(["client@example.com", "agent@example.com"]);
    expect((await client.schedules.get.query({ id: s.id })).next_run_at).toBe(s.next_run_at);
    await expect(client.schedules.sendTest.mutate({ id: s.id, to: ["not-an-email"] })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST" },
      message: expect.stringContaining("to[0]: must be a valid email address"),
    });
  });

  it("reports.list and reports.get: the account's own reports, with a short-lived download link", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Reports" });
    const report = await api.tdb.handle.db
      .insertInto("report_runs")
      .values({ account_id: api.accountA.id, schedule_id: s.id, report_type: "market_snapshot", params: "{}", pdf_key: "reports/x/y/z.pdf", html_key: "reports/x/y/z.html", size_bytes: 14 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const list = await client.reports.list.query({ schedule_id: s.id });
    expect(list.reports.map((r) => r.id)).toEqual([report.id]);
    expect(list.reports[0]).toMatchObject({ has_pdf: true, size_bytes: 14, report_type: "market_snapshot" });
    const got = await client.reports.get.query({ id: report.id });
    expect(got.download_url).toMatch(new RegExp(`/r/${report.id}\\?exp=\\d+&kid=[0-9a-f]{8}&sig=[0-9a-f]{64}$`));
    const download = await fetch(got.download_url!.replace(/^http:\/\/localhost:\d+/, api.url));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe("%PDF-1.7 test");
    await expect(api.accountB.client.reports.get.query({ id: report.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect((await api.accountB.client.reports.list.query()).count).toBe(0);
  });

  it("email.log lists one row per recipient per run, filtered by schedule or run, only the account's own", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Logged" });
    const run = await api.tdb.handle.db.insertInto("schedule_runs").values({ account_id: api.accountA.id, schedule_id: s.id, scheduled_for: new Date() }).returning("id").executeTakeFirstOrThrow();
    for (const [to, status, code, retryable] of [
      ["a@example.com", "sent", 250, false],
      ["b@example.com", "suppressed", null, false],
      ["c@example.com", "failed", 451, true],
      ["d@example.com", "failed", 550, false],
    ] as const) {
      await api.tdb.handle.db.insertInto("email_log").values({ account_id: api.accountA.id, schedule_id: s.id, run_id: run.id, to_emails: [to], status, response_code: code, retryable }).execute();
    }
    const byRun = await client.email.log.query({ run_id: run.id });
    // A deferral (will be retried) is told apart from a final failure.
    expect(byRun.entries.map((e) => [e.to_emails[0], e.status, e.response_code, e.retryable]).sort()).toEqual([
      ["a@example.com", "sent", 250, false],
      ["b@example.com", "suppressed", null, false],
      ["c@example.com", "failed", 451, true],
      ["d@example.com", "failed", 550, false],
    ]);
    expect((await client.email.log.query({ schedule_id: s.id, limit: 1 })).next_cursor).not.toBeNull();
    expect((await api.accountB.client.email.log.query({ run_id: run.id })).count).toBe(0);
  });

  it("suppressions: add (lower-cased, idempotent), list, remove; another account's list is separate", async () => {
    const client = api.accountA.client;
    expect(await client.suppressions.add.mutate({ email: "Quiet@Example.com", reason: "asked by phone" })).toEqual({ email: "quiet@example.com", added: true });
    expect(await client.suppressions.add.mutate({ email: "quiet@example.com" })).toEqual({ email: "quiet@example.com", added: false });
    expect((await client.suppressions.list.query()).suppressions.map((s) => [s.email, s.reason])).toContainEqual(["quiet@example.com", "asked by phone"]);
    expect((await api.accountB.client.suppressions.list.query()).count).toBe(0);
    await expect(api.accountB.client.suppressions.remove.mutate({ email: "quiet@example.com" })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await client.suppressions.remove.mutate({ email: "QUIET@example.com" })).toEqual({ email: "quiet@example.com", removed: true });
    await expect(client.suppressions.add.mutate({ email: "nope" })).rejects.toMatchObject({ data: { code: "BAD_REQUEST" }, message: "email: must be a valid email address" });
  });
});
