import net from "node:net";

export interface AmqpPublishGate {
  /** An AMQP URL through the gate (same credentials as the broker's). */
  url: string;
  /** Resolves when a client first tried to publish: its first basic.publish frame was swallowed. */
  firstPublishHeld: Promise<void>;
  /** Connections the gate has shut (each at its first basic.publish). */
  gatedConnections(): number;
  close(): Promise<void>;
}

const PROTOCOL_HEADER_BYTES = 8;
const FRAME_METHOD = 1;
const CLASS_BASIC = 60;
const METHOD_PUBLISH = 40;

/**
 * A TCP proxy in front of RabbitMQ that passes everything until the client sends its first
 * basic.publish, and from then on forwards nothing the client sends. The tick behind it connects,
 * declares the topology, commits its claim and starts publishing — and no message reaches the
 * broker, nor any confirm comes back. Killing the tick then is a kill "between its commit and its
 * publishes", deterministically, without a hook in the tick's code.
 */
export async function startAmqpPublishGate(brokerUrl: string): Promise<AmqpPublishGate> {
  const broker = new URL(brokerUrl);
  const brokerHost = broker.hostname;
  const brokerPort = Number(broker.port || 5672);
  const sockets = new Set<net.Socket>();
  let held = 0;
  let signalFirst!: () => void;
  const firstPublishHeld = new Promise<void>((resolve) => (signalFirst = resolve));

  const server = net.createServer((client) => {
    const upstream = net.connect(brokerPort, brokerHost);
    sockets.add(client);
    sockets.add(upstream);
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
    upstream.on("data", (chunk: Buffer) => client.write(chunk));

    let pending = Buffer.alloc(0);
    let headerSeen = false;
    let gated = false;
    client.on("data", (chunk: Buffer) => {
      if (gated) return;
      pending = Buffer.concat([pending, chunk]);
      let forwardUpTo = 0;
      if (!headerSeen) {
        if (pending.length < PROTOCOL_HEADER_BYTES) return;
        headerSeen = true;
        forwardUpTo = PROTOCOL_HEADER_BYTES;
      }
      // Walk whole frames: type(1) channel(2) size(4) payload(size) frame-end(1).
      while (pending.length - forwardUpTo >= 7) {
        const type = pending.readUInt8(forwardUpTo);
        const size = pending.readUInt32BE(forwardUpTo + 3);
        const frameLength = 7 + size + 1;
        if (pending.length - forwardUpTo < frameLength) break;
        if (type === FRAME_METHOD && size >= 4) {
          const classId = pending.readUInt16BE(forwardUpTo + 7);
          const methodId = pending.readUInt16BE(forwardUpTo + 9);
          if (classId === CLASS_BASIC && methodId === METHOD_PUBLISH) {
            gated = true;
            held++;
            signalFirst();
            break;
          }
        }
        forwardUpTo += frameLength;
      }
      if (forwardUpTo > 0) upstream.write(pending.subarray(0, forwardUpTo));
      pending = gated ? Buffer.alloc(0) : pending.subarray(forwardUpTo);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = new URL(brokerUrl);
  url.hostname = "127.0.0.1";
  url.port = String((server.address() as net.AddressInfo).port);

  return {
    url: url.toString(),
    firstPublishHeld,
    gatedConnections: () => held,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
