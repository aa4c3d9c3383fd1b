import net from "node:net";
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from "smtp-server";

export interface ReceivedMessage {
  from: string;
  to: string[];
  raw: Buffer;
}

interface SmtpReply {
  code: number;
  message: string;
}

export interface TestSmtpServer {
  url: string;
  port: number;
  received: ReceivedMessage[];
  close(): Promise<void>;
}

function replyError(reply: SmtpReply): Error {
  return Object.assign(new Error(reply.message), { responseCode: reply.code });
}

/**
 * A real SMTP server on a random local port. `rcptReply` lets a test make the server refuse a
 * recipient the way a relay would (550 user unknown, 421 try later, …); `greeting` refuses the
 * connection itself.
 */
export async function startSmtpServer(options: {
  rcptReply?: (address: string) => SmtpReply | undefined;
  greeting?: SmtpReply;
  /** Called when a message's data has arrived; the server answers it once the promise settles (a slow relay). */
  beforeAnswer?: (to: string[]) => Promise<void>;
} = {}): Promise<TestSmtpServer> {
  const received: ReceivedMessage[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 64 * 1024 * 1024,
    onConnect(_session: SMTPServerSession, callback: (err?: Error) => void) {
      callback(options.greeting ? replyError(options.greeting) : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error) => void) {
      const reply = options.rcptReply?.(address.address);
      callback(reply ? replyError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        const envelope = session.envelope;
        const to = envelope.rcptTo.map((r) => r.address);
        void (options.beforeAnswer?.(to) ?? Promise.resolve()).then(() => {
          received.push({ from: envelope.mailFrom ? envelope.mailFrom.address : "", to, raw: Buffer.concat(chunks) });
          callback();
        });
      });
    },
  });
  server.on("error", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as net.AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
