import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeReportEmail } from "../../src/email/compose-report-email.js";
import { SmtpSendError, type MailTransport } from "../../src/email/mail-transport.js";
import { createSmtpTransport } from "../../src/email/smtp-transport.js";
import { dkimResults, dkimTestKey } from "./dkim-test-key.js";
import { reportEmailInput } from "./report-email-fixture.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";

const DKIM_DOMAIN = "mail.example.com";
const DKIM_SELECTOR = "held";

/**
 * A held message goes to the relay at once but for its end (the last line break and the dot),
 * which follows only on finish(): the worker claims the recipient in between. Until the end the
 * relay must deliver nothing, whatever happens to the sender.
 */
describe("a held message against a real SMTP server", () => {
  let server: TestSmtpServer;
  let transport: MailTransport;
  let txt: string;

  beforeAll(async () => {
    server = await startSmtpServer({
      rcptReply: (address) => (address.startsWith("unknown") ? { code: 550, message: "5.1.1 <" + address + ">: Recipient address rejected: User unknown" } : undefined),
    });
    const key = dkimTestKey();
    txt = key.txt;
    transport = createSmtpTransport({
      url: server.url,
      maxConnections: 1,
      dkim: { domainName: DKIM_DOMAIN, keySelector: DKIM_SELECTOR, privateKey: key.privateKeyPem },
    });
  });
  afterAll(async () => {
    await transport?.close();
    await server?.close();
  });

  const bigPdf = () => ({ pdf: Buffer.alloc(300_000, 0x25), includeAttachment: true });
  const received = (to: string) => server.received.filter((m) => m.to.includes(to));
  const started = (to: string) => server.dataStarted.filter((r) => r.includes(to));

  it("the relay has the whole message but its end and delivers nothing until finish(); then it is delivered once, DKIM-signed and verifying", async () => {
    const slot = await transport.reserve();
    try {
      const held = slot.hold(composeReportEmail(reportEmailInput({ recipient: "held@example.org", ...bigPdf() })));
      await held.ready;
      expect(started("held@example.org")).toHaveLength(1);
      await sleep(300);
      expect(received("held@example.org")).toHaveLength(0);
      const heldBytes = server.dataBytes[server.dataStarted.findIndex((r) => r.includes("held@example.org"))]!;

      const result = await held.finish();
      expect(result.responseCode).toBe(250);
      const [message] = received("held@example.org");
      expect(received("held@example.org")).toHaveLength(1);
      const parsed = await simpleParser(message!.raw);
      expect(parsed.messageId).toBe(result.messageId);
      expect(parsed.attachments[0]!.content.length).toBe(300_000);
      // all that was missing while held: the last line break, and the few bytes smtp-server keeps
      // back until it knows they do not start the end-of-data dot
      expect(message!.raw.length - heldBytes).toBeLessThanOrEqual(8);
      const results = await dkimResults(message!.raw, { selector: DKIM_SELECTOR, domain: DKIM_DOMAIN, txt });
      expect(results.map((r) => r.status.result)).toEqual(["pass"]);
    } finally {
      slot.release();
    }
  });

  it("abandon() before the end: the relay delivers nothing, and the next message goes over a new connection", async () => {
    const connectionsBefore = server.connections();
    const slot = await transport.reserve();
    try {
      const held = slot.hold(composeReportEmail(reportEmailInput({ recipient: "abandoned@example.org", ...bigPdf() })));
      await held.ready;
      expect(started("abandoned@example.org")).toHaveLength(1);
      await held.abandon();
    } finally {
      slot.release();
    }
    const after = await transport.send(composeReportEmail(reportEmailInput({ recipient: "after.abandon@example.org" })));
    expect(after.responseCode).toBe(250);
    await sleep(300);
    expect(received("abandoned@example.org")).toHaveLength(0);
    expect(received("after.abandon@example.org")).toHaveLength(1);
    expect(server.connections()).toBe(connectionsBefore + 1);
  });

  it("a sender killed (SIGKILL) while holding: the relay delivers nothing", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "test/email/fixtures/hold-and-wait.ts", server.url], { stdio: ["ignore", "pipe", "inherit"] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once("exit", (_code, signal) => resolve(signal)));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("ready") && resolve());
      child.once("exit", () => reject(new Error("the holding process exited before it was ready")));
    });
    expect(started("killed.mid.send@example.org")).toHaveLength(1);
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    await sleep(500);
    expect(received("killed.mid.send@example.org")).toHaveLength(0);
  }, 30_000);

  it("a recipient refused before the end: ready resolves, finish() rejects with the bounce, nothing delivered", async () => {
    const slot = await transport.reserve();
    try {
      const held = slot.hold(composeReportEmail(reportEmailInput({ recipient: "unknown.person@example.org" })));
      await held.ready;
      const error = await held.finish().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SmtpSendError);
      expect(error).toMatchObject({ code: 550, transient: false, bounce: true });
      await held.abandon();
    } finally {
      slot.release();
    }
    expect(received("unknown.person@example.org")).toHaveLength(0);
  });
});
