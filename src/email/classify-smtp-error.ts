import { SmtpSendError } from "./mail-transport.js";

/**
 * Maps whatever nodemailer threw to the three decisions the worker makes: retry, record, suppress.
 *
 * Reply codes follow RFC 5321: 4yz transient, 5yz permanent. 503 (bad sequence of commands) is
 * a session-state problem rather than a verdict on the message, so like nodemailer we retry it.
 * Only a "mailbox does not exist" answer is a bounce: a 550 for spam or policy is also permanent,
 * but suppressing the address for it would silence a recipient who never asked for that.
 */

/** Nodemailer's codes for "the connection, not the message, failed", plus the raw socket ones. */
const CONNECTION_CODES = new Set([
  "ECONNECTION",
  "ETIMEDOUT",
  "ESOCKET",
  "EDNS",
  "ETLS",
  "EPROXY",
  "EMAXLIMIT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

const BOUNCE_REPLY_CODES = new Set([550, 551, 553]);

/** RFC 3463 enhanced codes for a recipient address that is wrong or gone (not 5.1.7/5.1.8: those are the sender's). */
const BOUNCE_ENHANCED = /^5\.(1\.(0|1|2|3|6|10)|2\.1)$/;

const UNKNOWN_MAILBOX_TEXT =
  /user unknown|unknown (user|recipient|mailbox)|no such (user|mailbox|recipient|address)|(mailbox|user|recipient|address|account)\b.{0,40}\b(does not exist|doesn't exist|not found|unknown|disabled)|invalid (recipient|mailbox)|recipient (address )?rejected|mailbox unavailable|undeliverable address|unrouteable address/i;

const POLICY_TEXT = /spam|block|blacklist|denylist|policy|reputation|relay|authenticat|dmarc|spf|dkim|content|virus/i;

interface NodemailerLikeError {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
}

function enhancedStatus(response: string): string | undefined {
  return /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(response)?.[1];
}

/** Whether a 550/551/553 reply says the mailbox does not exist. */
export function isUnknownMailboxReply(responseCode: number, response: string, command?: string): boolean {
  if (!BOUNCE_REPLY_CODES.has(responseCode)) return false;
  const enhanced = enhancedStatus(response);
  if (enhanced !== undefined) return BOUNCE_ENHANCED.test(enhanced);
  if (UNKNOWN_MAILBOX_TEXT.test(response)) return true;
  if (POLICY_TEXT.test(response)) return false;
  // a bare 550 to RCPT TO with no policy wording is the classic "no such user"
  return command === "RCPT TO";
}

export function classifySmtpError(error: unknown): SmtpSendError {
  if (error instanceof SmtpSendError) return error;
  const err = (typeof error === "object" && error !== null ? error : { message: String(error) }) as NodemailerLikeError;
  const message = typeof err.message === "string" ? err.message : String(error);
  const reason = typeof err.code === "string" ? err.code : undefined;
  const originalCode = typeof err.originalCode === "string" ? err.originalCode : undefined;
  const response = typeof err.response === "string" ? err.response : undefined;
  const command = typeof err.command === "string" ? err.command : undefined;
  const replyCode =
    typeof err.responseCode === "number" && err.responseCode >= 200 && err.responseCode < 600
      ? err.responseCode
      : undefined;

  if (replyCode !== undefined && replyCode >= 400) {
    const transient = replyCode < 500 || replyCode === 503;
    const bounce = !transient && isUnknownMailboxReply(replyCode, response ?? message, command);
    return new SmtpSendError(`SMTP ${command ?? "relay"} failed with ${replyCode}: ${response ?? message}`, {
      code: replyCode,
      transient,
      bounce,
      response,
      reason,
      cause: error,
    });
  }

  const transient =
    (reason !== undefined && CONNECTION_CODES.has(reason)) || (originalCode !== undefined && CONNECTION_CODES.has(originalCode));
  return new SmtpSendError(
    transient ? `SMTP connection failed (${originalCode ?? reason}): ${message}` : `SMTP send failed: ${message}`,
    { code: replyCode, transient, bounce: false, response, reason, cause: error },
  );
}
