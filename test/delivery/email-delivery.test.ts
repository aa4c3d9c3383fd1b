import { simpleParser, type ParsedMail } from "mailparser";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { createManualRun } from "../../src/runs/manual-run.js";
import { unusedPort } from "../support/unused-port.js";
import { insertSchedule } from "../support/schedules.js";
import { startWorkerFixture, waitForFinalRun, type WorkerFixture } from "../support/worker-fixture.js";
import { postgresUp, rabbitUp } from "../support/services.js";

const up = (await postgresUp()) && (await rabbitUp());
const chromium = findChromium();

const parse = (raw: Buffer) => simpleParser(raw);
const headerText = (mail: ParsedMail, name: string) => {
  const line = mail.headerLines.find((h) => h.key === name);
  return line ? line.line.slice(line.line.indexOf(":") + 1).replace(/\r?\n\s+/g, " ").trim() : undefined;
};

/**
 * 421 for the first three deliveries to flaky@ (more than nodemailer's own resend on a fresh
 * pooled connection, so the job's retry is what gets it through); always 550 user unknown for ghost@.
 */
function relayBehaviour() {
  let flakyAttempts = 0;
  return (address: string) => {
    if (address === "flaky@example.com" && flakyAttempts++ < 3) return { code: 421, message: "4.7.0 Try again later" };
    if (address === "ghost@example.com") return { code: 550, message: "5.1.1 <ghost@example.com>: Recipient address rejected: User unknown" };
    return undefined;
  };
}

