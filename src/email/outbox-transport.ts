import { randomBytes } from "node:crypto";
import { mkdir, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Logger } from "../log/logger.js";
import type { DkimConfig } from "./dkim.js";
import { createMimeComposer, type ComposedMessage } from "./compose-mime.js";
import type { HeldMessage, MailTransport, OutgoingEmail, SendResult } from "./mail-transport.js";
import { createConnectionSlots } from "./connection-slots.js";

export interface OutboxTransportOptions {
  /** DATA_DIR; messages go to `<dataDir>/outbox/`. */
  dataDir: string;
  logger?: Logger;
  /** Sign like the relay would, so DKIM can be checked on a laptop too. */
  dkim?: DkimConfig;
}

/**
 * The embedded default: every message becomes an `.eml` file, byte for byte what would have gone
 * over SMTP (CRLF line endings, so a DKIM signature in it still verifies), and its path is logged
 * so a developer can open it in a mail client.
 */
export function createOutboxTransport(options: OutboxTransportOptions): MailTransport {
  const outboxDir = path.resolve(options.dataDir, "outbox");
  const composer = createMimeComposer(options.dkim);

  async function write(composed: ComposedMessage, to: string): Promise<SendResult> {
    await mkdir(outboxDir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    const file = path.join(outboxDir, `${stamp}-${randomBytes(4).toString("hex")}.eml`);
    // write-then-rename: a reader watching the folder never sees half a message
    const partial = `${file}.partial`;
    await writeFile(partial, composed.raw);
    await rename(partial, file);
    options.logger?.info({ path: file, to, messageId: composed.messageId }, "email written to outbox");
    return { messageId: composed.messageId, responseCode: 250, response: `250 written to ${file}` };
  }

  /** Composed at once like the relay's message; the file is written only on finish(). */
  function hold(message: OutgoingEmail): HeldMessage {
    const composed = composer.compose(message);
    composed.catch(() => undefined);
    return {
      ready: composed.then(
        () => undefined,
        () => undefined,
      ),
      finish: async () => write(await composed, message.to),
      abandon: async () => undefined,
    };
  }
  // A few files at a time, like a few connections: the same shape as the relay for the worker.
  const slots = createConnectionSlots(4, hold);

  return {
    provider: "outbox",
    reserve: slots.reserve,
    send: slots.send,
    async close(): Promise<void> {
      composer.close();
    },
  };
}
