import { randomBytes } from "node:crypto";
import amqp, { type Channel, type ChannelModel } from "amqplib";
import { deleteTopology, topologyFor, type Topology } from "../../src/queue/rabbitmq-topology.js";
import { AMQP_URL } from "./services.js";

/** A prefix of its own for one test's exchanges and queues. */
export function uniquePrefix(label: string): string {
  return `mr-test-${label}-${randomBytes(4).toString("hex")}`;
}

/**
 * A plain amqplib connection beside the code under test: puts raw messages on the queue, reads
 * the dead letters and queue depths, and deletes a test's topology afterwards.
 */
export interface RabbitSideChannel {
  channel: Channel;
  publishRaw(topology: Topology, body: string, messageId?: string): Promise<void>;
  /** Consumes (acks) everything currently in the dead-letter queue. */
  drainDeadLetters(topology: Topology): Promise<{ body: string; reason: string | undefined }[]>;
  messageCount(queue: string): Promise<number>;
  /** Takes every message now in `queue` (acknowledging them) and returns their parsed bodies. */
  takeAll(queue: string): Promise<Record<string, unknown>[]>;
  /** Messages waiting in both job lanes (priority and ordinary). */
  jobCount(topology: Topology): Promise<number>;
  /** takeAll over both job lanes: the priority lane's messages first, each lane in queue order. */
  takeAllJobs(topology: Topology): Promise<Record<string, unknown>[]>;
  deleteAll(prefix: string, retryDelaysMs?: readonly number[]): Promise<void>;
  close(): Promise<void>;
}

export async function openSideChannel(): Promise<RabbitSideChannel> {
  const connection: ChannelModel = await amqp.connect(AMQP_URL);
  connection.on("error", () => undefined);
  const channel = await connection.createConfirmChannel();
  // A test asserting on a missing queue fails through the rejected call, not an unhandled event.
  channel.on("error", () => undefined);
  return {
    channel,
    async publishRaw(topology, body, messageId) {
      await new Promise<void>((resolve, reject) =>
        channel.publish(
          topology.exchange,
          topology.jobsKey,
          Buffer.from(body),
          { persistent: true, messageId, contentType: "application/json" },
          (err: unknown) => (err ? reject(err) : resolve()),
        ),
      );
    },
    async drainDeadLetters(topology) {
      const out: { body: string; reason: string | undefined }[] = [];
      for (;;) {
        const msg = await channel.get(topology.deadQueue, { noAck: true });
        if (!msg) return out;
        const reason = msg.properties.headers?.["x-mr-dead-reason"];
        out.push({ body: msg.content.toString("utf8"), reason: typeof reason === "string" ? reason : undefined });
      }
    },
    async messageCount(queue) {
      return (await channel.checkQueue(queue)).messageCount;
    },
    async takeAll(queue) {
      const expected = (await channel.checkQueue(queue)).messageCount;
      const bodies: Record<string, unknown>[] = [];
      if (expected === 0) return bodies;
      await new Promise<void>((resolve, reject) => {
        channel
          .consume(
            queue,
            (msg) => {
              if (!msg) return reject(new Error("consumer cancelled"));
              bodies.push(JSON.parse(msg.content.toString("utf8")));
              channel.ack(msg);
              if (bodies.length === expected) {
                void channel.cancel(msg.fields.consumerTag).then(() => resolve(), reject);
              }
            },
            { noAck: false },
          )
          .catch(reject);
      });
      return bodies;
    },
    async jobCount(topology) {
      const counts = await Promise.all([topology.priorityQueue, topology.jobsQueue].map((q) => channel.checkQueue(q)));
      return counts.reduce((sum, c) => sum + c.messageCount, 0);
    },
    async takeAllJobs(this: RabbitSideChannel, topology: Topology) {
      return [...(await this.takeAll(topology.priorityQueue)), ...(await this.takeAll(topology.jobsQueue))];
    },
    async deleteAll(prefix, retryDelaysMs) {
      await deleteTopology(channel, topologyFor(prefix, retryDelaysMs));
    },
    async close() {
      await connection.close();
    },
  };
}
