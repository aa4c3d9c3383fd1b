import pino from "pino";
import { createAccount } from "../../src/accounts/account.repository.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRabbitQueue, type RabbitJobQueue } from "../../src/queue/rabbitmq-queue.js";
import { SEED_CREATE_BODY, startTestApi, testEnv, type TestApi } from "../support/api.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";

const up = (await postgresUp()) && (await rabbitUp());

/** Issue 10 §3: sendTest is no open relay, manual runs are limited, accounts have quotas. */
describe.skipIf(!up)("quotas and limits over HTTP", () => {
  let tdb: TestDatabase;
  let api: TestApi;
  let queue: RabbitJobQueue;
  let rabbit: RabbitSideChannel;
  const prefix = uniquePrefix("quotas");

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_quotas", 4);
    queue = await createRabbitQueue({ url: AMQP_URL, prefix, logger: pino({ level: "silent" }) });
    rabbit = await openSideChannel();
    const env = testEnv({
      QUOTA_ACTIVE_SCHEDULES: "3",
      QUOTA_RECIPIENTS_PER_DAY: "6",
      RUN_NOW_PER_ACCOUNT_PER_HOUR: "2",
      SEND_TEST_PER_SCHEDULE_PER_HOUR: "2",
      SEND_TEST_PER_ACCOUNT_PER_HOUR: "3",
    });
    api = await startTestApi(tdb.handle, env, { queue });
  });
  afterAll(async () => {
    await api?.close();
    await queue?.close();
    await rabbit?.deleteAll(prefix).catch(() => undefined);
    await rabbit?.close();
    await tdb?.drop();
  });

  const body = (name: string, recipients = ["client@example.com"], active = true) => ({ ...SEED_CREATE_BODY, name, recipients, active });
  const runsIn = async (accountId: string) =>
    (await tdb.handle.db.selectFrom("schedule_runs").select("id").where("account_id", "=", accountId).execute()).length;

  it("sendTest to an address the schedule does not send to is a BAD_REQUEST naming `to`, and writes nothing", async () => {
    const client = api.accountB.client;
    const s = await client.schedules.create.mutate(body("Relay?", ["client@example.com", "agent@example.com"]));
    await expect(client.schedules.sendTest.mutate({ id: s.id, to: ["Agent@Example.com", "victim@elsewhere.test"] })).rejects.toMatchObject({
      data: { code: "BAD_REQUEST", httpStatus: 400 },
      message: expect.stringMatching(/^to: .*victim@elsewhere\.test/),
    });
    expect(await runsIn(api.accountB.id)).toBe(0);
    const ok = await client.schedules.sendTest.mutate({ id: s.id, to: ["Agent@Example.com"] });
    expect(ok.kind).toBe("test");
    const [message] = (await rabbit.takeAllJobs(queue.topology)) as { params: { recipients: string[] } }[];
    expect(message.params.recipients).toEqual(["agent@example.com"]);
  });

  it("limits sendTest per schedule and per account, and runNow per account, with TOO_MANY_REQUESTS naming the limit", async () => {
    const client = api.accountA.client;
    const one = await client.schedules.create.mutate(body("One"));
    const two = await client.schedules.create.mutate(body("Two"));
    await client.schedules.sendTest.mutate({ id: one.id });
    await client.schedules.sendTest.mutate({ id: one.id });
    await expect(client.schedules.sendTest.mutate({ id: one.id })).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 },
      message: expect.stringContaining("SEND_TEST_PER_SCHEDULE_PER_HOUR"),
    });
    await client.schedules.sendTest.mutate({ id: two.id });
    await expect(client.schedules.sendTest.mutate({ id: two.id })).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
      message: expect.stringContaining("SEND_TEST_PER_ACCOUNT_PER_HOUR"),
    });

    await client.schedules.runNow.mutate({ id: one.id });
    await client.schedules.runNow.mutate({ id: two.id });
    const three = await client.schedules.create.mutate(body("Three"));
    await expect(client.schedules.runNow.mutate({ id: three.id })).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
      message: expect.stringContaining("RUN_NOW_PER_ACCOUNT_PER_HOUR"),
    });
    // The other account is not held to this one's use.
    const theirs = await api.accountB.client.schedules.create.mutate(body("Theirs"));
    await expect(api.accountB.client.schedules.runNow.mutate({ id: theirs.id })).resolves.toMatchObject({ kind: "manual" });
    await rabbit.takeAllJobs(queue.topology);
  });

  it("refuses a schedule over the active-schedules or recipients-per-day quota with FORBIDDEN naming it, and stores nothing", async () => {
    const fresh = api.clientFor((await createAccount(tdb.handle.db, "Quota Realty")).apiKey);
    await fresh.schedules.create.mutate(body("A", ["a1@example.com", "a2@example.com"]));
    await fresh.schedules.create.mutate(body("B", ["b1@example.com", "b2@example.com"]));
    await expect(fresh.schedules.create.mutate(body("C", ["c1@example.com", "c2@example.com", "c3@example.com"]))).rejects.toMatchObject({
      data: { code: "FORBIDDEN", httpStatus: 403 },
      message: expect.stringContaining("QUOTA_RECIPIENTS_PER_DAY"),
    });
    const c = await fresh.schedules.create.mutate(body("C", ["c1@example.com", "c2@example.com"]));
    await expect(fresh.schedules.create.mutate(body("D", ["d@example.com"]))).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
      message: expect.stringContaining("QUOTA_ACTIVE_SCHEDULES"),
    });
    // An inactive schedule takes no quota; activating it is held to the same limit.
    const paused = await fresh.schedules.create.mutate(body("Paused", ["p@example.com"], false));
    await expect(fresh.schedules.update.mutate({ id: paused.id, active: true })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
      message: expect.stringContaining("QUOTA_ACTIVE_SCHEDULES"),
    });
    await fresh.schedules.update.mutate({ id: c.id, active: false });
    await expect(fresh.schedules.update.mutate({ id: paused.id, active: true })).resolves.toMatchObject({ active: true });
    expect((await fresh.schedules.list.query({ active_only: false })).schedules.map((s) => s.name).sort()).toEqual(["A", "B", "C", "Paused"]);
  });

  it("refuses a manual run that would send past the recipients-per-day quota", async () => {
    const { account, apiKey } = await createAccount(tdb.handle.db, "Busy Realty");
    const client = api.clientFor(apiKey);
    const s = await client.schedules.create.mutate(body("Daily", ["x@example.com", "y@example.com"]));
    await tdb.handle.db
      .insertInto("email_log")
      .values(Array.from({ length: 5 }, (_, i) => ({ account_id: account.id, to_emails: [`sent${i}@example.com`], status: "sent" as const })))
      .execute();
    await expect(client.schedules.runNow.mutate({ id: s.id })).rejects.toMatchObject({
      data: { code: "TOO_MANY_REQUESTS" },
      message: expect.stringContaining("QUOTA_RECIPIENTS_PER_DAY"),
    });
    await expect(client.schedules.sendTest.mutate({ id: s.id, to: ["x@example.com"] })).resolves.toMatchObject({ kind: "test" });
    await rabbit.takeAllJobs(queue.topology);
  });
});
