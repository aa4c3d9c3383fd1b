import { Readable } from "node:stream";
import nodemailer from "nodemailer";
import type { Logger } from "../log/logger.js";
import { classifySmtpError } from "./classify-smtp-error.js";
import { createConnectionSlots } from "./connection-slots.js";
import { createMimeComposer } from "./compose-mime.js";
import type { DkimConfig } from "./dkim.js";
import type { HeldMessage, MailTransport, OutgoingEmail, SendResult } from "./mail-transport.js";

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

function sendResultFrom(info: { messageId?: string; response?: string }): SendResult {
  const response = info.response ?? "";
  const code = Number(/^(\d{3})/.exec(response)?.[1] ?? 250);
  return { messageId: info.messageId ?? "", responseCode: code, response };
}

const noop = () => undefined;

/** What a held body hands over at a time. */
const BODY_CHUNK = 64 * 1024;

/** Stands in for the message in sendMail(); the stream step replaces it with the held body. */
const PLACEHOLDER = Buffer.from("\r\n");

/**
 * What is kept back of a message until its claim is committed: the last line break. The relay
 * needs it and the dot after it to take the message; without them it has nothing to deliver.
 */
function tailLength(raw: Buffer): number {
  return raw.length >= 2 && raw[raw.length - 2] === 0x0d && raw[raw.length - 1] === 0x0a ? 2 : Math.min(1, raw.length);
}

export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  const provider = smtpProvider(options.url);
  const maxConnections = options.maxConnections ?? 3;
  const composer = createMimeComposer(options.dkim);
  const transporter = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections,
    // the defaults (2 min to connect, 10 min idle socket) would hold a worker slot far longer
    // than a retry with backoff costs
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 120_000,
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  // a pooled connection can fail between sends; that surfaces on the next send, not as a crash
  transporter.on("error", (err) => options.logger?.warn({ err: classifySmtpError(err), provider }, "SMTP pool error"));

  // What the relay is sent for a held message: the bytes composed beforehand, from a stream that
  // stays open until finish(). Made afresh for every attempt (the pool gives a message that a
  // reused connection dropped before reading any of it to another connection), hence a stream
  // step, which nodemailer runs each time it reads the message, rather than a `raw` stream that
  // can be read only once. The envelope object, one per message, says whose body it is.
  const heldBodies = new WeakMap<object, () => Readable>();
  transporter.use("stream", (mail, done) => {
    const openBody = mail.data.envelope ? heldBodies.get(mail.data.envelope) : undefined;
    if (openBody) {
      mail.message.processFunc((placeholder) => {
        placeholder.resume();
        return openBody();
      });
    }
    done();
  });

  /**
   * The message is composed (and signed) to bytes first, then MAIL FROM, RCPT TO, DATA and the
   * body go out while the caller claims the recipient; the end follows only on finish().
   * Abandoning aborts the send, and nodemailer's pool then closes that connection rather than
   * reuse it in the middle of DATA.
   */
  function hold(message: OutgoingEmail): HeldMessage {
    const abort = new AbortController();
    let released = false;
    let parts: { head: Buffer; tail: Buffer } | undefined;
    let body: { stream: Readable; release(): void } | undefined;
    let headTaken!: () => void;
    const headSent = new Promise<void>((resolve) => (headTaken = resolve));
    const openBody = () => {
      body?.stream.destroy();
      const { head, tail } = parts!;
      let offset = 0;
      let waiting = false;
      // highWaterMark 0: read() is asked for more only once what was pushed has been taken, so
      // "the head is taken" means handed on towards the socket, not sitting in this buffer
      const stream = new Readable({
        highWaterMark: 0,
        read() {
          if (offset < head.length) {
            const chunk = head.subarray(offset, offset + BODY_CHUNK);
            offset += chunk.length;
            this.push(chunk);
            return;
          }
          headTaken();
          if (released) {
            this.push(tail);
            this.push(null);
          } else waiting = true;
        },
      });
      // a failure after nodemailer gave up on the stream is of no interest; its error is in `answer`
      stream.on("error", () => undefined);
      body = {
        stream,
        release() {
          if (!waiting || stream.destroyed) return;
          waiting = false;
          stream.push(tail);
          stream.push(null);
        },
      };
      return stream;
    };
    const answer = composer
      .compose(message)
      .then(async (composed) => {
        const cut = composed.raw.length - tailLength(composed.raw);
        parts = { head: composed.raw.subarray(0, cut), tail: composed.raw.subarray(cut) };
        const envelope = { ...composed.envelope };
        heldBodies.set(envelope, openBody);
        const info = await transporter.sendMail({ envelope, raw: PLACEHOLDER, signal: abort.signal });
        const result = sendResultFrom({ messageId: composed.messageId, response: info.response });
        options.logger?.debug({ provider, messageId: result.messageId, response: result.response }, "email accepted by relay");
        return result;
      })
      .catch((err: unknown) => {
        throw classifySmtpError(err);
      });
    // read by finish() or abandon(); a failure before either is called is not unhandled
    answer.catch(() => undefined);
    return {
      ready: Promise.race([headSent, answer.then(noop, noop)]),
      finish() {
        released = true;
        body?.release();
        return answer;
      },
      async abandon() {
        abort.abort();
        body?.stream.destroy();
        await answer.catch(noop);
      },
    };
  }
  const slots = createConnectionSlots(maxConnections, hold);

  return {
    provider,
    reserve: slots.reserve,
    send: slots.send,
    async close(): Promise<void> {
      transporter.close();
      composer.close();
    },
  };
}
