import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";

/** One message the server accepted (its 250 after DATA was sent). */
export interface ReceivedEmail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  to: string[];
  acceptedAt: number;
  raw: Buffer;
}

/** What the invariants need from a received message, parsed with mailparser. */
export interface ParsedEmail {
  to: string[];
  acceptedAt: number;
  /** Message-ID without angle brackets, lower-cased. */
  messageId: string;
  subject: string;
  /** The report id from the `/r/<id>` link in the body: it names the run through report_runs. */
  reportId: string | undefined;
  /** The whole signed report link. */
  reportLink: string | undefined;
  listId: string | undefined;
  attachments: number;
}

export interface SmtpFaultCounts {
  /** 421 answers to MAIL FROM while the temporary failure was on. */
  temporary: number;
  /** 550 answers to RCPT TO for a rejected address. */
  rejected: number;
}

export interface SmtpRecorder {
  url: string;
  port: number;
  received: ReceivedEmail[];
  faults: SmtpFaultCounts;
  /** While on, every MAIL FROM is answered 421 (a relay shedding load). */
  setTemporaryFailure(on: boolean): void;
  /** RCPT TO for this address is answered 550 5.1.1 user unknown, for as long as the server runs. */
  rejectAddress(address: string): void;
  /** Parses everything received so far (cached: each message is parsed once). */
  parsed(): Promise<ParsedEmail[]>;
  lastAcceptedAt(): number | undefined;
  close(): Promise<void>;
}

export function normalizeMessageId(id: string | null | undefined): string {
  return (id ?? "").trim().replace(/^<|>$/g, "").toLowerCase();
}

const REPORT_LINK = /https?:\/\/[^\s"'<>]*\/r\/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\?exp=\d+(?:&kid=[0-9a-f]{8})?&sig=[0-9a-f]+/i;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** A real SMTP server on a random local port that records every accepted message. */
export async function startSmtpRecorder(): Promise<SmtpRecorder> {
  const received: ReceivedEmail[] = [];
  const parsedCache = new Map<ReceivedEmail, Promise<ParsedEmail>>();
  const rejected = new Set<string>();
  const faults: SmtpFaultCounts = { temporary: 0, rejected: 0 };
  let temporaryFailure = false;

  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 64 * 1024 * 1024,
    // Enough for every pooled connection of a few workers, and more.
    maxClients: 200,
    onMailFrom(_address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (temporaryFailure) {
        faults.temporary++;
        callback(smtpError(421, "4.3.2 Service temporarily unavailable, try again later"));
        return;
      }
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error | null) => void) {
      if (rejected.has(address.address.toLowerCase())) {
        faults.rejected++;
        callback(smtpError(550, `5.1.1 <${address.address}>: Recipient address rejected: User unknown in local recipient table`));
        return;
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        // A message cut off mid-DATA (the sender died) is not accepted: only a complete one counts.
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError(552, "5.3.4 Message too big"));
          return;
        }
        received.push({
          to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          acceptedAt: Date.now(),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;

  const parse = (email: ReceivedEmail): Promise<ParsedEmail> => {
    let cached = parsedCache.get(email);
    if (!cached) {
      cached = simpleParser(email.raw, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true }).then((mail) => {
        const listId = mail.headers.get("list-id");
        const link = REPORT_LINK.exec(mail.text ?? "");
        return {
          to: email.to,
          acceptedAt: email.acceptedAt,
          messageId: normalizeMessageId(mail.messageId),
          subject: mail.subject ?? "",
          reportId: link?.[1]?.toLowerCase(),
          reportLink: link?.[0],
          listId: typeof listId === "string" ? listId : listId ? JSON.stringify(listId) : undefined,
          attachments: mail.attachments.length,
        };
      });
      parsedCache.set(email, cached);
    }
    return cached;
  };

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    faults,
    setTemporaryFailure(on) {
      temporaryFailure = on;
    },
    rejectAddress(address) {
      rejected.add(address.toLowerCase());
    },
    parsed: () => Promise.all(received.map(parse)),
    lastAcceptedAt: () => (received.length > 0 ? Math.max(...received.map((r) => r.acceptedAt)) : undefined),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
