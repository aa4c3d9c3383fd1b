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
  /** hold(message).finish(): resolves once the relay accepted the message; rejects with SmtpSendError otherwise. */
  send(message: OutgoingEmail): Promise<SendResult>;
  /**
   * Starts handing the message over at once but keeps back its end: the relay receives all of it
   * but the last line break and the end-of-data dot, and until then it delivers nothing (RFC 5321
   * §4.1.1.4: a message whose DATA never ended is discarded, and so is one whose connection drops,
   * a killed process's included). finish() or abandon() must follow.
   */
  hold(message: OutgoingEmail): HeldMessage;
  /** Gives the place back; safe to call more than once. */
  release(): void;
}

export interface HeldMessage {
  /**
   * Resolves once the relay has been handed all of the message but its end, or the send failed
   * before that (finish() then says how): the moment to claim, so that little of the SMTP
   * transaction is left after the claim.
   */
  readonly ready: Promise<void>;
  /**
   * Lets the end go and resolves with the relay's answer; rejects with SmtpSendError, also for a
   * failure that came before the end (a refused recipient, a dropped connection).
   */
  finish(): Promise<SendResult>;
  /** Gives the message up without its end: the connection carrying it is closed, nothing is delivered. */
  abandon(): Promise<void>;
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
