import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { simpleParser } from "mailparser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEnv } from "../../src/config/env.js";
import { composeReportEmail } from "../../src/email/compose-report-email.js";
import { createOutboxTransport } from "../../src/email/outbox-transport.js";
import { createMailTransport } from "../../src/email/select-mail-transport.js";
import { createLogger } from "../../src/log/logger.js";
import { dkimResults, dkimTestKey } from "./dkim-test-key.js";
import { reportEmailInput } from "./report-email-fixture.js";
import { startSmtpServer } from "../support/smtp-server.js";

const logger = createLogger("silent");

describe("outbox transport", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "market-reports-outbox-"));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("writes each message as a parseable .eml file under <DATA_DIR>/outbox/", async () => {
    const transport = createOutboxTransport({ dataDir, logger });
    const pdf = Buffer.from("%PDF-1.4\n%%EOF\n");
    const first = await transport.send(composeReportEmail(reportEmailInput({ pdf, includeAttachment: true })));
    await transport.send(composeReportEmail(reportEmailInput({ recipient: "second@example.org" })));
    await transport.close();

    expect(transport.provider).toBe("outbox");
    const files = (await readdir(path.join(dataDir, "outbox"))).sort();
    expect(files).toHaveLength(2);
    expect(new Set(files.map((f) => path.extname(f)))).toEqual(new Set([".eml"]));

    const parsed = await Promise.all(files.map(async (f) => simpleParser(await readFile(path.join(dataDir, "outbox", f)))));
    const byRecipient = new Map(parsed.map((p) => [!Array.isArray(p.to) ? p.to?.value[0].address : undefined, p]));
    const withPdf = byRecipient.get("Client.One@example.org")!;
    expect(withPdf.messageId).toBe(first.messageId);
    expect(withPdf.subject).toBe("Monday clients: Market Snapshot for San Diego 92101, 92103, Nov 3 – 9, 2025");
    expect(withPdf.attachments[0].content.equals(pdf)).toBe(true);
    expect(withPdf.headerLines.find((h) => h.key === "list-unsubscribe-post")?.line).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    expect(byRecipient.get("second@example.org")!.attachments).toHaveLength(0);
    expect(first.response).toContain(path.join(dataDir, "outbox"));
  });

  it("writes CRLF, so a DKIM signature in the file verifies", async () => {
    const key = dkimTestKey();
    const transport = createOutboxTransport({
      dataDir,
      logger,
      dkim: { domainName: "mail.example.com", keySelector: "dev", privateKey: key.privateKeyPem },
    });
    await transport.send(composeReportEmail(reportEmailInput()));
    const [file] = await readdir(path.join(dataDir, "outbox"));
    const raw = await readFile(path.join(dataDir, "outbox", file));
    const results = await dkimResults(raw, { selector: "dev", domain: "mail.example.com", txt: key.txt });
    expect(results[0].status.result).toBe("pass");
  });
});

describe("createMailTransport", () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), "market-reports-select-"));
  });

  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it("uses the outbox when SMTP_URL is unset in development", async () => {
    const transport = createMailTransport(parseEnv({ DATA_DIR: dataDir }), logger);
    expect(transport.provider).toBe("outbox");
    await transport.send(composeReportEmail(reportEmailInput()));
    expect(await readdir(path.join(dataDir, "outbox"))).toHaveLength(1);
    await transport.close();
  });

  it("uses SMTP when SMTP_URL is set", async () => {
    const server = await startSmtpServer();
    const transport = createMailTransport(parseEnv({ DATA_DIR: dataDir, SMTP_URL: server.url }), logger);
    try {
      expect(transport.provider).toBe("127.0.0.1");
      await transport.send(composeReportEmail(reportEmailInput()));
      expect(server.received).toHaveLength(1);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it("refuses half a DKIM configuration, naming what is missing", () => {
    expect(() => createMailTransport(parseEnv({ DATA_DIR: dataDir, DKIM_DOMAIN: "example.com" }), logger)).toThrow(
      /missing: DKIM_SELECTOR, DKIM_PRIVATE_KEY/,
    );
    expect(() =>
      createMailTransport(parseEnv({ DATA_DIR: dataDir, DKIM_DOMAIN: "example.com", DKIM_SELECTOR: "s1", DKIM_PRIVATE_KEY: "not a key" }), logger),
    ).toThrow(/DKIM_PRIVATE_KEY: is not a readable PEM private key/);
  });
});
