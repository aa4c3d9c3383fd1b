import nodemailer from "nodemailer";
import type { Logger } from "../log/logger.js";
import { classifySmtpError } from "./classify-smtp-error.js";
import { createConnectionSlots } from "./connection-slots.js";
import { DKIM_SIGNED_HEADERS, type DkimConfig } from "./dkim.js";
import type { MailTransport, OutgoingEmail, SendResult } from "./mail-transport.js";

export interface SmtpTransportOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://…:465`. */
  url: string;
  dkim?: DkimConfig;
  /** Parallel connections to the relay; relays rate-limit per connection, so keep it small. */
  maxConnections?: number;
  logger?: Logger;
}

/** The relay's host name, which says which provider this is (email-smtp.….amazonaws.com, smtp.sendgrid.net, …). */
export function smtpProvider(url: string): string {
  try {
    return new URL(url).hostname || "smtp";
  } catch {
    throw new Error("SMTP_URL: must be a URL such as smtp://user:pass@smtp.example.com:587");
  }
}

/** Nodemailer fields for one message; shared with the outbox so both produce the same bytes. */
export function toNodemailerMessage(message: OutgoingEmail) {
  return {
    from: message.from,
    to: message.to,
    replyTo: message.replyTo,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: message.headers,
    attachments: message.attachments.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
  };
}

/**
 * What every transport sets, the relay and the outbox alike: every attachment is a Buffer we
 * built, so a message never makes nodemailer read files or fetch URLs; and the DKIM signature
 * when one is configured.
 */
export function commonTransportOptions(dkim: DkimConfig | undefined) {
  return {
    disableFileAccess: true,
    disableUrlAccess: true,
    dkim: dkim && { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey, headerFieldNames: DKIM_SIGNED_HEADERS },
  };
}

export function sendResultFrom(info: { messageId?: string; response?: string }): SendResult {
  const response = info.response ?? "";
  const code = Number(/^(\d{3})/.exec(response)?.[1] ?? 250);
  return { messageId: info.messageId ?? "", responseCode: code, response };
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const provider = smtpProvider(options.url);
  const maxConnections = options.maxConnections ?? 3;
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections,
    // the defaults (2 min to connect, 10 min idle socket) would hold a worker slot far longer
    // than a retry with backoff costs
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    ...commonTransportOptions(options.dkim),
  });
  // a pooled connection can fail between sends; that surfaces on the next send, not as a crash
  transporter.on("error", (err) => options.logger?.warn({ err: classifySmtpError(err), provider }, "SMTP pool error"));

  async function sendNow(message: OutgoingEmail): Promise<SendResult> {
    try {
      const info = await transporter.sendMail(toNodemailerMessage(message));
      const result = sendResultFrom(info);
      options.logger?.debug({ provider, messageId: result.messageId, response: result.response }, "email accepted by relay");
      return result;
    } catch (err) {
      throw classifySmtpError(err);
    }
  }
  const slots = createConnectionSlots(maxConnections, sendNow);

  return {
    provider,
    reserve: slots.reserve,
    send: slots.send,
    async close(): Promise<void> {
      transporter.close();
    },
  };
}
