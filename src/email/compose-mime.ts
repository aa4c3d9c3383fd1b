import nodemailer from "nodemailer";
import { DKIM_SIGNED_HEADERS, type DkimConfig } from "./dkim.js";
import type { OutgoingEmail } from "./mail-transport.js";

/** Nodemailer fields for one message. */
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

/** One message as it goes on the wire: signed when DKIM is configured, CRLF line endings. */
export interface ComposedMessage {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** Message-ID as in the header, with angle brackets. */
  messageId: string;
}

/**
 * Builds messages to bytes before any transport sees them, the relay and the outbox alike, so both
 * hand over the same bytes. Signing here rather than in the SMTP transport matters for the relay:
 * a DKIM signer needs the whole body before it can emit the first header, so a transport that
 * signs cannot start the SMTP transaction while the message's end is still held back.
 *
 * Every attachment is a Buffer we built, so a message never makes nodemailer read files or fetch
 * URLs.
 */
export function createMimeComposer(dkim: DkimConfig | undefined) {
  const composer = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: "windows",
    disableFileAccess: true,
    disableUrlAccess: true,
    dkim: dkim && { domainName: dkim.domainName, keySelector: dkim.keySelector, privateKey: dkim.privateKey, headerFieldNames: DKIM_SIGNED_HEADERS },
  });
  return {
    async compose(message: OutgoingEmail): Promise<ComposedMessage> {
      const info = await composer.sendMail(toNodemailerMessage(message));
      const envelope = info.envelope as { from: string | false; to: string[] };
      return { raw: info.message as Buffer, envelope: { from: envelope.from || "", to: envelope.to }, messageId: info.messageId };
    },
    close(): void {
      composer.close();
    },
  };
}
