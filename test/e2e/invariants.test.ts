import { randomBytes } from "node:crypto";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import amqp from "amqplib";
import { sql } from "kysely";
import nodemailer, { type Transporter } from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { brokerHandle, type BrokerHandle } from "./harness/broker.js";
import { checkInvariants, type InvariantContext } from "./harness/invariants.js";
import { S3RVER_CREDENTIALS, startS3Server, type S3Server } from "../support/s3-server.js";
import { seedSchedules, type Seed } from "./harness/seed-schedules.js";
import { startSmtpRecorder, type SmtpRecorder } from "./harness/smtp-recorder.js";

/*
 * The checker the e2e scenarios rely on, shown to hold on a correct outcome and to catch each
 * kind of breach: a doubled email, a message left in a queue, a lost run. The "outcome" is written
 * here by hand (rows, stored PDFs, sent mail) instead of by the processes.
 */
const up = (await postgresUp()) && (await rabbitUp());

/** A one-page PDF whose text is `text` (pdftotext reads it back). */
function tinyPdf(text: string): Buffer {
  const content = `BT /F1 18 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

describe.skipIf(!up)("checkInvariants (the e2e suite's judge)", () => {
  let database: TestDatabase;
  let smtp: SmtpRecorder;
  let s3: S3Server;
  let broker: BrokerHandle;
  let seed: Seed;
  let ctx: InvariantContext;
  let mailer: Transporter;
  const runOfSchedule = new Map<string, { runId: string; reportId: string }>();

  const send = async (to: string, reportId: string) => {
    const info = await mailer.sendMail({
      from: "reports@e2e.test",
      to,
      subject: "Market Snapshot",
      text: `Your report: http://127.0.0.1:3000/r/${reportId}?exp=1900000000&sig=${"ab".repeat(32)}\n`,
    });
    return info.messageId as string;
  };

  beforeAll(async () => {
    database = await createTestDatabase("mr_e2e_judge", 3);
    smtp = await startSmtpRecorder();
    s3 = await startS3Server();
    broker = brokerHandle(AMQP_URL, `mr-e2e-judge-${randomBytes(4).toString("hex")}`);
    await broker.reset();
    mailer = nodemailer.createTransport({ url: smtp.url });
    const db = database.handle.db;
    seed = await seedSchedules(db, { accounts: 1, schedules: 3, suppressEvery: 3, attachEvery: 0 });
    const storage = new S3Client({ endpoint: s3.endpoint, region: "us-east-1", forcePathStyle: true, credentials: S3RVER_CREDENTIALS });

    for (const s of seed.schedules) {
      const skipped = s.recipients.every((r) => s.suppressed.has(r));
      const run = await db
        .insertInto("schedule_runs")
        .values({ account_id: s.accountId, schedule_id: s.id, scheduled_for: s.slot, kind: "scheduled", status: skipped ? "skipped" : "completed", params: "{}" })
        .returning("id")
        .executeTakeFirstOrThrow();
      const pdfKey = `reports/${s.id}/${run.id}.pdf`;
      await storage.send(new PutObjectCommand({ Bucket: s3.bucket, Key: pdfKey, Body: tinyPdf(`Market report for ${s.city}`), ContentType: "application/pdf" }));
      const report = await db
        .insertInto("report_runs")
        .values({ account_id: s.accountId, schedule_id: s.id, schedule_run_id: run.id, report_type: "market_snapshot", params: "{}", pdf_key: pdfKey })
        .returning("id")
        .executeTakeFirstOrThrow();
      runOfSchedule.set(s.id, { runId: run.id, reportId: report.id });
      for (const recipient of s.recipients) {
        const suppressed = s.suppressed.has(recipient);
        const messageId = suppressed ? null : await send(recipient, report.id);
        await db
          .insertInto("email_log")
          .values({
            account_id: s.accountId,
            schedule_id: s.id,
            run_id: run.id,
            report_id: report.id,
            to_emails: [recipient],
            status: suppressed ? "suppressed" : "sent",
            message_id: messageId,
            response_code: suppressed ? null : 250,
          })
          .execute();
      }
      await db.updateTable("schedules").set({ next_run_at: new Date(s.slot.getTime() + 86_400_000) }).where("id", "=", s.id).execute();
    }
    storage.destroy();
    ctx = { db, seed, smtp, s3, broker };
  });

  afterAll(async () => {
    mailer?.close();
    await smtp?.close();
    await s3?.close();
    await broker?.remove().catch(() => undefined);
    await database?.drop();
  });

  it("finds nothing wrong with a correct outcome", async () => {
    const report = await checkInvariants(ctx, { pdfTextSamples: 3 });
    expect(report.violations).toEqual([]);
    const skipped = seed.schedules.filter((s) => s.recipients.every((r) => s.suppressed.has(r))).length;
    expect(report).toMatchObject({ runs: 3, duplicates: 0, lost: 0, received: seed.expectedEmails, sentRows: seed.expectedEmails, pdfsChecked: 3 - skipped });
    expect(report.suppressedRows).toBe(seed.schedules.reduce((n, s) => n + s.suppressed.size, 0));
  });

  it("catches a recipient mailed twice for one run", async () => {
    const s = seed.schedules.find((x) => x.recipients.some((r) => !x.suppressed.has(r)))!;
    const recipient = s.recipients.find((r) => !s.suppressed.has(r))!;
    await send(recipient, runOfSchedule.get(s.id)!.reportId);
    const report = await checkInvariants(ctx, { pdfTextSamples: 0 });
    expect(report.duplicates).toBe(1);
    expect(report.violations.join("\n")).toMatch(/recipients without exactly one email: 1 — .*received 2 emails/);
    expect(report.violations.join("\n")).toMatch(/email_log and the SMTP server disagree/);
  });

  it("catches a message left in the jobs queue, and a lost run", async () => {
    const connection = await amqp.connect(AMQP_URL);
    const channel = await connection.createConfirmChannel();
    channel.sendToQueue(broker.topology.jobsQueue, Buffer.from("{}"), { messageId: "left-behind" });
    await channel.waitForConfirms();
    await connection.close();
    const lost = seed.schedules[2];
    await sql`DELETE FROM schedule_runs WHERE schedule_id = ${lost.id}`.execute(database.handle.db);

    const report = await checkInvariants(ctx, { pdfTextSamples: 0 });
    const text = report.violations.join("\n");
    expect(text).toMatch(/due schedules without a run for the slot \(lost runs\): 1 — schedule 2/);
    expect(text).toMatch(/queues: 1 — 1 message\(s\) still queued: left-behind/);
  });
});
