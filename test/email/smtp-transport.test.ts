import { simpleParser, type ParsedMail } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { composeReportEmail, MAX_ATTACHMENT_BYTES } from "../../src/email/compose-report-email.js";
import { dkimFromEnv } from "../../src/email/dkim.js";
import { SmtpSendError, type MailTransport } from "../../src/email/mail-transport.js";
import { createSmtpTransport } from "../../src/email/smtp-transport.js";
import { isValidUnsubscribeToken } from "../../src/unsubscribe/token.js";
import { dkimResults, dkimTestKey } from "./dkim-test-key.js";
import { ACCOUNT_ID, reportEmailInput, SECRET } from "./report-email-fixture.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";
import { unusedPort } from "../support/unused-port.js";

const DKIM_DOMAIN = "mail.example.com";
const DKIM_SELECTOR = "mr2025";

/** The unfolded value of the one header line named `name`, exactly as it was on the wire. */
function rawHeader(parsed: ParsedMail, name: string): string {
  const lines = parsed.headerLines.filter((h) => h.key === name.toLowerCase());
  expect(lines, `${name} occurs once`).toHaveLength(1);
  return lines[0].line.slice(name.length + 1).replace(/\r?\n[ \t]/g, " ").trim();
}

describe("SMTP transport against a real SMTP server", () => {
  let server: TestSmtpServer;
  let transport: MailTransport;
  let txt: string;

  beforeAll(async () => {
    server = await startSmtpServer({
      rcptReply: (address) => {
        if (address.startsWith("unknown")) return { code: 550, message: "5.1.1 <" + address + ">: Recipient address rejected: User unknown" };
        if (address.startsWith("busy")) return { code: 421, message: "4.7.0 Try again later, closing connection" };
        if (address.startsWith("spam")) return { code: 550, message: "5.7.1 Message rejected as spam" };
        return undefined;
      },
    });
    const keys = dkimTestKey();
    txt = keys.txt;
    // the key goes through dkimFromEnv the way the env var would, with "\n" escapes
    const dkim = dkimFromEnv({ DKIM_DOMAIN, DKIM_SELECTOR, DKIM_PRIVATE_KEY: keys.privateKeyPem.replace(/\n/g, "\\n") });
    transport = createSmtpTransport({ url: server.url, dkim });
  });

  afterAll(async () => {
    await transport?.close();
    await server?.close();
  });

  async function sendAndParse(overrides: Parameters<typeof reportEmailInput>[0] = {}) {
    const before = server.received.length;
    const result = await transport.send(composeReportEmail(reportEmailInput(overrides)));
    expect(server.received).toHaveLength(before + 1);
    const message = server.received[before];
    return { result, message, parsed: await simpleParser(message.raw) };
  }

  it("names the provider after the SMTP host", () => {
    expect(transport.provider).toBe("127.0.0.1");
  });

  it("delivers one message to one recipient and reports the relay's answer", async () => {
    const { result, message, parsed } = await sendAndParse();
    expect(message.to).toEqual(["Client.One@example.org"]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value.map((a) => a.address) : []).toEqual(["Client.One@example.org"]);
    expect(parsed.cc).toBeUndefined();
    expect(result.responseCode).toBe(250);
    expect(result.response).toMatch(/^250 /);
    expect(result.messageId).toBe(parsed.messageId);
  });

  it("carries the exact List-Unsubscribe, List-Unsubscribe-Post and List-Id headers", async () => {
    const { parsed } = await sendAndParse({ unsubscribeMailto: "unsubscribe@mail.example.com" });
    const unsubscribe = rawHeader(parsed, "List-Unsubscribe");
    const match = /^<(https:\/\/reports\.example\.com\/unsubscribe\?[^>]+)>, <mailto:unsubscribe@mail\.example\.com\?subject=unsubscribe%20([0-9a-f-]+)>$/.exec(unsubscribe);
    expect(match, unsubscribe).not.toBeNull();
    expect(match![2]).toBe(ACCOUNT_ID);
    expect(rawHeader(parsed, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
    expect(rawHeader(parsed, "List-Id")).toBe(`Harbor Realty <account-${ACCOUNT_ID}.mail.example.com>`);

    const list = parsed.headers.get("list") as Record<string, Record<string, string>>;
    expect(list.unsubscribe.url).toBe(match![1]);
    expect(list.id).toEqual({ name: "Harbor Realty", id: `account-${ACCOUNT_ID}.mail.example.com` });

    const url = new URL(match![1]);
    expect(url.pathname).toBe("/unsubscribe");
    expect(url.searchParams.get("email")).toBe("client.one@example.org");
    expect(url.searchParams.get("account")).toBe(ACCOUNT_ID);
    expect(isValidUnsubscribeToken([SECRET], url.searchParams.get("email")!, ACCOUNT_ID, url.searchParams.get("token")!)).toBe(true);
    expect(isValidUnsubscribeToken([SECRET], "someone.else@example.org", ACCOUNT_ID, url.searchParams.get("token")!)).toBe(false);

    // the same page is linked visibly in both parts
    expect(parsed.text).toContain(`Unsubscribe: ${match![1]}`);
    expect(parsed.html).toContain(`href="${match![1].replace(/&/g, "&amp;")}"`);
  });

  it("keeps a non-ASCII account name in List-Id readable and the id intact", async () => {
    const { parsed } = await sendAndParse({ accountName: "Maison Économique Immobilier du Québec et de Montréal" });
    const list = parsed.headers.get("list") as Record<string, Record<string, string>>;
    expect(list.id.id).toBe(`account-${ACCOUNT_ID}.mail.example.com`);
    expect(rawHeader(parsed, "List-Id")).toMatch(/^(=\?UTF-8\?B\?[^?]+\?= )+<account-/);
  });

  it("is DKIM-signed, the signature verifies, and it covers both List-Unsubscribe headers", async () => {
    const { message } = await sendAndParse({ accountName: "Maison Économique Immobilier du Québec et de Montréal", unsubscribeMailto: "unsubscribe@mail.example.com" });
    const results = await dkimResults(message.raw, { selector: DKIM_SELECTOR, domain: DKIM_DOMAIN, txt });
    expect(results).toHaveLength(1);
    expect(results[0].status.result).toBe("pass");
    expect(results[0].signingDomain).toBe(DKIM_DOMAIN);

    const parsed = await simpleParser(message.raw);
    const signature = rawHeader(parsed, "DKIM-Signature");
    const h = /(?:^|;)\s*h=([^;]+)/.exec(signature)![1].replace(/\s+/g, "").toLowerCase().split(":");
    expect(h).toEqual(expect.arrayContaining(["from", "to", "subject", "list-unsubscribe", "list-unsubscribe-post", "list-id"]));
  });

  it("a message altered after signing fails DKIM (the check can fail)", async () => {
    const { message } = await sendAndParse();
    const tampered = Buffer.from(message.raw.toString("latin1").replace("List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Unsubscribe-Post: List-Unsubscribe=One-Clack"), "latin1");
    expect(tampered.equals(message.raw)).toBe(false);
    const results = await dkimResults(tampered, { selector: DKIM_SELECTOR, domain: DKIM_DOMAIN, txt });
    expect(results[0].status.result).toBe("fail");
  });

  it("attaches the PDF when asked, and only then", async () => {
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n");
    const withPdf = await sendAndParse({ pdf, includeAttachment: true });
    expect(withPdf.parsed.attachments).toHaveLength(1);
    expect(withPdf.parsed.attachments[0].contentType).toBe("application/pdf");
    expect(withPdf.parsed.attachments[0].filename).toMatch(/\.pdf$/);
    expect(withPdf.parsed.attachments[0].content.equals(pdf)).toBe(true);

    const linkOnly = await sendAndParse({ pdf, includeAttachment: false });
    expect(linkOnly.parsed.attachments).toHaveLength(0);
    expect(linkOnly.parsed.text).toContain(reportEmailInput().reportLinkUrl);
  });

  it("sends a PDF over 10 MB as a link only and says so", async () => {
    const { parsed } = await sendAndParse({ pdf: Buffer.alloc(MAX_ATTACHMENT_BYTES + 1024, 0x25), includeAttachment: true });
    expect(parsed.attachments).toHaveLength(0);
    expect(parsed.text).toContain("was too large to attach");
    expect(parsed.html).toContain("was too large to attach");
  });

  it("escapes <script> in the schedule and account names in the delivered HTML", async () => {
    const evil = "<script>alert(1)</script>";
    const { parsed } = await sendAndParse({ scheduleName: `Weekly ${evil}`, accountName: `Realty ${evil}` });
    const html = parsed.html as string;
    expect(html).not.toContain("<script");
    expect(html).toContain("Weekly &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).toContain("Realty &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(parsed.subject).toContain(`Weekly ${evil}`);
  });

  it("a 550 user unknown is permanent and a bounce", async () => {
    const error = await transport.send(composeReportEmail(reportEmailInput({ recipient: "unknown.person@example.org" }))).catch((e) => e);
    expect(error).toBeInstanceOf(SmtpSendError);
    expect(error).toMatchObject({ code: 550, transient: false, bounce: true });
    expect(error.message).toContain("User unknown");
  });

  it("a 550 for spam is permanent but not a bounce", async () => {
    const error = await transport.send(composeReportEmail(reportEmailInput({ recipient: "spam.trap@example.org" }))).catch((e) => e);
    expect(error).toBeInstanceOf(SmtpSendError);
    expect(error).toMatchObject({ code: 550, transient: false, bounce: false });
  });

  it("a 421 is transient", async () => {
    const error = await transport.send(composeReportEmail(reportEmailInput({ recipient: "busy.box@example.org" }))).catch((e) => e);
    expect(error).toBeInstanceOf(SmtpSendError);
    expect(error).toMatchObject({ code: 421, transient: true, bounce: false });
  });

  it("keeps sending after a refused recipient", async () => {
    const { result } = await sendAndParse({ recipient: "after.refusal@example.org" });
    expect(result.responseCode).toBe(250);
  });
});

describe("SMTP transport when the server refuses the connection", () => {
  it("a 421 greeting is transient", async () => {
    const server = await startSmtpServer({ greeting: { code: 421, message: "4.3.2 Service shutting down, try later" } });
    const transport = createSmtpTransport({ url: server.url });
    try {
      const error = await transport.send(composeReportEmail(reportEmailInput())).catch((e) => e);
      expect(error).toBeInstanceOf(SmtpSendError);
      expect(error.transient).toBe(true);
      expect(error.bounce).toBe(false);
      expect(server.received).toHaveLength(0);
    } finally {
      await transport.close();
      await server.close();
    }
  });

  it("connection refused is transient", async () => {
    const transport = createSmtpTransport({ url: `smtp://127.0.0.1:${await unusedPort()}` });
    try {
      const error = await transport.send(composeReportEmail(reportEmailInput())).catch((e) => e);
      expect(error).toBeInstanceOf(SmtpSendError);
      expect(error).toMatchObject({ code: undefined, transient: true, bounce: false });
    } finally {
      await transport.close();
    }
  });
});
