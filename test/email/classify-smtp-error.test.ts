import { describe, expect, it } from "vitest";
import { classifySmtpError } from "../../src/email/classify-smtp-error.js";
import { SmtpSendError } from "../../src/email/mail-transport.js";

/** Shaped like the errors nodemailer's SMTP connection builds (see its _formatError). */
function replyError(response: string, command: string, code = "EENVELOPE") {
  return Object.assign(new Error(`Failed: ${response}`), { code, response, responseCode: Number(response.slice(0, 3)), command });
}

describe("classifySmtpError", () => {
  it.each([
    ["550 5.1.1 <a@example.org>: Recipient address rejected: User unknown", "RCPT TO", false, true],
    ["551 5.1.6 User has moved", "RCPT TO", false, true],
    ["553 5.1.3 Bad recipient address syntax", "RCPT TO", false, true],
    ["550 5.2.1 Mailbox disabled", "RCPT TO", false, true],
    ["550 No such user here", "RCPT TO", false, true],
    ["550 Requested action not taken", "RCPT TO", false, true],
    ["550 5.7.1 Service unavailable; client host blocked", "RCPT TO", false, false],
    ["550 Relay access denied", "RCPT TO", false, false],
    ["550 5.1.8 Bad sender's system address", "MAIL FROM", false, false],
    ["552 5.2.2 Mailbox full", "RCPT TO", false, false],
    ["554 5.7.1 Message rejected as spam", "DATA", false, false],
    ["535 5.7.8 Authentication credentials invalid", "AUTH PLAIN", false, false],
    ["503 5.5.1 Bad sequence of commands", "DATA", true, false],
    ["421 4.7.0 Try again later", "RCPT TO", true, false],
    ["450 4.2.1 Mailbox busy", "RCPT TO", true, false],
    ["451 4.3.0 Local error", "DATA", true, false],
  ])("%s → transient %s, bounce %s", (response, command, transient, bounce) => {
    const classified = classifySmtpError(replyError(response, command));
    expect(classified).toBeInstanceOf(SmtpSendError);
    expect(classified).toMatchObject({ code: Number(response.slice(0, 3)), transient, bounce, response });
  });

  it.each(["ECONNECTION", "ETIMEDOUT", "ESOCKET", "EDNS", "ETLS"])("%s (no reply) is transient", (code) => {
    expect(classifySmtpError(Object.assign(new Error("boom"), { code }))).toMatchObject({ code: undefined, transient: true, bounce: false, reason: code });
  });

  it("keeps the socket's own code when nodemailer wraps it", () => {
    const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ESOCKET", originalCode: "ECONNREFUSED" });
    const classified = classifySmtpError(err);
    expect(classified.transient).toBe(true);
    expect(classified.message).toContain("ECONNREFUSED");
    expect(classified.cause).toBe(err);
  });

  it("treats an unusable message or configuration as permanent", () => {
    expect(classifySmtpError(Object.assign(new Error("Missing credentials"), { code: "EAUTH" }))).toMatchObject({ transient: false, bounce: false });
    expect(classifySmtpError(Object.assign(new Error("Invalid recipient"), { code: "EENVELOPE" }))).toMatchObject({ transient: false, bounce: false });
    expect(classifySmtpError("weird")).toMatchObject({ transient: false, bounce: false, message: "SMTP send failed: weird" });
  });

  it("passes an SmtpSendError through unchanged", () => {
    const original = new SmtpSendError("x", { transient: true, bounce: false });
    expect(classifySmtpError(original)).toBe(original);
  });
});
