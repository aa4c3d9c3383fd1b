import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import { createTestDatabase, type TestDatabase } from "../../test/support/database.js";
import { deleteTopology, topologyFor } from "../../src/queue/rabbitmq-topology.js";

export const BENCH_AMQP_URL = process.env.BENCH_AMQP_URL ?? "amqp://guest:guest@127.0.0.1:5672";

export type ScratchDatabase = TestDatabase;

/** A migrated database of the benchmark's own, dropped afterwards. */
export function createScratchDatabase(label: string, poolSize = 4): Promise<ScratchDatabase> {
  return createTestDatabase(`mr_bench_${label}`, poolSize);
}

export function scratchPrefix(label: string): string {
  return `mr-bench-${label}-${randomBytes(4).toString("hex")}`;
}

export async function deleteScratchTopologies(prefixes: string[]): Promise<void> {
  if (prefixes.length === 0) return;
  const connection = await amqp.connect(BENCH_AMQP_URL);
  const channel = await connection.createChannel();
  channel.on("error", () => undefined);
  for (const prefix of prefixes) await deleteTopology(channel, topologyFor(prefix));
  await connection.close();
}
