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
  /** The recipients of every DATA command the server accepted, whether or not its message ended. */
  dataStarted: string[][];
  /** Bytes of data received so far for each of dataStarted, in the same order (the end's dot not counted). */
  dataBytes: number[];
  /** Connections the server has taken, in all. */
  connections(): number;
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
  /** Called for each RCPT TO; the server answers it once the promise settles. */
  beforeRcpt?: (address: string) => Promise<void>;
} = {}): Promise<TestSmtpServer> {
  const received: ReceivedMessage[] = [];
  const dataStarted: string[][] = [];
  const dataBytes: number[] = [];
  let connections = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    size: 64 * 1024 * 1024,
    onConnect(_session: SMTPServerSession, callback: (err?: Error) => void) {
      connections++;
      callback(options.greeting ? replyError(options.greeting) : undefined);
    },
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback: (err?: Error) => void) {
      void (options.beforeRcpt?.(address.address) ?? Promise.resolve()).then(() => {
        const reply = options.rcptReply?.(address.address);
        callback(reply ? replyError(reply) : undefined);
      });
    },
    onData(stream, session, callback) {
      const index = dataStarted.push(session.envelope.rcptTo.map((r) => r.address)) - 1;
      dataBytes[index] = 0;
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => {
        chunks.push(c);
        dataBytes[index] += c.length;
      });
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
    dataStarted,
    dataBytes,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