describe.skipIf(!up || !chromium)("email delivery (real SMTP server, real API for links and one-click)", () => {
  let fx: WorkerFixture;
  let api: RunningServer;

  beforeAll(async () => {
    const port = await unusedPort();
    fx = await startWorkerFixture({ apiBaseUrl: `http://127.0.0.1:${port}`, smtpReply: relayBehaviour(), maxAttempts: 5 });
    api = await listen(createApiApp({ env: fx.env, db: fx.db, logger: pino({ level: "silent" }), queue: fx.queue, store: fx.store }), port, "127.0.0.1");
  });
  afterAll(async () => {
    await api?.close(1_000);
    await fx?.close();
  });

  const runOnce = async (scheduleId: string) => {
    const queued = await createManualRun(fx.db, fx.queue, { accountId: fx.accountId, scheduleId, kind: "test" });
    return waitForFinalRun(fx.db, queued.id);
  };
  const mailsTo = async (address: string) => Promise.all(fx.smtp.received.filter((m) => m.to.includes(address)).map((m) => parse(m.raw)));

  it("one message per recipient, each with its own unsubscribe headers; nobody sees another address", async () => {
    const scheduleId = await insertSchedule(fx.db, fx.accountId, { name: "Hillcrest & Downtown <Weekly>", recipients: ["one@example.com", "two@example.com"] });
    const run = await runOnce(scheduleId);
    expect(run.status).toBe("completed");
    const [one] = await mailsTo("one@example.com");
    const [two] = await mailsTo("two@example.com");
    expect(one!.to && "text" in one!.to ? one!.to.text : "").toBe("one@example.com");
    expect(one!.text).not.toContain("two@example.com");
    expect(one!.subject).toContain("Hillcrest & Downtown <Weekly>");
    expect(one!.html).toContain("Hillcrest &amp; Downtown &lt;Weekly&gt;");
    expect(one!.html).not.toContain("<Weekly>");
    expect(one!.html).toContain("Coastal Realty");

    const listUnsubscribe = headerText(one!, "list-unsubscribe")!;
    expect(listUnsubscribe).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/unsubscribe\?email=one%40example\.com&account=[0-9a-f-]{36}&kid=[0-9a-f]{8}&token=[0-9a-f]{64}>$/);
    expect(headerText(one!, "list-unsubscribe-post")).toBe("List-Unsubscribe=One-Click");
    expect(headerText(one!, "list-id")).toContain(`account-${fx.accountId}`);
    expect(headerText(two!, "list-unsubscribe")).toContain("email=two%40example.com");
    expect(one!.attachments).toHaveLength(0);
  });

  it("the report link redirects to a download of the PDF; tampered or expired links get 403", async () => {
    const [mail] = await mailsTo("one@example.com");
    const link = /href="(http:\/\/127\.0\.0\.1:\d+\/r\/[^"]+)"/.exec(mail!.html as string)![1]!.replace(/&amp;/g, "&");
    const res = await fetch(link, { redirect: "manual" });
    expect(res.status).toBe(302);
    const download = await fetch(res.headers.get("location")!);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString()).toBe("%PDF-");

    const url = new URL(link);
    const tampered = new URL(url);
    tampered.searchParams.set("sig", url.searchParams.get("sig")!.replace(/^./, (c) => (c === "a" ? "b" : "a")));
    expect((await fetch(tampered, { redirect: "manual" })).status).toBe(403);
    const stretched = new URL(url);
    stretched.searchParams.set("exp", String(Number(url.searchParams.get("exp")) + 86_400));
    expect((await fetch(stretched, { redirect: "manual" })).status).toBe(403);
  });

  it("include_attachment attaches the PDF as well", async () => {
    const scheduleId = await insertSchedule(fx.db, fx.accountId, { include_attachment: true, recipients: ["attach@example.com"] });
    expect((await runOnce(scheduleId)).status).toBe("completed");
    const [mail] = await mailsTo("attach@example.com");
    expect(mail!.attachments).toHaveLength(1);
    expect(mail!.attachments[0]!.contentType).toBe("application/pdf");
    expect(mail!.attachments[0]!.content.subarray(0, 5).toString()).toBe("%PDF-");
  });

  it("the one-click URL from the header, POSTed, suppresses that recipient; the next run skips them", async () => {
    const scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["leaver@example.com", "stayer@example.com"] });
    expect((await runOnce(scheduleId)).status).toBe("completed");
    const [mail] = await mailsTo("leaver@example.com");
    const oneClick = headerText(mail!, "list-unsubscribe")!.replace(/^<|>$/g, "");
    const res = await fetch(oneClick, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "List-Unsubscribe=One-Click" });
    expect(res.status).toBe(200);

    const next = await runOnce(scheduleId);
    expect(next.status).toBe("completed");
    expect(await mailsTo("leaver@example.com")).toHaveLength(1);
    expect(await mailsTo("stayer@example.com")).toHaveLength(2);
    const log = await fx.db.selectFrom("email_log").select(["to_emails", "status"]).where("run_id", "=", next.id).execute();
    expect(log.map((l) => [l.to_emails[0], l.status]).sort()).toEqual([
      ["leaver@example.com", "suppressed"],
      ["stayer@example.com", "sent"],
    ]);
  });

  it("when every recipient is suppressed the run is skipped before anything renders", async () => {
    await fx.db.insertInto("email_suppressions").values({ account_id: fx.accountId, email: "gone@example.com", reason: "manual" }).execute();
    const scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["GONE@example.com"] });
    const run = await runOnce(scheduleId);
    expect(run.status).toBe("skipped");
    expect(run.report_run_id).toBeNull();
    expect(await mailsTo("gone@example.com")).toHaveLength(0);
  });

  it("421 then success → exactly one email; 550 user unknown → recorded, suppressed as bounce, not retried", async () => {
    const scheduleId = await insertSchedule(fx.db, fx.accountId, { recipients: ["flaky@example.com", "ghost@example.com", "fine@example.com"] });
    const run = await runOnce(scheduleId);
    expect(run.status).toBe("partial");
    expect(run.attempts).toBeGreaterThanOrEqual(2);
    expect(await mailsTo("flaky@example.com")).toHaveLength(1);
    expect(await mailsTo("fine@example.com")).toHaveLength(1);
    expect(await mailsTo("ghost@example.com")).toHaveLength(0);
    const log = await fx.db.selectFrom("email_log").selectAll().where("run_id", "=", run.id).execute();
    const ghost = log.find((l) => l.to_emails[0] === "ghost@example.com")!;
    expect([ghost.status, ghost.response_code, ghost.retryable]).toEqual(["failed", 550, false]);
    expect(log.filter((l) => l.status === "sent")).toHaveLength(2);
    const suppression = await fx.db.selectFrom("email_suppressions").select("reason").where("email", "=", "ghost@example.com").executeTakeFirst();
    expect(suppression?.reason).toBe("bounce");
    expect(run.error).toContain("1 recipient(s) rejected by the mail server");
    expect(fx.smtp.received.filter((m) => m.to.includes("fine@example.com"))).toHaveLength(1);
  });
});
