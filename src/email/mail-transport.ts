/**
 * The one interface the worker sends mail through. The SMTP relay and the embedded `.eml` outbox
 * both implement it; nothing else knows which one it has.
 */

/** A header value nodemailer emits exactly as given: no encoding, no folding. */
export interface PreparedHeaderValue {
  prepared: true;
  value: string;
}

export interface EmailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** One message to exactly one recipient; the fields are nodemailer's own, so it passes through. */
export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo?: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string | PreparedHeaderValue>;
  attachments: EmailAttachment[];
}

export interface SendResult {
  /** Message-ID as sent, with angle brackets: `<...@domain>`. */
  messageId: string;
  /** The relay's final reply code, 250 for an accepted message. */
  responseCode: number;
  /** The relay's final reply line, e.g. `250 2.0.0 Ok: queued as 4F1C2`. */
  response: string;
}

export interface MailTransport {
  /** Where mail goes, for logs and metrics: the SMTP host, or "outbox". */
  readonly provider: string;
  /**
   * Waits for a place on a free connection and holds it until release(). A message sent through
   * the slot goes to the relay at once, never into a local queue: whoever must record that a
   * message is about to leave (the email ledger's claim) does it after reserve() resolves.
   */
  reserve(): Promise<MailSlot>;
  /** reserve(), send, release. Resolves once the relay accepted the message; rejects with SmtpSendError otherwise. */
  send(message: OutgoingEmail): Promise<SendResult>;
  close(): Promise<void>;
}

export interface MailSlot {
  /** Resolves once the relay accepted the message; rejects with SmtpSendError otherwise. */
  send(message: OutgoingEmail): Promise<SendResult>;
  /** Gives the place back; safe to call more than once. */
  release(): void;
}

/**
 * Why a send failed, in the terms the worker decides on:
 * - `transient`: retry later within the run's retry policy (4xx replies, connection trouble);
 * - otherwise permanent: record it, don't retry (5xx replies, unusable message or config);
 * - `bounce`: the mailbox does not exist (550/551/553 "user unknown"): suppress the address.
 */
export class SmtpSendError extends Error {
  readonly code: number | undefined;
  readonly transient: boolean;
  readonly bounce: boolean;
  /** The relay's reply line, when there was one. */
  readonly response: string | undefined;
  /** Nodemailer's error code (ECONNECTION, ETIMEDOUT, EENVELOPE, …), when there was one. */
  readonly reason: string | undefined;

  constructor(
    message: string,
    details: { code?: number; transient: boolean; bounce: boolean; response?: string; reason?: string; cause?: unknown },
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SmtpSendError";
    this.code = details.code;
    this.transient = details.transient;
    this.bounce = details.bounce;
    this.response = details.response;
    this.reason = details.reason;
  }
}
