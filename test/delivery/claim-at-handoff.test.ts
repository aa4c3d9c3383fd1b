import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withWorkerTenant } from "../../src/db/tenant.js";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { createManualRun } from "../../src/runs/manual-run.js";
import { insertSchedule } from "../support/schedules.js";
import { startWorkerFixture, waitForFinalRun, type WorkerFixture } from "../support/worker-fixture.js";
import { postgresUp, rabbitUp } from "../support/services.js";

const up = (await postgresUp()) && (await rabbitUp());
const chromium = findChromium();

/**
 * A recipient's email_log row is claimed only when its message goes to the relay: a worker killed
 * while the message waited for a connection must leave nothing claimed. One pooled connection, a
 * relay that holds its answer, two jobs sending at once: the second may not claim while it waits.
 */
describe.skipIf(!up || !chromium)("claim at hand-off (one SMTP connection, a relay that holds its answer)", () => {
  let fx: WorkerFixture;
  let releaseRelay!: () => void;
  const relayHeld = new Promise<void>((resolve) => (releaseRelay = resolve));
  const holding: string[][] = [];

  beforeAll(async () => {
    fx = await startWorkerFixture({
      smtpConnections: 1,
      smtpBeforeAnswer: (to) => {
        holding.push(to);
        return relayHeld;
      },
    });
  });
  afterAll(async () => {
    releaseRelay();
    await fx?.close();
  });

  it("the second job claims its recipient only after the first message's SMTP transaction ended", async () => {
    const first = await insertSchedule(fx.db, fx.accountId, { recipients: ["first@example.com"] });
    const second = await insertSchedule(fx.db, fx.accountId, { recipients: ["second@example.com"] });
    const runs = await Promise.all([first, second].map((scheduleId) => createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" })));

    // Both reports stored (the step before delivery) and one message held by the relay.
    await expect
      .poll(async () => {
        const rows = await fx.db.selectFrom("schedule_runs").select("report_run_id").where("id", "in", runs.map((r) => r.id)).execute();
        return holding.length === 1 && rows.every((r) => r.report_run_id !== null);
      }, { timeout: 60_000, interval: 100 })
      .toBe(true);

    // While the relay holds the first message, the other job waits for the connection unclaimed.
    const sendingSeen = new Set<number>();
    for (let i = 0; i < 15; i++) {
      const rows = await fx.db.selectFrom("email_log").select(["to_emails", "status"]).where("run_id", "in", runs.map((r) => r.id)).execute();
      sendingSeen.add(rows.filter((r) => r.status === "sending").length);
      expect(rows.map((r) => r.to_emails[0])).toEqual(holding[0]);
      await sleep(100);
    }
    expect([...sendingSeen]).toEqual([1]);

    releaseRelay();
    const done = await Promise.all(runs.map((r) => waitForFinalRun(fx.db, r.id)));
    expect(done.map((r) => r.status)).toEqual(["completed", "completed"]);
    expect(fx.smtp.received.map((m) => m.to[0]).sort()).toEqual(["first@example.com", "second@example.com"]);

    // The stages of both jobs were timed and exported for Prometheus, one email_send per message.
    const exposition = await fx.worker.metrics.registry.metrics();
    const count = (stage: string) => Number(new RegExp(`^market_reports_worker_stage_duration_seconds_count\\{stage="${stage}"\\} (\\d+)$`, "m").exec(exposition)?.[1]);
    expect(Object.fromEntries(["start_run", "listings", "pdf", "upload", "report_row", "email_wait", "email_handover", "email_claim", "email_send", "email_record", "email_window", "finish_run"].map((s) => [s, count(s)]))).toEqual({
      start_run: 2,
      listings: 2,
      pdf: 2,
      upload: 2,
      report_row: 2,
      email_wait: 2,
      email_handover: 2,
      email_claim: 2,
      email_send: 2,
      email_record: 2,
      email_window: 2,
      finish_run: 2,
    });
  });
});

/**
 * The relay receives a message, all but its end, before its recipient is claimed; a claim refused
 * (another delivery holds the row) must leave the relay with nothing to deliver. Here the row is
 * taken by "another delivery" while the relay answers the recipient, after the transaction began.
 */
describe.skipIf(!up || !chromium)("a claim refused after the SMTP transaction began", () => {
  let fx: WorkerFixture;
  let scheduleId = "";

  beforeAll(async () => {
    fx = await startWorkerFixture({
      smtpBeforeRcpt: async (address) => {
        if (address !== "taken@example.com") return;
        const run = await fx.db.selectFrom("schedule_runs").select("id").where("schedule_id", "=", scheduleId).executeTakeFirstOrThrow();
        // a send that another delivery claimed over 30 s ago and never recorded: not claimable, judged unknown
        await withWorkerTenant(fx.db, fx.accountId, (trx) =>
          sql`insert into email_log (account_id, schedule_id, run_id, provider, to_emails, subject, status, updated_at)
              values (${fx.accountId}, ${scheduleId}, ${run.id}, 'elsewhere', array['taken@example.com'], 'claimed elsewhere', 'sending', now() - interval '31 seconds')`.execute(trx),
        );
      },
    });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("the relay got MAIL, RCPT and DATA for the recipient but delivers nothing; the other recipient gets theirs", async () => {
    scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["taken@example.com", "free@example.com"] });
    const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "manual" });
    const run = await waitForFinalRun(fx.db, queued.id);

    expect(fx.smtp.dataStarted.map((to) => to[0])).toEqual(["taken@example.com", "free@example.com"]);
    expect(fx.smtp.received.map((m) => m.to[0])).toEqual(["free@example.com"]);
    const rows = await fx.db.selectFrom("email_log").select(["to_emails", "status", "subject"]).where("run_id", "=", queued.id).orderBy("to_emails").execute();
    expect(rows.map((r) => [r.to_emails[0], r.status])).toEqual([
      ["free@example.com", "sent"],
      ["taken@example.com", "sending"],
    ]);
    expect(rows[1]!.subject).toBe("claimed elsewhere");
    expect(run.status).toBe("partial");
  });
});
